"""Small factories for building test data in code (factory_boy)."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, Outlet
from diplomacy.models import Country, Meeting, Organization, Participant, Person, Position, Status
from diplomacy.roles import EDITORS, PUBLISHERS


def country(code):
    """Countries are preloaded by a migration; tests look them up, never create them."""
    return Country.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class EditorFactory(UserFactory):
    username = "editor"
    is_staff = True

    @factory.post_generation
    def editors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=EDITORS))


class PublisherFactory(UserFactory):
    """A staff user in the Publishers group: edits, and publishes, unpublishes, schedules."""

    username = "publisher"
    is_staff = True

    @factory.post_generation
    def publishers_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=PUBLISHERS))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    country = factory.LazyFunction(lambda: country("VN"))


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    person = factory.SubFactory(PersonFactory)
    title = "Minister of Foreign Affairs"
    country = factory.LazyAttribute(lambda p: p.person.country)
    start_date = datetime.date(2021, 4, 8)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.INTERGOVERNMENTAL


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = Meeting.Kind.BILATERAL
    start_date = datetime.date(2024, 2, 26)
    status = Status.PUBLISHED

    class Params:
        # MeetingFactory(sourced=True): a source URL, which the admin needs to publish it.
        sourced = factory.Trait(
            source_url=factory.Sequence(lambda n: f"https://news.example.org/meetings/{n}")
        )

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        """MeetingFactory(people=[person, ...]) adds them as participants and their countries."""
        if create and extracted:
            for order, person in enumerate(extracted):
                Participant.objects.create(meeting=self, person=person, order=order)
            self.sync_countries_from_participants()


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ["name"]

    name = "Test Wire"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    headline = factory.Sequence(lambda n: f"Headline {n}")
    body = "First paragraph.\n\nSecond paragraph."
    outlet = factory.SubFactory(OutletFactory)
    published_on = datetime.date(2024, 2, 27)
    status = Status.PUBLISHED
