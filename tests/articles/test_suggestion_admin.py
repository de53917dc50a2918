"""The "Suggested entities" panel on the article change page and its actions."""

import datetime
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from diplomacy.models import Person, Position, Status
from tests.admin_pages import change_url, messages_of
from tests.factories import (
    ArticleFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db

WIRE = (
    "Foreign Minister Bùi Thanh Sơn met Indonesian Foreign Minister Retno Marsudi in Geneva "
    "on Monday, on the sidelines of a session of the Human Rights Council.\n\n"
    "Sơn said Vietnam and Indonesia would work together within ASEAN on maritime "
    "cooperation and trade."
)


@pytest.fixture
def record(db):
    return SimpleNamespace(
        son=PersonFactory(name="Bùi Thanh Sơn", country=country("VN")),
        retno=PersonFactory(name="Retno Marsudi", country=country("ID")),
        asean=OrganizationFactory(name="Association of Southeast Asian Nations", acronym="ASEAN"),
    )


@pytest.fixture
def article(record):
    return ArticleFactory(
        headline="Foreign ministers of Vietnam and Indonesia meet in Geneva",
        body=WIRE,
        status=Status.DRAFT,
    )


def tag_url(article):
    return reverse("admin:articles_article_tag_suggestions", args=[article.pk])


def create_url(article):
    return reverse("admin:articles_article_create_person", args=[article.pk])


def panel(client, article):
    response = client.get(change_url(article))
    assert response.status_code == 200
    return response.context["suggestions"]


def rows(panel, kind):
    """{label: entity row} of one group of the panel."""
    (group,) = [group for group in panel["groups"] if group["kind"] == kind]
    return {entity["label"]: entity for entity in group["entities"]}


def test_the_panel_lists_people_countries_and_organizations_with_counts(editor_client, article):
    response = editor_client.get(change_url(article))
    suggestions = response.context["suggestions"]
    people = rows(suggestions, "person")
    assert {label: row["count"] for label, row in people.items()} == {
        "Bùi Thanh Sơn": 2,  # the full name, then "Sơn" alone
        "Retno Marsudi": 1,
    }
    countries = rows(suggestions, "country")
    assert countries["Vietnam"]["count"] == 2  # headline and body
    assert countries["Indonesia"]["count"] == 3  # headline, "Indonesian", body
    assert rows(suggestions, "organization")["Association of Southeast Asian Nations"]["count"] == 1
    assert not any(row["tagged"] for group in suggestions["groups"] for row in group["entities"])
    html = response.content.decode()
    assert "Suggested entities" in html
    assert html.count("not tagged</span>") == 5
    assert "2 mentions" in html
    assert "Foreign Minister <mark>Retno Marsudi</mark> in Geneva" in html
    # Untagged suggestions come pre-checked, for the suggestions form outside the article form.
    assert (
        f'<input type="checkbox" form="suggestions-form" name="people" '
        f'value="{Person.objects.get(name="Retno Marsudi").pk}" checked>'
    ) in html
    assert f'<form id="suggestions-form" method="post" action="{tag_url(article)}"' in html


def test_the_panel_tells_tagged_from_untagged(editor_client, article, record):
    article.people.add(record.son)
    article.countries.add(country("VN"))
    suggestions = panel(editor_client, article)
    assert rows(suggestions, "person")["Bùi Thanh Sơn"]["tagged"]
    assert not rows(suggestions, "person")["Retno Marsudi"]["tagged"]
    assert rows(suggestions, "country")["Vietnam"]["tagged"]
    assert suggestions["untagged_count"] == 3
    html = editor_client.get(change_url(article)).content.decode()
    assert f'name="people" value="{record.son.pk}">' in html  # not pre-checked
    assert html.count("not tagged</span>") == 3


def test_the_snippet_escapes_the_article_text(editor_client, record):
    # Saving drops the script (articles.sanitize); the markup it keeps is escaped here.
    article = ArticleFactory(body="<script>alert(1)</script> Retno Marsudi <b>spoke</b>.")
    html = editor_client.get(change_url(article)).content.decode()
    assert "<mark>Retno Marsudi</mark> &lt;b&gt;spoke&lt;/b&gt;" in html
    assert "alert(1)" not in html


def test_tag_selected_tags_exactly_the_selected_entities(editor_client, editor, article, record):
    data = {"people": [str(record.retno.pk)], "countries": ["ID"], "tag_selected": ""}
    response = editor_client.post(tag_url(article), data)
    assert response.status_code == 302
    assert response.url == change_url(article)
    assert list(article.people.all()) == [record.retno]
    assert list(article.countries.values_list("code", flat=True)) == ["ID"]
    assert not article.organizations.exists()
    article.refresh_from_db()
    assert article.updated_by == editor
    messages = messages_of(editor_client.get(response.url))
    assert "Tagged 1 country (Indonesia), 1 person (Retno Marsudi)." in messages


def test_tag_selected_ignores_junk_and_says_when_nothing_was_chosen(editor_client, article):
    response = editor_client.post(
        tag_url(article),
        {"people": ["x", "-1", "999999"], "countries": ["ZZZ", "<b>"], "tag_selected": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert not article.people.exists() and not article.countries.exists()
    response = editor_client.post(tag_url(article), {"tag_selected": ""}, follow=True)
    assert "Nothing was selected to tag." in messages_of(response)


def test_tag_all_tags_every_suggested_entity(editor_client, article, record):
    article.people.add(record.son)
    response = editor_client.post(tag_url(article), {"tag_all": ""}, follow=True)
    assert set(article.people.all()) == {record.son, record.retno}
    assert set(article.countries.values_list("code", flat=True)) == {"VN", "ID"}
    assert list(article.organizations.all()) == [record.asean]
    # Only what was newly tagged is reported.
    (message,) = messages_of(response)
    assert "1 person (Retno Marsudi)" in message and "Bùi Thanh Sơn" not in message
    groups = response.context["suggestions"]["groups"]
    assert all(row["tagged"] for group in groups for row in group["entities"])


def test_ambiguous_names_are_listed_with_options_and_never_guessed(editor_client, record):
    first = PersonFactory(name="Lê Văn Thành", country=country("VN"))
    PositionFactory(person=first, title="Deputy Prime Minister")
    second = PersonFactory(name="Lê Văn Thành", country=country("FR"))
    article = ArticleFactory(
        body="Deputy Prime Minister Lê Văn Thành met Retno Marsudi.", status=Status.DRAFT
    )
    suggestions = panel(editor_client, article)
    (ambiguity,) = suggestions["ambiguous"]
    assert ambiguity["text"] == "Lê Văn Thành"
    assert {option["key"] for option in ambiguity["options"]} == {first.pk, second.pk}
    html = editor_client.get(change_url(article)).content.decode()
    # Not pre-checked, and told apart by country and office.
    assert f'name="people" value="{first.pk}"> Lê Văn Thành' in html
    assert "(person: Vietnam, Deputy Prime Minister)" in html
    assert "(person: France)" in html

    editor_client.post(tag_url(article), {"tag_all": ""})
    assert list(article.people.all()) == [record.retno]
    editor_client.post(tag_url(article), {"people": [str(second.pk)], "tag_selected": ""})
    assert set(article.people.all()) == {record.retno, second}


def test_a_new_person_is_created_and_tagged_in_one_click(editor_client, editor, record):
    article = ArticleFactory(
        body="Bùi Thanh Sơn received Moroccan Justice Minister Abdellatif Ouahbi in Hà Nội.",
        published_on=datetime.date(2024, 3, 12),
        status=Status.DRAFT,
    )
    (candidate,) = panel(editor_client, article)["candidates"]
    assert candidate["name"] == "Abdellatif Ouahbi"
    assert candidate["country"] == "MA"
    assert "Justice" in candidate["title"]
    html = editor_client.get(change_url(article)).content.decode()
    assert "Create and tag" in html and "Edit before creating" in html

    data = {key: candidate[key] for key in ("name", "title", "country")}
    response = editor_client.post(create_url(article), data, follow=True)
    person = Person.objects.get(name="Abdellatif Ouahbi")
    assert person.country_id == "MA"
    assert person.created_by == editor
    position = Position.objects.get(person=person)
    assert (position.title, position.country_id) == (candidate["title"], "MA")
    assert position.start_date == datetime.date(2024, 3, 12)
    assert list(article.people.all()) == [person]
    (message,) = messages_of(response)
    assert "Created" in message and "Abdellatif Ouahbi" in message and "Morocco" in message

    # A second click tags the same person rather than creating a twin.
    editor_client.post(create_url(article), data)
    assert Person.objects.filter(name="Abdellatif Ouahbi").count() == 1


def test_edit_before_creating_opens_the_person_form_prefilled(editor_client, record):
    article = ArticleFactory(body="Moroccan Justice Minister Abdellatif Ouahbi spoke.")
    (candidate,) = panel(editor_client, article)["candidates"]
    url = urlsplit(candidate["edit_url"])
    assert url.path == reverse("admin:diplomacy_person_add")
    assert parse_qs(url.query) == {"name": ["Abdellatif Ouahbi"], "country": ["MA"]}
    form = editor_client.get(candidate["edit_url"]).context["adminform"].form
    assert form.initial["name"] == "Abdellatif Ouahbi"
    assert form.initial["country"] == "MA"


def test_an_editor_without_change_permission_gets_403(client, article, record):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    response = client.get(change_url(article))
    assert response.status_code == 200 and "suggestions" not in response.context
    assert client.post(tag_url(article), {"tag_all": ""}).status_code == 403
    data = {"name": "Abdellatif Ouahbi", "title": "Minister of Justice", "country": "MA"}
    assert client.post(create_url(article), data).status_code == 403
    assert not article.people.exists()
    assert not Person.objects.filter(name="Abdellatif Ouahbi").exists()


def test_creating_a_person_needs_the_add_person_permission(client, article):
    tagger = UserFactory(username="tagger", is_staff=True)
    tagger.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    client.force_login(tagger)
    assert "Create and tag" not in client.get(change_url(article)).content.decode()
    data = {"name": "Abdellatif Ouahbi", "title": "Minister of Justice", "country": "MA"}
    assert client.post(create_url(article), data).status_code == 403
    assert client.post(tag_url(article), {"tag_all": ""}).status_code == 302


def test_a_get_on_the_actions_returns_405(editor_client, article):
    assert editor_client.get(tag_url(article)).status_code == 405
    assert editor_client.get(create_url(article)).status_code == 405


def test_the_actions_need_a_csrf_token(editor, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(tag_url(article), {"tag_all": ""}).status_code == 403
    assert not article.people.exists()


def test_the_actions_404_for_an_unknown_article(editor_client):
    assert editor_client.post(tag_url(SimpleNamespace(pk=999999)), {}).status_code == 404


def test_the_panel_is_only_on_the_change_page(editor_client, record):
    response = editor_client.get(reverse("admin:articles_article_add"))
    assert "suggestions" not in response.context
    assert "Suggested entities" not in response.content.decode()


def test_the_panel_says_when_the_article_has_no_text(editor_client):
    article = ArticleFactory(headline=" ", standfirst="", body="")
    html = editor_client.get(change_url(article)).content.decode()
    assert "This article has no text yet to suggest entities from." in html
    assert "Tag selected" not in html


def mentioning(people):
    body = "\n\n".join(f"Minister {person.name} attended the session." for person in people)
    return ArticleFactory(headline="A session", body=body, status=Status.DRAFT)


def warm_count(client, url):
    client.get(url)  # builds the suggestion matcher if the record changed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_the_change_page_query_count_does_not_grow_with_suggestions(editor_client):
    few_people = [PersonFactory(name=f"Amara Fewname{i}") for i in range(2)]
    few_article = mentioning(few_people)
    few_article.people.add(few_people[0])
    few, response = warm_count(editor_client, change_url(few_article))
    assert len(rows(response.context["suggestions"], "person")) == 2

    cache.clear()
    many_people = [PersonFactory(name=f"Bertil Manyname{i}") for i in range(8)]
    many_article = mentioning(many_people)
    many_article.people.add(*many_people[:3])
    many, response = warm_count(editor_client, change_url(many_article))
    assert len(rows(response.context["suggestions"], "person")) == 8
    assert many == few


# Tried as a new user would -------------------------------------------------------------


def test_an_editor_tags_a_new_wire_story_in_one_click_and_a_publisher_publishes_it(
    editor_client, publisher_client, record
):
    add = {
        "headline": "Vietnamese and Indonesian foreign ministers meet in Geneva",
        "slug": "",
        "outlet": "",
        "byline": "",
        "published_on": "2024-02-27",
        "source_url": "",
        "status": Status.DRAFT,
        "standfirst": "",
        "body": WIRE.replace("\n\n", "\r\n\r\n"),  # as a browser sends a textarea
        "topics": "",
        "_continue": "Save and continue editing",
    }
    response = editor_client.post(reverse("admin:articles_article_add"), add)
    article = Article.objects.get()
    assert response.status_code == 302 and response.url == change_url(article)

    response = editor_client.get(response.url)
    suggestions = response.context["suggestions"]
    assert {"Bùi Thanh Sơn", "Retno Marsudi"} <= set(rows(suggestions, "person"))
    assert {"Vietnam", "Indonesia"} <= set(rows(suggestions, "country"))
    assert "Tag all suggested" in response.content.decode()

    response = editor_client.post(suggestions["tag_url"], {"tag_all": ""}, follow=True)
    assert any(message.startswith("Tagged") for message in messages_of(response))
    assert set(article.people.all()) == {record.son, record.retno}

    # Submit it for review from the change form, which carries the tags as the form shows
    # them; a publisher publishes it from the same form.
    article.refresh_from_db()
    change = {
        **add,
        "slug": article.slug,
        "status": Status.IN_REVIEW,
        "countries": list(article.countries.values_list("code", flat=True)),
        "people": [str(pk) for pk in article.people.values_list("pk", flat=True)],
        "organizations": [str(pk) for pk in article.organizations.values_list("pk", flat=True)],
        "version": str(article.version),
        "_save": "Save",
    }
    del change["_continue"]
    assert editor_client.post(change_url(article), change).status_code == 302
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    change.update(status=Status.PUBLISHED, version=str(article.version))
    assert publisher_client.post(change_url(article), change).status_code == 302
    article.refresh_from_db()
    assert article.is_published
    assert set(article.people.all()) == {record.son, record.retno}

    public = Client()
    for person in (record.son, record.retno):
        page = public.get(f"/people/{person.slug}/")
        assert page.status_code == 200
        assert article.headline in page.content.decode()
    page = public.get(article.get_absolute_url()).content.decode()
    assert f'<a href="/people/{record.retno.slug}/">Retno Marsudi</a>' in page
