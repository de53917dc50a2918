"""Reader threads: each keeps one connection to the site and requests public pages, one
after another, until the time is up. The mix of pages and filters follows what readers of
the record do: mostly the meeting list with a few filters, then meeting, person and country
pages, search, and now and then an export or a feed. Every address is a valid one, so any
answer other than 2xx or 3xx is an error."""

import itertools
import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from diplomacy.loadtest.client import Client

# How many errors of each page are kept word for word for the report.
ERROR_SAMPLES = 5


def meeting_filters(data, rng, paged=True):
    """A query string of 0 to 3 of the list's filters, with values from the record."""
    chosen = {}
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        name = rng.choice(
            ["country", "country", "person", "organization", "kind", "year", "topic", "q", "sort"]
            + (["page"] if paged else [])
        )
        if name == "country" and data["countries"]:
            chosen.setdefault("country", []).append(rng.choice(data["countries"]))
            if len(chosen["country"]) > 1 and rng.random() < 0.5:
                chosen["country_match"] = ["all"]
        elif name == "person" and data["person_slugs"]:
            chosen["person"] = [rng.choice(data["person_slugs"])]
        elif name == "organization" and data["organization_slugs"]:
            chosen["organization"] = [rng.choice(data["organization_slugs"])]
        elif name == "kind":
            chosen["kind"] = [rng.choice(data["kinds"])]
        elif name == "year" and data["years"]:
            year = rng.choice(data["years"])
            chosen["date_from"], chosen["date_to"] = [f"{year}-01-01"], [f"{year}-12-31"]
        elif name == "topic" and data["topics"]:
            chosen["topic"] = [rng.choice(data["topics"])]
        elif name == "q" and data["words"]:
            chosen["q"] = [rng.choice(data["words"])]
        elif name == "sort":
            chosen["sort"] = [rng.choice(["newest", "oldest"])]
        elif name == "page":
            chosen["page"] = [str(rng.randint(1, 3))]
    return urlencode(chosen, doseq=True)


def with_query(path, query):
    return f"{path}?{query}" if query else path


def pair_path(data, rng):
    if not data["pairs"]:
        return "/countries/"
    first, second = rng.choice(data["pairs"])
    return f"/countries/{first}/{second}/"


def _pick(data, rng, key, default):
    return rng.choice(data[key]) if data[key] else default


# (page, weight, address builder)
PAGES = [
    ("home", 5, lambda d, r: "/"),
    ("meeting_list", 28, lambda d, r: with_query("/meetings/", meeting_filters(d, r))),
    ("meeting", 14, lambda d, r: _pick(d, r, "meetings", "/meetings/")),
    ("person", 8, lambda d, r: _pick(d, r, "people", "/people/")),
    ("country", 8, lambda d, r: f"/countries/{_pick(d, r, 'countries', 'VN').lower()}/"),
    ("country_pair", 5, pair_path),
    ("organization", 3, lambda d, r: _pick(d, r, "organizations", "/organizations/")),
    ("article", 4, lambda d, r: _pick(d, r, "articles", "/articles/")),
    ("search", 9, lambda d, r: with_query("/search/", urlencode({"q": _pick(d, r, "words", "")}))),
    ("people_list", 2, lambda d, r: "/people/"),
    (
        "suggest",
        3,
        lambda d, r: with_query(
            "/people/suggest/", urlencode({"q": _pick(d, r, "words", "son")[:3]})
        ),
    ),
    (
        "export_csv",
        2,
        lambda d, r: with_query("/meetings/export.csv", meeting_filters(d, r, paged=False)),
    ),
    (
        "export_json",
        2,
        lambda d, r: with_query(
            "/meetings/export.json", meeting_filters(d, r, paged=False) + "&page_size=50"
        ),
    ),
    (
        "calendar",
        2,
        lambda d, r: with_query("/meetings/calendar.ics", meeting_filters(d, r, paged=False)),
    ),
    ("feed", 2, lambda d, r: with_query("/meetings/feed/", meeting_filters(d, r, paged=False))),
    ("feed_atom", 1, lambda d, r: "/meetings/feed/atom/"),
    ("sitemap", 1, lambda d, r: "/sitemap.xml"),
    ("static", 1, lambda d, r: _pick(d, r, "static", "/robots.txt")),
]


@dataclass
class ReaderStats:
    requests: int = 0
    latencies: list = field(default_factory=list)  # seconds, one per answered request
    page_latencies: dict = field(default_factory=dict)  # page -> [seconds]
    errors: int = 0
    error_samples: list = field(default_factory=list)
    per_page: Counter = field(default_factory=Counter)
    errors_per_page: Counter = field(default_factory=Counter)

    def add_error(self, page, description):
        self.errors += 1
        self.errors_per_page[page] += 1
        if self.errors_per_page[page] <= ERROR_SAMPLES:
            self.error_samples.append(f"{page}: {description}")

    def merge(self, other):
        self.requests += other.requests
        self.latencies.extend(other.latencies)
        for page, seconds in other.page_latencies.items():
            self.page_latencies.setdefault(page, []).extend(seconds)
        self.errors += other.errors
        self.error_samples.extend(other.error_samples)
        self.per_page.update(other.per_page)
        self.errors_per_page.update(other.errors_per_page)


def read_pages(host, port, data, deadline, seed, stats, quota=None):
    """One reader: request pages until `deadline` (time.monotonic()), and on until the
    readers together have made `quota.total` requests when a quota is given."""
    rng = random.Random(seed)
    names = [page for page, _, _ in PAGES]
    weights = [weight for _, weight, _ in PAGES]
    builders = {page: build for page, _, build in PAGES}
    client = Client(host, port)
    try:
        while True:
            # Every request takes its share of the quota, those before the deadline too.
            more = quota is not None and quota.wanted()
            if time.monotonic() >= deadline and not more:
                break
            page = rng.choices(names, weights)[0]
            path = builders[page](data, rng)
            stats.requests += 1
            stats.per_page[page] += 1
            try:
                response = client.get(path)
            except Exception as error:
                stats.add_error(page, f"GET {path}: {type(error).__name__}: {error}")
                continue
            stats.latencies.append(response.seconds)
            stats.page_latencies.setdefault(page, []).append(response.seconds)
            if not 200 <= response.status < 400:
                stats.add_error(page, f"GET {path}: HTTP {response.status}")
    finally:
        client.close()


class Quota:
    """A number of requests shared by the reader threads."""

    def __init__(self, total):
        self.total = total
        self._taken = itertools.count(1)

    def wanted(self):
        """Take one request of the quota: False once all of them are taken."""
        return next(self._taken) <= self.total


def run_readers(host, port, data, readers, seconds, seed=0, min_requests=0):
    """Run `readers` threads for `seconds`, and on until they made `min_requests` requests
    in all; returns (merged ReaderStats, elapsed seconds)."""
    start = time.monotonic()
    deadline = start + seconds
    per_thread = [ReaderStats() for _ in range(readers)]
    # Requests made before the deadline count towards the quota too.
    quota = Quota(min_requests) if min_requests else None
    threads = [
        threading.Thread(
            target=read_pages,
            args=(host, port, data, deadline, seed * 100_003 + index, per_thread[index], quota),
            name=f"reader-{index}",
            daemon=True,
        )
        for index in range(readers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    total = ReaderStats()
    for stats in per_thread:
        total.merge(stats)
    return total, elapsed


def percentile(values, fraction):
    """The nearest-rank percentile of `values` (0 when there are none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]
