"""The meeting list's facet counts, removable filter chips and sort order (demo record)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("meeting_list")


@pytest.fixture(autouse=True)
def demo():
    call_command("load_demo", verbosity=0)


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def facet(response, name):
    return {str(label): count for label, count, _query in response.context["facets"][name]}


def test_facets_count_meetings_per_country_kind_and_year_under_the_filter(client):
    response = get(client, person="bui-thanh-son")
    countries = facet(response, "countries")
    assert countries["Vietnam"] == 9
    assert countries["Iran"] == 1 and countries["Palestine"] == 1
    assert facet(response, "kinds") == {
        "Bilateral meeting": 7,
        "Reception": 1,
        "Multilateral meeting": 1,
    }
    assert facet(response, "years") == {"2024": 8, "2022": 1}


def test_a_facet_link_narrows_the_list(client):
    response = get(client, person="bui-thanh-son")
    query = next(q for label, _, q in response.context["facets"]["years"] if label == 2022)
    narrowed = client.get(f"{URL}?{query}")
    assert [m.slug for m in narrowed.context["meetings"]] == [
        "bui-thanh-son-meets-azerbaijani-deputy-foreign-minister-elnur-mammadov"
    ]
    # A country facet with a country chosen already asks for both.
    with_country = get(client, country="VN")
    query = next(q for c, _, q in with_country.context["facets"]["countries"] if c.code == "PS")
    assert "country_match=all" in query
    assert client.get(f"{URL}?{query}").context["page"].paginator.count == 1


def test_no_facets_when_nothing_matches(client):
    response = get(client, country="AQ")
    assert not response.context["facets"]
    assert "In these results" not in response.content.decode()
    assert "No meetings match these filters." in response.content.decode()


def test_each_filter_in_use_is_a_chip_that_removes_only_itself(client):
    response = get(client, country=["VN", "PS"], person="bui-thanh-son", q="envoy")
    chips = {(str(label), str(value)): query for label, value, query in response.context["chips"]}
    assert set(chips) == {
        ("Country", "Vietnam"),
        ("Country", "Palestine"),
        ("Match", "any of these countries"),
        ("Person", "Bùi Thanh Sơn"),
        ("Search", "envoy"),
    }
    without_palestine = chips[("Country", "Palestine")]
    assert "country=VN" in without_palestine and "PS" not in without_palestine
    assert "person=bui-thanh-son" in without_palestine
    assert "person" not in chips[("Person", "Bùi Thanh Sơn")]
    html = response.content.decode()
    assert 'aria-label="Remove filter Person: Bùi Thanh Sơn"' in html


def test_sort_oldest_first(client, settings):
    settings.MEETINGS_PER_PAGE = 50
    newest = [m.start_date for m in get(client).context["meetings"] if m.start_date]
    oldest = [m.start_date for m in get(client, sort="oldest").context["meetings"] if m.start_date]
    assert newest == sorted(newest, reverse=True)
    assert oldest == sorted(oldest)
    assert "sort" in get(client, sort="nonsense").context["filter"].errors
