"""Rules the database itself enforces, whatever form or script writes the data."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from diplomacy.models import Meeting, Participant, Position
from tests.factories import (
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
    country,
)

pytestmark = pytest.mark.django_db


def test_a_meeting_cannot_end_before_it_starts():
    meeting = MeetingFactory(start_date=datetime.date(2024, 2, 26))
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(end_date=datetime.date(2024, 2, 25))


def test_a_meeting_with_an_end_date_needs_a_start_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(start_date=None, end_date=datetime.date(2024, 2, 25))


def test_a_one_day_meeting_may_end_on_its_start_date():
    meeting = MeetingFactory(
        start_date=datetime.date(2024, 2, 26), end_date=datetime.date(2024, 2, 26)
    )
    assert meeting.pk


def test_a_position_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2023, 1, 1))


def test_a_person_takes_part_in_a_meeting_at_most_once():
    person = PersonFactory()
    meeting = MeetingFactory(people=[person])
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(meeting=meeting, person=person, title="Again")


def test_slugs_are_unique_in_the_database():
    first = MeetingFactory(title="Talks")
    second = MeetingFactory(title="Talks")
    assert (first.slug, second.slug) == ("talks", "talks-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=second.pk).update(slug="talks")


def test_deleting_a_person_with_meetings_is_refused():
    person = PersonFactory()
    MeetingFactory(people=[person])
    with pytest.raises(ProtectedError):
        person.delete()


def test_deleting_an_event_with_meetings_on_its_sidelines_is_refused():
    summit = MeetingFactory(title="Summit")
    MeetingFactory(title="Sideline talks", parent=summit)
    with pytest.raises(ProtectedError):
        summit.delete()


def test_deleting_an_organization_that_people_held_positions_in_is_refused():
    organization = OrganizationFactory()
    PositionFactory(organization=organization)
    with pytest.raises(ProtectedError):
        organization.delete()


def test_deleting_a_country_in_use_is_refused():
    PersonFactory(country=country("KZ"))
    with pytest.raises(ProtectedError):
        country("KZ").delete()


def test_deleting_a_meeting_removes_its_participants_but_keeps_the_people():
    person = PersonFactory()
    meeting = MeetingFactory(people=[person])
    meeting.delete()
    assert not Participant.objects.exists()
    person.refresh_from_db()


def test_a_participant_defaults_to_the_title_held_on_the_meeting_date():
    person = PersonFactory(country=country("VN"))
    PositionFactory(
        person=person,
        title="Deputy Minister",
        start_date=datetime.date(2016, 1, 1),
        end_date=datetime.date(2021, 4, 7),
    )
    PositionFactory(person=person, title="Minister", start_date=datetime.date(2021, 4, 8))
    old = MeetingFactory(start_date=datetime.date(2019, 5, 1), people=[person])
    new = MeetingFactory(start_date=datetime.date(2024, 2, 26), people=[person])
    assert old.participants.get().title == "Deputy Minister"
    assert new.participants.get().title == "Minister"
    assert new.participants.get().country_id == "VN"
    assert list(new.countries.values_list("code", flat=True)) == ["VN"]


def test_positions_are_listed_newest_first():
    person = PersonFactory()
    PositionFactory(person=person, title="Old", start_date=datetime.date(2010, 1, 1))
    PositionFactory(person=person, title="New", start_date=datetime.date(2020, 1, 1))
    assert [p.title for p in Position.objects.filter(person=person)] == ["New", "Old"]


def test_an_international_official_represents_no_country_by_default():
    guterres = PersonFactory(name="António Guterres", country=country("PT"))
    PositionFactory(person=guterres, title="UN Secretary-General", country=None)
    meeting = MeetingFactory(people=[guterres])
    participant = meeting.participants.get()
    assert (participant.title, participant.country) == ("UN Secretary-General", None)


def test_a_person_without_positions_represents_their_own_country():
    meeting = MeetingFactory(people=[PersonFactory(country=country("KZ"))])
    assert meeting.participants.get().country_id == "KZ"
