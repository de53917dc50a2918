"""Hostile input in the admin: query strings, ids in addresses and form posts that the
database or Python cannot take give a message, a redirect or a 400, never a server error.
tests/diplomacy/test_admin_fuzz.py tries random ones on every registered model."""

from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from diplomacy.models import Meeting, Person, Status
from tests.admin_pages import messages_of
from tests.factories import MeetingFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db

REFUSED_FILTERS = "The list could not be filtered or sorted as the address asked"


@pytest.fixture
def publisher_browser(publisher):
    """The publisher's client, answering a server error with a 500 rather than raising it."""
    client = Client(raise_request_exception=False)
    client.force_login(publisher)
    return client


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


# The list's query string ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        # Past datetime's years: OverflowError in Django's date hierarchy.
        {"start_date__year": "99999999999"},
        # The last day there is: the day after it overflows.
        {"start_date__year": "9999", "start_date__month": "12", "start_date__day": "31"},
        # PostgreSQL cannot hold NUL in text (DataError).
        {"title": "\x00"},
        {"status__exact": "Draft\x00"},
        {"countries__code__exact": "\x00"},
        {"start_date__gte": "99999-01-01"},
    ],
)
def test_a_list_address_it_cannot_apply_shows_the_list_without_filters(publisher_browser, query):
    MeetingFactory(title="Talks", status=Status.DRAFT)
    url = changelist(Meeting)
    response = publisher_browser.get(url, query)
    assert response.status_code == 302
    assert response.url == f"{url}?e=1"
    assert any(message.startswith(REFUSED_FILTERS) for message in messages_of(response))
    page = publisher_browser.get(response.url)
    assert page.status_code == 200
    assert [meeting.title for meeting in page.context["cl"].result_list] == ["Talks"]


def test_a_search_longer_than_sqlite_can_match_gives_no_server_error(publisher_browser):
    # SQLite refuses a LIKE pattern over 50,000 bytes (OperationalError); PostgreSQL takes it.
    response = publisher_browser.get(changelist(Meeting), {"q": "x" * 50_001})
    assert response.status_code in (200, 302)


def test_a_list_address_it_cannot_apply_twice_gives_no_server_error(publisher_browser):
    query = urlencode({"e": "1", "start_date__year": "99999999999"})
    assert publisher_browser.get(f"{changelist(Meeting)}?{query}").status_code == 200


@pytest.mark.parametrize("query", [{"name": "\x00"}, {"country__code__exact": "V\x00"}])
def test_every_model_list_has_the_same_guard(publisher_browser, query):
    PersonFactory()
    response = publisher_browser.get(changelist(Person), query)
    assert response.status_code == 302
    assert any(message.startswith(REFUSED_FILTERS) for message in messages_of(response))


@pytest.mark.parametrize("term", ["Bùi\x00", "x" * 50_001])
def test_an_autocomplete_term_no_name_can_match_finds_nothing(publisher_browser, term):
    PersonFactory(name="Bùi Thanh Sơn")
    query = {"app_label": "diplomacy", "model_name": "participant", "field_name": "person"}
    response = publisher_browser.get(reverse("admin:autocomplete"), {**query, "term": term})
    assert response.status_code == 200
    assert response.json()["results"] == []


# Ids in the address ------------------------------------------------------------------------


@pytest.mark.parametrize("object_id", ["99999999999999999999", "abc", "\x00", "-1", "1\x00"])
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_a_meeting_id_that_cannot_exist_is_a_meeting_that_does_not_exist(
    publisher_browser, object_id, view
):
    MeetingFactory()
    url = reverse(f"admin:diplomacy_meeting_{view}", args=[object_id])
    response = publisher_browser.get(url)
    if view == "history" and response.status_code == 404:
        return  # django-simple-history's answer to an id no meeting has
    assert response.status_code == 302
    assert any("doesn’t exist" in message for message in messages_of(response))


@pytest.mark.parametrize("object_id", ["\x00", "V\x00", "VNM"])
@pytest.mark.parametrize("view", ["change", "history"])
def test_a_country_code_that_cannot_exist_is_a_country_that_does_not_exist(
    publisher_browser, object_id, view
):
    url = reverse(f"admin:diplomacy_country_{view}", args=[object_id])
    assert publisher_browser.get(url).status_code in (302, 404)


@pytest.mark.parametrize(
    "object_id, version_id", [("1", "abc"), ("abc", "1"), ("1", "99999999999999999999")]
)
def test_a_version_address_that_cannot_exist_gives_no_server_error(
    publisher_browser, object_id, version_id
):
    MeetingFactory()
    url = reverse("admin:diplomacy_meeting_simple_history", args=[object_id, version_id])
    assert publisher_browser.get(url).status_code in (302, 404)


# Form posts --------------------------------------------------------------------------------


def person_form(person, **changes):
    data = {
        "name": person.name,
        "name_ascii": person.name_ascii,
        "aliases": "",
        "slug": person.slug,
        "country": "VN",
        "wikidata_id": "",
        "version": str(person.version),
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
        "positions-MIN_NUM_FORMS": "0",
        "positions-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "changes",
    [
        {"version": "99999999999999999999"},
        {"country": "\x00"},
        {"country": "VN\x00"},
        {"name": "Bùi\x00Thanh Sơn"},
        {"aliases": "Son\x00"},
        {"name": "x" * 100_000},
        {"positions-TOTAL_FORMS": "99999999999999999999"},
        {"positions-TOTAL_FORMS": "\x00"},
        {
            "positions-TOTAL_FORMS": "1",
            "positions-0-title": "Minister",
            "positions-0-start_date": "99999-01-01",
            "positions-0-end_date": "0000-00-00",
            "positions-0-organization": "99999999999999999999",
            "positions-0-country": "\x00",
        },
        {
            "positions-TOTAL_FORMS": "1",
            "positions-INITIAL_FORMS": "1",
            "positions-0-id": "99999999999999999999",
            "positions-0-title": "Minister",
        },
    ],
)
def test_a_hostile_person_form_is_refused_with_errors(publisher_browser, changes):
    person = PersonFactory(name="Bùi Thanh Sơn")
    PositionFactory(person=person)
    url = reverse("admin:diplomacy_person_change", args=[person.pk])
    response = publisher_browser.post(url, person_form(person, **changes))
    assert response.status_code == 200
    assert response.context["errors"]
    person.refresh_from_db()
    assert person.name == "Bùi Thanh Sơn"


@pytest.mark.parametrize(
    "changes",
    [
        {"publish_at_0": "0001-01-01", "publish_at_1": "00:00"},
        {"publish_at_0": "9999-12-31", "publish_at_1": "23:59:59"},
        {"start_date": "0001-01-01", "end_date": "9999-12-31"},
        {"start_date": "10000-01-01"},
        {"parent": "99999999999999999999"},
        {"countries": ["VN", "\x00"]},
        {"organizations": ["99999999999999999999"]},
        {"topics": "trade\x00, climate"},
        {"participants-0-order": "99999999999999999999"},
        {"participants-0-person": "-1"},
    ],
)
def test_a_hostile_meeting_form_gives_no_server_error(publisher_browser, open_form, changes):
    meeting = MeetingFactory(status=Status.DRAFT, people=[PersonFactory()])
    url = reverse("admin:diplomacy_meeting_change", args=[meeting.pk])
    data = open_form(publisher_browser, url)
    data.update(changes)
    response = publisher_browser.post(url, {**data, "_save": "Save"})
    assert response.status_code in (200, 302)


def test_cleaning_up_expired_login_attempts_gives_no_server_error(admin_client):
    attempt = AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.1", user_agent="probe", failures_since_start=1
    )
    url = reverse("admin:axes_accessattempt_changelist")
    data = {"action": "cleanup_expired_attempts", "_selected_action": [str(attempt.pk)]}
    response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert any("Cleaned up" in str(message) for message in response.context["messages"])
