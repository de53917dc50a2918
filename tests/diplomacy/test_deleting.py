"""Deleting in the admin: published meetings and articles only by a publisher, people,
organizations and topics that published content refers to by no one (merge them instead),
and never an error page."""

import datetime

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from diplomacy.admin_delete import InUseDeleteMixin
from diplomacy.models import Meeting, Organization, Person, Status, Topic
from tests.admin_pages import messages_of
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def admin_url(obj, view):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def changelist_url(model):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def delete_selected(client, model, objects):
    """The "Delete selected" action, confirmed (as the confirmation page posts it)."""
    return client.post(
        changelist_url(model),
        {
            "action": "delete_selected",
            "_selected_action": [str(obj.pk) for obj in objects],
            "post": "yes",
        },
    )


def exists(obj):
    return type(obj)._base_manager.filter(pk=obj.pk).exists()


def published_meeting():
    return MeetingFactory(status=Status.PUBLISHED)


def scheduled_meeting():
    meeting = MeetingFactory(status=Status.DRAFT)
    meeting.publish(at=timezone.now() + HOUR)
    meeting.save()
    return meeting


def unpublished_meeting():
    meeting = MeetingFactory(status=Status.PUBLISHED, published_at=timezone.now() - HOUR)
    meeting.unpublish()
    meeting.save()
    return meeting


def withdrawn_then_draft_meeting():
    meeting = unpublished_meeting()
    meeting.status = Status.DRAFT
    meeting.save()
    return meeting


def published_article():
    return ArticleFactory(status=Status.PUBLISHED)


def unpublished_article():
    article = ArticleFactory(status=Status.PUBLISHED, published_at=timezone.now() - HOUR)
    article.unpublish()
    article.save()
    return article


PUBLISHED_CONTENT = {
    "published meeting": published_meeting,
    "scheduled meeting": scheduled_meeting,
    "unpublished meeting": unpublished_meeting,
    "meeting public once, back to draft": withdrawn_then_draft_meeting,
    "published article": published_article,
    "unpublished article": unpublished_article,
}


# Published meetings and articles ----------------------------------------------------------


@pytest.mark.parametrize("make", PUBLISHED_CONTENT.values(), ids=PUBLISHED_CONTENT.keys())
def test_an_editor_cannot_delete_what_is_or_was_published_on_its_delete_page(editor_client, make):
    obj = make()
    for response in [
        editor_client.get(admin_url(obj, "delete")),
        editor_client.post(admin_url(obj, "delete"), {"post": "yes"}),
    ]:
        assert response.status_code == 302
        assert response.url == admin_url(obj, "change")
        assert any("Only a publisher can delete" in m for m in messages_of(response))
    assert exists(obj)


@pytest.mark.parametrize("make", PUBLISHED_CONTENT.values(), ids=PUBLISHED_CONTENT.keys())
def test_an_editor_cannot_delete_what_is_or_was_published_with_the_bulk_action(editor_client, make):
    obj = make()
    draft = MeetingFactory(status=Status.DRAFT) if isinstance(obj, Meeting) else None
    draft = draft or ArticleFactory(status=Status.DRAFT)
    response = delete_selected(editor_client, type(obj), [obj, draft])
    assert response.status_code == 302
    assert messages_of(response) == [
        f"Only a publisher can delete {type(obj)._meta.verbose_name_plural} that are or were "
        f"published: “{obj}”. Nothing was deleted."
    ]
    # The whole action is refused: the draft beside it stays too.
    assert exists(obj) and exists(draft)


def test_an_editor_does_not_see_the_delete_link_of_a_published_meeting(editor_client):
    meeting = published_meeting()
    response = editor_client.get(admin_url(meeting, "change"))
    assert admin_url(meeting, "delete") not in response.text
    draft = MeetingFactory(status=Status.DRAFT)
    assert admin_url(draft, "delete") in editor_client.get(admin_url(draft, "change")).text


@pytest.mark.parametrize("model", [Meeting, Article])
def test_an_editor_deletes_a_draft_that_was_never_public(editor_client, model):
    factory = MeetingFactory if model is Meeting else ArticleFactory
    in_review = factory(status=Status.IN_REVIEW)
    assert editor_client.get(admin_url(in_review, "delete")).status_code == 200
    response = editor_client.post(admin_url(in_review, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not exists(in_review)

    drafts = [factory(status=Status.DRAFT) for _ in range(2)]
    response = delete_selected(editor_client, model, drafts)
    assert f"Successfully deleted 2 {model._meta.verbose_name_plural}." in messages_of(response)
    assert not any(exists(draft) for draft in drafts)


@pytest.mark.parametrize("make", PUBLISHED_CONTENT.values(), ids=PUBLISHED_CONTENT.keys())
def test_a_publisher_deletes_what_is_or_was_published(publisher_client, make):
    obj = make()
    assert publisher_client.get(admin_url(obj, "delete")).status_code == 200
    response = publisher_client.post(admin_url(obj, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not exists(obj)

    other = make()
    response = delete_selected(publisher_client, type(other), [other])
    assert f"Successfully deleted 1 {type(other)._meta.verbose_name}." in messages_of(response)
    assert not exists(other)


# People, organizations and topics in published content ------------------------------------


def person_in_a_published_meeting():
    person = PersonFactory(name="Bùi Thanh Sơn")
    return person, MeetingFactory(status=Status.PUBLISHED, people=[person])


def person_tagged_on_a_published_article():
    person = PersonFactory(name="Bùi Thanh Sơn")
    article = ArticleFactory(status=Status.PUBLISHED)
    article.people.add(person)
    return person, article


def organization_in_a_scheduled_meeting():
    organization = OrganizationFactory(name="United Nations")
    meeting = scheduled_meeting()
    meeting.organizations.add(organization)
    return organization, meeting


def organization_tagged_on_a_published_article():
    organization = OrganizationFactory(name="United Nations")
    article = ArticleFactory(status=Status.PUBLISHED)
    article.organizations.add(organization)
    return organization, article


def topic_of_a_published_meeting():
    meeting = MeetingFactory(status=Status.PUBLISHED)
    meeting.topics.add("trade")
    return Topic.objects.get(name="trade"), meeting


def topic_of_a_published_article():
    article = ArticleFactory(status=Status.PUBLISHED)
    article.topics.add("trade")
    return Topic.objects.get(name="trade"), article


IN_USE = {
    "person in a published meeting": person_in_a_published_meeting,
    "person on a published article": person_tagged_on_a_published_article,
    "organization in a scheduled meeting": organization_in_a_scheduled_meeting,
    "organization on a published article": organization_tagged_on_a_published_article,
    "topic of a published meeting": topic_of_a_published_meeting,
    "topic of a published article": topic_of_a_published_article,
}


@pytest.mark.parametrize("user", ["editor_client", "publisher_client"])
@pytest.mark.parametrize("make", IN_USE.values(), ids=IN_USE.keys())
def test_no_one_deletes_what_published_content_refers_to(request, user, make):
    client = request.getfixturevalue(user)
    obj, referrer = make()
    opts = obj._meta

    page = client.get(admin_url(obj, "delete"))
    assert page.status_code == 200
    assert page.context["title"] == f"Cannot delete {opts.verbose_name}"
    listed = (
        f"{referrer._meta.verbose_name.capitalize()}: "
        f'<a href="{admin_url(referrer, "change")}">{referrer}</a> (published)'
    )
    assert listed in [str(item) for item in page.context["protected"]]
    # The way out: merging, in the list where duplicates are merged.
    hint = next(m for m in messages_of(page) if "merged into the record to keep" in m)
    assert f'href="{changelist_url(type(obj))}?q=' in hint
    assert f"Merge selected {opts.verbose_name_plural} (preview first)" in hint

    confirmed = client.post(admin_url(obj, "delete"), {"post": "yes"})
    assert confirmed.status_code == 200
    assert confirmed.context["protected"]

    bulk = delete_selected(client, type(obj), [obj])
    assert bulk.status_code == 200
    assert bulk.context["title"] == f"Cannot delete {opts.verbose_name}"
    assert listed in [str(item) for item in bulk.context["protected"]]
    assert exists(obj) and exists(referrer)


def test_a_person_only_in_draft_articles_can_be_deleted(editor_client):
    person = PersonFactory()
    ArticleFactory(status=Status.DRAFT).people.add(person)
    response = editor_client.post(admin_url(person, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not exists(person)


@pytest.mark.parametrize("user", ["editor_client", "publisher_client"])
def test_a_person_in_a_draft_meeting_gets_the_cannot_delete_page(request, user):
    # The participant row's foreign key protects the person (PROTECT).
    client = request.getfixturevalue(user)
    person = PersonFactory(name="Riyad al-Maliki")
    MeetingFactory(status=Status.DRAFT, people=[person])
    for response in [
        client.get(admin_url(person, "delete")),
        client.post(admin_url(person, "delete"), {"post": "yes"}),
        delete_selected(client, Person, [person]),
    ]:
        assert response.status_code == 200
        assert response.context["title"].startswith("Cannot delete")
        assert "Participant: Riyad al-Maliki" in str(response.context["protected"])
    assert exists(person)


@pytest.mark.parametrize("model", [Person, Organization])
def test_a_row_protected_after_the_confirmation_page_gives_a_message_not_an_error(
    publisher_client, monkeypatch, model
):
    # Someone links the record between the confirmation page and the confirmation: the
    # admin's check saw nothing protecting it, the delete itself meets the foreign key.
    if model is Person:
        obj = PersonFactory()
        MeetingFactory(status=Status.DRAFT, people=[obj])
    else:
        obj = OrganizationFactory()
        OrganizationFactory(parent=obj)
    real = InUseDeleteMixin.get_deleted_objects

    def saw_nothing(self, objs, request):
        deleted, model_count, perms_needed, _protected = real(self, objs, request)
        return deleted, model_count, perms_needed, []

    monkeypatch.setattr(InUseDeleteMixin, "get_deleted_objects", saw_nothing)

    response = publisher_client.post(admin_url(obj, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert response.url == admin_url(obj, "delete")
    assert any(m.startswith("Nothing was deleted: other records") for m in messages_of(response))

    response = delete_selected(publisher_client, model, [obj])
    assert response.status_code == 302
    assert any(m.startswith("Nothing was deleted: other records") for m in messages_of(response))
    assert exists(obj)
    # Nor was the deletion logged.
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
