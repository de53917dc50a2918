"""Site search: diacritic-insensitive, published content only, grouped by type."""

import datetime
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diplomacy import caching
from diplomacy.models import Status
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    country,
)

pytestmark = pytest.mark.django_db

URL = reverse("search")


def search(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return response


def group(response, search_type):
    """The rows shown for one type, or None when the type has no group on the page."""
    for found in response.context["groups"]:
        if found.type == search_type:
            return list(found.rows)
    return None


def titles(rows):
    return [str(row) for row in rows]


@pytest.fixture
def to_lam():
    """Tô Lâm, public through a published meeting in Hà Nội."""
    person = PersonFactory(name="Tô Lâm", country=country("VN"))
    guest = PersonFactory(name="Anthony Albanese", country=country("AU"))
    MeetingFactory(
        title="General Secretary receives the Australian Prime Minister",
        location_city="Hà Nội",
        location_country=country("VN"),
        people=[person, guest],
    )
    return person


def test_to_lam_finds_to_lam_and_his_meetings(client, to_lam):
    response = search(client, "to lam")

    assert group(response, "people") == [to_lam]
    assert titles(group(response, "meetings")) == [
        "General Secretary receives the Australian Prime Minister"
    ]


def test_the_words_may_come_in_any_order_and_the_last_may_be_unfinished(client, to_lam):
    assert group(search(client, "lam to"), "people") == [to_lam]
    assert group(search(client, "to la"), "people") == [to_lam]


def test_quotes_and_commas_around_the_words_are_ignored(client, to_lam):
    assert group(search(client, "“Tô Lâm”,"), "people") == [to_lam]


def test_a_hyphenated_word_is_found(client):
    ArticleFactory(headline="Vaccines", body="Doses against COVID-19 were donated.")

    assert titles(group(search(client, "covid-19"), "articles")) == ["Vaccines"]


def test_a_meeting_is_found_by_its_place(client, to_lam):
    response = search(client, "ha noi")

    assert titles(group(response, "meetings")) == [
        "General Secretary receives the Australian Prime Minister"
    ]
    assert group(response, "people") == []


def test_an_article_is_found_by_a_word_of_its_body(client):
    ArticleFactory(headline="Ministers meet", body="They discussed the Mekong.\n\nAnd trade.")
    ArticleFactory(headline="Unrelated", body="Nothing about rivers.")

    assert titles(group(search(client, "mekong"), "articles")) == ["Ministers meet"]


def test_viet_nam_finds_viet_nam_written_with_diacritics(client):
    party = OrganizationFactory(name="Communist Party of Việt Nam", acronym="CPV")
    meeting = MeetingFactory(title="Party delegation visits Lào")
    meeting.organizations.add(party)
    ArticleFactory(headline="Việt Nam and Laos renew ties")

    response = search(client, "viet nam")

    assert group(response, "organizations") == [party]
    assert titles(group(response, "articles")) == ["Việt Nam and Laos renew ties"]


def test_drafts_and_people_known_only_from_drafts_never_appear(client, to_lam):
    secret = PersonFactory(name="Tô Lâm Embargoed")
    secret_org = OrganizationFactory(name="Tô Lâm Embargoed Council")
    draft = MeetingFactory(title="Tô Lâm embargoed meeting", status=Status.DRAFT, people=[secret])
    draft.organizations.add(secret_org)
    article = ArticleFactory(headline="Tô Lâm embargoed article", status=Status.DRAFT)
    article.people.add(secret)

    response = search(client, "to lam")

    assert group(response, "people") == [to_lam]
    assert group(response, "organizations") == []
    assert group(response, "articles") == []
    assert "mbargoed" not in response.content.decode()


def test_the_type_filter_shows_one_type_only(client, to_lam):
    response = search(client, "to lam", type="people")

    assert [found.type for found in response.context["groups"]] == ["people"]
    assert group(response, "people") == [to_lam]
    assert "General Secretary receives" not in response.content.decode()


def test_an_unknown_type_searches_everything(client, to_lam):
    response = search(client, "to lam", type="<bogus>")

    assert [found.type for found in response.context["groups"]] == [
        "meetings",
        "articles",
        "people",
        "organizations",
    ]


def test_an_empty_query_shows_the_form_alone(client, to_lam):
    response = search(client, "")

    content = response.content.decode()
    assert "<title>Search · Diplomacy Record</title>" in content
    assert 'name="q"' in content
    assert response.context["groups"] == []
    assert "search-results" not in content


def test_a_query_of_spaces_or_control_characters_is_an_empty_query(client):
    response = search(client, " \x00\x1f\t ")

    assert response.context["query"] == ""
    assert response.context["groups"] == []


def test_a_nul_character_in_the_query_is_dropped(client, to_lam):
    response = search(client, "to\x00 lam")

    assert response.context["query"] == "to lam"
    assert group(response, "people") == [to_lam]
    assert "\x00" not in response.content.decode()


def test_a_long_query_is_cut_to_200_characters(client):
    response = search(client, "a" * 1000)

    assert response.context["query"] == "a" * 200


def test_markup_in_the_query_is_escaped_in_the_title_and_the_page(client, to_lam):
    response = search(client, "<script>alert(1)</script>")

    content = response.content.decode()
    assert "<script>alert" not in content
    assert "<title>Search: &lt;script&gt;alert(1)&lt;/script&gt; · Diplomacy Record</title>" in (
        content
    )
    assert "Nothing published matches" in content


def test_punctuation_alone_matches_nothing_and_runs_no_query(client, to_lam):
    caching.current_generation()  # the page cache's own check, made once per change
    with CaptureQueriesContext(connection) as queries:
        response = search(client, "!!! <> ...")

    assert response.context["total"] == 0
    assert len(queries) == 0


def test_nothing_found_says_so(client, to_lam):
    content = search(client, "zanzibar").content.decode()

    assert "0 results" in content
    assert "Nothing published matches “zanzibar”." in content


def make_matches(count):
    """`count` matching published rows of each type, with what their rows show."""
    for number in range(count):
        person = PersonFactory(name=f"Quokka Envoy {number}")
        meeting = MeetingFactory(
            title=f"Quokka talks {number}",
            start_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=number),
            people=[person],
        )
        meeting.topics.add("trade", "climate")
        meeting.organizations.add(OrganizationFactory(name=f"Quokka Council {number}"))
        article = ArticleFactory(headline=f"Quokka report {number}")
        article.topics.add("trade")


def count_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        search(client, "quokka", **params)
    return len(queries)


@pytest.mark.parametrize("search_type", ["all", "meetings", "articles", "people", "organizations"])
def test_the_number_of_queries_does_not_grow_with_the_results(client, search_type):
    make_matches(2)
    few = count_queries(client, type=search_type)
    make_matches(20)
    many = count_queries(client, type=search_type)

    assert few == many


def test_everything_is_searched_in_eight_queries(client, django_assert_num_queries):
    make_matches(3)

    # Meetings with participants, countries and topics (4), articles with topics (2),
    # people (1), organizations (1); every count comes with its rows. (The page cache's
    # check for scheduled publications runs once per change, before.)
    caching.current_generation()
    with django_assert_num_queries(8):
        search(client, "quokka")


def test_each_group_shows_ten_rows_with_a_count_and_a_link_to_the_rest(client):
    make_matches(12)

    response = search(client, "quokka")

    groups = {found.type: found for found in response.context["groups"]}
    assert {key: (len(found.rows), found.total) for key, found in groups.items()} == {
        "meetings": (10, 12),
        "articles": (10, 12),
        "people": (10, 12),
        "organizations": (10, 12),
    }
    content = response.content.decode()
    assert 'href="/meetings/?q=quokka"' in content
    assert 'href="/articles/?q=quokka"' in content
    assert 'href="/people/?q=quokka"' in content
    assert 'href="/search/?q=quokka&amp;type=organizations"' in content


def test_one_type_is_paginated(client):
    make_matches(25)

    first = search(client, "quokka", type="people")
    second = search(client, "quokka", type="people", page=2)

    assert len(group(first, "people")) == 20
    assert len(group(second, "people")) == 5
    assert 'href="?q=quokka&amp;type=people&amp;page=2"' in first.content.decode()


def test_title_matches_come_first_then_the_newest(client):
    ArticleFactory(
        headline="Newest, on the river",
        body="Talks on the Mekong.",
        published_on=datetime.date(2024, 3, 1),
    )
    ArticleFactory(headline="Older Mekong headline", published_on=datetime.date(2023, 1, 1))
    ArticleFactory(headline="Newer Mekong headline", published_on=datetime.date(2024, 1, 1))

    assert titles(group(search(client, "mekong"), "articles")) == [
        "Newer Mekong headline",
        "Older Mekong headline",
        "Newest, on the river",
    ]


def test_a_meeting_titled_with_the_words_comes_before_one_that_only_lists_the_person(
    client, to_lam
):
    MeetingFactory(title="Tô Lâm meets Xi Jinping", start_date=datetime.date(2020, 1, 1))

    assert titles(group(search(client, "to lam"), "meetings")) == [
        "Tô Lâm meets Xi Jinping",
        "General Secretary receives the Australian Prime Minister",
    ]


def test_the_site_search_form_has_a_labelled_query_field():
    html = render_to_string("includes/search_form.html")

    assert 'role="search"' in html
    assert 'action="/search/"' in html
    field_id = re.search(r'<input id="([^"]+)"[^>]* name="q"', html).group(1)
    assert f'<label for="{field_id}" class="visually-hidden">' in html
