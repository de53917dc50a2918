"""Review of changes to published articles: an editor's change is kept as a pending revision
until a publisher approves it, and readers see the published article until then."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles.models import Article
from diplomacy.models import Person, Revision, Status
from diplomacy.revisions import approve_revision
from tests.admin_pages import change_url, messages_of, save
from tests.factories import ArticleFactory, PersonFactory
from tests.test_security import inline_code

pytestmark = pytest.mark.django_db

SAVED_AS_REVISION = "Your change was saved as a revision for a Publisher to review."
BODY = "The two ministers met in Hà Nội.\n\nThey agreed to expand trade."


def review_url(revision, view="change"):
    return reverse(f"admin:diplomacy_revision_{view}", args=[revision.pk])


@pytest.fixture
def son():
    return PersonFactory(name="Bùi Thanh Sơn")


@pytest.fixture
def article():
    return ArticleFactory(headline="Ministers meet in Hanoi", body=BODY)


def propose_new_headline(client, open_form, article, son):
    data = open_form(client, change_url(article))
    data.update(
        headline="Ministers meet in Hà Nội",
        body=BODY.replace("expand trade", "double trade by 2030"),
        people=[str(son.pk)],
    )
    return save(client, change_url(article), data, follow=True)


@pytest.fixture
def revision(editor_client, open_form, article, son):
    propose_new_headline(editor_client, open_form, article, son)
    return Revision.objects.get()


def test_an_editors_change_to_a_published_article_waits_for_review(
    editor, editor_client, open_form, client, article, son
):
    response = propose_new_headline(editor_client, open_form, article, son)
    assert SAVED_AS_REVISION in messages_of(response)
    article.refresh_from_db()
    assert (article.headline, article.body, article.version) == ("Ministers meet in Hanoi", BODY, 1)
    assert not article.people.exists()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Ministers meet in Hanoi" in page and "2030" not in page

    revision = Revision.objects.get()
    assert (revision.content_object, revision.proposed_by, revision.state) == (
        article,
        editor,
        Revision.State.PENDING,
    )
    assert revision.proposed["headline"] == "Ministers meet in Hà Nội"
    assert revision.proposed["people"] == [son.slug]


def test_the_editor_sees_their_proposed_headline_and_tags_in_the_form(
    editor_client, open_form, revision, son
):
    data = open_form(editor_client, change_url(revision.content_object))
    assert data["headline"] == "Ministers meet in Hà Nội"
    assert "double trade by 2030" in data["body"]
    assert data["people"] == str(son.pk)


def test_the_publisher_sees_the_words_changed_in_the_body(publisher_client, revision):
    response = publisher_client.get(review_url(revision))
    rows = {change.label: change for change in response.context["changes"]}
    assert set(rows) == {"Headline", "Body", "People"}
    assert [piece.text for piece in rows["Headline"].old] == ["Ministers meet in Hanoi"]
    assert [piece.text for piece in rows["Headline"].new] == ["Ministers meet in Hà Nội"]
    assert [(p.text, p.mark) for p in rows["Body"].old if p.mark] == [("expand", "removed")]
    assert [(p.text, p.mark) for p in rows["Body"].new if p.mark] == [
        ("double", "added"),
        (" by 2030", "added"),
    ]
    assert [(p.text, p.mark) for p in rows["People"].new] == [("Bùi Thanh Sơn", "added")]
    html = response.content.decode()
    assert "<del>expand</del>" in html and "<ins>double</ins>" in html
    assert inline_code(html) == []


def test_approving_publishes_the_new_headline_and_body(
    publisher, publisher_client, client, revision, son
):
    article = revision.content_object
    client.get(article.get_absolute_url())  # the published page, now in the cache
    publisher_client.post(review_url(revision, "approve"))
    article.refresh_from_db()
    assert article.headline == "Ministers meet in Hà Nội"
    assert list(article.people.all()) == [son]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Ministers meet in Hà Nội" in page and "double trade by 2030" in page
    latest = article.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        publisher,
        f"Approved revision {revision.pk} proposed by editor",
    )
    assert [row.person_id for row in latest.people.all()] == [son.pk]
    revision.refresh_from_db()
    assert revision.state == Revision.State.APPROVED


def test_rejecting_leaves_the_article_as_it_was(publisher_client, revision):
    publisher_client.post(review_url(revision, "reject"), {"comment": "Keep the old headline."})
    revision.refresh_from_db()
    assert (revision.state, revision.comment) == (
        Revision.State.REJECTED,
        "Keep the old headline.",
    )
    article = Article.objects.get()
    assert (article.headline, article.version) == ("Ministers meet in Hanoi", 1)
    assert not article.people.exists()


def test_a_revision_made_before_the_article_changed_cannot_be_approved(
    publisher, publisher_client, revision
):
    article = revision.content_object
    article.standfirst = "A standfirst added meanwhile."
    article.save()
    response = publisher_client.post(review_url(revision, "approve"), follow=True)
    assert "was changed after this revision was proposed" in messages_of(response)[0]
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == (
        "Ministers meet in Hanoi",
        "A standfirst added meanwhile.",
    )


def test_an_editors_change_to_a_draft_article_applies_at_once(editor_client, open_form, son):
    article = ArticleFactory(headline="Ministers meet in Hanoi", status=Status.DRAFT)
    propose_new_headline(editor_client, open_form, article, son)
    article.refresh_from_db()
    assert article.headline == "Ministers meet in Hà Nội"
    assert not Revision.objects.exists()


def test_a_publishers_change_to_a_published_article_applies_at_once(
    publisher_client, open_form, article, son
):
    propose_new_headline(publisher_client, open_form, article, son)
    article.refresh_from_db()
    assert article.headline == "Ministers meet in Hà Nội"
    assert not Revision.objects.exists()


def test_an_editor_cannot_approve_an_article_revision(editor_client, revision):
    assert editor_client.post(review_url(revision, "approve")).status_code == 403
    assert Article.objects.get().headline == "Ministers meet in Hanoi"


def test_approving_needs_the_publish_permission_of_the_article(editor, revision):
    with pytest.raises(PermissionDenied):
        approve_revision(revision, user=editor)
    assert Revision.objects.get().state == Revision.State.PENDING


def test_an_editors_tagging_from_the_suggestion_panel_of_a_published_article_is_reviewed(
    editor_client, publisher, son
):
    article = ArticleFactory(headline="Talks", body="Bùi Thanh Sơn met his counterpart.")
    url = reverse("admin:articles_article_tag_suggestions", args=[article.pk])
    response = editor_client.post(url, {"people": [str(son.pk)], "tag_selected": ""}, follow=True)
    assert SAVED_AS_REVISION in messages_of(response)
    assert not article.people.exists()
    revision = Revision.objects.get()
    assert revision.proposed_by.username == response.wsgi_request.user.username
    approve_revision(revision, user=publisher)
    assert list(article.people.all()) == [son]


def test_a_person_created_from_the_panel_is_kept_and_tagging_them_is_reviewed(editor_client):
    article = ArticleFactory(
        headline="Talks",
        body="Bùi Thanh Sơn received Moroccan Justice Minister Abdellatif Ouahbi in Hà Nội.",
    )
    url = reverse("admin:articles_article_create_person", args=[article.pk])
    data = {"name": "Abdellatif Ouahbi", "title": "Minister of Justice", "country": "MA"}
    response = editor_client.post(url, data, follow=True)
    assert SAVED_AS_REVISION in messages_of(response)
    person = Person.objects.get(name="Abdellatif Ouahbi")
    assert not article.people.exists()
    assert Revision.objects.get().proposed["people"] == [person.slug]


def test_a_publishers_tagging_from_the_panel_applies_at_once(publisher_client, son):
    article = ArticleFactory(headline="Talks", body="Bùi Thanh Sơn met his counterpart.")
    url = reverse("admin:articles_article_tag_suggestions", args=[article.pk])
    publisher_client.post(url, {"people": [str(son.pk)], "tag_selected": ""})
    assert list(article.people.all()) == [son]
    assert not Revision.objects.exists()
