"""The language switcher in a browser: a reader's choice holds from page to page."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_reader_switches_to_vietnamese_and_the_next_page_stays_vietnamese(tour, demo):
    tour.goto("/meetings/")
    html = tour.locator("html")
    expect(html).to_have_attribute("lang", "en")

    switcher = tour.locator("form#language-switcher")
    assert switcher.count() == 1, "no #language-switcher form on the meeting list"
    switcher.locator("select[name=language]").select_option("vi")
    switcher.locator("button:not([type]), button[type=submit], input[type=submit]").click()

    expect(html).to_have_attribute("lang", "vi")
    # Back on the page the reader was reading.
    assert tour.url.split("?")[0].endswith("/meetings/"), tour.url
    expect(tour.locator("#language-switcher select[name=language]")).to_have_value("vi")
    tour.check("meetings-vi")

    tour.locator("header nav a[href$='/countries/']").click()
    tour.wait_for_url("**/countries/")
    expect(html).to_have_attribute("lang", "vi")
    tour.check("countries-vi")


def test_the_country_charts_draw_without_errors_in_vietnamese(open_tour, demo):
    # Accept-Language picks the language when the reader has not chosen one.
    tour = open_tour(locale="vi-VN")
    tour.goto("/countries/vn/")
    expect(tour.locator("html")).to_have_attribute("lang", "vi")
    tour.check("vietnam-vi")

    tour.goto("/countries/vn/ps/")
    expect(tour.locator("html")).to_have_attribute("lang", "vi")
    tour.check("vietnam-palestine-vi")
