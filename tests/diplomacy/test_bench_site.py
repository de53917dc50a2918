"""The benchmark's quick pieces (`manage.py bench_site`): percentiles, the output lines,
reading wrk's summary, the scenarios, and the admin addresses that are each page's
equivalent, which must be the changelist itself and never a refused lookup. Neither
gunicorn nor wrk runs here."""

import os
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from diplomacy.benchmark import inprocess, wrk
from diplomacy.benchmark.inprocess import BenchError
from diplomacy.benchmark.report import Target, figure_line, percentile, percentiles_ms
from diplomacy.benchmark.scenarios import SCENARIOS, pick_values, spread
from diplomacy.loadtest import site
from diplomacy.models import Country, Meeting

NINE_PAGES = {
    "list.all",
    "list.country",
    "list.person",
    "list.country_person_dates",
    "list.topic",
    "list.search",
    "page.country",
    "page.country_pair",
    "page.person",
}

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:44287/meetings/?country=VN
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.12ms    1.02ms  20.00ms   90.00%
    Req/Sec   800.00     50.00     1.00k    70.00%
  Latency Distribution
     50%  812.00us
     75%    2.07ms
     90%    2.85ms
     99%    1.20s
  16000 requests in 10.01s, 3.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:   1598.40
Transfer/sec:    300.00KB
"""


@pytest.fixture
def plan(db):
    """A small generated record and the values the benchmark picks from it (two per page,
    where the benchmark takes ten)."""
    call_command("generate_synthetic", "--meetings=200", "--seed=1", "--as-of=2026-01-01")
    return pick_values(seed=1, values=2, memory_paths=50)


@pytest.fixture
def superuser_client(db):
    client = Client()
    client.force_login(inprocess.superuser())
    return client


def test_percentiles_are_nearest_rank():
    values = list(range(100, 0, -1))  # 100 .. 1, unsorted on purpose
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile([3, 1, 2], 0.50) == 2
    assert percentile([], 0.50) == 0
    assert percentiles_ms([0.004, 0.001, 0.003, 0.002]) == pytest.approx([2.0, 4.0])


def test_a_figure_is_one_line_of_name_value_and_unit():
    assert figure_line("sqlite.list.country.p50", 12.345, "ms") == "sqlite.list.country.p50 12.3 ms"
    assert figure_line("sqlite.http.healthz.rps", 1234.56, "req/s") == (
        "sqlite.http.healthz.rps 1235 req/s"
    )
    assert figure_line("sqlite.list.all.queries", 9, "count") == "sqlite.list.all.queries 9 count"
    assert figure_line("sqlite.memory.worker_rss.max", 80.04, "MB") == (
        "sqlite.memory.worker_rss.max 80.0 MB"
    )
    assert figure_line("sqlite.list.all.ratio", 0.456, "public/admin") == (
        "sqlite.list.all.ratio 0.46 public/admin"
    )
    assert figure_line("sqlite.list.all.ratio", None, "public/admin") == (
        "sqlite.list.all.ratio n/a public/admin"
    )


def test_a_target_line_says_pass_or_fail_and_the_limit():
    assert Target("sqlite.list.country.p50", 12.3, "ms", 30, strict=True).line() == (
        "PASS sqlite.list.country.p50 12.3 ms (target < 30.0 ms)"
    )
    assert Target("sqlite.list.country.p50", 30, "ms", 30, strict=True).line() == (
        "FAIL sqlite.list.country.p50 30.0 ms (target < 30.0 ms)"
    )
    assert Target("x.ratio", 0.5, "public/admin", 0.5).passed
    assert not Target("x.ratio", None, "public/admin", 0.5).passed
    assert Target("x.rate", 0.4, "ratio", 0.5, at_most=False).line() == (
        "FAIL x.rate 0.40 ratio (target >= 0.50 ratio)"
    )


def test_wrk_summary_is_read():
    result = wrk.parse(WRK_OUTPUT)
    assert result.requests == 16000
    assert result.seconds == pytest.approx(10.01)
    assert result.rps == pytest.approx(1598.4)
    assert result.errors == 5
    assert result.socket_errors == 3
    assert result.failures == 8
    assert result.latency_p50_ms == pytest.approx(0.812)
    assert result.latency_p99_ms == pytest.approx(1200)


def test_something_other_than_wrk_summary_is_an_error():
    with pytest.raises(ValueError):
        wrk.parse("wrk: command not found")


def test_the_workers_are_found_as_children_of_their_master():
    child = subprocess.Popen(["sleep", "5"])
    try:
        assert child.pid in site.children(os.getpid())
        assert site.rss_mb(os.getpid()) > 1
    finally:
        child.kill()
        child.wait()


def test_the_scenarios_cover_the_nine_pages():
    assert {scenario.name for scenario in SCENARIOS} == NINE_PAGES
    lists = {scenario.name for scenario in SCENARIOS if scenario.is_list}
    assert lists == {name for name in NINE_PAGES if name.startswith("list.")}


def test_values_are_the_busiest_and_middling_ones():
    ranked = list(range(100))
    picked = spread(ranked, 10)
    assert picked[:5] == [0, 1, 2, 3, 4]
    assert all(25 <= value < 50 for value in picked[5:])
    assert len(set(picked)) == 10
    assert spread([1, 2, 3], 10) == [1, 2, 3]


def published_with_both(pair):
    first, second = (Country.objects.get(code=code) for code in pair)
    return Meeting.objects.published().with_country(first).with_country(second).count()


# Where the admin's filter is exactly the page's, the meetings the admin counts: (value,
# public address) -> count.
SAME_MEETINGS = {
    "list.all": lambda value, public: inprocess.list_matches("/meetings/"),
    "list.country": lambda value, public: inprocess.list_matches(public),
    "list.topic": lambda value, public: inprocess.list_matches(public),
    "page.country": lambda value, public: inprocess.list_matches(
        f"/meetings/?country={value['code']}"
    ),
    "page.country_pair": lambda value, public: published_with_both(value),
}


def test_every_page_and_its_admin_equivalent_answer(plan, client, superuser_client):
    for scenario in SCENARIOS:
        addresses = scenario.addresses(plan)
        assert addresses, scenario.name
        for value, (public, admin) in zip(scenario.values(plan), addresses, strict=True):
            inprocess.check_public(client.get(public), public)
            response = superuser_client.get(admin)
            inprocess.check_admin(response, admin)
            if scenario.is_list:
                assert inprocess.list_matches(public) > 0, public
            if scenario.name in SAME_MEETINGS:
                expected = SAME_MEETINGS[scenario.name](value, public)
                assert response.context["cl"].result_count == expected, (public, admin)


def test_a_refused_admin_lookup_stops_the_benchmark(superuser_client):
    changelist = reverse("admin:diplomacy_meeting_changelist")
    # No list filter for it: DisallowedModelAdminLookup, a 400.
    refused = f"{changelist}?participants__person__slug__exact=someone"
    with pytest.raises(BenchError, match="400"):
        inprocess.check_admin(superuser_client.get(refused), refused)
    # A malformed value: IncorrectLookupParameters, a redirect to ?e=1.
    malformed = f"{changelist}?start_date__year=soon"
    with pytest.raises(BenchError, match="e=1"):
        inprocess.check_admin(superuser_client.get(malformed), malformed)


def test_a_list_filter_that_refuses_its_value_stops_the_benchmark(db):
    with pytest.raises(BenchError, match="refuses"):
        inprocess.list_matches("/meetings/?country=not-a-code")


def test_admin_requests_are_spread_among_the_public_ones():
    assert inprocess.admin_turns(30, 10) == {0, 3, 6, 9, 12, 15, 18, 21, 24, 27}
    assert inprocess.admin_turns(4, 10) == {0, 1, 2, 3}
    assert inprocess.admin_turns(5, 1) == {0}


def test_a_scenario_is_timed_beside_the_admin_and_from_the_cache(plan):
    with override_settings(PAGE_CACHE=False):
        results = inprocess.time_scenarios(
            plan, requests=4, admin_requests=2, names=["list.country"]
        )
    result = results["list.country"]
    assert len(result["public"]) == len(result["cached"]) == 4
    assert len(result["admin"]) == len(result["cold"]) == 2
    assert result["cold_queries"] >= result["queries"] > 0
    assert result["queries"] > 0
    assert result["cached_queries"] == 0
    assert result["admin_example"].startswith(reverse("admin:diplomacy_meeting_changelist"))


def test_timing_pages_the_page_cache_serves_is_refused(plan):
    with override_settings(PAGE_CACHE=True), pytest.raises(BenchError, match="PAGE_CACHE=0"):
        inprocess.time_scenarios(plan, requests=1, names=["list.country"])


def test_the_command_refuses_sizes_below_one():
    with pytest.raises(CommandError, match="--meetings"):
        call_command("bench_site", "--meetings=0")
