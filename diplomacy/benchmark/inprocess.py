"""Server time inside one process: each page through Django's test client with every
middleware, beside the admin changelist with the equivalent filter, requested in turn.

Run by `manage.py bench_site` as a subprocess in the benchmark's environment (its settings
and throwaway database, PAGE_CACHE=0):

    python -m diplomacy.benchmark.inprocess pick --seed 1 --out plan.json
    python -m diplomacy.benchmark.inprocess time --plan plan.json --out times.json

`pick` chooses the parameter values (diplomacy.benchmark.scenarios.pick_values). `time`
(`--requests 30 --admin-requests 10` by default) writes, per scenario, the durations in
seconds of the public page (rendered, with the fragments and counts it keeps in the cache
warm), of the admin page, of the public page with no cache at all (cold) and served from
the page cache, and the number of queries of each. Progress goes to stderr. An address that
does not answer as it should (an admin lookup refused with a 400 or a redirect to ?e=1, a
public filter that rejects its value or selects nothing) stops the run with exit status 2
and says which: an error page is never timed.
"""

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from diplomacy.benchmark.scenarios import SCENARIOS, pick_values

# The name the test client gives the server: one ALLOWED_HOSTS always holds in the
# benchmark's environment.
SERVER_NAME = "127.0.0.1"
SUPERUSER = "bench-admin"
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


class BenchError(Exception):
    """An address did not answer as the benchmark expects; the message says which and why."""


def superuser():
    """The superuser the admin pages are requested as (created if missing)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, _ = User._default_manager.get_or_create(**{User.USERNAME_FIELD: SUPERUSER})
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_unusable_password()
    user.save()
    return user


def clients(user):
    """(anonymous reader's client, superuser's client)."""
    from django.test import Client

    public, admin = Client(SERVER_NAME=SERVER_NAME), Client(SERVER_NAME=SERVER_NAME)
    admin.force_login(user)
    return public, admin


def check_public(response, path):
    if response.status_code != 200:
        raise BenchError(f"{path} answered {response.status_code}, not 200.")


def check_admin(response, path):
    """The changelist itself, not the page the admin shows for a lookup it refuses."""
    status = response.status_code
    if status == 302 and "e=1" in response.get("Location", ""):
        raise BenchError(
            f"The admin refused the parameters of {path}: it redirected to "
            f"{response['Location']} (IncorrectLookupParameters)."
        )
    if status == 400:
        raise BenchError(
            f"The admin answered 400 to {path}: a lookup it does not allow "
            "(DisallowedModelAdminLookup); it needs a list filter for it."
        )
    if status != 200:
        raise BenchError(f"The admin answered {status} to {path}, not 200.")
    if b'id="changelist"' not in response.content:
        raise BenchError(f"{path} is not the admin's changelist.")


def list_matches(path):
    """How many meetings the public list's filter selects for `path`; BenchError when the
    filter rejects a value (the page would show an error and no meetings)."""
    from django.http import QueryDict

    from diplomacy.filters import filter_meetings

    filterset, meetings = filter_meetings(QueryDict(urlsplit(path).query))
    if filterset.is_bound and not filterset.is_valid():
        raise BenchError(f"The meeting list refuses {path}: {filterset.errors.as_text()}")
    return meetings.count()


def count_queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(path)
    return len(context.captured_queries)


def timed(client, path, check):
    start = time.perf_counter()
    response = client.get(path)
    seconds = time.perf_counter() - start
    check(response, path)
    return seconds


def admin_turns(requests, admin_requests):
    """Which public requests (by number) an admin request follows: `admin_requests` of
    them, spread evenly over the run."""
    admin_requests = max(1, min(admin_requests, requests))
    return {number * requests // admin_requests for number in range(admin_requests)}


def measure(scenario, plan, public_client, admin_client, requests, admin_requests=None):
    """The figures of one scenario (durations in seconds). The admin changelist, much
    slower on a large record, may be timed on fewer requests (`admin_requests`), each after
    a public request with the same value."""
    from django.test import override_settings

    addresses = scenario.addresses(plan)
    if not addresses:
        raise BenchError(f"The record has no values for {scenario.name} ({scenario.description}).")
    result = {
        "values": len(addresses),
        "public_example": addresses[0][0],
        "admin_example": addresses[0][1],
        "matches": None,
    }
    if scenario.is_list:
        matches = [list_matches(public) for public, _ in addresses]
        empty = [public for (public, _), count in zip(addresses, matches, strict=True) if not count]
        if empty:
            raise BenchError(f"{empty[0]} lists no meeting: a value picked badly.")
        result["matches"] = statistics.median(matches)

    # Warm-up: every public address once (which checks it), and the admin's first. Each
    # timed admin request is checked too.
    for public, _ in addresses:
        check_public(public_client.get(public), public)
    check_admin(admin_client.get(addresses[0][1]), addresses[0][1])
    result["queries"] = count_queries(public_client, addresses[0][0])
    result["admin_queries"] = count_queries(admin_client, addresses[0][1])

    gc.collect()
    public_times, admin_times = [], []
    turns = admin_turns(requests, admin_requests or requests)
    for number in range(requests):
        public, admin = addresses[number % len(addresses)]
        public_times.append(timed(public_client, public, check_public))
        if number in turns:
            admin_times.append(timed(admin_client, admin, check_admin))
    result["public"], result["admin"] = public_times, admin_times

    # Nothing from any cache (a dummy cache): the page, its fragments and the counts it
    # keeps are all computed, as on the first request after a change.
    with override_settings(CACHES=NO_CACHE):
        result["cold"] = [
            timed(public_client, addresses[number % len(addresses)][0], check_public)
            for number in range(len(turns))
        ]
        result["cold_queries"] = count_queries(public_client, addresses[0][0])

    # The page cache on: a first request of each address fills it, the next ones are timed.
    with override_settings(PAGE_CACHE=True):
        for public, _ in addresses:
            public_client.get(public)
        result["cached"] = [
            timed(public_client, addresses[number % len(addresses)][0], check_public)
            for number in range(requests)
        ]
        result["cached_queries"] = count_queries(public_client, addresses[0][0])
    return result


def time_scenarios(plan, requests, admin_requests=None, names=None, progress=None):
    """{scenario name: figures} for every scenario (or those named)."""
    from django.conf import settings

    if settings.PAGE_CACHE:
        raise BenchError(
            "The page cache is on: run with PAGE_CACHE=0, or the figures would not be those "
            "of pages rendered."
        )
    public_client, admin_client = clients(superuser())
    results = {}
    for scenario in SCENARIOS:
        if names and scenario.name not in names:
            continue
        if progress:
            progress(f"  {scenario.name}: {scenario.description}")
        started = time.monotonic()
        result = measure(scenario, plan, public_client, admin_client, requests, admin_requests)
        results[scenario.name] = result
        if progress:
            progress(
                f"    median {statistics.median(result['public']) * 1000:.0f} ms, admin "
                f"{statistics.median(result['admin']) * 1000:.0f} ms "
                f"({time.monotonic() - started:.0f} s)"
            )
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m diplomacy.benchmark.inprocess")
    tasks = parser.add_subparsers(dest="task", required=True)
    pick = tasks.add_parser("pick")
    pick.add_argument("--seed", type=int, default=1)
    pick.add_argument("--out", required=True)
    timing = tasks.add_parser("time")
    timing.add_argument("--plan", required=True)
    timing.add_argument("--requests", type=int, default=30)
    timing.add_argument("--admin-requests", type=int, default=10)
    timing.add_argument("--scenario", action="append", help="Only this one (repeatable).")
    timing.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    import django

    django.setup()

    def progress(message):
        print(message, file=sys.stderr, flush=True)

    try:
        if args.task == "pick":
            result = pick_values(seed=args.seed)
        else:
            plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
            result = time_scenarios(
                plan, args.requests, args.admin_requests, args.scenario, progress
            )
    except BenchError as error:
        progress(f"bench_site: {error}")
        sys.exit(2)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
