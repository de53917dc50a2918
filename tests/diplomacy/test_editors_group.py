"""The Editors group: created by a migration with exactly the permissions editing needs."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from diplomacy.roles import EDITORS, editor_codenames
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_editors_group_exists_after_migrations():
    assert Group.objects.filter(name=EDITORS).exists()


def test_it_has_exactly_the_editor_permissions():
    group = Group.objects.get(name=EDITORS)
    granted = {
        (p.content_type.app_label, p.codename)
        for p in group.permissions.select_related("content_type")
    }
    assert granted == editor_codenames()


def test_editors_may_view_and_change_countries_but_not_add_or_delete_them(editor):
    assert editor.has_perm("diplomacy.change_country")
    assert not editor.has_perm("diplomacy.add_country")
    assert not editor.has_perm("diplomacy.delete_country")


def test_the_editor_is_staff_but_not_a_superuser(editor):
    assert editor.is_staff
    assert not editor.is_superuser
    assert editor.groups.filter(name=EDITORS).exists()


def test_an_editor_can_open_the_meeting_add_page(editor_client):
    assert editor_client.get(reverse("admin:diplomacy_meeting_add")).status_code == 200


def test_a_staff_user_outside_the_group_gets_403_on_the_meeting_add_page(client):
    client.force_login(UserFactory(username="outsider", is_staff=True))
    assert client.get(reverse("admin:diplomacy_meeting_add")).status_code == 403
