"""Review of changes to published meetings: an editor's change is kept as a pending revision
until a publisher approves it, and readers see the published meeting until then."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diplomacy.models import Meeting, Participant, Revision, Status
from diplomacy.revisions import (
    RevisionError,
    approve_revision,
    propose_revision,
    reject_revision,
    snapshot,
)
from tests.admin_pages import change_url, messages_of, save
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    MeetingFactory,
    PersonFactory,
    PositionFactory,
    country,
)
from tests.test_security import inline_code

pytestmark = pytest.mark.django_db

SAVED_AS_REVISION = "Your change was saved as a revision for a Publisher to review."


def review_url(revision, view="change"):
    return reverse(f"admin:diplomacy_revision_{view}", args=[revision.pk])


@pytest.fixture
def son():
    return PersonFactory(name="Bùi Thanh Sơn")


@pytest.fixture
def retno():
    return PersonFactory(name="Retno Marsudi", country=country("ID"))


@pytest.fixture
def meeting(son):
    PositionFactory(person=son, title="Minister of Foreign Affairs")
    return MeetingFactory(title="Talks in Hanoi", people=[son])


def propose_talks_in_ha_noi(client, open_form, meeting, retno):
    """As an editor: a new title, another title for the first participant, and a second one."""
    data = open_form(client, change_url(meeting))
    data.update(
        {
            "title": "Talks in Hà Nội",
            "participants-0-title": "Deputy Prime Minister",
            "participants-1-person": str(retno.pk),
            "participants-1-role": Participant.Role.GUEST,
        }
    )
    return save(client, change_url(meeting), data, follow=True)


@pytest.fixture
def revision(editor_client, open_form, meeting, retno):
    propose_talks_in_ha_noi(editor_client, open_form, meeting, retno)
    return Revision.objects.get()


# Proposing -----------------------------------------------------------------------------------


def test_an_editors_change_to_a_published_meeting_waits_for_review(
    editor, editor_client, open_form, client, meeting, retno, son
):
    response = propose_talks_in_ha_noi(editor_client, open_form, meeting, retno)

    assert SAVED_AS_REVISION in messages_of(response)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version, meeting.status) == (
        "Talks in Hanoi",
        1,
        Status.PUBLISHED,
    )
    assert [(p.person, p.title) for p in meeting.participants.all()] == [
        (son, "Minister of Foreign Affairs")
    ]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Talks in Hanoi" in page and "Hà Nội" not in page and "Retno" not in page

    revision = Revision.objects.get()
    assert (revision.state, revision.proposed_by, revision.base_version) == (
        Revision.State.PENDING,
        editor,
        1,
    )
    assert revision.content_object == meeting
    assert revision.base == snapshot(meeting)
    assert revision.proposed["title"] == "Talks in Hà Nội"
    assert [(p["person"], p["title"]) for p in revision.proposed["participants"]] == [
        (son.slug, "Deputy Prime Minister"),
        (retno.slug, ""),
    ]
    # What the save does besides (the sides of the participants) is in the proposal too.
    assert revision.proposed["countries"] == ["ID", "VN"]
    assert "status" not in revision.proposed


def test_a_scheduled_meeting_is_reviewed_too(editor_client, open_form, meeting, retno):
    Meeting.objects.filter(pk=meeting.pk).update(
        publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    response = propose_talks_in_ha_noi(editor_client, open_form, meeting, retno)
    assert SAVED_AS_REVISION in messages_of(response)
    assert Meeting.objects.get().title == "Talks in Hanoi"


def test_the_editor_edits_their_pending_revision_and_a_second_save_replaces_it(
    editor_client, open_form, revision, retno
):
    meeting = revision.content_object
    response = editor_client.get(change_url(meeting))
    assert "You proposed a change to this meeting" in response.content.decode()

    data = open_form(editor_client, change_url(meeting))
    assert data["title"] == "Talks in Hà Nội"
    assert data["participants-0-title"] == "Deputy Prime Minister"
    assert data["participants-1-person"] == str(retno.pk)
    assert data["version"] == "1"

    data["title"] = "Talks in Hà Nội, Vietnam"
    save(editor_client, change_url(meeting), data, follow=True)
    revision.refresh_from_db()
    assert revision.state == Revision.State.SUPERSEDED
    replacement = Revision.objects.pending().get()
    assert replacement.proposed["title"] == "Talks in Hà Nội, Vietnam"
    assert len(replacement.proposed["participants"]) == 2
    assert Meeting.objects.get().title == "Talks in Hanoi"


def test_a_participant_removed_in_a_revision_is_shown_ticked_for_deletion(
    editor_client, open_form, meeting, retno
):
    Participant.objects.create(meeting=meeting, person=retno, order=1)
    data = open_form(editor_client, change_url(meeting))
    data["participants-1-DELETE"] = "on"
    save(editor_client, change_url(meeting), data, follow=True)
    assert Participant.objects.filter(meeting=meeting).count() == 2

    data = open_form(editor_client, change_url(meeting))
    assert data["participants-1-DELETE"] == "on"
    assert "participants-0-DELETE" not in data


def test_saving_the_published_values_keeps_no_revision(editor_client, open_form, meeting):
    response = save(
        editor_client,
        change_url(meeting),
        open_form(editor_client, change_url(meeting)),
        follow=True,
    )
    assert "Nothing differs from the published meeting" in messages_of(response)[0]
    assert not Revision.objects.exists()


def test_another_editor_sees_that_a_revision_is_pending_and_the_published_values(
    open_form, revision
):
    other = Client()
    other.force_login(EditorFactory(username="other", first_name="Minh", last_name="Anh"))
    meeting = revision.content_object
    page = other.get(change_url(meeting)).content.decode()
    assert "editor proposed a change to this meeting" in page
    assert open_form(other, change_url(meeting))["title"] == "Talks in Hanoi"


def test_an_editor_is_told_that_changes_to_a_published_meeting_are_reviewed(editor_client, meeting):
    page = editor_client.get(change_url(meeting)).content.decode()
    assert "your changes are saved as a revision" in page


def test_an_editors_change_to_a_draft_applies_at_once(editor_client, open_form, son):
    meeting = MeetingFactory(title="Talks in Hanoi", status=Status.DRAFT, people=[son])
    data = open_form(editor_client, change_url(meeting))
    data["title"] = "Talks in Hà Nội"
    response = save(editor_client, change_url(meeting), data, follow=True)
    assert SAVED_AS_REVISION not in messages_of(response)
    assert Meeting.objects.get().title == "Talks in Hà Nội"
    assert not Revision.objects.exists()


def test_a_publishers_change_to_a_published_meeting_applies_at_once(
    publisher_client, open_form, client, meeting
):
    data = open_form(publisher_client, change_url(meeting))
    data["title"] = "Talks in Hà Nội"
    save(publisher_client, change_url(meeting), data, follow=True)
    assert Meeting.objects.get().title == "Talks in Hà Nội"
    assert (
        "Talks in Hà Nội" in client.get(Meeting.objects.get().get_absolute_url()).content.decode()
    )
    assert not Revision.objects.exists()


def test_an_editor_still_cannot_publish_through_a_revision(editor_client, open_form):
    meeting = MeetingFactory(status=Status.UNPUBLISHED)
    data = open_form(editor_client, change_url(meeting))
    data["status"] = Status.PUBLISHED
    response = editor_client.post(change_url(meeting), {**data, "_save": "Save"})
    assert response.status_code == 200
    assert Meeting.objects.get().status == Status.UNPUBLISHED
    assert not Revision.objects.exists()


def test_an_editor_reverting_a_published_meeting_proposes_a_revision(
    editor_client, open_form, publisher_client, meeting
):
    first = meeting.history.earliest()
    data = open_form(publisher_client, change_url(meeting))
    data["title"] = "Talks (renamed)"
    save(publisher_client, change_url(meeting), data, follow=True)

    url = reverse("admin:diplomacy_meeting_simple_history", args=[meeting.pk, first.history_id])
    response = editor_client.post(url, open_form(editor_client, url), follow=True)
    assert SAVED_AS_REVISION in messages_of(response)
    assert Meeting.objects.get().title == "Talks (renamed)"
    assert Revision.objects.get().proposed["title"] == "Talks in Hanoi"


# Reviewing ---------------------------------------------------------------------------------


def test_the_publisher_sees_what_the_revision_changes(publisher_client, revision):
    meeting = revision.content_object
    response = publisher_client.get(review_url(revision))
    assert response.status_code == 200
    rows = {change.label: change for change in response.context["changes"]}
    assert [piece.text for piece in rows["Title"].old] == ["Talks in Hanoi"]
    assert [piece.text for piece in rows["Title"].new] == ["Talks in Hà Nội"]
    assert [(piece.text, piece.mark) for piece in rows["Participants"].new] == [
        ("Bùi Thanh Sơn (Deputy Prime Minister, Vietnam, Participant)", "added"),
        ("Retno Marsudi (Indonesia, Guest)", "added"),
    ]
    assert [(piece.text, piece.mark) for piece in rows["Countries"].new] == [
        ("Indonesia", "added"),
        ("Vietnam", ""),
    ]
    assert set(rows) == {"Title", "Participants", "Countries"}
    html = response.content.decode()
    assert "Talks in Hanoi" in html and "Talks in Hà Nội" in html
    assert "<ins>Indonesia</ins>" in html
    assert "admin-revisions.css" in html
    assert inline_code(html) == []
    assert meeting.title in html  # the record it changes


def test_choices_and_related_records_are_shown_by_their_names(publisher, son):
    parent = MeetingFactory(title="ASEAN Foreign Ministers' Meeting")
    meeting = MeetingFactory(title="Talks", people=[son])
    proposed = {
        **snapshot(meeting),
        "kind": Meeting.Kind.PHONE_CALL,
        "parent": parent.slug,
        "start_date": "2024-02-27",
        "location_country": "LA",
    }
    editor = EditorFactory()
    revision = propose_revision(meeting, proposed, user=editor)
    client = Client()
    client.force_login(publisher)
    rows = {
        change.label: ([p.text for p in change.old], [p.text for p in change.new])
        for change in client.get(review_url(revision)).context["changes"]
    }
    assert rows == {
        "Kind": (["Bilateral meeting"], ["Phone call"]),
        "Parent event": (["—"], ["ASEAN Foreign Ministers' Meeting"]),
        "Start date": (["26 February 2024"], ["27 February 2024"]),
        "Country of venue": (["—"], ["Laos"]),
    }


def test_approving_a_revision_puts_it_in_the_record_and_its_history(
    editor, publisher, publisher_client, client, revision, retno
):
    meeting = revision.content_object
    client.get(meeting.get_absolute_url())  # the published page, now in the cache

    response = publisher_client.post(
        review_url(revision, "approve"), {"comment": "Checked with the ministry."}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin:diplomacy_revision_changelist")
    assert f"Revision {revision.pk} was approved" in messages_of(response)[0]

    meeting.refresh_from_db()
    assert (meeting.title, meeting.version, meeting.status) == (
        "Talks in Hà Nội",
        2,
        Status.PUBLISHED,
    )
    assert meeting.updated_by == publisher
    assert [(p.person.name, p.title) for p in meeting.participants.all()] == [
        ("Bùi Thanh Sơn", "Deputy Prime Minister"),
        ("Retno Marsudi", ""),
    ]
    assert set(meeting.countries.values_list("code", flat=True)) == {"VN", "ID"}
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Talks in Hà Nội" in page and "Retno Marsudi" in page

    latest = meeting.history.latest()
    assert latest.history_user == publisher
    assert latest.history_change_reason == f"Approved revision {revision.pk} proposed by editor"
    assert latest.title == "Talks in Hà Nội"
    assert meeting.history.filter(title="Talks in Hà Nội").count() == 1  # one row for it all
    history = publisher_client.get(reverse("admin:diplomacy_meeting_history", args=[meeting.pk]))
    assert f"Approved revision {revision.pk} proposed by editor" in history.content.decode()

    revision.refresh_from_db()
    assert (revision.state, revision.reviewed_by, revision.comment) == (
        Revision.State.APPROVED,
        publisher,
        "Checked with the ministry.",
    )


def test_rejecting_a_revision_changes_nothing_in_the_record(
    publisher, publisher_client, client, revision
):
    meeting = revision.content_object
    response = publisher_client.post(
        review_url(revision, "reject"), {"comment": "Not in the sources."}, follow=True
    )
    assert f"Revision {revision.pk} was rejected." in messages_of(response)
    revision.refresh_from_db()
    assert (revision.state, revision.reviewed_by, revision.comment) == (
        Revision.State.REJECTED,
        publisher,
        "Not in the sources.",
    )
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version) == ("Talks in Hanoi", 1)
    assert "Talks in Hanoi" in client.get(meeting.get_absolute_url()).content.decode()
    page = publisher_client.get(review_url(revision)).content.decode()
    assert "Not in the sources." in page and 'name="approve"' not in page


def test_a_revision_made_to_an_older_version_cannot_be_approved(
    publisher, publisher_client, open_form, revision
):
    meeting = revision.content_object
    data = open_form(publisher_client, change_url(meeting))
    data["summary"] = "The two ministers discussed trade."
    save(publisher_client, change_url(meeting), data, follow=True)

    page = publisher_client.get(review_url(revision)).content.decode()
    assert "was changed after this revision was proposed" in page
    response = publisher_client.post(review_url(revision, "approve"), follow=True)
    assert "was changed after this revision was proposed" in messages_of(response)[0]
    meeting.refresh_from_db()
    assert (meeting.title, meeting.summary) == (
        "Talks in Hanoi",
        "The two ministers discussed trade.",
    )
    revision.refresh_from_db()
    assert revision.state == Revision.State.PENDING
    with pytest.raises(RevisionError):
        approve_revision(revision, user=publisher)


def test_a_source_article_linked_from_the_article_makes_a_revision_out_of_date(publisher, revision):
    article = ArticleFactory()
    article.meetings.add(revision.content_object)  # the meeting's version does not change
    with pytest.raises(RevisionError, match="was changed after"):
        approve_revision(revision, user=publisher)
    assert list(revision.content_object.articles.all()) == [article]


def test_approving_one_revision_supersedes_the_others_of_the_same_version(
    publisher, editor, meeting
):
    other = EditorFactory(username="other")
    mine = propose_revision(meeting, {**snapshot(meeting), "title": "Mine"}, user=editor)
    theirs = propose_revision(meeting, {**snapshot(meeting), "title": "Theirs"}, user=other)
    approve_revision(mine, user=publisher)
    theirs.refresh_from_db()
    assert theirs.state == Revision.State.SUPERSEDED
    with pytest.raises(RevisionError, match="Only a pending revision"):
        approve_revision(theirs, user=publisher)
    assert Meeting.objects.get().title == "Mine"


def test_a_revision_is_approved_once(publisher, editor, meeting):
    revision = propose_revision(meeting, {**snapshot(meeting), "title": "New"}, user=editor)
    approve_revision(revision, user=publisher)
    with pytest.raises(RevisionError):
        approve_revision(revision, user=publisher)
    with pytest.raises(RevisionError):
        reject_revision(revision, user=publisher)
    assert Meeting.objects.get().version == 2


def test_a_revision_naming_a_person_deleted_since_is_refused(publisher, editor, meeting):
    gone = PersonFactory(name="Gone")
    proposed = snapshot(meeting)
    proposed["participants"] = [*proposed["participants"], {**proposed["participants"][0]}]
    proposed["participants"][1].update(person=gone.slug, order=1)
    revision = propose_revision(meeting, proposed, user=editor)
    gone.delete()
    with pytest.raises(RevisionError, match="cannot be applied"):
        approve_revision(revision, user=publisher)
    assert Meeting.objects.get().participants.count() == 1
    assert Revision.objects.get().state == Revision.State.PENDING


def test_a_new_topic_in_a_revision_is_created_when_it_is_approved(
    editor_client, open_form, publisher, meeting
):
    data = open_form(editor_client, change_url(meeting))
    data["topics"] = "trade, maritime cooperation"
    save(editor_client, change_url(meeting), data, follow=True)
    revision = Revision.objects.get()
    assert revision.proposed["topics"] == ["maritime cooperation", "trade"]
    assert not meeting.topics.exists()
    approve_revision(revision, user=publisher)
    assert sorted(meeting.topics.names()) == ["maritime cooperation", "trade"]


def test_the_revisions_of_a_deleted_meeting_are_deleted(revision):
    revision.content_object.delete()
    assert not Revision.objects.exists()


# Who may review -------------------------------------------------------------------------


def test_an_editor_can_neither_see_nor_approve_nor_reject_revisions(editor_client, revision):
    assert editor_client.get(review_url(revision)).status_code == 403
    assert editor_client.post(review_url(revision, "approve")).status_code == 403
    assert editor_client.post(review_url(revision, "reject")).status_code == 403
    changelist = reverse("admin:diplomacy_revision_changelist")
    assert editor_client.get(changelist).status_code == 403
    revision.refresh_from_db()
    assert revision.state == Revision.State.PENDING
    assert Meeting.objects.get().title == "Talks in Hanoi"


def test_approving_needs_a_post(publisher_client, revision):
    assert publisher_client.get(review_url(revision, "approve")).status_code == 405
    revision.refresh_from_db()
    assert revision.state == Revision.State.PENDING


def test_an_unknown_revision_is_not_found(publisher_client):
    changelist = reverse("admin:diplomacy_revision_changelist")
    assert publisher_client.get(f"{changelist}x'1/change/").status_code == 404
    assert publisher_client.post(f"{changelist}999/approve/").status_code == 404


# The list ---------------------------------------------------------------------------------


def make_revisions(count, editor):
    for index in range(count):
        meeting = MeetingFactory(people=[PersonFactory()])
        propose_revision(meeting, {**snapshot(meeting), "title": f"Renamed {index}"}, user=editor)


def test_the_revision_list_shows_the_pending_ones_unless_asked_for_all(
    publisher, publisher_client, editor, revision
):
    make_revisions(1, editor)
    reject_revision(Revision.objects.exclude(pk=revision.pk).get(), user=publisher)
    changelist = reverse("admin:diplomacy_revision_changelist")
    response = publisher_client.get(changelist)
    assert [row.pk for row in response.context["cl"].result_list] == [revision.pk]
    html = response.content.decode()
    assert "Talks in Hanoi" in html and review_url(revision) in html
    response = publisher_client.get(changelist, {"state": "all"})
    assert len(response.context["cl"].result_list) == 2
    response = publisher_client.get(changelist, {"state": "rejected"})
    assert [row.state for row in response.context["cl"].result_list] == [Revision.State.REJECTED]


@pytest.mark.parametrize("count", [2, 20])
def test_the_revision_list_query_count_does_not_grow_with_rows(
    publisher_client, editor, count, django_assert_max_num_queries
):
    make_revisions(count, editor)
    with django_assert_max_num_queries(12):
        response = publisher_client.get(reverse("admin:diplomacy_revision_changelist"))
    assert len(response.context["cl"].result_list) == count


def test_the_admin_start_page_counts_the_revisions_waiting_for_review(
    publisher_client, editor_client, revision
):
    page = publisher_client.get(reverse("admin:index")).content.decode()
    assert "Changes to published content waiting for review" in page
    assert reverse("admin:diplomacy_revision_changelist") in page
    assert "<td>1</td>" in page
    assert "waiting for review" not in editor_client.get(reverse("admin:index")).content.decode()


def test_a_publisher_sees_a_link_to_review_on_the_meetings_page(publisher_client, revision):
    page = publisher_client.get(change_url(revision.content_object)).content.decode()
    assert review_url(revision) in page
