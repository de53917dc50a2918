"""The Publishers group, and both roles' permissions set again to exactly diplomacy.roles."""

from django.db import migrations

from diplomacy.roles import PUBLISHERS, sync_groups


def sync_roles(apps, schema_editor):
    sync_groups(apps)


def remove_publishers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PUBLISHERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_workflow_history_versions"),
        ("diplomacy", "0005_workflow_history_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_roles, remove_publishers)]
