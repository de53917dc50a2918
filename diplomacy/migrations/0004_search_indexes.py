"""GIN indexes for site search on PostgreSQL; nothing on other databases.

Each serves `to_tsvector('simple'::regconfig, search_text) @@ <tsquery>` in diplomacy/search.py
and must index exactly that expression to be used. Django's Meta.indexes would apply them on
SQLite too, where to_tsvector does not exist, hence RunPython with a vendor check.
"""

from django.db import migrations

INDEXES = [
    ("diplomacy", "Meeting", "meeting_search_gin_idx"),
    ("articles", "Article", "article_search_gin_idx"),
    ("diplomacy", "Person", "person_search_gin_idx"),
    ("diplomacy", "Organization", "organization_search_gin_idx"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for app_label, model_name, index_name in INDEXES:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index_name)} ON {quote(table)} "
            f"USING gin (to_tsvector('simple'::regconfig, {quote('search_text')}))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _app_label, _model_name, index_name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("diplomacy", "0003_meeting_end_needs_start"),
        ("articles", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
