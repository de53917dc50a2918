"""The public meeting list: every filter alone and combined, no duplicates, pagination."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diplomacy.filters import MAX_COUNTRIES
from diplomacy.models import Country, Meeting, Status
from tests.factories import (
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    country,
)

pytestmark = pytest.mark.django_db

URL = reverse("meeting_list")


def titles(response):
    return [meeting.title for meeting in response.context["meetings"]]


@pytest.fixture
def record():
    """Four published meetings and one draft, with overlapping people and countries."""
    son = PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
    malki = PersonFactory(name="Riad Malki", country=country("PS"))
    retno = PersonFactory(name="Retno Marsudi", country=country("ID"))
    francis = PersonFactory(name="Dennis Francis", country=country("TT"))
    un = OrganizationFactory(name="United Nations", acronym="UN")
    reception = MeetingFactory(
        title="Reception of the Palestinian envoy",
        kind=Meeting.Kind.RECEPTION,
        start_date=datetime.date(2024, 12, 25),
        location_city="Hà Nội",
        people=[son, malki],
    )
    reception.topics.add("Humanitarian aid", "Trade")
    indonesia = MeetingFactory(
        title="Talks with Indonesia in Geneva",
        start_date=datetime.date(2024, 2, 26),
        location_city="Geneva",
        people=[son, retno],
    )
    indonesia.topics.add("trade")
    assembly = MeetingFactory(
        title="Meeting with the General Assembly president",
        start_date=datetime.date(2024, 2, 26),
        people=[son, francis],
    )
    assembly.organizations.add(un)
    summit = MeetingFactory(
        title="Regional summit",
        kind=Meeting.Kind.MULTILATERAL,
        start_date=datetime.date(2024, 2, 20),
        end_date=datetime.date(2024, 3, 2),
        people=[retno, malki],
    )
    draft = MeetingFactory(
        title="Secret draft meeting",
        status=Status.DRAFT,
        start_date=datetime.date(2024, 2, 26),
        people=[son, malki],
    )
    return {
        "son": son,
        "malki": malki,
        "retno": retno,
        "un": un,
        "reception": reception,
        "indonesia": indonesia,
        "assembly": assembly,
        "summit": summit,
        "draft": draft,
    }


def test_it_lists_published_meetings_newest_first_with_a_count(client, record):
    response = client.get(URL)
    assert response.status_code == 200
    # Same-day meetings: the one entered last comes first.
    assert titles(response) == [
        "Reception of the Palestinian envoy",
        "Meeting with the General Assembly president",
        "Talks with Indonesia in Geneva",
        "Regional summit",
    ]
    assert "Secret draft meeting" not in response.content.decode()
    assert "4 meetings match" in response.content.decode()


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_it_filters_by_one_country(client, record):
    assert titles(get(client, country="PS")) == [
        "Reception of the Palestinian envoy",
        "Regional summit",
    ]


def test_it_accepts_country_codes_in_lower_case(client, record):
    assert titles(get(client, country="ps")) == titles(get(client, country="PS"))


def test_several_countries_match_any_of_them_by_default(client, record):
    response = get(client, country=["TT", "ID"])
    assert titles(response) == [
        "Meeting with the General Assembly president",
        "Talks with Indonesia in Geneva",
        "Regional summit",
    ]
    assert titles(get(client, country=["TT", "ID"], country_match="any")) == titles(response)


def test_several_countries_with_all_match_meetings_having_every_one(client, record):
    response = get(client, country=["VN", "ID"], country_match="all")
    assert titles(response) == ["Talks with Indonesia in Geneva"]
    assert titles(get(client, country=["VN", "ID", "PS"], country_match="all")) == []


def test_a_country_matching_twice_does_not_duplicate_a_meeting(client, record):
    # The summit has two participants from different countries, both asked for.
    response = get(client, country=["ID", "PS"])
    assert titles(response).count("Regional summit") == 1
    assert response.context["page"].paginator.count == len(titles(response)) == 3


def test_it_filters_by_person_slug(client, record):
    response = get(client, person=record["son"].slug)
    assert titles(response) == [
        "Reception of the Palestinian envoy",
        "Meeting with the General Assembly president",
        "Talks with Indonesia in Geneva",
    ]


def test_the_person_filter_accepts_a_name_without_diacritics(client, record):
    assert titles(get(client, person="bui thanh son")) == titles(
        get(client, person="bui-thanh-son")
    )


def test_the_person_filter_is_a_text_field_not_a_select_of_everyone(client, record):
    html = get(client).content.decode()
    assert 'name="person"' in html
    assert '<select name="person"' not in html
    assert "Riad Malki</option>" not in html


def test_person_and_country_must_meet_in_the_same_meeting(client, record):
    # Sơn met Palestine's envoy (reception) and Indonesia's minister (Geneva talks);
    # Palestine and Indonesia also met without him (summit), which must not count.
    assert titles(get(client, person=record["son"].slug, country="PS")) == [
        "Reception of the Palestinian envoy"
    ]
    assert titles(get(client, person=record["retno"].slug, country="PS")) == ["Regional summit"]


def test_it_filters_by_organization(client, record):
    assert titles(get(client, organization=record["un"].slug)) == [
        "Meeting with the General Assembly president"
    ]
    assert titles(get(client, organization="UN")) == ["Meeting with the General Assembly president"]


def test_it_filters_by_kind(client, record):
    assert titles(get(client, kind=Meeting.Kind.RECEPTION)) == [
        "Reception of the Palestinian envoy"
    ]
    assert titles(get(client, kind=Meeting.Kind.MULTILATERAL)) == ["Regional summit"]


def test_a_date_range_includes_meetings_that_overlap_it(client, record):
    response = get(client, date_from="2024-02-01", date_to="2024-02-29")
    assert titles(response) == [
        "Meeting with the General Assembly president",
        "Talks with Indonesia in Geneva",
        "Regional summit",
    ]
    # The summit runs 20 February to 2 March, so March 1 still falls inside it.
    assert titles(get(client, date_from="2024-03-01", date_to="2024-03-31")) == ["Regional summit"]
    assert titles(get(client, date_from="2024-12-01")) == ["Reception of the Palestinian envoy"]
    assert titles(get(client, date_to="2024-02-25")) == ["Regional summit"]


def test_date_inputs_are_html5_date_fields(client, record):
    html = get(client).content.decode()
    assert 'type="date" name="date_from"' in html
    assert 'type="date" name="date_to"' in html


def test_it_filters_by_topic_case_insensitively(client, record):
    # "Trade" and "trade" are one topic.
    assert titles(get(client, topic="trade")) == [
        "Reception of the Palestinian envoy",
        "Talks with Indonesia in Geneva",
    ]
    assert titles(get(client, topic="humanitarian-aid")) == ["Reception of the Palestinian envoy"]


def test_text_search_ignores_case_and_diacritics(client, record):
    assert titles(get(client, q="ha noi")) == ["Reception of the Palestinian envoy"]
    assert titles(get(client, q="GENEVA")) == ["Talks with Indonesia in Geneva"]
    # A participant's name finds the meetings they attended.
    assert titles(get(client, q="marsudi")) == [
        "Talks with Indonesia in Geneva",
        "Regional summit",
    ]


def test_all_filters_combine_into_one_condition(client, record):
    response = get(
        client,
        country=["VN", "ID"],
        country_match="all",
        person=record["retno"].slug,
        kind=Meeting.Kind.BILATERAL,
        date_from="2024-02-26",
        date_to="2024-02-26",
        topic="trade",
        q="geneva",
    )
    assert titles(response) == ["Talks with Indonesia in Geneva"]
    assert titles(get(client, person=record["retno"].slug, kind=Meeting.Kind.RECEPTION)) == []


def test_drafts_never_match_any_filter(client, record):
    for params in [
        {},
        {"person": record["son"].slug},
        {"country": "PS"},
        {"q": "secret"},
        {"date_from": "2024-02-26", "date_to": "2024-02-26"},
    ]:
        assert "Secret draft meeting" not in titles(get(client, **params))


@pytest.mark.parametrize(
    "params, field",
    [
        ({"date_from": "2024-13-45"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2024-03-01", "date_to": "2024-02-01"}, "date_to"),
        ({"country": "ZZ"}, "country"),
        ({"country": "Vietnam"}, "country"),
        ({"country": "V\x00"}, "country"),
        ({"person": "nobody-at-all"}, "person"),
        ({"organization": "no-such-organization"}, "organization"),
        ({"kind": "duel"}, "kind"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"country_match": "some"}, "country_match"),
        ({"q": "x" * 500}, "q"),
    ],
)
def test_malformed_filters_show_a_form_error_and_no_results(client, record, params, field):
    response = get(client, **params)
    assert field in response.context["filter"].errors
    assert titles(response) == []
    assert 'class="error"' in response.content.decode()


def test_control_characters_in_filters_are_dropped(client, record):
    assert titles(get(client, q="gen\x00ev\x01a")) == ["Talks with Indonesia in Geneva"]
    assert titles(get(client, country="P\x0bS")) == titles(get(client, country="PS"))


@pytest.mark.parametrize("page", ["999999", "-3", "abc", "1.5", "", "99999999999999999999999"])
def test_odd_page_numbers_show_a_page_not_an_error(client, record, settings, page):
    settings.MEETINGS_PER_PAGE = 2
    response = get(client, page=page)
    assert len(titles(response)) == 2


def test_pagination_links_keep_the_filters(client, record, settings):
    settings.MEETINGS_PER_PAGE = 1
    response = get(client, person=record["son"].slug, country="VN")
    html = response.content.decode()
    assert response.context["page"].paginator.num_pages == 3
    assert f"?person={record['son'].slug}&amp;country=VN&amp;page=2" in html
    second = get(client, person=record["son"].slug, country="VN", page=2)
    assert titles(second) == ["Meeting with the General Assembly president"]


def test_it_shows_how_many_meetings_match(client, record):
    assert "3 meetings match" in get(client, person=record["son"].slug).content.decode()
    assert "1 meeting matches" in get(client, kind="reception").content.decode()
    assert "No meetings match these filters." in get(client, kind="signing").content.decode()


def count_queries(client, params, cold=True):
    """Queries of one render of the list: `cold` as the first view after a change (nothing
    cached), else with the filter's count, facets and rows already computed."""
    if cold:
        cache.clear()
    else:
        client.get(URL, params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_page_size(client, record, settings):
    settings.PAGE_CACHE = False  # every request renders its page
    people = [PersonFactory(country=country(code)) for code in ("FR", "DE", "JP", "BR")]
    for number in range(30):
        meeting = MeetingFactory(people=people[number % 3 : number % 3 + 2])
        meeting.topics.add(f"topic {number}")
    params = {"country": "VN", "q": "meeting", "person": record["son"].slug}
    counts = {}
    for size in (2, 30):
        settings.MEETINGS_PER_PAGE = size
        for cold in (True, False):
            counts[size, cold] = (
                count_queries(client, {}, cold),
                count_queries(client, params, cold),
            )
    assert counts[2, True] == counts[30, True]
    assert counts[2, False] == counts[30, False]
    # Cold: the scheduled-publication check (2), the count, three facet counts and the
    # facets' countries, the country choices, the page and its three prefetches.
    assert counts[30, True][0] <= 12
    # Then the count, the filter form and facets, and every row come from the cache: only
    # the page's meetings are read (and, filtered, the country codes and the person).
    assert counts[30, False] == (1, 3)


def test_a_list_of_too_many_countries_is_a_form_error_and_a_small_page(client, record):
    codes = list(Country.objects.values_list("code", flat=True))
    assert len(codes) == 249
    response = client.get(reverse("meeting_list"), {"country": codes})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Choose at most {MAX_COUNTRIES} countries." in page
    assert len(response.content) < 200_000
    export = client.get(reverse("meeting_export_json"), {"country": codes})
    assert export.status_code == 400
    assert "at most" in export.json()["error"]


def test_as_many_countries_as_the_limit_allows_are_accepted(client, record):
    codes = list(Country.objects.values_list("code", flat=True)[:MAX_COUNTRIES])
    response = client.get(reverse("meeting_list"), {"country": codes + codes})
    assert "Choose at most" not in response.content.decode()
