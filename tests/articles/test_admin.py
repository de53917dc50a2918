"""The editors' admin for articles and outlets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Outlet
from diplomacy.models import Status
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    MeetingFactory,
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    country,
)

pytestmark = pytest.mark.django_db


def form_errors(response):
    if response.context is None or "adminform" not in response.context:
        return None
    return response.context["adminform"].form.errors


def assert_saved(response):
    assert response.status_code == 302, form_errors(response)


def found(response):
    return list(response.context["cl"].result_list)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def run_action(client, action, objects):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [str(obj.pk) for obj in objects], "index": "0"},
        follow=True,
    )


def article_post(**overrides):
    data = {
        "headline": "Việt Nam and Palestine hold talks",
        "slug": "",
        "outlet": "",
        "byline": "",
        "published_on": "2024-02-27",
        "source_url": "",
        "status": Status.DRAFT,
        "standfirst": "",
        "body": "First paragraph.\n\nSecond paragraph.",
        "topics": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "model_name, make",
    [("article", lambda: ArticleFactory()), ("outlet", lambda: OutletFactory())],
)
def test_an_editor_can_open_the_changelist_add_and_change_pages(editor_client, model_name, make):
    obj = make()
    for url in [
        reverse(f"admin:articles_{model_name}_changelist"),
        reverse(f"admin:articles_{model_name}_add"),
        reverse(f"admin:articles_{model_name}_change", args=[obj.pk]),
    ]:
        assert editor_client.get(url).status_code == 200, url


def test_it_adds_an_article_with_its_tags(editor_client, editor):
    outlet = OutletFactory(name="Vietnam News Agency")
    son = PersonFactory(name="Bùi Thanh Sơn")
    asean = OrganizationFactory(name="ASEAN")
    meeting = MeetingFactory()
    data = article_post(
        outlet=str(outlet.pk),
        topics="trade, Biển Đông",
        countries=["VN", "PS"],
        people=[str(son.pk)],
        organizations=[str(asean.pk)],
        meetings=[str(meeting.pk)],
    )
    assert_saved(editor_client.post(reverse("admin:articles_article_add"), data))
    article = Article.objects.get()
    assert article.slug == "viet-nam-and-palestine-hold-talks"
    assert article.outlet == outlet
    assert sorted(article.topics.names()) == ["Biển Đông", "trade"]
    assert set(article.countries.values_list("code", flat=True)) == {"VN", "PS"}
    assert list(article.people.all()) == [son]
    assert list(article.organizations.all()) == [asean]
    assert list(article.meetings.all()) == [meeting]
    assert article.created_by == editor
    assert article.updated_by == editor
    assert article.published_at is None


def test_it_adds_an_outlet_with_an_ascii_slug(editor_client):
    data = {
        "name": "Báo Điện tử Đảng",
        "slug": "",
        "website": "",
        "country": "VN",
        "_save": "Save",
    }
    assert_saved(editor_client.post(reverse("admin:articles_outlet_add"), data))
    assert Outlet.objects.get().slug == "bao-dien-tu-dang"


def test_it_records_who_changed_an_article(editor_client, editor):
    author = EditorFactory(username="author")
    article = ArticleFactory(created_by=author, updated_by=author, status=Status.DRAFT)
    data = article_post(
        headline="A new headline",
        slug=article.slug,
        status=article.status,
        version=str(article.version),
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert_saved(editor_client.post(url, data))
    article.refresh_from_db()
    assert article.headline == "A new headline"
    assert article.created_by == author
    assert article.updated_by == editor


def test_the_publish_action_publishes_articles(publisher_client, publisher):
    drafts = ArticleFactory.create_batch(2, status=Status.DRAFT)
    response = run_action(publisher_client, "publish_selected", drafts)
    assert "2 articles published." in [str(m) for m in response.context["messages"]]
    for article in drafts:
        article.refresh_from_db()
        assert article.is_published
        assert article.published_at is not None
        assert article.updated_by == publisher


def test_the_unpublish_action_withdraws_published_articles(publisher_client):
    article = ArticleFactory(status=Status.PUBLISHED)
    run_action(publisher_client, "unpublish_selected", [article])
    article.refresh_from_db()
    assert article.status == Status.UNPUBLISHED


@pytest.mark.parametrize("term", ["Bùi Thanh Sơn", "bui thanh son", "Bui Thanh Son"])
def test_article_search_ignores_diacritics_in_the_body(editor_client, term):
    about = ArticleFactory(body="Minister Bùi Thanh Sơn received the delegation.")
    ArticleFactory(body="Nothing to see.")
    url = reverse("admin:articles_article_changelist")
    assert found(editor_client.get(url, {"q": term})) == [about]


@pytest.mark.parametrize("term", ["bui thanh son", "Bùi Thanh Sơn", "BUI"])
def test_the_people_autocomplete_on_articles_ignores_diacritics(editor_client, term):
    son = PersonFactory(name="Bùi Thanh Sơn")
    PersonFactory(name="Riyad al-Maliki")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "people", "term": term},
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(son.pk), "text": "Bùi Thanh Sơn"}]


def test_the_source_article_autocomplete_finds_a_headline_without_diacritics(editor_client):
    article = ArticleFactory(headline="Hội đàm tại Hà Nội")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article_meetings",
            "field_name": "article",
            "term": "hoi dam",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(article.pk)]


def test_outlet_search_ignores_diacritics(editor_client):
    party = OutletFactory(name="Báo Điện tử Đảng")
    OutletFactory(name="Test Wire")
    url = reverse("admin:articles_outlet_changelist")
    assert [o.pk for o in found(editor_client.get(url, {"q": "dien tu dang"}))] == [party.pk]


def test_the_article_list_shows_outlet_date_topics_and_status(editor_client):
    article = ArticleFactory(status=Status.DRAFT)
    article.topics.add("trade")
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    assert "Test Wire" in response.text
    assert "trade" in response.text
    assert "Draft" in response.text


def make_articles(count):
    for article in ArticleFactory.create_batch(count):
        article.topics.add("trade", "climate")
        article.countries.add(country("VN"))


def test_the_article_list_query_count_does_not_grow_with_rows(editor_client):
    url = reverse("admin:articles_article_changelist")
    make_articles(2)
    few = count_queries(editor_client, url)
    make_articles(8)
    assert count_queries(editor_client, url) == few


def test_the_outlet_list_query_count_does_not_grow_with_rows(editor_client):
    url = reverse("admin:articles_outlet_changelist")
    for i in range(2):
        ArticleFactory(outlet=OutletFactory(name=f"Outlet {i}", country=country("VN")))
    few = count_queries(editor_client, url)
    for i in range(2, 10):
        ArticleFactory(outlet=OutletFactory(name=f"Outlet {i}", country=country("VN")))
    assert count_queries(editor_client, url) == few
