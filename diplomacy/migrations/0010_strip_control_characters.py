"""Remove the control characters XML 1.0 forbids from text saved before saving stripped them
(diplomacy/signals.py): one ESC in a meeting's title made the feeds unwritable."""

from functools import reduce
from operator import or_

from django.db import migrations, models

from diplomacy.text import strip_control


def strip_existing(apps, schema_editor):
    first = "\\x00" if schema_editor.connection.vendor == "sqlite" else "\\x01"
    # Python's re (SQLite's REGEXP) and PostgreSQL's regular expressions read these escapes
    # alike.
    pattern = f"[{first}-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\ufffe\\uffff]"
    for label in ("diplomacy", "articles"):
        for model in apps.get_app_config(label).get_models():
            names = [
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
            ]
            if not names:
                continue
            dirty = reduce(or_, (models.Q(**{f"{name}__regex": pattern}) for name in names))
            rows = model._base_manager.using(schema_editor.connection.alias).filter(dirty)
            for row in rows.values("pk", *names).iterator():
                changed = {
                    name: strip_control(row[name])
                    for name in names
                    if isinstance(row[name], str) and strip_control(row[name]) != row[name]
                }
                if changed:
                    rows.model._base_manager.using(rows.db).filter(pk=row["pk"]).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("diplomacy", "0009_revision"),
        ("articles", "0005_initial_history"),
    ]

    operations = [migrations.RunPython(strip_existing, migrations.RunPython.noop)]
