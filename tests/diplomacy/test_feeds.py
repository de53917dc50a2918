"""RSS and Atom feeds of the meeting list: the list's filters, the latest published meetings,
stable ids, and titles that say which filters apply."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from diplomacy import feeds
from diplomacy.models import Status
from tests.diplomacy.test_exports import FIRST_PUBLISHED, build_record, list_titles
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

RSS_URL = reverse("meeting_feed")
ATOM_URL = reverse("meeting_feed_atom")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def record():
    return build_record()


def rss(client, params=None):
    response = client.get(RSS_URL, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    return ET.fromstring(response.content).find("channel")


def atom(client, params=None):
    response = client.get(ATOM_URL, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def rss_titles(channel):
    return [item.findtext("title") for item in channel.findall("item")]


def test_the_rss_feed_lists_published_meetings_most_recently_published_first(client, record):
    channel = rss(client)
    assert channel.findtext("title") == "Diplomatic meetings"
    # Meetings with a publication time come first, newest first; the rest by id.
    assert rss_titles(channel)[:4] == [
        "Reception of the Palestinian envoy",
        "Meeting with the General Assembly president",
        "Talks with Indonesia in Geneva",
        "Regional summit",
    ]
    assert len(channel.findall("item")) == 7
    assert "Secret draft meeting" not in rss_titles(channel)


def test_an_rss_item_has_a_link_a_description_a_date_and_a_stable_id(client, record):
    reception = record["reception"]
    item = rss(client).find("item")
    assert item.findtext("link") == f"http://testserver{reception.get_absolute_url()}"
    assert item.findtext("pubDate") == "Mon, 13 Jan 2025 09:30:00 +0000"
    guid = item.find("guid")
    assert guid.text == f"tag:testserver,2024:meeting-{reception.pk}"
    assert guid.get("isPermaLink") == "false"
    description = item.findtext("description")
    assert "25 December 2024 · Reception · Hà Nội, Vietnam" in description
    assert "Bùi Thanh Sơn (Minister of Foreign Affairs, VN); Riad Malki (Ambassador, PS)" in (
        description
    )
    assert [c.text for c in item.findall("category")] == ["Reception", "Humanitarian aid", "Trade"]


def test_the_feed_description_escapes_what_editors_typed(client):
    MeetingFactory(title="A & B", summary="<script>alert(1)</script>")
    description = rss(client).find("item").findtext("description")
    assert "<script>" not in description
    assert "&lt;script&gt;" in description


def test_the_feed_title_and_link_carry_the_filters(client, record):
    params = {"country": "PS", "person": "bui-thanh-son", "date_from": "2024-01-01", "page": "2"}
    channel = rss(client, params)
    assert channel.findtext("title") == (
        "Diplomatic meetings: with Palestine; with Bùi Thanh Sơn; from 2024-01-01"
    )
    assert channel.findtext("link") == (
        "http://testserver/meetings/?country=PS&person=bui-thanh-son&date_from=2024-01-01"
    )
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("href") == (
        "http://testserver/meetings/feed/?country=PS&person=bui-thanh-son&date_from=2024-01-01"
    )
    assert rss_titles(channel) == ["Reception of the Palestinian envoy"]


@pytest.mark.parametrize(
    "params",
    [
        {"country": "PS", "person": "bui-thanh-son", "date_from": "2024-01-01"},
        {"country": ["ID", "TT"], "date_from": "2024-02-26", "date_to": "2024-02-26"},
        {"organization": "UN"},
        {"q": "geneva"},
        {},
    ],
)
def test_the_feeds_give_the_meetings_of_the_list(client, record, params):
    expected = sorted(list_titles(client, params))
    assert sorted(rss_titles(rss(client, params))) == expected
    entries = atom(client, params).findall(f"{ATOM}entry")
    assert sorted(entry.findtext(f"{ATOM}title") for entry in entries) == expected


def test_the_atom_feed_has_entries_with_ids_and_dates(client, record):
    feed = atom(client, {"kind": "reception"})
    assert feed.findtext(f"{ATOM}title") == "Diplomatic meetings: kind: Reception"
    [entry] = feed.findall(f"{ATOM}entry")
    reception = record["reception"]
    assert entry.findtext(f"{ATOM}id") == f"tag:testserver,2024:meeting-{reception.pk}"
    assert entry.find(f"{ATOM}link").get("href") == (
        f"http://testserver{reception.get_absolute_url()}"
    )
    assert entry.findtext(f"{ATOM}published") == "2025-01-13T09:30:00+00:00"
    assert entry.findtext(f"{ATOM}updated")
    assert "Riad Malki" in entry.findtext(f"{ATOM}summary")


def test_the_feeds_hold_the_50_most_recently_published_meetings(client):
    for day in range(51):
        MeetingFactory(
            title=f"Meeting published on day {day}",
            published_at=FIRST_PUBLISHED + datetime.timedelta(days=day),
        )
    titles = rss_titles(rss(client))
    assert len(titles) == feeds.FEED_LIMIT == 50
    assert titles[0] == "Meeting published on day 50"
    assert "Meeting published on day 0" not in titles
    assert len(atom(client).findall(f"{ATOM}entry")) == 50


def test_a_meeting_unpublished_again_leaves_the_feeds(client, record):
    reception = record["reception"]
    reception.status = Status.DRAFT
    reception.save()
    assert "Reception of the Palestinian envoy" not in rss_titles(rss(client))


def test_a_malformed_parameter_gives_a_plain_text_400_from_the_feeds(client, record):
    for url in (RSS_URL, ATOM_URL):
        response = client.get(url, {"date_from": "26/02/2024", "country": "Vietnam"})
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        text = response.content.decode()
        assert "date_from: Enter a valid date." in text
        assert "country: “Vietnam” is not a country code" in text


def test_the_feeds_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for number in range(30):
        MeetingFactory(title=f"Meeting {number}").topics.add("Trade")
    with django_assert_max_num_queries(8):
        rss(client)
