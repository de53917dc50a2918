"""Control characters that XML 1.0 forbids (ESC, VT from a terminal or a word processor) are
dropped whenever text is saved, removed from rows saved before, and never break a feed."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from articles.models import Article
from diplomacy.models import Meeting, Person
from tests.factories import ArticleFactory, MeetingFactory, PersonFactory

pytestmark = pytest.mark.django_db

DIRTY = "Talks\x1b[0m in\x0b Hà Nội\ufffe"
CLEAN = "Talks[0m in Hà Nội"


def test_saving_drops_the_characters_xml_cannot_hold_and_keeps_tabs_and_newlines():
    meeting = MeetingFactory(title=DIRTY, summary="First line\x0c\nSecond\tline\x07")
    meeting.refresh_from_db()
    assert meeting.title == CLEAN
    assert meeting.summary == "First line\nSecond\tline"
    person = PersonFactory(name="Bùi\x1b Thanh Sơn", aliases="Son\x0b\nBui Thanh Son")
    person.refresh_from_db()
    assert (person.name, person.aliases) == ("Bùi Thanh Sơn", "Son\nBui Thanh Son")
    article = ArticleFactory(headline="Ministers\x1b meet", body="Text\x0b here.")
    article.refresh_from_db()
    assert (article.headline, article.body) == ("Ministers meet", "Text here.")


def test_an_editor_saving_through_the_admin_stores_clean_text(publisher_client):
    person = PersonFactory(name="Riad Malki")
    url = reverse("admin:diplomacy_person_change", args=[person.pk])
    form = publisher_client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "name": "Riad\x1b Malki",
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
        }
    )
    response = publisher_client.post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Riad Malki"


@pytest.mark.parametrize("name", ["meeting_feed", "meeting_feed_atom", "meeting_calendar"])
def test_feeds_and_the_calendar_stay_valid_with_a_row_saved_before_stripping(client, name):
    meeting = MeetingFactory(title="Talks")
    # Written behind the models' back, as rows saved before stripping existed.
    Meeting.objects.filter(pk=meeting.pk).update(title=DIRTY, summary="Vertical\x0btab")
    response = client.get(reverse(name))
    assert response.status_code == 200
    text = response.content.decode()
    assert "\x1b" not in text and "\x0b" not in text and "\ufffe" not in text
    assert "Talks[0m in" in text


def test_the_migration_cleans_rows_saved_before(db):
    meeting = MeetingFactory(title="Talks")
    person = PersonFactory(name="Riad Malki")
    article = ArticleFactory(headline="Ministers meet")
    Meeting.objects.filter(pk=meeting.pk).update(title=DIRTY)
    Person.objects.filter(pk=person.pk).update(aliases="Malki\x1b")
    Article.objects.filter(pk=article.pk).update(body="Body\x0b text.\n\nMore\ttext.")
    migration = importlib.import_module("diplomacy.migrations.0010_strip_control_characters")
    migration.strip_existing(apps, SimpleNamespace(connection=connection))
    meeting.refresh_from_db()
    person.refresh_from_db()
    article.refresh_from_db()
    assert meeting.title == CLEAN
    assert person.aliases == "Malki"
    assert article.body == "Body text.\n\nMore\ttext."
