"""The Editors and Publishers groups: created by migrations with exactly the permissions
their work needs."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from diplomacy.roles import (
    EDITORS,
    PUBLISHERS,
    editor_codenames,
    publisher_codenames,
    sync_groups,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def granted(name):
    group = Group.objects.get(name=name)
    return {
        (p.content_type.app_label, p.codename)
        for p in group.permissions.select_related("content_type")
    }


def test_both_groups_exist_after_migrations():
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITORS, PUBLISHERS}


def test_editors_have_exactly_the_editor_permissions():
    assert granted(EDITORS) == editor_codenames()


def test_publishers_have_exactly_the_editor_permissions_and_publishing():
    assert granted(PUBLISHERS) == publisher_codenames()
    assert publisher_codenames() - editor_codenames() == {
        ("diplomacy", "publish_meeting"),
        ("articles", "publish_article"),
    }


def test_editors_may_view_and_change_countries_but_not_add_or_delete_them(editor):
    assert editor.has_perm("diplomacy.change_country")
    assert not editor.has_perm("diplomacy.add_country")
    assert not editor.has_perm("diplomacy.delete_country")


def test_editors_may_not_publish_and_publishers_may(editor, publisher):
    for permission in ["diplomacy.publish_meeting", "articles.publish_article"]:
        assert not editor.has_perm(permission)
        assert publisher.has_perm(permission)
    assert publisher.has_perm("diplomacy.change_meeting")


def test_syncing_again_removes_a_permission_granted_by_hand_and_changes_nothing_else():
    group = Group.objects.get(name=EDITORS)
    group.permissions.add(Permission.objects.get(codename="publish_meeting"))
    sync_groups(apps)
    assert granted(EDITORS) == editor_codenames()
    assert granted(PUBLISHERS) == publisher_codenames()


def test_the_editor_is_staff_but_not_a_superuser(editor):
    assert editor.is_staff
    assert not editor.is_superuser
    assert editor.groups.filter(name=EDITORS).exists()


def test_an_editor_can_open_the_meeting_add_page(editor_client):
    assert editor_client.get(reverse("admin:diplomacy_meeting_add")).status_code == 200


def test_a_staff_user_outside_the_group_gets_403_on_the_meeting_add_page(client):
    client.force_login(UserFactory(username="outsider", is_staff=True))
    assert client.get(reverse("admin:diplomacy_meeting_add")).status_code == 403
