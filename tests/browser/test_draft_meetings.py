"""An editor pastes an article reporting four meetings at a UN session, clicks "Draft
meetings", corrects one proposal and saves: the meetings exist as drafts, linked."""

import datetime

import pytest
from playwright.sync_api import expect

from articles.models import Article
from diplomacy.models import Status
from tests.browser.test_admin import PASSWORD, log_in
from tests.factories import PersonFactory, PublisherFactory, country
from tests.sample_articles import UN_SESSION

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_drafts_four_meetings_from_a_pasted_article(tour):
    editor = PublisherFactory(username="desk-editor", password=PASSWORD)
    PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
    log_in(tour, editor.username)

    tour.goto("/admin/articles/article/add/")
    tour.locator("#id_headline").fill("Foreign minister meets four counterparts at the UN")
    tour.locator("#id_body").fill(UN_SESSION)
    tour.locator("#id_published_on").fill("2025-09-24")
    tour.locator("input[name=_continue]").click()
    expect(tour.locator(".messagelist .success")).to_be_visible()

    tour.locator("a.draft-meetings-link").click()
    proposals = tour.locator("fieldset.draft-meeting")
    expect(proposals).to_have_count(5)  # the session and the four meetings in it
    tour.check("review", admin=True)
    counterparts = ["Mauro Vieira", "Anita Anand", "Penny Wong", "Badr Abdelatty"]
    for number, name in enumerate(counterparts, start=1):
        row = proposals.nth(number)
        expect(row.locator("textarea")).to_contain_text(name)
        expect(row.locator("input[name$=start_date]")).to_have_value("2025-09-23")
        expect(row.locator("input[name$=location_city]")).to_have_value("New York")
        expect(row.locator("blockquote.draft-sentence")).to_contain_text(name)

    # The editor corrects a title before saving.
    proposals.nth(2).locator("input[name$=title]").fill("Sơn and Anand hold talks in New York")
    tour.locator("#draft-meetings-form input[type=submit]").click()
    expect(tour.locator(".messagelist .success")).to_contain_text("Created 5 draft meetings")

    article = Article.objects.get()
    meetings = {m.title: m for m in article.meetings.all()}
    assert "Sơn and Anand hold talks in New York" in meetings
    assert all(m.status == Status.DRAFT for m in meetings.values())
    assert {m.start_date for m in meetings.values()} == {datetime.date(2025, 9, 23)}
    session = meetings["80th session of the United Nations General Assembly"]
    assert sum(m.parent_id == session.pk for m in meetings.values()) == 4
