"""Two editors changing the same record: the later save is refused, never a silent
overwrite, and the refused editor sees both versions with their own still in the form."""

import datetime
import threading

import pytest
from django import forms
from django.db import connection
from django.test import Client

from articles.models import Article
from diplomacy.admin import MeetingAdmin, VersionedForm
from diplomacy.models import EditConflict, Meeting, Organization, Person, Status
from tests.admin_pages import change_url, save
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

CONFLICT = "after you opened it. Your changes were not saved."


def non_field_errors(response):
    return [str(error) for error in response.context["adminform"].form.non_field_errors()]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def second_editor(db):
    return EditorFactory(username="second", first_name="Minh", last_name="Anh")


@pytest.fixture
def second_client(second_editor):
    return client_for(second_editor)


# The model ----------------------------------------------------------------------------------


def test_each_save_counts_one_version():
    meeting = MeetingFactory()
    assert meeting.version == 1
    meeting.title = "Renamed"
    meeting.save()
    meeting.save(update_fields=["title", "updated"])
    meeting.refresh_from_db()
    assert meeting.version == 3


def test_saving_an_old_copy_raises_and_writes_nothing():
    meeting = MeetingFactory(title="Talks")
    first, second = Meeting.objects.get(pk=meeting.pk), Meeting.objects.get(pk=meeting.pk)
    first.title = "Talks in Hà Nội"
    first.save()
    second.title = "Talks in Vientiane"
    with pytest.raises(EditConflict):
        second.save()
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version) == ("Talks in Hà Nội", 2)
    assert second.version == 1


@pytest.mark.parametrize("make", [PersonFactory, OrganizationFactory, ArticleFactory])
def test_people_organizations_and_articles_are_versioned_too(make):
    obj = make()
    stale = type(obj).objects.get(pk=obj.pk)
    obj.save()
    with pytest.raises(EditConflict):
        stale.save()


# Two editors in the admin --------------------------------------------------------------------


def test_two_editors_change_the_date_and_the_second_save_is_refused(
    editor, editor_client, second_editor, second_client, open_form, form_values
):
    meeting = MeetingFactory(
        title="Talks", start_date=datetime.date(2024, 2, 26), status=Status.DRAFT
    )
    url = change_url(meeting)
    # Both open the meeting.
    first = open_form(editor_client, url)
    second = open_form(second_client, url)
    assert first["version"] == second["version"] == "1"

    first["start_date"] = "2024-02-27"
    assert save(editor_client, url, first).status_code == 302

    second["start_date"] = "2024-02-28"
    response = save(second_client, url, second)
    assert response.status_code == 200
    [message] = non_field_errors(response)
    assert message.startswith("This meeting was changed by editor at ")
    assert message.endswith(CONFLICT)
    meeting.refresh_from_db()
    assert meeting.start_date == datetime.date(2024, 2, 27)

    # The other editor's version beside theirs, and theirs still in the form.
    conflict = response.context["edit_conflict"]
    assert conflict["rows"] == [
        {"label": "Start date", "saved": "27 February 2024", "yours": "28 February 2024"}
    ]
    assert (conflict["saved_by"], conflict["saved_version"], conflict["your_version"]) == (
        "editor",
        2,
        1,
    )
    html = response.content.decode()
    assert 'id="edit-conflict"' in html
    assert "27 February 2024" in html and "28 February 2024" in html
    again = form_values(response)
    assert (again["start_date"], again["version"]) == ("2024-02-28", "2")

    # Saving the reviewed form again succeeds.
    assert save(second_client, url, again).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.start_date, meeting.version) == (datetime.date(2024, 2, 28), 3)

    # The history has both edits, by whom they were made; the refused save left nothing.
    edits = list(meeting.history.filter(history_type="~").order_by("history_date"))
    assert [(h.history_user, h.start_date) for h in edits] == [
        (editor, datetime.date(2024, 2, 27)),
        (second_editor, datetime.date(2024, 2, 28)),
    ]


def test_the_conflict_table_shows_fields_the_other_editor_changed(
    editor_client, second_client, open_form
):
    meeting = MeetingFactory(title="Talks", location_city="Hanoi", status=Status.DRAFT)
    url = change_url(meeting)
    first, second = open_form(editor_client, url), open_form(second_client, url)
    first["location_city"] = "Hà Nội"
    first["countries"] = ["VN", "LA"]
    assert save(editor_client, url, first).status_code == 302
    second["title"] = "Talks on trade"
    response = save(second_client, url, second)
    rows = {row["label"]: row for row in response.context["edit_conflict"]["rows"]}
    assert rows["City"] == {"label": "City", "saved": "Hà Nội", "yours": "Hanoi"}
    assert rows["Title"]["yours"] == "Talks on trade"
    assert rows["Countries"]["saved"] == "Laos, Vietnam" and rows["Countries"]["yours"] == "—"


def test_participants_changed_meanwhile_are_listed_too(editor_client, second_client, open_form):
    person = PersonFactory(name="Bùi Thanh Sơn")
    meeting = MeetingFactory(status=Status.DRAFT)
    url = change_url(meeting)
    first, second = open_form(editor_client, url), open_form(second_client, url)
    first["participants-0-person"] = str(person.pk)
    assert save(editor_client, url, first).status_code == 302
    second["title"] = "Renamed"
    response = save(second_client, url, second)
    rows = {row["label"]: row for row in response.context["edit_conflict"]["rows"]}
    assert rows["Participants"]["saved"].startswith("Bùi Thanh Sơn")


def test_an_article_edited_meanwhile_is_refused_with_the_same_message(
    editor_client, second_client, open_form
):
    article = ArticleFactory(headline="Talks", status=Status.DRAFT)
    url = change_url(article)
    first, second = open_form(editor_client, url), open_form(second_client, url)
    first["headline"] = "Talks in Hà Nội"
    assert save(editor_client, url, first).status_code == 302
    second["headline"] = "Talks in Vientiane"
    response = save(second_client, url, second)
    assert non_field_errors(response)[0].startswith("This article was changed by editor at ")
    assert Article.objects.get().headline == "Talks in Hà Nội"
    assert 'id="edit-conflict"' in response.content.decode()


@pytest.mark.parametrize(
    "model, make, field, values",
    [
        (Person, PersonFactory, "aliases", ("Son", "Sơn")),
        (Organization, OrganizationFactory, "acronym", ("MOFA", "BNG")),
    ],
)
def test_people_and_organizations_edited_meanwhile_are_refused(
    editor_client, second_client, open_form, model, make, field, values
):
    obj = make()
    url = change_url(obj)
    first, second = open_form(editor_client, url), open_form(second_client, url)
    first[field], second[field] = values
    assert save(editor_client, url, first).status_code == 302
    response = save(second_client, url, second)
    assert response.status_code == 200
    assert non_field_errors(response)[0].endswith(CONFLICT)
    assert getattr(model.objects.get(), field) == values[0]


def test_a_form_without_a_version_is_refused(editor_client, open_form):
    meeting = MeetingFactory(title="Talks", status=Status.DRAFT)
    data = open_form(editor_client, change_url(meeting))
    del data["version"]
    data["title"] = "Renamed"
    response = save(editor_client, change_url(meeting), data)
    assert response.status_code == 200
    assert "does not say which version" in non_field_errors(response)[0]
    assert Meeting.objects.get().title == "Talks"


def test_the_same_editor_saving_twice_in_a_row_is_no_conflict(editor_client, open_form):
    meeting = MeetingFactory(status=Status.DRAFT)
    url = change_url(meeting)
    data = open_form(editor_client, url)
    data["title"] = "First"
    assert save(editor_client, url, data).status_code == 302
    data = open_form(editor_client, url)
    data["title"] = "Second"
    assert save(editor_client, url, data).status_code == 302
    assert Meeting.objects.get().title == "Second"


def test_a_save_committed_after_the_form_was_checked_still_refuses_this_one(
    editor_client, second_editor, open_form, monkeypatch
):
    """The form's check and the save are apart; the save checks the version again, in one
    statement. Here the form's first check is blind, as it would be had the other save
    committed just after it: the save fails, nothing is written, and the form (checked
    again) shows the conflict."""
    meeting = MeetingFactory(title="Talks", status=Status.DRAFT)
    url = change_url(meeting)
    data = open_form(editor_client, url)
    other = Meeting.objects.get(pk=meeting.pk)
    other.title, other.updated_by = "Talks (other editor)", second_editor
    other.save()

    checked = VersionedForm.clean
    calls = []

    def blind_first_check(form):
        calls.append(form)
        if len(calls) > 1:
            return checked(form)
        cleaned_data = forms.ModelForm.clean(form)
        form.instance.version = cleaned_data["version"]
        return cleaned_data

    monkeypatch.setattr(VersionedForm, "clean", blind_first_check)
    data["title"] = "Talks (mine)"
    response = save(editor_client, url, data)
    assert len(calls) == 2
    assert response.status_code == 200
    assert non_field_errors(response)[0].startswith("This meeting was changed by Minh Anh at ")
    assert Meeting.objects.get().title == "Talks (other editor)"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks between two connections"
)
def test_two_simultaneous_saves_cannot_both_pass(monkeypatch):
    """Two editors press Save at the same moment: both forms pass their check, then both
    save. Exactly one save is written; the other editor gets the conflict."""
    meeting = MeetingFactory(title="Talks", status=Status.DRAFT)
    url = change_url(meeting)
    editors = [EditorFactory(username="first"), EditorFactory(username="second")]
    clients = [client_for(user) for user in editors]
    posts = []
    for client, title in zip(clients, ["Talks (first)", "Talks (second)"], strict=True):
        data = client.get(url).context["adminform"].form.initial
        posts.append(
            {
                "title": title,
                "slug": meeting.slug,
                "kind": meeting.kind,
                "status": meeting.status,
                "start_date": "2024-02-26",
                "date_precision": meeting.date_precision,
                "version": str(data["version"]),
                "participants-TOTAL_FORMS": "0",
                "participants-INITIAL_FORMS": "0",
                "Article_meetings-TOTAL_FORMS": "0",
                "Article_meetings-INITIAL_FORMS": "0",
            }
        )

    both_checked = threading.Barrier(2, timeout=10)
    real_save_model = MeetingAdmin.save_model

    def save_model_when_both_checked(self, request, obj, form, change):
        both_checked.wait()
        real_save_model(self, request, obj, form, change)

    monkeypatch.setattr(MeetingAdmin, "save_model", save_model_when_both_checked)
    responses = [None, None]

    def press_save(i):
        try:
            responses[i] = save(clients[i], url, posts[i])
        finally:
            connection.close()

    threads = [threading.Thread(target=press_save, args=[i]) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    codes = sorted(response.status_code for response in responses)
    assert codes == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert non_field_errors(refused)[0].endswith(CONFLICT)
    saved = Meeting.objects.get()
    assert saved.version == 2
    winner = next(i for i, response in enumerate(responses) if response.status_code == 302)
    assert saved.title == posts[winner]["title"]
