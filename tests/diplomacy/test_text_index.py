"""The meeting list's text search reads an index (migration 0007): an FTS5 trigram table kept
in step by triggers on SQLite, trigram GIN indexes on PostgreSQL."""

import pytest
from django.db import connection

from diplomacy.models import Meeting, meetings_with_text
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def found(text):
    return set(Meeting.objects.search(text).values_list("title", flat=True))


def test_added_renamed_and_deleted_meetings_are_found_or_not_at_once():
    first = MeetingFactory(title="Talks on the Mekong river", location_city="Vientiane")
    MeetingFactory(title="A summit on fisheries", location_city="Hà Nội")
    assert found("mekong") == {"Talks on the Mekong river"}
    assert found("vientiane") == {"Talks on the Mekong river"}
    assert found("ha noi") == {"A summit on fisheries"}

    first.title = "Talks on the Red River"
    first.save()
    assert found("mekong") == set()
    assert found("red river") == {"Talks on the Red River"}

    first.delete()
    assert found("red river") == set()
    assert found("vientiane") == set()


def test_fragments_of_every_length_and_like_wildcards_are_matched_literally():
    MeetingFactory(title="Vietnam and Laos 100% agree", location_city="Huế")
    MeetingFactory(title="Vietnam_Laos joint committee", location_city="")
    assert found("la") == {"Vietnam and Laos 100% agree", "Vietnam_Laos joint committee"}
    assert found("100%") == {"Vietnam and Laos 100% agree"}
    assert found("m_l") == {"Vietnam_Laos joint committee"}
    assert found("hue") == {"Vietnam and Laos 100% agree"}


def test_the_index_is_there_and_used():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'diplomacy_meeting_text'")
            assert cursor.fetchone()
            sql = str(Meeting.objects.filter(pk__in=meetings_with_text("mekong", "default")).query)
            assert "diplomacy_meeting_text" in sql
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname IN "
                "('meeting_search_trgm_idx', 'person_search_trgm_idx') ORDER BY indexname"
            )
            assert [row[0] for row in cursor.fetchall()] == [
                "meeting_search_trgm_idx",
                "person_search_trgm_idx",
            ]


def test_a_text_thousands_of_meetings_hold_walks_the_list_and_a_rare_one_reads_the_index(
    monkeypatch,
):
    from diplomacy import models

    monkeypatch.setattr(models, "COMMON_TEXT", 2)
    for number in range(3):
        MeetingFactory(title=f"Fisheries talks {number}", location_city="Huế")
    MeetingFactory(title="A rare conference on glaciers")
    common = str(Meeting.objects.search("fisheries").query)
    rare = str(Meeting.objects.search("glaciers").query)
    assert "LIKE" in common and "%fisheries%" in common  # the column, in date order
    if connection.vendor == "sqlite":
        assert "diplomacy_meeting_text" not in common
        assert "diplomacy_meeting_text" in rare
    assert found("fisheries") == {f"Fisheries talks {n}" for n in range(3)}
    assert found("glaciers") == {"A rare conference on glaciers"}
