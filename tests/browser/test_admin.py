"""The admin in a browser: an editor records a meeting, and readers see it."""

import datetime

import pytest
from playwright.sync_api import expect

from diplomacy.models import Meeting, Person, Status
from tests.factories import MeetingFactory, PublisherFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "known test password 4821"
TITLE = "Bùi Thanh Sơn meets Riad Malki again"


def log_in(tour, username):
    tour.goto("/admin/")
    tour.locator("#id_username").fill(username)
    tour.locator("#id_password").fill(PASSWORD)
    tour.screenshot("login")
    tour.locator("input[type=submit]").click()
    expect(tour.locator("#user-tools")).to_contain_text(username)


def pick_in_autocomplete(tour, field, typed, choice):
    """Choose in one of the admin's autocomplete (select2) widgets: `field` is the cell or
    row holding it."""
    field = tour.locator(field)
    field.locator(".select2-selection").click()
    tour.locator(".select2-container--open .select2-search__field").fill(typed)
    option = tour.locator(".select2-results__option:not(.loading-results)", has_text=choice)
    option.first.click()
    expect(field.locator(".select2-selection__rendered")).to_contain_text(choice)


def test_an_editor_adds_a_published_meeting_with_two_participants(tour, demo):
    editor = PublisherFactory(username="desk-editor", password=PASSWORD)
    assert not editor.is_superuser

    log_in(tour, editor.username)
    tour.check("admin-index", admin=True)

    tour.goto("/admin/diplomacy/meeting/add/")
    tour.locator("#id_title").fill(TITLE)
    tour.locator("#id_kind").select_option(Meeting.Kind.TALKS.value)
    tour.locator("#id_status").select_option(Status.PUBLISHED.value)
    # Later than every demo meeting, so it heads the public list.
    tour.locator("#id_start_date").fill("2026-03-02")
    tour.locator("#id_location_city").fill("Hà Nội")
    # A published meeting needs a source: here a page elsewhere.
    tour.locator("#id_source_url").fill("https://www.mofa.gov.vn/son-meets-riad-malki")

    pick_in_autocomplete(tour, "#participants-0 .field-person", "bui thanh son", "Bùi Thanh Sơn")
    tour.locator("#participants-group .add-row a").click()
    pick_in_autocomplete(tour, "#participants-1 .field-person", "malki", "Riad Malki")
    tour.check("add-meeting", admin=True)

    tour.locator("input[name=_save]").click()
    expect(tour.locator(".messagelist .success")).to_contain_text(TITLE)
    tour.check("meetings-changelist", admin=True)

    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.status == Status.PUBLISHED
    assert meeting.created_by == editor
    assert [p.person.name for p in meeting.participants.all()] == ["Bùi Thanh Sơn", "Riad Malki"]

    tour.goto("/meetings/")
    expect(tour.locator(".results .meeting-title").first).to_have_text(TITLE)
    tour.check("public-list")

    tour.locator(".results").get_by_role("link", name=TITLE).click()
    expect(tour.locator("h1")).to_have_text(TITLE)
    main = tour.locator("main")
    expect(main.get_by_role("link", name="Bùi Thanh Sơn", exact=True).first).to_be_visible()
    expect(main.get_by_role("link", name="Riad Malki", exact=True).first).to_be_visible()
    expect(main.get_by_role("link", name="mofa.gov.vn", exact=True)).to_be_visible()
    tour.check("public-meeting")


def test_an_editor_publishes_a_draft_meeting_from_the_changelist(tour, demo):
    editor = PublisherFactory(username="desk-editor", password=PASSWORD)
    draft = MeetingFactory(
        title="Draft talks awaiting confirmation",
        start_date=datetime.date(2026, 3, 3),
        status=Status.DRAFT,
        people=list(Person.objects.filter(slug__in=["bui-thanh-son", "riad-malki"])),
        sourced=True,
    )

    tour.goto("/meetings/")
    expect(tour.locator(".results").get_by_role("link", name=draft.title)).to_have_count(0)

    log_in(tour, editor.username)
    tour.goto("/admin/diplomacy/meeting/?status__exact=draft")
    tour.locator(f"input.action-select[value='{draft.pk}']").check()
    tour.locator("select[name=action]").select_option("publish_selected")
    tour.screenshot("changelist-action")
    tour.locator("button[name=index]").click()
    expect(tour.locator(".messagelist .success")).to_contain_text("1 meeting published")
    tour.check("changelist-published", admin=True)

    tour.goto("/meetings/")
    expect(tour.locator(".results .meeting-title").first).to_have_text(draft.title)
    tour.check("public-list")
