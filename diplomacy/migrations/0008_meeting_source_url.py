"""A meeting's source URL: a public page that reports it, for a meeting no article on this
site reports (a published meeting needs it or a published source article).

On SQLite Django adds a NOT NULL column by copying the whole table, which drops the triggers
that keep the meetings' text index in step (migration 0007). There the column is added with
ALTER TABLE ... ADD COLUMN instead, which keeps them.
"""

from django.db import migrations, models

SOURCE_URL = models.URLField(
    blank=True,
    help_text=(
        "A public page that reports the meeting, for a meeting no article on this site "
        "reports. A published meeting needs a published source article or this."
    ),
    max_length=500,
    verbose_name="source URL",
)


def add_column(apps, schema_editor):
    Meeting = apps.get_model("diplomacy", "Meeting")
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "ALTER TABLE diplomacy_meeting ADD COLUMN source_url varchar(500) DEFAULT '' NOT NULL"
        )
    else:
        schema_editor.add_field(Meeting, Meeting._meta.get_field("source_url"))


def drop_column(apps, schema_editor):
    Meeting = apps.get_model("diplomacy", "Meeting")
    schema_editor.remove_field(Meeting, Meeting._meta.get_field("source_url"))


class Migration(migrations.Migration):
    dependencies = [
        ("diplomacy", "0007_text_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmeeting",
            name="source_url",
            field=SOURCE_URL.clone(),
        ),
        # The model gains the field here; the table in the next operation.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="meeting",
                    name="source_url",
                    field=SOURCE_URL.clone(),
                ),
            ],
        ),
        migrations.RunPython(add_column, drop_column, elidable=False),
    ]
