"""The public meeting list in a browser: the filter form, paging, a small screen."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from playwright.sync_api import expect

from diplomacy.filters import filter_meetings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def titles_for(query):
    """The titles the list should show for this query string, in the list's order."""
    filterset, meetings = filter_meetings(QueryDict(query))
    assert not filterset.errors, filterset.errors
    return [meeting.title for meeting in meetings]


def shown_titles(tour):
    return tour.locator(".results .meeting-title").all_inner_texts()


def query_of(tour):
    return parse_qs(urlsplit(tour.url).query)


def show_meetings(tour):
    tour.get_by_role("button", name="Show meetings").click()
    tour.wait_for_load_state("load")


def test_a_reader_narrows_the_list_by_country_then_person_then_dates(tour, demo):
    tour.goto("/meetings/")
    expect(tour.locator("#results-heading")).to_have_text("20 meetings match")
    tour.check("all")

    tour.get_by_label("Countries", exact=True).select_option(label="Palestine")
    show_meetings(tour)
    expect(tour.locator("#results-heading")).to_have_text("1 meeting matches")
    assert query_of(tour)["country"] == ["PS"]
    assert shown_titles(tour) == titles_for("country=PS")
    assert shown_titles(tour) == ["Bùi Thanh Sơn receives Palestinian Special Envoy Riad Malki"]
    # The form shows the filter it applied.
    expect(tour.get_by_label("Countries", exact=True)).to_have_values(["PS"])
    tour.check("palestine")

    tour.get_by_label("Countries", exact=True).select_option([])
    tour.get_by_label("Person", exact=True).fill("bui thanh son")
    show_meetings(tour)
    expect(tour.locator("#results-heading")).to_have_text("9 meetings match")
    assert "country" not in query_of(tour)
    assert query_of(tour)["person"] == ["bui thanh son"]
    assert shown_titles(tour) == titles_for("person=bui-thanh-son")
    tour.check("person")

    tour.get_by_label("From", exact=True).fill("2024-02-01")
    tour.get_by_label("To", exact=True).fill("2024-02-29")
    show_meetings(tour)
    expect(tour.locator("#results-heading")).to_have_text("7 meetings match")
    query = query_of(tour)
    assert (query["person"], query["date_from"], query["date_to"]) == (
        ["bui thanh son"],
        ["2024-02-01"],
        ["2024-02-29"],
    )
    expected = titles_for("person=bui-thanh-son&date_from=2024-02-01&date_to=2024-02-29")
    assert shown_titles(tour) == expected
    expect(tour.get_by_label("From", exact=True)).to_have_value("2024-02-01")
    tour.check("february-2024")


def test_a_reader_pages_through_filtered_meetings_and_the_filters_stay(tour, demo, settings):
    # The live server reads the setting at each request.
    settings.MEETINGS_PER_PAGE = 5
    expected = titles_for("person=bui-thanh-son")
    assert len(expected) == 9

    tour.goto("/meetings/")
    tour.get_by_label("Person", exact=True).fill("bui thanh son")
    show_meetings(tour)
    expect(tour.locator("#results-heading")).to_have_text("9 meetings match")
    expect(tour.locator(".pagination .current")).to_have_text("Page 1 of 2")
    assert shown_titles(tour) == expected[:5]
    expect(tour.get_by_role("link", name="← Previous")).to_have_count(0)
    tour.check("page-1")

    tour.get_by_role("link", name="Next →").click()
    expect(tour.locator(".pagination .current")).to_have_text("Page 2 of 2")
    query = query_of(tour)
    assert query["page"] == ["2"]
    assert query["person"] == ["bui thanh son"]
    expect(tour.locator("#results-heading")).to_have_text("9 meetings match")
    assert shown_titles(tour) == expected[5:]
    expect(tour.get_by_role("link", name="Next →")).to_have_count(0)
    expect(tour.get_by_label("Person", exact=True)).to_have_value("bui thanh son")
    tour.check("page-2")

    tour.get_by_role("link", name="← Previous").click()
    expect(tour.locator(".pagination .current")).to_have_text("Page 1 of 2")
    assert query_of(tour)["person"] == ["bui thanh son"]
    assert shown_titles(tour) == expected[:5]


def test_the_list_and_a_meeting_fit_a_phone_screen(phone_tour, demo):
    tour = phone_tour
    tour.goto("/meetings/")
    expect(tour.locator(".results .meeting-title")).to_have_count(20)
    tour.check("list")
    assert not tour.has_horizontal_scroll(), "the meeting list scrolls sideways at 375 px"

    title = "Bùi Thanh Sơn receives Palestinian Special Envoy Riad Malki"
    tour.get_by_role("link", name=title).click()
    expect(tour.locator("h1")).to_have_text(title)
    tour.check("meeting")
    assert not tour.has_horizontal_scroll(), "a meeting page scrolls sideways at 375 px"
