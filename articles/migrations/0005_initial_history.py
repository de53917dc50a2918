"""A first history row for every record that existed before the history was kept, so the
first change made afterwards shows what it changed and can be reverted."""

from itertools import islice

from django.db import migrations
from django.utils import timezone

# (app label, model) -> its many-to-many fields kept in the history.
TRACKED = {
    ("diplomacy", "Country"): [],
    ("diplomacy", "Organization"): [],
    ("diplomacy", "Person"): [],
    ("diplomacy", "Position"): [],
    ("diplomacy", "Meeting"): ["countries", "organizations"],
    ("diplomacy", "Participant"): [],
    ("articles", "Outlet"): [],
    ("articles", "Article"): ["countries", "people", "organizations", "meetings"],
}
HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}
BATCH = 500
REASON = "The record as it was when its history began."


def batches(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def create_initial_history(apps, schema_editor):
    now = timezone.now()
    for (app_label, name), m2m_fields in TRACKED.items():
        model = apps.get_model(app_label, name)
        historical = apps.get_model(app_label, f"Historical{name}")
        pk_name = model._meta.pk.attname
        copied = [
            field.attname
            for field in historical._meta.concrete_fields
            if field.attname not in HISTORY_FIELDS
        ]
        with_history = historical.objects.values(pk_name)
        pending = model._base_manager.exclude(pk__in=with_history).order_by("pk")
        for objects in batches(pending.iterator(chunk_size=BATCH), BATCH):
            rows = historical.objects.bulk_create(
                historical(
                    history_date=now,
                    history_type="+",
                    history_change_reason=REASON,
                    **{attname: getattr(obj, attname) for attname in copied},
                )
                for obj in objects
            )
            by_pk = {getattr(row, pk_name): row for row in rows}
            for field_name in m2m_fields:
                copy_relation(apps, model, name, field_name, by_pk)


def copy_relation(apps, model, name, field_name, history_by_pk):
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    historical_through = apps.get_model(model._meta.app_label, f"Historical{name}_{field_name}")
    source = field.m2m_field_name()
    attnames = [f.attname for f in through._meta.concrete_fields]
    links = through.objects.filter(**{f"{source}__in": list(history_by_pk)})
    historical_through.objects.bulk_create(
        historical_through(
            history=history_by_pk[getattr(link, f"{source}_id")],
            **{attname: getattr(link, attname) for attname in attnames},
        )
        for link in links.iterator(chunk_size=BATCH)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_publishers_group"),
        ("diplomacy", "0005_workflow_history_versions"),
    ]

    operations = [migrations.RunPython(create_initial_history, migrations.RunPython.noop)]
