"""Hostile input at every public page: no query string, path or header gives a server error.

Hypothesis sends random and hostile values (control characters and NUL, any Unicode, huge
strings, SQL, HTML and template snippets, malformed percent-escapes, repeated parameters,
too many parameters), mixed with valid values from the demo record, to every public URL. A
page may answer 200, a redirect, 400 or 404, never 5xx, and a streamed export must stream to
the end.

FUZZ_EXAMPLES sets the examples per test (default 100: 2,300 requests in all, under two
minutes on SQLite). With CI set, the examples are derandomized (the same every run); otherwise
Hypothesis keeps the failing examples it finds in .hypothesis/ and tries them first next time.
The number of requests made is printed at the end of the run as `fuzz_cases <N>`.
"""

import traceback
from urllib.parse import quote, urlencode

import pytest
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from articles.models import Article, Outlet
from diplomacy.models import Country, Meeting, Organization, Person, Topic
from diplomacy.search import SearchType
from tests.fuzzing import FUZZ, SNIPPETS, TALLY, count_cases, hostile_text, quiet_request_logs

# Valid values, read from the demo record once it is loaded ------------------------------

VALID = {}


def valid(name):
    """Valid values of one kind (person slugs, meeting URLs...) from the loaded demo record."""
    return st.deferred(lambda: st.sampled_from(VALID[name]))


def read_valid_values():
    meetings = list(Meeting.objects.published())
    people = list(Person.objects.public())
    organizations = list(Organization.objects.public())
    countries = sorted(
        {code for m in meetings for code in m.countries.values_list("pk", flat=True)}
    )
    return {
        "country": countries + [code.lower() for code in countries] + ["ZZ", "xk", "EU"],
        "country_match": ["any", "all", "ALL", "", "none"],
        "person": [p.slug for p in people] + [p.name for p in people] + ["son", "Bui"],
        "organization": [o.slug for o in organizations]
        + [o.acronym for o in organizations if o.acronym]
        + [o.name for o in organizations],
        "kind": [kind.value for kind in Meeting.Kind] + ["BILATERAL", "visit"],
        "topic": list(Topic.objects.values_list("slug", flat=True))
        + list(Topic.objects.values_list("name", flat=True))
        + ["trade"],
        "q": [word for m in meetings for word in m.title.split()[:4]] + ["to lam", "viet nam"],
        "sort": ["newest", "oldest", "NEWEST", ""],
        "type": [choice.value for choice in SearchType] + ["ALL", "meeting"],
        "outlet": list(Outlet.objects.values_list("slug", flat=True)),
        "meeting_path": [m.get_absolute_url() for m in meetings],
        "meeting_slug": [m.slug for m in meetings],
        "person_slug": [p.slug for p in people],
        "organization_slug": [o.slug for o in organizations],
        "article_slug": list(Article.objects.published().values_list("slug", flat=True)),
        "iso": [
            code
            for upper in Country.objects.values_list("pk", flat=True)
            for code in (upper, upper.lower())
        ],
    }


@pytest.fixture(scope="module", autouse=True)
def demo_record(request, django_db_setup, django_db_blocker):
    """The demo record, loaded once for the module and rolled back after it."""
    count_cases(request.config)
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        VALID.update(read_valid_values())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module", autouse=True)
def quiet_logs():
    with quiet_request_logs():
        yield


@pytest.fixture
def fetch(db):
    """fetch(path, query) -> the response, failing the test on any 5xx with the request and
    the server's traceback. Each request runs in a savepoint that is rolled back, so one
    request's database error cannot spill into the next."""
    client = Client(raise_request_exception=False)
    errors = []

    def record(sender, **kwargs):
        errors.append(traceback.format_exc())

    got_request_exception.connect(record, weak=False)

    def fetch(path, query="", **headers):
        TALLY.cases += 1
        errors.clear()
        with transaction.atomic():
            response = client.get(path, QUERY_STRING=query, **headers)
            body = b""
            # The test client closes the response itself (a streamed one once read to the
            # end); closing it again here would close the database connection too.
            if response.streaming:
                try:
                    body = b"".join(response.streaming_content)
                except Exception:
                    errors.append(traceback.format_exc())
            transaction.set_rollback(True)
        shown = query if len(query) <= 300 else f"{query[:300]}... ({len(query)} characters)"
        request = f"GET {path!r} query={shown!r} headers={headers!r}"
        assert not errors, f"{request} raised:\n{errors[0]}"
        assert response.status_code < 500, (
            f"{request} answered {response.status_code}\n"
            f"{(body or getattr(response, 'content', b''))[:2000]!r}"
        )
        return response

    yield fetch
    got_request_exception.disconnect(record)


# Hostile values ---------------------------------------------------------------------------

page_numbers = st.one_of(
    st.integers(min_value=-3, max_value=12).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["last", "first", "1.0", " 2", "2 ", "+1", "0x2", ""]),
)
dates = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
    st.sampled_from(["2024-02-01", "2024-02-29", "2023-08-01", "2025-12-31"]),
)
# Valid values of each parameter the public pages read.
VALID_VALUES = {
    "country": valid("country"),
    "country_match": valid("country_match"),
    "person": valid("person"),
    "organization": valid("organization"),
    "kind": valid("kind"),
    "date_from": dates,
    "date_to": dates,
    "topic": valid("topic"),
    "q": valid("q"),
    "sort": valid("sort"),
    "page": page_numbers,
    "page_size": st.integers(min_value=-5, max_value=5000).map(str),
    "type": valid("type"),
    "outlet": valid("outlet"),
}
LIST_PARAMETERS = [
    "country",
    "country_match",
    "person",
    "organization",
    "kind",
    "date_from",
    "date_to",
    "topic",
    "q",
    "sort",
    "page",
]


def parameter(names):
    """One (name, value) pair: a known name (now and then a junk one) with a valid or a
    hostile value."""
    known = st.sampled_from(names).flatmap(
        lambda name: st.tuples(
            st.just(name), st.one_of(VALID_VALUES.get(name, hostile_text), hostile_text)
        )
    )
    junk = st.tuples(hostile_text, hostile_text)
    return st.one_of(known, known, known, junk)


def query_strings(names, max_size=10):
    """Query strings with these parameters, repeated and in any order, properly encoded."""
    return st.lists(parameter(names), max_size=max_size).map(urlencode)


# Hand-made query strings: malformed escapes, bytes that are not UTF-8, stray separators.
raw_query = st.lists(
    st.one_of(
        st.sampled_from(
            ["&", "=", "&&", "==", "%", "%Z", "%ZZ", "%FF", "%C3%28", "%00", "%2", "+", ";"]
        ),
        st.sampled_from([f"{name}=" for name in LIST_PARAMETERS]),
        st.binary(max_size=8).map(lambda raw: quote(raw, safe="")),
        st.binary(max_size=8).map(lambda raw: raw.decode("latin-1")),
        st.text(st.characters(codec="ascii"), max_size=8),
    ),
    max_size=20,
).map("".join)

# More parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS allows: a 400, never a 500.
too_many_fields = st.integers(min_value=1001, max_value=1100).map(
    lambda count: urlencode([("country", "VN")] * count)
)


def segment(valid_name=None):
    """One path segment: a valid value or a hostile one, escaped in one of several ways."""
    text = hostile_text if valid_name is None else st.one_of(valid(valid_name), hostile_text)
    return st.one_of(
        text.map(lambda value: quote(value, safe="")),
        text.map(lambda value: quote(value, safe="/;:@&=+$,")),
        st.binary(min_size=1, max_size=12).map(lambda raw: quote(raw, safe="")),
    )


def fuzz(strategy, *examples):
    """@given with this module's settings; `examples` are always tried first (requests that
    once failed stay in the run)."""

    def decorate(test):
        for value in examples:
            test = example(value)(test)
        return FUZZ(given(strategy)(test))

    return decorate


# The tests --------------------------------------------------------------------------------

# A topic longer than SQLite's longest LIKE pattern (50,000 bytes): "LIKE or GLOB pattern too
# complex", a 500 on SQLite.
LONG_TOPIC = urlencode({"topic": "x" * 50_001})


@fuzz(query_strings(LIST_PARAMETERS))
def test_home_page_survives_any_query(fetch, query):
    fetch("/", query)


@fuzz(st.one_of(query_strings(LIST_PARAMETERS, max_size=16), too_many_fields), LONG_TOPIC)
def test_meeting_list_survives_any_filters(fetch, query):
    fetch("/meetings/", query)


@fuzz(raw_query)
def test_meeting_list_survives_malformed_query_strings(fetch, query):
    fetch("/meetings/", query)


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/export.csv",
        "/meetings/export.json",
        "/meetings/calendar.ics",
        "/meetings/feed/",
        "/meetings/feed/atom/",
    ],
)
@fuzz(
    st.one_of(query_strings([*LIST_PARAMETERS, "page_size"]), raw_query),
    # A control character in the search words went into the feed's title, which XML 1.0
    # cannot hold (UnserializableContentError, a 500).
    "q=%08",
    LONG_TOPIC,
)
def test_exports_and_feeds_survive_any_filters(fetch, path, query):
    fetch(path, query)


@fuzz(query_strings(["q", "type", "page"]))
def test_search_survives_any_query(fetch, query):
    fetch("/search/", query)


@fuzz(query_strings(["q", "page"]))
def test_people_list_survives_any_query(fetch, query):
    fetch("/people/", query)


@fuzz(query_strings(["q", "outlet", "page"]))
def test_article_list_survives_any_query(fetch, query):
    fetch("/articles/", query)


@pytest.mark.parametrize("path", ["/people/suggest/", "/organizations/suggest/"])
@fuzz(query_strings(["q"], max_size=3))
def test_suggestions_survive_any_query(fetch, path, query):
    response = fetch(path, query)
    assert response.status_code == 200
    assert "results" in response.json()


@fuzz(segment("iso"))
def test_country_page_survives_any_code(fetch, code):
    fetch(f"/countries/{code}/")


@fuzz(st.tuples(segment("iso"), segment("iso")))
def test_country_pair_survives_any_codes(fetch, codes):
    fetch("/countries/{}/{}/".format(*codes))


@fuzz(segment("person_slug"))
def test_person_page_survives_any_slug(fetch, slug):
    fetch(f"/people/{slug}/")


@fuzz(segment("organization_slug"))
def test_organization_page_survives_any_slug(fetch, slug):
    fetch(f"/organizations/{slug}/")


@fuzz(segment("article_slug"))
def test_article_page_survives_any_slug(fetch, slug):
    fetch(f"/articles/{slug}/")


meeting_paths = st.one_of(
    # Real meeting addresses with one part replaced, dropped or added.
    st.tuples(valid("meeting_path"), st.integers(0, 4), segment()).map(
        lambda parts: "/".join(
            value if index != parts[1] + 2 else parts[2]
            for index, value in enumerate(parts[0].split("/"))
        )
    ),
    st.tuples(valid("meeting_path"), segment()).map(lambda parts: parts[0] + parts[1] + "/"),
    # Any segments: numbers like a date, "undated", real slugs and hostile text.
    st.lists(
        st.one_of(
            st.integers(min_value=0, max_value=99999).map(lambda n: f"{n:04d}"),
            st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}"),
            st.just("undated"),
            segment("meeting_slug"),
        ),
        min_size=1,
        max_size=6,
    ).flatmap(
        lambda parts: st.sampled_from(["/", ""]).map(
            lambda end: "/meetings/" + "/".join(parts) + end
        )
    ),
)


@fuzz(meeting_paths)
def test_meeting_page_survives_any_path(fetch, path):
    fetch(path)


@pytest.mark.parametrize("path", ["/sitemap.xml", "/robots.txt"])
@fuzz(st.one_of(query_strings(["page", "p"]), raw_query))
def test_sitemap_and_robots_survive_any_query(fetch, path, query):
    assert fetch(path, query).status_code == 200


@fuzz(st.tuples(segment(), query_strings(["p"])))
def test_sitemap_sections_survive_any_name(fetch, section_and_query):
    section, query = section_and_query
    fetch(f"/sitemap-{section}.xml", query)


# Header values are Latin-1 on the wire (WSGI), so only such text reaches the site.
latin1_text = st.one_of(
    st.text(st.characters(codec="latin-1"), max_size=60),
    st.sampled_from([s for s in SNIPPETS if s.isascii()]),
)
accept_language = st.one_of(
    st.sampled_from(["vi", "en", "vi-VN,vi;q=0.9,en;q=0.8", "*", "vi;q=abc", "zz-ZZ", "en-US"]),
    st.lists(
        st.tuples(latin1_text, st.floats(allow_nan=True, allow_infinity=True)), max_size=4
    ).map(lambda parts: ",".join(f"{tag};q={q}" for tag, q in parts)),
    latin1_text,
)
cookies = st.dictionaries(
    st.sampled_from(["sessionid", "csrftoken", "django_language", "messages"]) | latin1_text,
    st.sampled_from(["vi", "en", "zz", ""]) | latin1_text,
    max_size=4,
).map(lambda jar: "; ".join(f"{name}={value}" for name, value in jar.items()))


@fuzz(
    st.tuples(
        st.sampled_from(["/", "/meetings/", "/search/?q=son", "/people/", "/countries/vn/"]),
        accept_language,
        cookies,
    )
)
def test_pages_survive_any_language_and_cookie_headers(fetch, request_parts):
    path, language, cookie = request_parts
    path, _, query = path.partition("?")
    fetch(path, query, HTTP_ACCEPT_LANGUAGE=language, HTTP_COOKIE=cookie)
