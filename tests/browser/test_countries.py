"""Country pages in a browser: from a country to the record of one pair of countries."""

import re

import pytest
from playwright.sync_api import expect

from diplomacy.models import Country, Meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_reader_goes_from_vietnam_to_the_vietnam_palestine_pair(tour, demo):
    vietnam, palestine = Country.objects.get(code="VN"), Country.objects.get(code="PS")
    both = Meeting.objects.published().filter(countries=vietnam).filter(countries=palestine)
    together = list(both.values_list("title", flat=True))
    assert together == ["Bùi Thanh Sơn receives Palestinian Special Envoy Riad Malki"]
    vietnam_only = (
        Meeting.objects.published()
        .filter(countries=vietnam)
        .exclude(countries=palestine)
        .values_list("title", flat=True)
    )

    tour.goto("/countries/vn/")
    expect(tour.locator("h1")).to_have_text(vietnam.name)
    tour.check("vietnam")

    pair_links = tour.locator('main a[href$="/countries/vn/ps/" i]')
    assert pair_links.count(), "the Vietnam page links to no Vietnam–Palestine page"
    pair_links.first.click()
    expect(tour.page).to_have_url(re.compile(r"/countries/vn/ps/$", re.IGNORECASE))

    heading = tour.locator("h1")
    expect(heading).to_contain_text(vietnam.name)
    expect(heading).to_contain_text(palestine.name)
    main = tour.locator("main")
    for title in together:
        expect(main.get_by_role("link", name=title, exact=True).first).to_be_visible()
    for title in vietnam_only:
        expect(main.get_by_role("link", name=title, exact=True)).to_have_count(0)
    tour.check("vietnam-palestine")
