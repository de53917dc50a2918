"""Indexes for the meeting list's text search (`q=`), which looks for a folded fragment
anywhere in a meeting's title and city or a person's names: `LIKE '%fragment%'`, which no
B-tree index serves.

- PostgreSQL: trigram GIN indexes (pg_trgm, a trusted extension a database owner may create)
  on the folded text of meetings and people; the planner uses them for LIKE by itself.
- SQLite: an FTS5 table with the trigram tokenizer over the meetings' folded text, kept in
  step by triggers (so bulk inserts, the admin and imports all keep it current); the search
  asks it with LIKE, which FTS5 answers from its index. Skipped when the SQLite library has
  no FTS5 trigram tokenizer (before 3.34): the search then scans, as before.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE diplomacy_meeting_text USING fts5("
    "search_text, content='diplomacy_meeting', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER diplomacy_meeting_text_insert AFTER INSERT ON diplomacy_meeting BEGIN "
    "INSERT INTO diplomacy_meeting_text(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "CREATE TRIGGER diplomacy_meeting_text_delete AFTER DELETE ON diplomacy_meeting BEGIN "
    "INSERT INTO diplomacy_meeting_text(diplomacy_meeting_text, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER diplomacy_meeting_text_update AFTER UPDATE OF search_text "
    "ON diplomacy_meeting BEGIN "
    "INSERT INTO diplomacy_meeting_text(diplomacy_meeting_text, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO diplomacy_meeting_text(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "INSERT INTO diplomacy_meeting_text(diplomacy_meeting_text) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS diplomacy_meeting_text_insert",
    "DROP TRIGGER IF EXISTS diplomacy_meeting_text_delete",
    "DROP TRIGGER IF EXISTS diplomacy_meeting_text_update",
    "DROP TABLE IF EXISTS diplomacy_meeting_text",
]
POSTGRESQL_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS meeting_search_trgm_idx ON diplomacy_meeting "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_search_trgm_idx ON diplomacy_person "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS meeting_search_trgm_idx",
    "DROP INDEX IF EXISTS person_search_trgm_idx",
]


def sqlite_has_trigram(cursor):
    try:
        cursor.execute("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')")
    except Exception:  # noqa: BLE001 - any failure means: no FTS5 trigram tokenizer
        return False
    cursor.execute("DROP TABLE temp.trigram_probe")
    return True


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        connection = schema_editor.connection
        statements = statements_by_vendor.get(connection.vendor, [])
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite" and not sqlite_has_trigram(cursor):
                return
            for statement in statements:
                cursor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("diplomacy", "0006_list_indexes")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS}),
            run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS}),
            elidable=False,
        ),
    ]
