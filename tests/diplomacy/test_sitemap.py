"""The sitemap lists every public page and nothing private; robots.txt points crawlers to it."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diplomacy import urls
from diplomacy.models import Status
from diplomacy.sitemaps import SITEMAPS
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    country,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def site():
    son = PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
    malki = PersonFactory(name="Riad Malki", country=country("PS"))
    writer_subject = PersonFactory(name="Retno Marsudi", country=country("ID"))
    un = OrganizationFactory(name="United Nations", acronym="UN")
    meeting = MeetingFactory(title="Talks in Hà Nội", people=[son, malki])
    meeting.organizations.add(un)
    undated = MeetingFactory(title="Undated call", start_date=None, people=[son])
    article = ArticleFactory(headline="Ministers meet")
    article.people.add(writer_subject)

    secret_person = PersonFactory(name="Embargoed Envoy", country=country("KH"))
    secret_org = OrganizationFactory(name="Embargoed Council")
    draft = MeetingFactory(title="Embargoed meeting", status=Status.DRAFT, people=[secret_person])
    draft.organizations.add(secret_org)
    draft_article = ArticleFactory(headline="Embargoed article", status=Status.DRAFT)
    draft_article.people.add(secret_person)
    return {
        "public": [son, malki, writer_subject, un, meeting, undated, article],
        "private": [secret_person, secret_org, draft, draft_article],
        "meeting": meeting,
    }


def section_addresses(client):
    """The section sitemaps the index at /sitemap.xml lists."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ET.fromstring(response.content)
    return [node.findtext(f"{SITEMAP}loc") for node in index.findall(f"{SITEMAP}sitemap")]


def sitemap_entries(client):
    entries = {}
    for address in section_addresses(client):
        response = client.get(address.removeprefix("http://testserver"))
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        entries.update(
            {
                url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
                for url in root.findall(f"{SITEMAP}url")
            }
        )
    return entries


def test_the_sitemap_is_an_index_of_sections(client, site):
    assert sorted(section_addresses(client)) == sorted(
        f"http://testserver/sitemap-{section}.xml" for section in SITEMAPS
    )


def test_the_sitemap_lists_the_home_page_and_the_lists(client, site):
    entries = sitemap_entries(client)
    for name in ("home", "meeting_list", "person_list", "country_list", "article_list"):
        assert f"http://testserver{reverse(name)}" in entries
    assert "http://testserver/organizations/" in entries


def test_the_sitemap_lists_published_content_and_public_entities(client, site):
    entries = sitemap_entries(client)
    for obj in site["public"]:
        assert f"http://testserver{obj.get_absolute_url()}" in entries


def test_the_sitemap_never_lists_drafts_or_entities_only_drafts_mention(client, site):
    entries = sitemap_entries(client)
    for obj in site["private"]:
        assert f"http://testserver{obj.get_absolute_url()}" not in entries
    assert not [loc for loc in entries if "embargoed" in loc]


def test_the_sitemap_lists_the_countries_with_published_meetings_only(client, site):
    countries = {loc for loc in sitemap_entries(client) if "/countries/" in loc}
    assert countries == {
        "http://testserver/countries/",
        "http://testserver/countries/vn/",
        "http://testserver/countries/ps/",
    }


def test_meetings_and_articles_in_the_sitemap_carry_their_last_change(client, site):
    entries = sitemap_entries(client)
    meeting = site["meeting"]
    assert entries[f"http://testserver{meeting.get_absolute_url()}"] == (
        meeting.updated.date().isoformat()
    )


def test_the_sitemap_takes_a_fixed_number_of_queries(client, site):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            sitemap_entries(client)
        return len(captured)

    few = queries()
    MeetingFactory.create_batch(10, people=[PersonFactory()])
    assert queries() == few


def test_robots_txt_allows_all_but_the_admin_and_the_exports_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Allow: /\n"
        "Disallow: /admin/\n"
        "Disallow: /meetings/export.csv\n"
        "Disallow: /meetings/export.json\n"
        "Disallow: /meetings/calendar.ics\n"
        "Disallow: /people/suggest/\n"
        "Disallow: /organizations/suggest/\n"
        "\n"
        "Sitemap: http://testserver/sitemap.xml\n"
    )


def test_robots_txt_leaves_the_feeds_open_to_crawlers(client):
    text = client.get("/robots.txt").content.decode()
    assert "/meetings/feed/" not in text


def test_robots_txt_does_not_publish_an_admin_moved_from_its_default_address(client, monkeypatch):
    monkeypatch.setattr(urls, "ADMIN_PATH", "back-office-7f3a/")
    text = client.get("/robots.txt").content.decode()
    assert "back-office" not in text
    assert "Disallow: /admin/" not in text
    assert "Disallow: /meetings/export.csv" in text


def test_robots_txt_names_the_sitemap_at_the_canonical_address_whatever_the_host(client, settings):
    settings.SITE_URL = "https://record.example.org"
    text = client.get("/robots.txt", secure=False, HTTP_HOST="localhost").content.decode()
    assert text.endswith("Sitemap: https://record.example.org/sitemap.xml\n")
