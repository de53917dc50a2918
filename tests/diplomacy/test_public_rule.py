"""One public rule for people and organizations: a public page never names one that no
published content mentions, even when it reaches it through a public record."""

import pytest
from django.urls import reverse

from diplomacy.models import Status
from tests.factories import (
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def son():
    son = PersonFactory(name="Bùi Thanh Sơn")
    MeetingFactory(title="Talks in Hà Nội", people=[son])
    return son


def test_a_persons_page_names_the_public_organization_of_a_position(client, son):
    ministry = OrganizationFactory(name="Ministry of Foreign Affairs of Viet Nam")
    MeetingFactory(title="Consultations").organizations.add(ministry)
    PositionFactory(person=son, title="Minister", organization=ministry)
    page = client.get(son.get_absolute_url()).content.decode()
    assert "Ministry of Foreign Affairs of Viet Nam" in page
    assert ministry.get_absolute_url() in page


def test_a_persons_page_leaves_out_an_organization_only_drafts_mention(client, son):
    secret = OrganizationFactory(name="Embargoed Council")
    MeetingFactory(title="Draft talks", status=Status.DRAFT).organizations.add(secret)
    PositionFactory(person=son, title="Envoy to the council", organization=secret)
    page = client.get(son.get_absolute_url()).content.decode()
    assert "Envoy to the council" in page
    assert "Embargoed Council" not in page
    assert secret.get_absolute_url() not in page


def test_an_organizations_page_names_its_parent_only_when_the_parent_is_public(client):
    secret_parent = OrganizationFactory(name="Embargoed Council")
    child = OrganizationFactory(name="Secretariat", parent=secret_parent)
    MeetingFactory(title="Talks").organizations.add(child)
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Secretariat" in page
    assert "Embargoed Council" not in page

    public_parent = OrganizationFactory(name="United Nations")
    MeetingFactory(title="Session").organizations.add(public_parent)
    child.parent = public_parent
    child.save()
    page = client.get(child.get_absolute_url()).content.decode()
    assert "United Nations" in page
    assert public_parent.get_absolute_url() in page


def test_a_private_organization_has_no_page_and_no_suggestion(client):
    secret = OrganizationFactory(name="Embargoed Council")
    PositionFactory(person=PersonFactory(), organization=secret)
    assert client.get(secret.get_absolute_url()).status_code == 404
    found = client.get(reverse("organization_suggest"), {"q": "Embargoed"}).json()
    assert found["results"] == []
