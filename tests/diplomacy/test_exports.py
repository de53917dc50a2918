"""CSV, JSON and iCalendar exports of the meeting list: the list's exact filters, published
meetings only, documented fields, streaming, and a 400 for every malformed parameter."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from diplomacy import exports
from diplomacy.filters import MeetingFilter
from diplomacy.models import Meeting, Participant, Status
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    country,
)

pytestmark = pytest.mark.django_db

CSV_URL = reverse("meeting_export_csv")
JSON_URL = reverse("meeting_export_json")
ICS_URL = reverse("meeting_calendar")
ALL_URLS = [
    CSV_URL,
    JSON_URL,
    ICS_URL,
    reverse("meeting_feed"),
    reverse("meeting_feed_atom"),
]
FIRST_PUBLISHED = datetime.datetime(2025, 1, 10, 9, 30, tzinfo=datetime.UTC)


def build_record():
    """Published meetings with overlapping people and countries, and drafts that must never
    appear: a draft meeting, a draft source article and a draft parent event."""
    son = PersonFactory(name="Bùi Thanh Sơn", slug="bui-thanh-son", country=country("VN"))
    malki = PersonFactory(name="Riad Malki", country=country("PS"))
    retno = PersonFactory(name="Retno Marsudi", country=country("ID"))
    francis = PersonFactory(name="Dennis Francis", country=country("TT"))
    un = OrganizationFactory(name="United Nations", acronym="UN")

    summit = MeetingFactory(
        title="Regional summit",
        kind=Meeting.Kind.MULTILATERAL,
        start_date=datetime.date(2024, 2, 20),
        end_date=datetime.date(2024, 3, 2),
        location_city="Jakarta",
        location_country=country("ID"),
        published_at=FIRST_PUBLISHED,
        people=[retno, malki],
    )
    reception = MeetingFactory(
        title="Reception of the Palestinian envoy",
        kind=Meeting.Kind.RECEPTION,
        start_date=datetime.date(2024, 12, 25),
        location_city="Hà Nội",
        location_country=country("VN"),
        parent=summit,
        published_at=FIRST_PUBLISHED + datetime.timedelta(days=3),
    )
    Participant.objects.create(
        meeting=reception, person=son, title="Minister of Foreign Affairs", role="host"
    )
    Participant.objects.create(meeting=reception, person=malki, title="Ambassador", order=1)
    reception.sync_countries_from_participants()
    reception.topics.add("Humanitarian aid", "Trade")
    reception.organizations.add(un)
    indonesia = MeetingFactory(
        title="Talks with Indonesia in Geneva",
        start_date=datetime.date(2024, 2, 26),
        location_city="Geneva",
        location_country=country("CH"),
        published_at=FIRST_PUBLISHED + datetime.timedelta(days=1),
        people=[son, retno],
    )
    secret_event = MeetingFactory(title="Embargoed state visit", status=Status.DRAFT)
    assembly = MeetingFactory(
        title="Meeting with the General Assembly president",
        start_date=datetime.date(2024, 2, 26),
        parent=secret_event,
        published_at=FIRST_PUBLISHED + datetime.timedelta(days=2),
        people=[son, francis],
    )
    august = MeetingFactory(
        title="Visit in August",
        kind=Meeting.Kind.OFFICIAL_VISIT,
        start_date=datetime.date(2023, 8, 1),
        date_precision=Meeting.Precision.MONTH,
        people=[son, malki],
    )
    that_year = MeetingFactory(
        title="Consultations that year",
        start_date=datetime.date(2022, 1, 1),
        date_precision=Meeting.Precision.YEAR,
        people=[son],
    )
    undated = MeetingFactory(title="Undated courtesy call", start_date=None, people=[son])
    draft = MeetingFactory(
        title="Secret draft meeting",
        status=Status.DRAFT,
        start_date=datetime.date(2024, 2, 26),
        people=[son, malki],
    )
    source = ArticleFactory(headline="Minister receives envoy", slug="minister-receives-envoy")
    source.meetings.add(reception, draft)
    unpublished_source = ArticleFactory(headline="Embargoed report", status=Status.DRAFT)
    unpublished_source.meetings.add(reception)
    return {
        "son": son,
        "malki": malki,
        "retno": retno,
        "un": un,
        "summit": summit,
        "reception": reception,
        "indonesia": indonesia,
        "assembly": assembly,
        "august": august,
        "that_year": that_year,
        "undated": undated,
        "draft": draft,
        "secret_event": secret_event,
        "source": source,
    }


@pytest.fixture
def record():
    return build_record()


def read_csv(response):
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def list_titles(client, params):
    """The meetings the HTML list shows for these parameters, in its order."""
    response = client.get(reverse("meeting_list"), params)
    assert response.status_code == 200
    return [meeting.title for meeting in response.context["page"].paginator.object_list]


# The same meetings as the list ------------------------------------------------------------

SHARED_QUERIES = [
    {
        "country": "PS",
        "person": "bui-thanh-son",
        "date_from": "2024-01-01",
        "date_to": "2024-12-31",
    },
    {"country": ["ID", "TT"], "date_from": "2024-02-26", "date_to": "2024-02-26"},
    {"country": ["VN", "PS"], "country_match": "all"},
    {"person": "Bui Thanh Son", "sort": "oldest"},
    {"organization": "UN"},
    {"kind": "multilateral"},
    {"topic": "trade"},
    {"q": "geneva"},
    {},
]


@pytest.mark.parametrize("params", SHARED_QUERIES)
def test_the_csv_export_gives_the_meetings_of_the_list_in_its_order(client, record, params):
    rows = read_csv(client.get(CSV_URL, params))
    assert [row["title"] for row in rows] == list_titles(client, params)


@pytest.mark.parametrize("params", SHARED_QUERIES)
def test_the_json_export_gives_the_meetings_of_the_list_in_its_order(client, record, params):
    response = client.get(JSON_URL, params)
    assert response.status_code == 200
    titles = [result["title"] for result in response.json()["results"]]
    assert titles == list_titles(client, params)


@pytest.mark.parametrize("params", SHARED_QUERIES)
def test_the_calendar_gives_the_dated_meetings_of_the_list(client, record, params):
    events = read_calendar(client.get(ICS_URL, params))
    dated = [t for t in list_titles(client, params) if t != "Undated courtesy call"]
    assert [str(event["summary"]) for event in events] == dated


def test_country_person_and_date_range_together_give_exactly_one_meeting(client, record):
    params = SHARED_QUERIES[0]
    assert [row["title"] for row in read_csv(client.get(CSV_URL, params))] == [
        "Reception of the Palestinian envoy"
    ]


# CSV -------------------------------------------------------------------------------------


def test_the_csv_export_is_a_streamed_utf8_attachment_with_a_dated_filename(client, record):
    response = client.get(CSV_URL)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="meetings-{today}.csv"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Bùi Thanh Sơn".encode() in body


def test_the_csv_header_lists_the_documented_columns(client, record):
    response = client.get(CSV_URL)
    body = b"".join(response.streaming_content).decode()
    header = next(csv.reader(io.StringIO(body[1:])))
    assert header == exports.CSV_COLUMNS
    documented = (settings.BASE_DIR / "docs" / "exports.md").read_text(encoding="utf-8")
    for column in header:
        assert f"`{column}`" in documented


def test_the_csv_export_puts_dates_countries_and_participants_in_separate_columns(client, record):
    rows = {row["slug"]: row for row in read_csv(client.get(CSV_URL))}
    reception = record["reception"]
    row = rows[reception.slug]
    assert row["id"] == str(reception.pk)
    assert row["url"] == f"http://testserver{reception.get_absolute_url()}"
    assert row["kind"] == "reception"
    assert row["kind_label"] == "Reception"
    assert row["start_date"] == "2024-12-25"
    assert row["end_date"] == ""
    assert row["date_precision"] == "day"
    assert row["city"] == "Hà Nội"
    assert row["venue_country"] == "VN"
    assert row["countries"] == "PS; VN"
    assert row["country_names"] == "Palestine; Vietnam"
    assert row["participants"] == (
        "Bùi Thanh Sơn (Minister of Foreign Affairs, VN); Riad Malki (Ambassador, PS)"
    )
    assert row["participant_names"] == "Bùi Thanh Sơn; Riad Malki"
    assert row["organizations"] == "United Nations (UN)"
    assert row["topics"] == "Humanitarian aid; Trade"
    assert row["parent_id"] == str(record["summit"].pk)
    assert row["parent_title"] == "Regional summit"
    assert row["published_at"] == "2025-01-13T09:30:00Z"

    summit = rows[record["summit"].slug]
    assert (summit["start_date"], summit["end_date"]) == ("2024-02-20", "2024-03-02")
    undated = rows[record["undated"].slug]
    assert (undated["start_date"], undated["published_at"], undated["parent_id"]) == ("", "", "")


def test_the_csv_export_lists_only_published_source_articles(client, record):
    rows = {row["slug"]: row for row in read_csv(client.get(CSV_URL))}
    assert rows[record["reception"].slug]["sources"] == (
        "http://testserver/articles/minister-receives-envoy/"
    )


def test_a_draft_parent_event_is_never_named(client, record):
    rows = {row["slug"]: row for row in read_csv(client.get(CSV_URL))}
    row = rows[record["assembly"].slug]
    assert (row["parent_id"], row["parent_title"]) == ("", "")
    result = next(
        r for r in client.get(JSON_URL).json()["results"] if r["id"] == record["assembly"].pk
    )
    assert (result["parent_id"], result["parent_title"]) == (None, None)


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_get_a_leading_apostrophe(
    client, dangerous
):
    MeetingFactory(title=dangerous, location_city=dangerous)
    [row] = read_csv(client.get(CSV_URL))
    assert row["title"] == "'" + dangerous
    assert row["city"] == "'" + dangerous


def test_csv_cells_that_only_contain_formula_characters_later_are_left_alone(client):
    MeetingFactory(title="Talks on A=B", location_city="Hà Nội")
    [row] = read_csv(client.get(CSV_URL))
    assert row["title"] == "Talks on A=B"


def fill(count):
    """`count` published meetings, each with participants, an organization, topics and a
    published and a draft source."""
    un = OrganizationFactory(name="United Nations", acronym="UN")
    host = PersonFactory()
    for number in range(count):
        meeting = MeetingFactory(people=[host, PersonFactory()])
        meeting.organizations.add(un)
        meeting.topics.add("Trade", f"Topic {number}")
        ArticleFactory().meetings.add(meeting)
        ArticleFactory(status=Status.DRAFT).meetings.add(meeting)


def csv_queries(client):
    with CaptureQueriesContext(connection) as queries:
        rows = read_csv(client.get(CSV_URL, {"country": "VN"}))
    return len(rows), len(queries)


def test_the_csv_export_takes_as_many_queries_for_50_meetings_as_for_5(client):
    fill(5)
    few, few_queries = csv_queries(client)
    fill(45)
    many, many_queries = csv_queries(client)
    assert (few, many) == (5, 50)
    assert many_queries == few_queries


def test_the_csv_export_reads_the_meetings_in_chunks(client, monkeypatch):
    fill(7)
    _, one_chunk = csv_queries(client)
    monkeypatch.setattr(exports, "CSV_CHUNK_SIZE", 3)
    rows, three_chunks = csv_queries(client)
    assert rows == 7
    # The meeting query reads in chunks; each chunk of three runs the prefetches again.
    assert three_chunks > one_chunk


def test_the_csv_export_writes_more_rows_than_one_batch(client, monkeypatch):
    monkeypatch.setattr(exports, "CSV_ROWS_PER_WRITE", 2)
    MeetingFactory.create_batch(5)
    response = client.get(CSV_URL)
    chunks = list(response.streaming_content)
    assert len(chunks) > 2
    assert len(list(csv.DictReader(io.StringIO(b"".join(chunks).decode()[1:])))) == 5


# JSON ------------------------------------------------------------------------------------


def test_the_json_export_gives_lists_ids_and_iso_dates(client, record):
    response = client.get(JSON_URL, {"country": "PS", "kind": "reception"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert (data["count"], data["next"], data["previous"]) == (1, None, None)
    [result] = data["results"]
    reception, son = record["reception"], record["son"]
    assert result["id"] == reception.pk
    assert result["url"] == f"http://testserver{reception.get_absolute_url()}"
    assert (result["start_date"], result["end_date"]) == ("2024-12-25", None)
    assert result["venue_country"] == "VN"
    assert result["countries"] == [
        {"code": "PS", "name": "Palestine"},
        {"code": "VN", "name": "Vietnam"},
    ]
    assert result["participants"][0] == {
        "id": son.pk,
        "name": "Bùi Thanh Sơn",
        "slug": "bui-thanh-son",
        "url": "http://testserver/people/bui-thanh-son/",
        "title": "Minister of Foreign Affairs",
        "country": "VN",
        "role": "host",
        "label": "Bùi Thanh Sơn (Minister of Foreign Affairs, VN)",
    }
    assert result["organizations"][0]["acronym"] == "UN"
    assert [topic["slug"] for topic in result["topics"]] == ["humanitarian-aid", "trade"]
    assert result["sources"] == [
        {
            "id": record["source"].pk,
            "headline": "Minister receives envoy",
            "url": "http://testserver/articles/minister-receives-envoy/",
            "outlet": "Test Wire",
            "published_on": "2024-02-27",
            "original_url": None,
        }
    ]
    assert result["published_at"] == "2025-01-13T09:30:00Z"


def test_the_json_export_keeps_vietnamese_readable(client, record):
    response = client.get(JSON_URL)
    assert "Bùi Thanh Sơn" in response.content.decode()


def test_json_pages_link_to_the_next_and_previous_page_with_the_same_filters(client, record):
    first = client.get(JSON_URL, {"person": "bui-thanh-son", "page_size": 2}).json()
    assert first["count"] == 6
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == (
        "http://testserver/meetings/export.json?person=bui-thanh-son&page_size=2&page=2"
    )
    second = client.get(first["next"]).json()
    assert second["previous"] == (
        "http://testserver/meetings/export.json?person=bui-thanh-son&page_size=2&page=1"
    )
    third = client.get(second["next"]).json()
    assert third["next"] is None
    titles = [r["title"] for page in (first, second, third) for r in page["results"]]
    assert titles == list_titles(client, {"person": "bui-thanh-son"})


def test_json_pages_hold_100_meetings_unless_asked_for_up_to_1000(client):
    MeetingFactory.create_batch(101)
    default = client.get(JSON_URL).json()
    assert (default["count"], len(default["results"])) == (101, 100)
    assert default["next"].endswith("?page=2")
    assert len(client.get(JSON_URL, {"page_size": 1000}).json()["results"]) == 101


def test_an_empty_result_is_one_empty_page(client):
    data = client.get(JSON_URL, {"q": "nothing like this"}).json()
    assert data == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    "params, named",
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "9" * 40}, "page"),
        ({"page": "3"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "1001"}, "page_size"),
        ({"page_size": "all"}, "page_size"),
        ({"country": "ZZZ"}, "country"),
    ],
)
def test_bad_json_parameters_give_a_400_with_a_json_message_naming_them(
    client, record, params, named
):
    response = client.get(JSON_URL, {"page_size": 5, **params})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert named + ":" in response.json()["error"]


# iCalendar -------------------------------------------------------------------------------


def read_calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_calendar_has_one_all_day_event_per_dated_meeting(client, record):
    events = read_calendar(client.get(ICS_URL))
    by_title = {str(event["summary"]): event for event in events}
    assert "Undated courtesy call" not in by_title
    assert len(events) == 6
    reception = by_title["Reception of the Palestinian envoy"]
    assert str(reception["uid"]) == f"meeting-{record['reception'].pk}@testserver"
    assert reception["dtstart"].dt == datetime.date(2024, 12, 25)
    assert reception["dtstart"].params["VALUE"] == "DATE"
    assert reception["dtend"].dt == datetime.date(2024, 12, 26)
    assert str(reception["location"]) == "Hà Nội, Vietnam"
    assert str(reception["url"]) == f"http://testserver{record['reception'].get_absolute_url()}"
    description = str(reception["description"])
    assert "Bùi Thanh Sơn (Minister of Foreign Affairs, VN)" in description
    assert "Riad Malki (Ambassador, PS)" in description
    assert len({str(event["uid"]) for event in events}) == len(events)


def test_a_multi_day_meeting_ends_the_day_after_its_last_day(client, record):
    [summit] = read_calendar(client.get(ICS_URL, {"kind": "multilateral"}))
    assert (summit["dtstart"].dt, summit["dtend"].dt) == (
        datetime.date(2024, 2, 20),
        datetime.date(2024, 3, 3),
    )


def test_a_meeting_known_to_the_month_or_year_covers_the_whole_month_or_year(client, record):
    by_title = {str(e["summary"]): e for e in read_calendar(client.get(ICS_URL))}
    august = by_title["Visit in August"]
    assert (august["dtstart"].dt, august["dtend"].dt) == (
        datetime.date(2023, 8, 1),
        datetime.date(2023, 9, 1),
    )
    assert "exact day is not known" in str(august["description"])
    year = by_title["Consultations that year"]
    assert (year["dtstart"].dt, year["dtend"].dt) == (
        datetime.date(2022, 1, 1),
        datetime.date(2023, 1, 1),
    )


def test_a_meeting_in_december_known_to_the_month_ends_on_the_first_of_january():
    meeting = Meeting(start_date=datetime.date(2023, 12, 1), date_precision=Meeting.Precision.MONTH)
    assert exports.calendar_span(meeting) == (datetime.date(2023, 12, 1), datetime.date(2024, 1, 1))


def test_the_calendar_is_named_after_the_filters(client, record):
    response = client.get(ICS_URL, {"country": "PS", "person": "bui-thanh-son"})
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == (
        "Diplomatic meetings: with Palestine; with Bùi Thanh Sơn"
    )


def test_the_calendar_holds_at_most_the_first_meetings_of_the_list(client, record, monkeypatch):
    monkeypatch.setattr(exports, "CALENDAR_LIMIT", 2)
    events = read_calendar(client.get(ICS_URL))
    assert [str(event["summary"]) for event in events] == list_titles(client, {})[:2]


# Every export ----------------------------------------------------------------------------

JUNK = [
    ("country", "ZZZ"),
    ("country", "XX"),
    ("country", "1"),
    ("country", ""),
    ("country", "v\x00"),
    ("country_match", "some"),
    ("person", "nobody-at-all"),
    ("person", "x" * 300),
    ("organization", "no such body"),
    ("kind", "coffee"),
    ("date_from", "2024-13-45"),
    ("date_from", "yesterday"),
    ("date_to", "0000-00-00"),
    ("date_to", "99999-01-01"),
    ("topic", "no-such-topic"),
    ("q", "x" * 300),
    ("sort", "sideways"),
]


@pytest.mark.parametrize("url", ALL_URLS)
@pytest.mark.parametrize("name, value", JUNK)
def test_a_malformed_parameter_gives_a_400_naming_it_on_every_export(
    client, record, url, name, value
):
    response = client.get(url, {name: value})
    assert response.status_code == 400
    assert name + ":" in response.content.decode()


@pytest.mark.parametrize("url", ALL_URLS)
def test_an_end_of_range_before_its_start_gives_a_400_on_every_export(client, record, url):
    response = client.get(url, {"date_from": "2024-03-01", "date_to": "2024-02-01"})
    assert response.status_code == 400
    assert "date_to: The end of the range is before its start." in response.content.decode()


@pytest.mark.parametrize("url", ALL_URLS)
@pytest.mark.parametrize(
    "query",
    ["unknown=1", "country=vn&country=VN", "q=%F0%9F%98%80", "sort=&country_match="],
)
def test_harmless_or_unknown_parameters_still_give_results(client, record, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("url", [url for url in ALL_URLS if url != JSON_URL])
def test_exports_without_pages_ignore_a_page_number(client, record, url):
    assert client.get(url, {"page": "abc", "page_size": "-1"}).status_code == 200


@pytest.mark.parametrize("url", ALL_URLS)
def test_drafts_never_appear_in_any_export(client, record, url):
    for params in ({}, {"person": "bui-thanh-son"}, {"date_from": "2024-02-26"}):
        response = client.get(url, params)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert "Secret draft meeting" not in text
        assert "Embargoed" not in text
        assert record["draft"].slug not in text


# The links partials ----------------------------------------------------------------------


def render_partial(name, query, **context):
    request = RequestFactory().get("/meetings/?" + query)
    return render_to_string(name, {"request": request, **context}, request=request)


def test_the_export_links_carry_the_list_filters_without_the_page_number(db):
    html = render_partial(
        "includes/export_links.html",
        "country=VN&country=PS&person=bui-thanh-son&page=3",
        filter=MeetingFilter({"country": ["VN"]}),
    )
    query = "?country=VN&amp;country=PS&amp;person=bui-thanh-son"
    for url in ALL_URLS:
        assert f'href="{url}{query}"' in html
    assert "page=3" not in html
    for label in (
        "CSV spreadsheet of these meetings",
        "JSON data of these meetings",
        "iCalendar file of these meetings",
        "RSS feed of these meetings",
        "Atom feed of these meetings",
    ):
        assert f'aria-label="{label}"' in html


def test_the_export_links_are_hidden_while_the_filters_cannot_be_read(db):
    html = render_partial(
        "includes/export_links.html", "country=ZZZ", filter=MeetingFilter({"country": ["ZZZ"]})
    )
    assert "export.csv" not in html


def test_the_export_links_work_on_pages_without_a_filter(db):
    html = render_partial("includes/export_links.html", "")
    assert f'href="{CSV_URL}"' in html


def test_the_feed_links_for_the_head_announce_both_feeds_with_the_filters(db):
    html = render_partial("includes/feed_links.html", "kind=talks&page=2")
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Meetings on this list (RSS)" '
        'href="/meetings/feed/?kind=talks">'
    ) in html
    assert 'type="application/atom+xml"' in html
    assert 'href="/meetings/feed/atom/?kind=talks"' in html


def test_a_meetings_source_url_is_in_the_csv_and_the_json(client):
    meeting = MeetingFactory(source_url="https://www.mofa.gov.vn/talks")
    bare = MeetingFactory()
    rows = {row["slug"]: row for row in read_csv(client.get(CSV_URL))}
    assert rows[meeting.slug]["source_url"] == "https://www.mofa.gov.vn/talks"
    assert rows[bare.slug]["source_url"] == ""
    results = {result["id"]: result for result in client.get(JSON_URL).json()["results"]}
    assert results[meeting.pk]["source_url"] == "https://www.mofa.gov.vn/talks"
    assert results[bare.pk]["source_url"] is None
