"""Meeting exports: CSV, JSON and iCalendar, for the meeting list's exact filters.

Every export reads the list's query parameters through `filter_meetings()`, so one query
string gives the same published meetings on the list, in every export and in the feeds. A
malformed parameter gives a 400 response naming it, never an error page. The fields are
documented in docs/exports.md.
"""

import csv
import datetime
import io
import re

from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, vUri

from articles.models import Article
from diplomacy.canonical import absolute_url, site_host, site_url
from diplomacy.filters import MeetingFilter, filter_meetings
from diplomacy.models import Meeting
from diplomacy.text import strip_control

# The CSV export reads this many meetings (and their related rows) per round of queries,
# so memory stays flat however many meetings match.
CSV_CHUNK_SIZE = 500
# Rows written to the response per chunk of the stream.
CSV_ROWS_PER_WRITE = 100
JSON_PAGE_SIZE = 100
JSON_MAX_PAGE_SIZE = 1000
# The calendar holds at most this many dated meetings, the first in the list's order.
CALENDAR_LIMIT = 1000
LIST_SEPARATOR = "; "

CSV_COLUMNS = [
    "id",
    "slug",
    "url",
    "title",
    "kind",
    "kind_label",
    "start_date",
    "end_date",
    "date_precision",
    "city",
    "venue_country",
    "countries",
    "country_names",
    "participants",
    "participant_names",
    "organizations",
    "topics",
    "parent_id",
    "parent_title",
    "sources",
    "source_url",
    "published_at",
]

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
WHOLE_NUMBER = re.compile(r"^[0-9]{1,9}$")


class MalformedQuery(ValueError):
    """A query parameter could not be read; the message names it."""


# Reading the parameters -----------------------------------------------------------------


def filtered_meetings(params):
    """The list's filterset and the published meetings it selects, in the list's order.

    Raises MalformedQuery naming every parameter that could not be read.
    """
    filterset, meetings = filter_meetings(params)
    if filterset.is_bound and filterset.errors:
        problems = [
            f"{'parameters' if field == '__all__' else field}: {' '.join(errors)}"
            for field, errors in filterset.errors.items()
        ]
        raise MalformedQuery("Malformed query parameters. " + " ".join(problems))
    return filterset, meetings


def whole_number(params, name, default, maximum=None):
    value = params.get(name, "")
    if value == "":
        return default
    if not WHOLE_NUMBER.match(value) or int(value) < 1 or (maximum and int(value) > maximum):
        limit = f" from 1 to {maximum}" if maximum else " from 1"
        raise MalformedQuery(f"{name}: “{value[:20]}” is not a whole number{limit}.")
    return int(value)


def describe_filters(filterset):
    """The conditions that apply, in words: ['with Palestine or Indonesia', 'from 2024-01-01']."""
    if not filterset.is_bound or filterset.errors:
        return []
    data = filterset.form.cleaned_data
    parts = []
    countries = list(data.get("country") or [])
    if countries:
        all_of = data.get("country_match") == MeetingFilter.CountryMatch.ALL
        parts.append("with " + (" and " if all_of else " or ").join(c.name for c in countries))
    if data.get("person"):
        parts.append(f"with {data['person'].name}")
    if data.get("organization"):
        parts.append(f"with {data['organization']}")
    if data.get("kind"):
        parts.append(f"kind: {Meeting.Kind(data['kind']).label}")
    if data.get("date_from"):
        parts.append(f"from {data['date_from']:%Y-%m-%d}")
    if data.get("date_to"):
        parts.append(f"to {data['date_to']:%Y-%m-%d}")
    if data.get("topic"):
        parts.append(f"topic: {data['topic'].name}")
    if data.get("q"):
        parts.append(f"matching “{data['q']}”")
    return parts


def filters_title(filterset):
    """'Diplomatic meetings', followed by the filters that apply: for feed and calendar names."""
    parts = describe_filters(filterset)
    return "Diplomatic meetings" + (": " + LIST_SEPARATOR.join(parts) if parts else "")


def bad_request(error):
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


# One meeting's values --------------------------------------------------------------------


def with_export_relations(meetings):
    """Everything an exported row holds, in a constant number of queries per chunk."""
    sources = (
        Article.objects.published()
        .select_related("outlet")
        .only("id", "slug", "headline", "published_on", "source_url", "outlet__name")
        .order_by(F("published_on").asc(nulls_last=True), "id")
    )
    return (
        meetings.for_list()
        .select_related("parent")
        .prefetch_related(
            "organizations",
            Prefetch("articles", queryset=sources, to_attr="published_sources"),
        )
    )


def iso_date(day):
    return day.isoformat() if day else None


def iso_datetime(moment):
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def participant_label(participant):
    """'Bùi Thanh Sơn (Minister of Foreign Affairs, VN)'."""
    details = [part for part in (participant.title, participant.country_id) if part]
    name = participant.person.name
    return f"{name} ({', '.join(details)})" if details else name


def topics_of(meeting):
    """The meeting's topics by name: the prefetched topics come in no particular order."""
    return sorted(meeting.topics.all(), key=lambda topic: (topic.name.casefold(), topic.pk))


def meeting_data(meeting, site):
    """One meeting as the JSON export shows it; the CSV export flattens the same values."""
    parent = meeting.parent if meeting.parent_id and meeting.parent.is_published else None
    return {
        "id": meeting.pk,
        "slug": meeting.slug,
        "url": site + meeting.get_absolute_url(),
        "title": meeting.title,
        "kind": meeting.kind,
        "kind_label": str(meeting.get_kind_display()),
        "start_date": iso_date(meeting.start_date),
        "end_date": iso_date(meeting.end_date),
        "date_precision": meeting.date_precision,
        "city": meeting.location_city,
        "venue_country": meeting.location_country_id,
        "countries": [
            {"code": country.code, "name": country.name} for country in meeting.countries.all()
        ],
        "participants": [
            {
                "id": participant.person_id,
                "name": participant.person.name,
                "slug": participant.person.slug,
                "url": site + participant.person.get_absolute_url(),
                "title": participant.title,
                "country": participant.country_id,
                "role": participant.role,
                "label": participant_label(participant),
            }
            for participant in meeting.participants.all()
        ],
        "organizations": [
            {
                "id": organization.pk,
                "name": organization.name,
                "acronym": organization.acronym,
                "slug": organization.slug,
                "url": site + organization.get_absolute_url(),
            }
            for organization in meeting.organizations.all()
        ],
        "topics": [{"name": topic.name, "slug": topic.slug} for topic in topics_of(meeting)],
        "parent_id": parent.pk if parent else None,
        "parent_title": parent.title if parent else None,
        "sources": [
            {
                "id": article.pk,
                "headline": article.headline,
                "url": site + article.get_absolute_url(),
                "outlet": article.outlet.name if article.outlet else None,
                "published_on": iso_date(article.published_on),
                "original_url": article.source_url or None,
            }
            for article in meeting.published_sources
        ],
        "source_url": meeting.source_url or None,
        "published_at": iso_datetime(meeting.published_at),
    }


# CSV -------------------------------------------------------------------------------------


def safe_cell(value):
    """Text a spreadsheet will not run as a formula; numbers and empty cells as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_row(data):
    def joined(values):
        return LIST_SEPARATOR.join(values)

    row = [
        data["id"],
        data["slug"],
        data["url"],
        data["title"],
        data["kind"],
        data["kind_label"],
        data["start_date"],
        data["end_date"],
        data["date_precision"],
        data["city"],
        data["venue_country"],
        joined(country["code"] for country in data["countries"]),
        joined(country["name"] for country in data["countries"]),
        joined(participant["label"] for participant in data["participants"]),
        joined(participant["name"] for participant in data["participants"]),
        joined(
            f"{org['name']} ({org['acronym']})" if org["acronym"] else org["name"]
            for org in data["organizations"]
        ),
        joined(topic["name"] for topic in data["topics"]),
        data["parent_id"],
        data["parent_title"],
        joined(source["url"] for source in data["sources"]),
        data["source_url"],
        data["published_at"],
    ]
    return [safe_cell(value) for value in row]


def csv_lines(meetings, site):
    """The CSV file in pieces: a byte-order mark and the header, then rows in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Spreadsheets read the file as UTF-8 only with this mark.
    writer.writerow(CSV_COLUMNS)
    for count, meeting in enumerate(meetings.iterator(chunk_size=CSV_CHUNK_SIZE), start=1):
        writer.writerow(csv_row(meeting_data(meeting, site)))
        if count % CSV_ROWS_PER_WRITE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def meeting_export_csv(request):
    """The matching meetings as a CSV file, streamed: one row per meeting."""
    try:
        _, meetings = filtered_meetings(request.GET)
    except MalformedQuery as error:
        return bad_request(error)
    response = StreamingHttpResponse(
        csv_lines(with_export_relations(meetings), site_url()),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"meetings-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# JSON ------------------------------------------------------------------------------------


def page_link(request, number):
    params = request.GET.copy()
    params["page"] = str(number)
    return absolute_url(f"{request.path}?{params.urlencode()}")


def meeting_export_json(request):
    """One page of the matching meetings: {count, next, previous, results}."""
    try:
        number = whole_number(request.GET, "page", 1)
        size = whole_number(request.GET, "page_size", JSON_PAGE_SIZE, JSON_MAX_PAGE_SIZE)
        _, meetings = filtered_meetings(request.GET)
        paginator = Paginator(with_export_relations(meetings), size)
        if number > paginator.num_pages:
            raise MalformedQuery(
                f"page: there is no page {number}; the last page is {paginator.num_pages}."
            )
    except MalformedQuery as error:
        response = JsonResponse({"error": str(error)}, status=400)
        response["Access-Control-Allow-Origin"] = "*"
        return response
    page = paginator.page(number)
    site = site_url()
    response = JsonResponse(
        {
            "count": paginator.count,
            "next": page_link(request, number + 1) if page.has_next() else None,
            "previous": page_link(request, number - 1) if page.has_previous() else None,
            "results": [meeting_data(meeting, site) for meeting in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    # Public, read-only data: scripts on other sites may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


# iCalendar -------------------------------------------------------------------------------


def after(day):
    """The day after, or the day itself at the end of the calendar."""
    return day if day == datetime.date.max else day + datetime.timedelta(days=1)


def calendar_span(meeting):
    """All-day start and exclusive end: the days, the whole month or the whole year."""
    start = meeting.start_date
    last = meeting.end_date or start
    if meeting.date_precision == Meeting.Precision.YEAR:
        return start.replace(month=1, day=1), after(last.replace(month=12, day=31))
    if meeting.date_precision == Meeting.Precision.MONTH:
        if last.month == 12:
            month_end = last.replace(day=31)
        else:
            month_end = last.replace(month=last.month + 1, day=1) - datetime.timedelta(days=1)
        return start.replace(day=1), after(month_end)
    return start, after(last)


def calendar_description(meeting):
    lines = [f"{meeting.get_kind_display()}, {meeting.date_label}"]
    if meeting.date_precision != Meeting.Precision.DAY:
        lines.append(f"The exact day is not known; the record gives {meeting.date_label}.")
    participants = [participant_label(p) for p in meeting.participants.all()]
    if participants:
        lines.append("Participants: " + LIST_SEPARATOR.join(participants))
    if meeting.summary:
        lines.append(meeting.summary)
    return "\n".join(lines)


def meeting_calendar(request):
    """The matching dated meetings as all-day events; undated meetings are left out."""
    try:
        filterset, meetings = filtered_meetings(request.GET)
    except MalformedQuery as error:
        return bad_request(error)
    meetings = meetings.filter(start_date__isnull=False).for_list()[:CALENDAR_LIMIT]
    site, host = site_url(), site_host()

    calendar = Calendar()
    calendar.add("prodid", "-//Diplomacy Record//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", filters_title(filterset))
    calendar.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for meeting in meetings:
        start, end = calendar_span(meeting)
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", meeting.updated)
        event.add("last-modified", meeting.updated)
        event.add("dtstart", start)
        event.add("dtend", end)
        # iCalendar allows no control characters in text; saving strips them, but a row
        # written before that must not break a subscriber's calendar.
        event.add("summary", strip_control(meeting.title))
        if meeting.place_label:
            event.add("location", strip_control(meeting.place_label))
        event.add("description", strip_control(calendar_description(meeting)))
        event.add("url", vUri(site + meeting.get_absolute_url()))
        event.add("categories", [str(meeting.get_kind_display())])
        # All-day records of past meetings should not mark the subscriber as busy.
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)

    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meetings.ics"'
    return response
