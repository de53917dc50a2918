"""Absolute URLs come from the canonical SITE_URL, never from the request's Host header: a
request with a made-up port cannot put that port into pages cached for later readers."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, MeetingFactory, PersonFactory, country

pytestmark = pytest.mark.django_db

HOSTILE_HOST = "localhost:6666"


@pytest.fixture
def meeting():
    son = PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
    meeting = MeetingFactory(title="Talks in Hà Nội", people=[son])
    parent = MeetingFactory(title="Summit")
    meeting.parent = parent
    meeting.save()
    ArticleFactory(headline="Ministers meet").meetings.add(meeting)
    return meeting


def public_addresses(meeting):
    return [
        reverse("sitemap_index"),
        reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": "meetings"}),
        reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": "pages"}),
        reverse("meeting_feed"),
        reverse("meeting_feed_atom"),
        meeting.get_absolute_url(),
        reverse("meeting_export_json") + "?page_size=1",
        reverse("meeting_export_csv"),
        reverse("meeting_calendar"),
        reverse("robots_txt"),
    ]


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_a_hostile_host_port_never_reaches_any_page_or_a_later_reader(client, meeting):
    for address in public_addresses(meeting):
        poisoned = client.get(address, HTTP_HOST=HOSTILE_HOST)
        assert poisoned.status_code == 200, address
        assert "6666" not in body(poisoned), address
        later = body(client.get(address))
        assert "6666" not in later, address
        assert "http://testserver/" in later, address


def test_every_absolute_url_starts_with_the_configured_site_url(client, meeting, settings):
    settings.SITE_URL = "https://record.example.org"
    for address in public_addresses(meeting):
        text = body(client.get(address, HTTP_HOST="localhost"))
        assert "https://record.example.org/" in text, address
        assert "http://localhost" not in text, address
        assert "testserver" not in text, address


def test_feed_and_calendar_identifiers_use_the_canonical_host_name(client, meeting, settings):
    settings.SITE_URL = "https://record.example.org:8443"
    feed = client.get(reverse("meeting_feed"), HTTP_HOST=HOSTILE_HOST).content.decode()
    assert f"tag:record.example.org,2024:meeting-{meeting.pk}" in feed
    calendar = client.get(reverse("meeting_calendar"), HTTP_HOST=HOSTILE_HOST).content.decode()
    assert f"meeting-{meeting.pk}@record.example.org" in calendar


def test_the_json_export_pages_link_to_the_canonical_address(client, meeting, settings):
    MeetingFactory(title="Another meeting")
    page = client.get(
        reverse("meeting_export_json") + "?page_size=1", HTTP_HOST=HOSTILE_HOST
    ).json()
    assert page["next"].startswith("http://testserver/meetings/export.json?")
    assert page["results"][0]["url"].startswith("http://testserver/meetings/")
