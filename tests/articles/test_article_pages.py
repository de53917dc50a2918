"""Public article list and article page."""

import pytest

from diplomacy.models import Status
from tests.factories import ArticleFactory, MeetingFactory, PersonFactory, country

pytestmark = pytest.mark.django_db


def test_article_page_shows_the_text_and_its_tagged_entities(client):
    person = PersonFactory(name="Tô Lâm", country=country("VN"))
    meeting = MeetingFactory(title="Talks in Ho Chi Minh City", people=[person])
    article = ArticleFactory(
        headline="Party leaders meet",
        standfirst="Leaders of two parties met.",
        body="First paragraph.\n\nSecond paragraph.",
        byline="Demo desk",
    )
    article.people.add(person)
    article.countries.add(country("VN"))
    article.meetings.add(meeting)
    article.topics.add("Trade")
    response = client.get("/articles/party-leaders-meet/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Party leaders meet · Diplomacy Record</title>" in html
    assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    assert 'href="/people/to-lam/"' in html
    assert 'href="/countries/vn/"' in html
    assert "Talks in Ho Chi Minh City" in html
    assert "Trade" in html


def test_article_page_hides_draft_meetings_it_reports(client):
    article = ArticleFactory(headline="Published report")
    article.meetings.add(MeetingFactory(title="Embargoed meeting", status=Status.DRAFT))
    assert "Embargoed meeting" not in client.get(article.get_absolute_url()).content.decode()


def test_article_list_shows_published_articles_newest_first_and_searches(client):
    ArticleFactory(headline="Older report", published_on="2024-01-01")
    ArticleFactory(headline="Newer report about Hà Nội", published_on="2024-06-01")
    ArticleFactory(headline="Draft report", status=Status.DRAFT)
    response = client.get("/articles/")
    assert [a.headline for a in response.context["page"]] == [
        "Newer report about Hà Nội",
        "Older report",
    ]
    found = client.get("/articles/", {"q": "ha noi"}).context["page"]
    assert [a.headline for a in found] == ["Newer report about Hà Nội"]


def test_article_list_filters_by_outlet_and_survives_junk(client):
    ArticleFactory(headline="Wire story")
    assert len(client.get("/articles/", {"outlet": "test-wire"}).context["page"]) == 1
    for params in [
        {"outlet": "nope"},
        {"outlet": "a\x00b"},
        {"page": "zzz"},
        {"q": "\x00"},
        {"page": "10**9"},
    ]:
        assert client.get("/articles/", params).status_code == 200
