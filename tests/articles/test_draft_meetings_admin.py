""" "Draft meetings" in the article admin: the button, the review form, and what saving it
creates (draft meetings linked to the article) or links (meetings already recorded)."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from diplomacy.models import Meeting, Person, Position, Status
from tests.conftest import _FormValues
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    ParticipantFactory,
    PersonFactory,
    UserFactory,
    country,
)
from tests.sample_articles import UN_SESSION

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def son(db):
    return PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))


@pytest.fixture
def article(son):
    return ArticleFactory(
        headline="Vietnamese minister meets four counterparts in New York",
        standfirst="",
        body=UN_SESSION,
        published_on=D(2025, 9, 24),
        status=Status.DRAFT,
    )


def drafts_url(article):
    return reverse("admin:articles_article_draft_meetings", args=[article.pk])


def review_values(response):
    assert response.status_code == 200
    parser = _FormValues("draft-meetings-form")
    parser.feed(response.content.decode())
    return dict(parser.values)


def rows(values):
    count = int(values["form-TOTAL_FORMS"])
    return [
        {
            key.split("-", 2)[2]: value
            for key, value in values.items()
            if key.startswith(f"form-{i}-")
        }
        for i in range(count)
    ]


def test_the_article_page_has_a_draft_meetings_button(editor_client, article):
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert f'href="{drafts_url(article)}"' in response.content.decode()


def test_the_review_form_proposes_each_meeting_with_its_sentence(editor_client, article):
    response = editor_client.get(drafts_url(article))
    page = response.content.decode()
    proposals = rows(review_values(response))
    assert [p["title"] for p in proposals] == [
        "80th session of the United Nations General Assembly",
        "Bùi Thanh Sơn meets Mauro Vieira",
        "Talks between Bùi Thanh Sơn and Anita Anand",
        "Bùi Thanh Sơn receives Penny Wong",
        "Bùi Thanh Sơn meets Badr Abdelatty",
    ]
    vieira = proposals[1]
    assert vieira["create"] == "on"
    assert vieira["kind"] == "bilateral"
    assert vieira["start_date"] == "2025-09-23"
    assert vieira["location_city"] == "New York"
    assert vieira["location_country"] == "US"
    assert (
        vieira["participants"]
        == "Bùi Thanh Sơn | Foreign Minister | VN\nMauro Vieira | Foreign Minister | BR"
    )
    assert vieira["parent"] == "0"
    assert vieira["topics"] == "trade, agriculture"
    assert "At the meeting with Brazilian Foreign Minister Mauro Vieira" in page


def test_saving_creates_draft_meetings_linked_to_the_article(editor_client, editor, article, son):
    values = review_values(editor_client.get(drafts_url(article)))
    values["form-2-title"] = "Sơn and Anand hold talks"  # corrected by the editor
    values.pop("form-4-create")  # and one left out
    response = editor_client.post(drafts_url(article), values)
    assert response.status_code == 302
    created = {m.title: m for m in article.meetings.all()}
    assert set(created) == {
        "80th session of the United Nations General Assembly",
        "Bùi Thanh Sơn meets Mauro Vieira",
        "Sơn and Anand hold talks",
        "Bùi Thanh Sơn receives Penny Wong",
    }
    session = created["80th session of the United Nations General Assembly"]
    vieira = created["Bùi Thanh Sơn meets Mauro Vieira"]
    assert all(m.status == Status.DRAFT for m in created.values())
    assert vieira.parent == session
    assert (vieira.start_date, vieira.kind, vieira.location_city) == (
        D(2025, 9, 23),
        "bilateral",
        "New York",
    )
    assert vieira.created_by == editor
    assert [(p.person.name, p.title, p.country_id) for p in vieira.participants.all()] == [
        ("Bùi Thanh Sơn", "Foreign Minister", "VN"),
        ("Mauro Vieira", "Foreign Minister", "BR"),
    ]
    assert vieira.participants.all()[0].person == son  # the known person, not a copy
    assert set(vieira.countries.values_list("code", flat=True)) == {"VN", "BR"}
    assert sorted(vieira.topics.names()) == ["agriculture", "trade"]
    # New people were added with the title as a position.
    vieira_person = Person.objects.get(name="Mauro Vieira")
    assert vieira_person.country_id == "BR"
    assert Position.objects.get(person=vieira_person).title == "Foreign Minister"
    assert not Person.objects.filter(name="Badr Abdelatty").exists()
    assert LogEntry.objects.filter(object_id=str(vieira.pk)).exists()
    # Nothing public: drafts stay off the public list.
    assert Meeting.objects.published().count() == 0


def test_a_meeting_already_recorded_is_linked_not_duplicated(editor_client, article, son):
    wong = PersonFactory(name="Penny Wong", country=country("AU"))
    recorded = MeetingFactory(title="Sơn receives Wong", start_date=D(2025, 9, 23))
    ParticipantFactory(meeting=recorded, person=son)
    ParticipantFactory(meeting=recorded, person=wong)
    response = editor_client.get(drafts_url(article))
    assert "Already recorded" in response.content.decode()
    values = review_values(response)
    wong_row = rows(values)[3]
    assert "create" not in wong_row  # not ticked: it exists
    assert wong_row["link_existing"] == "on"
    editor_client.post(drafts_url(article), values)
    assert recorded in article.meetings.all()
    assert Meeting.objects.filter(participants__person=wong).count() == 1


def test_an_invalid_row_saves_nothing_and_says_why(editor_client, article):
    values = review_values(editor_client.get(drafts_url(article)))
    values["form-1-end_date"] = "2025-09-01"  # before the start
    values["form-2-participants"] = "Bùi Thanh Sơn | Minister | VNM"
    response = editor_client.post(drafts_url(article), values)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the 2 errors below: nothing was saved." in page
    assert "The end date cannot be before the start date." in page
    assert "is not a two-letter country code" in page
    assert Meeting.objects.count() == 0
    assert article.meetings.count() == 0


def test_a_parent_that_is_not_created_is_refused(editor_client, article):
    values = review_values(editor_client.get(drafts_url(article)))
    values.pop("form-0-create")  # the session, parent of the others
    response = editor_client.post(drafts_url(article), values)
    assert response.status_code == 200
    assert "The event it is part of is not being created" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_an_editor_who_may_not_add_people_gets_an_error_and_nothing_saved(article):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_article", "change_article", "add_meeting", "view_meeting"]
        )
    )
    from django.test import Client

    client = Client()
    client.force_login(user)
    values = review_values(client.get(drafts_url(article)))
    response = client.post(drafts_url(article), values, follow=True)
    assert "is not in the database, and you may not add people" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_without_the_right_to_add_meetings_there_is_no_button_and_no_page(article):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert drafts_url(article) not in page.content.decode()
    assert client.get(drafts_url(article)).status_code == 403


def test_the_changelist_action_opens_the_review_of_one_article(editor_client, article):
    changelist = reverse("admin:articles_article_changelist")
    response = editor_client.post(
        changelist, {"action": "draft_meetings", "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == drafts_url(article)
    other = ArticleFactory()
    response = editor_client.post(
        changelist,
        {"action": "draft_meetings", "_selected_action": [article.pk, other.pk]},
        follow=True,
    )
    assert "Select one article to draft its meetings." in response.content.decode()


def test_an_article_without_meetings_says_so(editor_client, son):
    quiet = ArticleFactory(body="Trade between the two countries grew last year.", standfirst="")
    response = editor_client.get(drafts_url(quiet))
    assert "No meetings found in this article" in response.content.decode()
