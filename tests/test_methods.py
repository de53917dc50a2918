"""Public URLs answer GET and HEAD (and POST where a form sends one); TRACE, PUT, DELETE,
PATCH and OPTIONS get 405 with an Allow header."""

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from tests.factories import ArticleFactory, MeetingFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

REFUSED = ["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"]


@pytest.fixture
def addresses():
    """A working address for every named public URL pattern."""
    person = PersonFactory(name="Bùi Thanh Sơn")
    organization = OrganizationFactory(name="United Nations")
    meeting = MeetingFactory(title="Talks", people=[person])
    meeting.organizations.add(organization)
    undated = MeetingFactory(title="Call", start_date=None)
    article = ArticleFactory(headline="Ministers meet")
    section = {"section": "meetings"}
    return {
        "home": reverse("home"),
        "meeting_list": reverse("meeting_list"),
        "meeting_export_csv": reverse("meeting_export_csv"),
        "meeting_export_json": reverse("meeting_export_json"),
        "meeting_calendar": reverse("meeting_calendar"),
        "meeting_feed": reverse("meeting_feed"),
        "meeting_feed_atom": reverse("meeting_feed_atom"),
        "meeting_detail": meeting.get_absolute_url(),
        "meeting_detail_undated": undated.get_absolute_url(),
        "person_list": reverse("person_list"),
        "person_suggest": reverse("person_suggest") + "?q=bui",
        "person_detail": person.get_absolute_url(),
        "country_list": reverse("country_list"),
        "country_detail": reverse("country_detail", args=["vn"]),
        "country_pair": reverse("country_pair", args=["vn", "ps"]),
        "organization_list": reverse("organization_list"),
        "organization_suggest": reverse("organization_suggest") + "?q=united",
        "organization_detail": organization.get_absolute_url(),
        "article_list": reverse("article_list"),
        "article_detail": article.get_absolute_url(),
        "search": reverse("search") + "?q=talks",
        "set_language": reverse("set_language"),
        "sitemap_index": reverse("sitemap_index"),
        "django.contrib.sitemaps.views.sitemap": reverse(
            "django.contrib.sitemaps.views.sitemap", kwargs=section
        ),
        "robots_txt": reverse("robots_txt"),
        "healthz": reverse("healthz"),
    }


def public_pattern_names():
    return {
        pattern.name for pattern in get_resolver().url_patterns if isinstance(pattern, URLPattern)
    }


def test_every_public_url_pattern_is_checked_here(addresses):
    assert public_pattern_names() == set(addresses)


def test_public_urls_answer_get_and_head(client, addresses):
    for name, address in addresses.items():
        for method in ("get", "head"):
            status = getattr(client, method)(address).status_code
            assert status in (200, 302), (name, method, status)


def test_public_urls_refuse_other_methods_with_405_before_any_csrf_check(addresses):
    client = Client(enforce_csrf_checks=True)
    for name, address in addresses.items():
        for method in REFUSED:
            response = client.generic(method, address)
            assert response.status_code == 405, (name, method, response.status_code)
            assert "GET" in response["Allow"], name


def test_only_the_language_switcher_takes_a_post(client, addresses):
    for name, address in addresses.items():
        status = client.post(address, {"language": "vi", "next": "/"}).status_code
        assert status == (302 if name == "set_language" else 405), name
