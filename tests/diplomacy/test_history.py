"""The history of the record (django-simple-history): who changed what and when, and
reverting to an earlier version."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from articles.models import Article, Outlet
from diplomacy.models import (
    Country,
    Meeting,
    Organization,
    Participant,
    Person,
    Position,
    Status,
)
from tests.admin_pages import change_url, save
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def revert_url(record):
    opts = record.instance._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[record.instance.pk, record.history_id],
    )


def edits(obj):
    return list(obj.history.filter(history_type="~").order_by("history_date"))


@pytest.fixture
def meeting():
    # A draft: an editor's changes to a published one wait for review (test_revisions.py).
    return MeetingFactory(title="Talks", start_date=datetime.date(2024, 2, 26), status=Status.DRAFT)


def test_every_tracked_model_has_a_history():
    for model in [Article, Meeting, Person, Organization, Position, Participant, Outlet, Country]:
        assert hasattr(model, "history"), model


def test_the_records_from_before_the_history_have_a_first_version():
    assert Country.history.filter(history_type="+").count() == Country.objects.count()


def test_one_admin_save_writes_one_history_row_with_the_editor_and_what_changed(
    editor, editor_client, open_form, meeting
):
    data = open_form(editor_client, change_url(meeting))
    data.update(title="Talks in Hà Nội", start_date="2024-02-27", countries=["VN", "LA"])
    assert save(editor_client, change_url(meeting), data).status_code == 302
    [edit] = edits(meeting)
    assert edit.history_user == editor
    assert (edit.title, edit.start_date) == ("Talks in Hà Nội", datetime.date(2024, 2, 27))
    assert {row.country_id for row in edit.countries.all()} == {"VN", "LA"}
    assert edit.history_change_reason == "Changed Title, Start date and Countries."


def test_a_meeting_added_in_the_admin_has_one_first_version(editor, editor_client, open_form):
    url = reverse("admin:diplomacy_meeting_add")
    data = open_form(editor_client, url)
    data.update(title="Talks", kind=Meeting.Kind.TALKS, countries=["VN"])
    assert save(editor_client, url, data).status_code == 302
    meeting = Meeting.objects.get()
    [first] = meeting.history.all()
    assert (first.history_type, first.history_user) == ("+", editor)
    assert [row.country_id for row in first.countries.all()] == ["VN"]


def test_the_history_page_shows_who_when_and_what_changed(
    editor_client, open_form, meeting, editor
):
    data = open_form(editor_client, change_url(meeting))
    data["start_date"] = "2024-02-27"
    save(editor_client, change_url(meeting), data)
    response = editor_client.get(history_url(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    assert editor.username in html
    assert "Start date" in html or "start_date" in html
    assert "2024-02-27" in html or "27 February 2024" in html


def test_the_history_of_articles_keeps_the_people_tagged(editor, editor_client, open_form):
    article = ArticleFactory(status=Status.DRAFT)
    son = PersonFactory(name="Bùi Thanh Sơn")
    data = open_form(editor_client, change_url(article))
    data["people"] = [str(son.pk)]
    assert save(editor_client, change_url(article), data).status_code == 302
    [edit] = edits(article)
    assert [row.person_id for row in edit.people.all()] == [son.pk]
    assert edit.history_user == editor


def test_people_organizations_outlets_and_countries_keep_who_changed_them(
    editor, editor_client, open_form
):
    person = PersonFactory()
    organization = OrganizationFactory()
    outlet = ArticleFactory().outlet
    vietnam = country("VN")
    for obj, field, value in [
        (person, "aliases", "Son"),
        (organization, "acronym", "MOFA"),
        (outlet, "website", "https://example.org"),
        (vietnam, "demonyms", "Vietnamese"),
    ]:
        data = open_form(editor_client, change_url(obj))
        data[field] = value
        assert save(editor_client, change_url(obj), data).status_code == 302, obj
        latest = obj.history.latest()
        assert (latest.history_user, getattr(latest, field)) == (editor, value), obj


def test_positions_and_participants_saved_in_inlines_have_a_history(
    editor, editor_client, open_form
):
    person = PersonFactory(name="Bùi Thanh Sơn")
    meeting = MeetingFactory(status=Status.DRAFT)
    data = open_form(editor_client, change_url(meeting))
    data["participants-0-person"] = str(person.pk)
    data["participants-0-title"] = "Minister of Foreign Affairs"
    assert save(editor_client, change_url(meeting), data).status_code == 302
    participant = Participant.objects.get()
    assert participant.history.get().history_user == editor

    data = open_form(editor_client, change_url(person))
    data.update(
        {
            "positions-TOTAL_FORMS": "1",
            "positions-0-title": "Minister of Foreign Affairs",
            "positions-0-start_date": "2021-04-08",
        }
    )
    assert save(editor_client, change_url(person), data).status_code == 302
    assert Position.objects.get().history.get().history_user == editor


def test_a_publishing_action_is_in_the_history(publisher, publisher_client):
    meeting = MeetingFactory(status=Status.IN_REVIEW, sourced=True)
    publisher_client.post(
        reverse("admin:diplomacy_meeting_changelist"),
        {"action": "publish_selected", "_selected_action": [str(meeting.pk)], "index": "0"},
    )
    latest = meeting.history.latest()
    assert (latest.status, latest.history_user) == (Status.PUBLISHED, publisher)


# Reverting ----------------------------------------------------------------------------------


def test_an_editor_reverts_a_meeting_to_an_earlier_version(
    editor, editor_client, open_form, meeting
):
    data = open_form(editor_client, change_url(meeting))
    data.update(countries=["VN"])
    save(editor_client, change_url(meeting), data)
    good = meeting.history.latest()
    data = open_form(editor_client, change_url(meeting))
    data.update(title="Talks (wrong)", start_date="2020-01-01", countries=["LA"])
    save(editor_client, change_url(meeting), data)

    form = open_form(editor_client, revert_url(good))
    assert form["title"] == "Talks" and form["countries"] == "VN"
    assert editor_client.post(revert_url(good), form).status_code == 302

    meeting.refresh_from_db()
    assert (meeting.title, meeting.start_date) == ("Talks", datetime.date(2024, 2, 26))
    assert list(meeting.countries.values_list("code", flat=True)) == ["VN"]
    assert meeting.version == 4
    reverted = meeting.history.latest()
    assert (reverted.title, reverted.history_user) == ("Talks", editor)


def test_reverting_needs_the_change_permission(meeting):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_meeting"))
    client = Client()
    client.force_login(viewer)
    first = meeting.history.earliest()
    assert client.get(revert_url(first)).status_code == 200
    response = client.post(revert_url(first), {"title": "Vandalised", "version": "1"})
    assert response.status_code == 403
    assert Meeting.objects.get().title == "Talks"


def test_reverting_an_old_copy_is_refused_like_any_other_save(editor_client, open_form, meeting):
    first = meeting.history.earliest()
    form = open_form(editor_client, revert_url(first))
    other = EditorFactory(username="other")
    changed = Meeting.objects.get()
    changed.title, changed.updated_by = "Talks (changed meanwhile)", other
    changed.save()
    response = editor_client.post(revert_url(first), form)
    assert response.status_code == 200
    errors = [str(e) for e in response.context["adminform"].form.non_field_errors()]
    assert errors[0].startswith("This meeting was changed by other at ")
    assert Meeting.objects.get().title == "Talks (changed meanwhile)"


def test_an_editor_reverting_keeps_the_publication_status(editor_client, open_form):
    meeting = MeetingFactory(title="Talks", status=Status.PUBLISHED)
    published = meeting.history.latest()
    meeting.title = "Talks (withdrawn)"
    meeting.unpublish()
    meeting.save()
    form = open_form(editor_client, revert_url(published))
    assert editor_client.post(revert_url(published), form).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status) == ("Talks", Status.UNPUBLISHED)


def test_a_long_change_message_is_shortened_to_fit_the_history(editor, editor_client, open_form):
    people = [PersonFactory(name=f"Nguyễn Văn Người Tham Dự Số {i}") for i in range(3)]
    meeting = MeetingFactory(status=Status.DRAFT)
    data = open_form(editor_client, change_url(meeting))
    data.update(title="Renamed", location_city="Hà Nội", summary="New", outcomes="One")
    data["participants-TOTAL_FORMS"] = str(len(people))
    for i, person in enumerate(people):
        data.update(
            {
                f"participants-{i}-person": str(person.pk),
                f"participants-{i}-role": Participant.Role.PARTICIPANT,
                f"participants-{i}-order": str(i),
            }
        )
    assert save(editor_client, change_url(meeting), data).status_code == 302
    reason = meeting.history.latest().history_change_reason
    assert len(reason) == 100 and reason.endswith("…")


@pytest.mark.parametrize(
    "make",
    [
        lambda: country("VN"),
        PersonFactory,
        OrganizationFactory,
        MeetingFactory,
        ArticleFactory,
        lambda: ArticleFactory().outlet,
    ],
)
def test_an_editor_opens_the_history_and_an_old_version_of_every_record(editor_client, make):
    obj = make()
    obj.save()
    assert editor_client.get(history_url(obj)).status_code == 200
    assert editor_client.get(revert_url(obj.history.earliest())).status_code == 200
