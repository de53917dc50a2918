"""Country pages, country-pair pages, person timelines and the meeting page's metadata."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diplomacy.models import Meeting, Status
from diplomacy.stats import Level, title_level
from tests.factories import MeetingFactory, PersonFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def test_country_page_draws_meetings_per_year_as_svg(client, demo):
    response = client.get("/countries/vn/")
    html = response.content.decode()
    chart = response.context["chart"]
    # Every year from the first to the last, empty years included.
    assert [bar.label for bar in chart.bars] == [str(y) for y in range(2022, 2027)]
    assert [bar.count for bar in chart.bars] == [2, 2, 9, 1, 3]
    assert '<svg viewBox="0 0 640 180" role="img"' in html
    assert "<title>2024: 9</title>" in html


def test_country_page_ranks_counterpart_countries_with_pair_links(client, demo):
    response = client.get("/countries/vn/")
    ranked = [(c.code, n) for c, n in response.context["counterparts"]]
    # Mammadov's visit and the three meetings held during it come first.
    assert ranked[:3] == [("AZ", 4), ("IR", 3), ("US", 3)]
    assert ("PS", 1) in ranked
    assert 'href="/countries/vn/ps/"' in response.content.decode()


def test_country_page_ranks_people_met_from_other_countries(client, demo):
    people = client.get("/countries/vn/").context["counterpart_people"]
    names = [person.name for person, _count in people]
    assert "Donald Trump" in names and "Riad Malki" in names
    assert "Bùi Thanh Sơn" not in names  # Vietnam's own side


def test_country_page_counts_visits_received_and_made(client, demo):
    vietnam = client.get("/countries/vn/").context["visits"]
    iran = client.get("/countries/ir/").context["visits"]
    # Tokayev's and Mammadov's visits were to Vietnam; Huệ's visit was to Iran.
    assert (vietnam.incoming, vietnam.outgoing) == (2, 1)
    assert (iran.incoming, iran.outgoing) == (1, 0)


def test_pair_page_lists_every_meeting_between_the_two(client, demo):
    response = client.get("/countries/vn/us/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Vietnam – United States of America</h1>" in html
    assert response.context["meeting_count"] == 3
    titles = {meeting.title for _year, rows in response.context["timeline"] for meeting, *_ in rows}
    assert titles == {
        "Tô Lâm receives US Trade Representative Jamieson Greer",
        "Tô Lâm meets President Donald Trump",
        "Inaugural meeting of the Gaza Peace Council",
    }
    assert response.context["first"].start_date == datetime.date(2026, 2, 18)
    assert 'href="/meetings/?country=VN&amp;country=US&amp;country_match=all"' in html


def test_pair_page_tables_years_by_level(client, demo):
    response = client.get("/countries/vn/ir/")
    # 2024: the foreign ministers, and the two vice presidents; 2023: the assembly
    # chairman's visit.
    assert [str(level) for level in response.context["levels"]] == [
        "Leaders",
        "Ministers",
        "Deputies",
    ]
    assert response.context["levels_by_year"] == [(2024, [0, 1, 1]), (2023, [1, 0, 0])]


def test_pair_addresses_are_canonical(client, demo):
    assert client.get("/countries/VN/PS/")["Location"] == "/countries/vn/ps/"
    assert client.get("/countries/vn/vn/")["Location"] == "/countries/vn/"
    assert client.get("/countries/vn/zz/").status_code == 404
    assert client.get("/countries/vn/%00/").status_code == 404
    empty = client.get("/countries/vn/fr/")
    assert empty.status_code == 200
    assert "No published meeting between Vietnam and France yet." in empty.content.decode()


def test_pair_page_leaves_out_drafts(client):
    son = PersonFactory(country=country("VN"))
    guest = PersonFactory(country=country("KH"))
    MeetingFactory(title="Public talks", people=[son, guest])
    MeetingFactory(title="Embargoed talks", status=Status.DRAFT, people=[son, guest])
    response = client.get("/countries/vn/kh/")
    assert response.context["meeting_count"] == 1
    assert "Embargoed" not in response.content.decode()


@pytest.mark.parametrize(
    "title, level",
    [
        ("President of the United States", Level.LEADER),
        ("General Secretary of the Communist Party of Vietnam Central Committee", Level.LEADER),
        ("Prime Minister", Level.LEADER),
        ("Deputy Prime Minister and Minister of Foreign Affairs", Level.DEPUTY),
        ("Minister of Foreign Affairs", Level.MINISTER),
        ("UN Secretary-General", Level.MINISTER),
        ("First Vice President", Level.DEPUTY),
        ("Special Envoy", Level.OTHER),
    ],
)
def test_levels_come_from_the_title_held_then(title, level):
    assert title_level(title) == level


def test_person_page_shows_a_timeline_and_frequent_counterparts(client, demo):
    response = client.get("/people/bui-thanh-son/")
    years = [year for year, _rows in response.context["timeline"]]
    assert years == [2024, 2022]
    counterparts = dict((p.name, n) for p, n in response.context["counterparts"])
    assert counterparts["Riad Malki"] == 1 and "Bùi Thanh Sơn" not in counterparts
    html = response.content.decode()
    assert "Deputy Prime Minister and Minister of Foreign Affairs" in html  # a position
    assert '<h3 class="timeline-year">2022</h3>' in html


def test_meeting_page_describes_the_event_in_json_ld_and_open_graph(client, demo):
    meeting = Meeting.objects.get(slug="bui-thanh-son-meets-un-secretary-general-antonio-guterres")
    html = client.get(meeting.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["@type"] == "Event"
    assert data["startDate"] == "2024-02-26"
    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Geneva",
        "addressCountry": "CH",
    }
    assert {a["name"] for a in data["attendee"]} == {"Bùi Thanh Sơn", "António Guterres"}
    assert data["superEvent"]["name"] == "55th session of the UN Human Rights Council"
    assert f'<meta property="og:title" content="{meeting.title}">' in html
    assert '<link rel="canonical" href="http://testserver/meetings/2024/02/26/' in html


def test_json_ld_cannot_break_out_of_its_script_element(client):
    meeting = MeetingFactory(title="</script><script>alert(1)</script>")
    html = client.get(meeting.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block
    assert json.loads(block)["name"] == "</script><script>alert(1)</script>"


def page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_country_and_pair_pages_use_a_constant_number_of_queries(client):
    def add(count, partner):
        for _ in range(count):
            MeetingFactory(
                people=[
                    PersonFactory(country=country("VN")),
                    PersonFactory(country=country(partner)),
                ]
            )

    add(2, "KH")
    few = (page_queries(client, "/countries/vn/"), page_queries(client, "/countries/vn/kh/"))
    add(15, "KH")
    add(5, "LA")
    many = (page_queries(client, "/countries/vn/"), page_queries(client, "/countries/vn/kh/"))
    assert few == many
