"""The editorial workflow: draft, in review, published (now or scheduled), unpublished; who
may move a meeting or an article where."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from diplomacy.models import Meeting, Person, Revision, Status
from tests.admin_pages import change_url, save
from tests.factories import ArticleFactory, MeetingFactory, PersonFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
REFUSAL = "Only a publisher can publish, unpublish or schedule this"


def split_datetime(moment):
    """The admin's two inputs for a date and time, in the site's time zone."""
    local = timezone.localtime(moment)
    return {"publish_at_0": local.strftime("%Y-%m-%d"), "publish_at_1": local.strftime("%H:%M:%S")}


def errors(response):
    form = response.context["adminform"].form
    return [str(error) for field_errors in form.errors.values() for error in field_errors]


def run_action(client, model, action, objects):
    opts = model._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [str(obj.pk) for obj in objects], "index": "0"},
        follow=True,
    )


def status_choices(response):
    return [value for value, _ in response.context["adminform"].form["status"].field.widget.choices]


# What readers see -------------------------------------------------------------------------


def test_published_means_published_and_not_waiting_for_a_scheduled_time():
    now = timezone.now()
    visible = [
        MeetingFactory(status=Status.PUBLISHED),
        MeetingFactory(status=Status.PUBLISHED, publish_at=now - HOUR),
    ]
    for status in [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED]:
        MeetingFactory(status=status)
    MeetingFactory(status=Status.PUBLISHED, publish_at=now + HOUR)
    assert set(Meeting.objects.published()) == set(visible)


def test_a_scheduled_meeting_stays_hidden_until_its_time_then_appears(client, monkeypatch):
    now = timezone.now()
    person = PersonFactory(name="Lê Hoài Trung")
    meeting = MeetingFactory(
        title="Embargoed talks", status=Status.PUBLISHED, publish_at=now + HOUR, people=[person]
    )
    assert meeting.is_scheduled and not meeting.is_published
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert "Embargoed talks" not in client.get(reverse("meeting_list")).content.decode()
    assert person not in Person.objects.public()

    later = now + 2 * HOUR
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert meeting.is_published
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert "Embargoed talks" in client.get(reverse("meeting_list")).content.decode()
    assert person in Person.objects.public()


def test_a_scheduled_article_stays_hidden_until_its_time(client):
    article = ArticleFactory(status=Status.PUBLISHED, publish_at=timezone.now() + HOUR)
    assert list(Article.objects.published()) == []
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED])
def test_meetings_in_other_statuses_are_not_public(client, status):
    meeting = MeetingFactory(status=status)
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_the_statuses_stored_before_the_workflow_keep_their_meaning():
    assert Status("draft") == Status.DRAFT
    assert Status("published") == Status.PUBLISHED


# The model --------------------------------------------------------------------------------


def test_publishing_stamps_the_first_publication_once():
    meeting = MeetingFactory(status=Status.DRAFT)
    meeting.publish()
    first = meeting.published_at
    assert first is not None
    meeting.unpublish()
    assert meeting.status == Status.UNPUBLISHED
    meeting.publish()
    assert meeting.published_at == first


def test_a_scheduled_publication_is_first_published_at_its_time():
    at = timezone.now() + HOUR
    meeting = MeetingFactory(status=Status.DRAFT)
    meeting.publish(at=at)
    assert (meeting.status, meeting.published_at) == (Status.PUBLISHED, at)


def test_calling_off_a_scheduled_publication_returns_it_to_draft():
    meeting = MeetingFactory(status=Status.DRAFT)
    meeting.publish(at=timezone.now() + HOUR)
    meeting.unpublish()
    assert (meeting.status, meeting.published_at) == (Status.DRAFT, None)


def test_unpublishing_something_readers_saw_withdraws_it():
    meeting = MeetingFactory(status=Status.PUBLISHED)
    meeting.unpublish()
    assert meeting.status == Status.UNPUBLISHED


# Editors ----------------------------------------------------------------------------------


def test_an_editor_is_offered_draft_and_in_review_only(editor_client):
    response = editor_client.get(reverse("admin:diplomacy_meeting_add"))
    assert status_choices(response) == [Status.DRAFT, Status.IN_REVIEW]
    assert response.context["adminform"].form.fields["publish_at"].disabled


def test_a_publisher_is_offered_every_status_and_the_schedule(publisher_client):
    response = publisher_client.get(reverse("admin:diplomacy_meeting_add"))
    assert status_choices(response) == [s.value for s in Status]
    assert not response.context["adminform"].form.fields["publish_at"].disabled


def test_an_editor_submits_a_draft_for_review(editor_client, open_form):
    meeting = MeetingFactory(status=Status.DRAFT)
    data = open_form(editor_client, change_url(meeting))
    data["status"] = Status.IN_REVIEW
    assert save(editor_client, change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.UNPUBLISHED])
def test_an_editor_cannot_publish_or_unpublish_by_posting_the_status(
    editor_client, open_form, status
):
    meeting = MeetingFactory(status=Status.IN_REVIEW)
    data = open_form(editor_client, change_url(meeting))
    data["status"] = status
    response = save(editor_client, change_url(meeting), data)
    assert response.status_code == 200
    assert any(REFUSAL in error for error in errors(response))
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW


def test_an_editor_cannot_schedule_by_posting_a_time(editor_client, open_form):
    meeting = MeetingFactory(status=Status.IN_REVIEW)
    data = open_form(editor_client, change_url(meeting))
    data.update(split_datetime(timezone.now() + HOUR))
    response = save(editor_client, change_url(meeting), data)
    assert response.status_code == 200
    assert any(REFUSAL in error for error in errors(response))
    meeting.refresh_from_db()
    assert meeting.publish_at is None


def test_an_editor_cannot_add_a_meeting_already_published(editor_client, open_form):
    data = open_form(editor_client, reverse("admin:diplomacy_meeting_add"))
    data.update(title="Talks", kind=Meeting.Kind.TALKS, status=Status.PUBLISHED)
    response = save(editor_client, reverse("admin:diplomacy_meeting_add"), data)
    assert response.status_code == 200
    assert any(REFUSAL in error for error in errors(response))
    assert not Meeting.objects.exists()


def test_an_editors_correction_to_a_published_meeting_leaves_it_published(editor_client, open_form):
    meeting = MeetingFactory(title="Talks in Hanoi", status=Status.PUBLISHED)
    response = editor_client.get(change_url(meeting))
    assert response.context["adminform"].form.fields["status"].disabled
    data = open_form(editor_client, change_url(meeting))
    assert "status" not in data  # disabled: the browser does not send it
    data["title"] = "Talks in Hà Nội"
    assert save(editor_client, change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    # The correction waits for a publisher's review (test_revisions.py).
    assert (meeting.title, meeting.status) == ("Talks in Hanoi", Status.PUBLISHED)
    [revision] = Revision.objects.pending()
    assert revision.proposed["title"] == "Talks in Hà Nội"


def test_an_editor_cannot_unpublish_a_published_meeting_by_posting_draft(editor_client, open_form):
    meeting = MeetingFactory(status=Status.PUBLISHED)
    data = open_form(editor_client, change_url(meeting))
    data["status"] = Status.DRAFT
    response = save(editor_client, change_url(meeting), data)
    assert response.status_code == 200
    assert any(REFUSAL in error for error in errors(response))
    meeting.refresh_from_db()
    assert meeting.status == Status.PUBLISHED


def test_an_editor_may_take_a_withdrawn_meeting_back_to_draft(editor_client, open_form):
    meeting = MeetingFactory(status=Status.UNPUBLISHED)
    data = open_form(editor_client, change_url(meeting))
    data["status"] = Status.DRAFT
    assert save(editor_client, change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.DRAFT


def test_an_editor_cannot_publish_an_article_either(editor_client, open_form):
    article = ArticleFactory(status=Status.IN_REVIEW)
    data = open_form(editor_client, change_url(article))
    data["status"] = Status.PUBLISHED
    response = save(editor_client, change_url(article), data)
    assert response.status_code == 200
    assert any(REFUSAL + " article" in error for error in errors(response))
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW


def test_an_editor_has_the_review_action_but_not_the_publishing_ones(editor_client):
    MeetingFactory(status=Status.DRAFT)
    response = editor_client.get(reverse("admin:diplomacy_meeting_changelist"))
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in actions
    assert "publish_selected" not in actions
    assert "unpublish_selected" not in actions


def test_posting_the_publish_action_as_an_editor_changes_nothing(editor_client):
    meeting = MeetingFactory(status=Status.IN_REVIEW)
    run_action(editor_client, Meeting, "publish_selected", [meeting])
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW


def test_the_review_action_submits_drafts_only(editor_client):
    draft = MeetingFactory(status=Status.DRAFT)
    published = MeetingFactory(status=Status.PUBLISHED)
    response = run_action(editor_client, Meeting, "submit_for_review", [draft, published])
    assert "1 meeting submitted for review." in [str(m) for m in response.context["messages"]]
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == (Status.IN_REVIEW, Status.PUBLISHED)


# Publishers -------------------------------------------------------------------------------


def test_a_publisher_schedules_a_meeting(publisher_client, open_form, client):
    meeting = MeetingFactory(status=Status.IN_REVIEW, sourced=True)
    at = (timezone.now() + HOUR).replace(microsecond=0)
    data = open_form(publisher_client, change_url(meeting))
    data.update(status=Status.PUBLISHED, **split_datetime(at))
    assert save(publisher_client, change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.publish_at, meeting.published_at) == (
        Status.PUBLISHED,
        at,
        at,
    )
    assert client.get(meeting.get_absolute_url()).status_code == 404
    changelist = publisher_client.get(reverse("admin:diplomacy_meeting_changelist"))
    assert "Scheduled for" in changelist.content.decode()


def test_a_publisher_publishes_an_article_in_review(publisher_client, open_form):
    article = ArticleFactory(status=Status.IN_REVIEW)
    data = open_form(publisher_client, change_url(article))
    data["status"] = Status.PUBLISHED
    assert save(publisher_client, change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_published and article.published_at is not None


def test_the_unpublish_action_withdraws_and_keeps_the_first_publication(publisher_client, client):
    meeting = MeetingFactory(status=Status.DRAFT, sourced=True)
    run_action(publisher_client, Meeting, "publish_selected", [meeting])
    meeting.refresh_from_db()
    first = meeting.published_at
    assert client.get(meeting.get_absolute_url()).status_code == 200
    response = run_action(publisher_client, Meeting, "unpublish_selected", [meeting])
    assert "1 meeting unpublished." in [str(m) for m in response.context["messages"]]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_at) == (Status.UNPUBLISHED, first)
    assert client.get(meeting.get_absolute_url()).status_code == 404
