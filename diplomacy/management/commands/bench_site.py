import hashlib
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError

from diplomacy.benchmark import wrk
from diplomacy.benchmark.report import Target, figure_line, percentiles_ms
from diplomacy.benchmark.scenarios import SCENARIOS, path_counts
from diplomacy.loadtest import site
from diplomacy.loadtest.client import Client

POSTGRES_DATABASE = "diplomacy_bench"
CACHE_URL = "redis://127.0.0.1:6379/15"
# The record's day: fixed, so that a run today and one next month measure the same record.
AS_OF = "2026-01-01"
# Targets.
LIST_P50_MS = 30  # every meeting list renders in under this (p50)
ADMIN_RATIO = 0.5  # ... and in at most this fraction of the admin changelist's time
CACHED_VS_HEALTHZ = 0.5  # a cached list serves at least this fraction of /healthz's rate
SERVER_TIMEOUT = 600  # seconds gunicorn gives one request before it restarts the worker
WORKER_RSS_MB = 200  # no gunicorn worker grows beyond this
# What a kept SQLite database depends on: a change to any of these generates it again.
GENERATOR_FILES = ["diplomacy/synthetic.py", "diplomacy/management/commands/generate_synthetic.py"]
MIGRATION_FOLDERS = ["diplomacy/migrations", "articles/migrations"]
INPROCESS = ["-m", "diplomacy.benchmark.inprocess"]


class Command(BaseCommand):
    help = (
        "Benchmark the public site on a large synthetic record: for SQLite and PostgreSQL "
        "(throwaway databases), generate --meetings meetings, then measure each page's "
        "server time in process beside the admin changelist with the same filter, the "
        "throughput of gunicorn with wrk (/healthz, a list uncached and cached) and the "
        "workers' memory after --memory-requests requests. Prints one `name value unit` "
        "line per figure and PASS/FAIL per target; --check exits non-zero when one fails. "
        "See docs/benchmarks.md."
    )
    # The command's own settings and database are not used: the benchmark has its own.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            choices=["sqlite", "postgres", "both"],
            default="both",
            help="Which databases to benchmark (both).",
        )
        parser.add_argument(
            "--meetings", type=int, default=100_000, help="Meetings to generate (100000)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed of the record (1).")
        parser.add_argument(
            "--as-of",
            default=AS_OF,
            help=f"The day the record is generated as of (YYYY-MM-DD; {AS_OF}), the same "
            "every day so that runs compare.",
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=30,
            help="Timed requests per public page in process (30).",
        )
        parser.add_argument(
            "--admin-requests",
            type=int,
            default=10,
            help="Timed requests of each page's admin equivalent, spread among the public "
            "ones (10: the admin changelist takes seconds on a large record).",
        )
        parser.add_argument(
            "--seconds", type=float, default=10, help="Duration of each wrk run (10)."
        )
        parser.add_argument(
            "--connections", type=int, default=8, help="wrk's open connections (8)."
        )
        parser.add_argument("--wrk-threads", type=int, default=2, help="wrk's threads (2).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2).")
        parser.add_argument(
            "--memory-requests",
            type=int,
            default=10_000,
            help="Requests of the mixed pages before the workers' memory is read (10000).",
        )
        parser.add_argument(
            "--conn-max-age",
            type=int,
            help="CONN_MAX_AGE for the servers (default: the settings' default).",
        )
        parser.add_argument(
            "--no-http",
            action="store_true",
            help="Only the in-process server times: no gunicorn, wrk or memory figures.",
        )
        parser.add_argument(
            "--keep",
            metavar="DIR",
            help="Keep the generated SQLite database in DIR and reuse it when a later run "
            "asks for the same record (meetings, seed, generator and migrations).",
        )
        site.add_postgres_arguments(parser, POSTGRES_DATABASE)
        parser.add_argument(
            "--cache-url",
            default=CACHE_URL,
            help=f"The cache (flushed before each part). Default: {CACHE_URL}; when Redis "
            "does not answer, locmem:// (each worker its own cache).",
        )
        parser.add_argument(
            "--check", action="store_true", help="Exit non-zero if any target fails."
        )

    def handle(self, *args, **options):
        self.started = time.monotonic()
        positive = ["meetings", "requests", "admin_requests", "seconds", "connections"]
        for name in [*positive, "wrk_threads", "workers", "memory_requests"]:
            if options[name] <= 0:
                raise CommandError(f"--{name.replace('_', '-')} must be above 0.")
        self.verbosity = options["verbosity"]
        self.options = options
        if "generate_synthetic" not in get_commands():
            raise CommandError("The generate_synthetic command is missing.")
        labels = ["sqlite", "postgres"] if options["database"] == "both" else [options["database"]]
        targets = []
        # A run stopped with SIGTERM still stops its servers and drops its database.
        previous = signal.signal(signal.SIGTERM, stopped)
        try:
            for label in labels:
                if label == "postgres":
                    problem = self.postgres_problem()
                    if problem:
                        self.out(f"# postgres: skipped, PostgreSQL does not answer ({problem})")
                        continue
                targets += self.bench(label)
        finally:
            signal.signal(signal.SIGTERM, previous)

        failed = [target for target in targets if not target.passed]
        self.out("# summary")
        self.out(figure_line("targets.passed", len(targets) - len(failed), "count"))
        self.out(figure_line("targets.failed", len(failed), "count"))
        for target in failed:
            self.out(target.line())
        self.note("Done.")
        if options["check"] and failed:
            raise CommandError(f"{len(failed)} of {len(targets)} targets failed.")

    # Output --------------------------------------------------------------------------------

    def out(self, line):
        self.stdout.write(line)
        self.stdout.flush()

    def note(self, message):
        """Progress, on stderr (stdout holds the figures only), with the time so far."""
        if self.verbosity >= 1:
            elapsed = time.monotonic() - self.started
            self.stderr.write(f"[{elapsed:4.0f} s] {message}", style_func=lambda text: text)
            self.stderr.flush()

    # One database ------------------------------------------------------------------------

    def postgres_problem(self):
        import psycopg

        try:
            with psycopg.connect(self.options["postgres_admin_url"], connect_timeout=5):
                return None
        except psycopg.Error as error:
            return str(error).strip().splitlines()[0]

    def bench(self, label):
        options = self.options
        workdir = Path(tempfile.mkdtemp(prefix="diplomacy-bench-"))
        database = None
        started = time.monotonic()
        try:
            if label == "sqlite":
                database = site.Database("sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}")
            else:
                self.note(f"Creating the PostgreSQL database {options['postgres_database']}")
                database = site.postgres_database(
                    options["postgres_admin_url"], options["postgres_database"]
                )
            self.cache_url, self.redis = self.cache(options["cache_url"])
            env = site.server_environment(workdir, database.url, options["conn_max_age"])
            env.update({"PAGE_CACHE": "0", "CACHE_URL": self.cache_url})
            self.prepare(label, env, workdir)
            plan = self.pick(label, env, workdir)
            targets = self.in_process(label, env, workdir)
            if not options["no_http"]:
                targets += self.http(label, env, workdir, plan)
        except site.SiteError as error:
            raise CommandError(str(error)) from error
        finally:
            if database is not None:
                try:
                    database.cleanup()
                except Exception as error:  # the figures matter more than the cleanup
                    self.stderr.write(f"Could not drop the database: {error}")
            shutil.rmtree(workdir, ignore_errors=True)
        self.out(f"# {label}: targets")
        for target in targets:
            self.out(target.line())
        self.note(f"{label}: done in {time.monotonic() - started:.0f} s")
        return targets

    def cache(self, url):
        """(the cache URL to use, a Redis client to flush it with, or None)."""
        if not url.startswith(("redis://", "rediss://")):
            return url, None
        try:
            import redis

            client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)
            client.ping()
            return url, client
        except Exception as error:
            self.out(
                f"# Redis does not answer at {url} ({error}): locmem:// instead, so each "
                "worker has its own page cache"
            )
            return "locmem://", None

    def flush_cache(self):
        if self.redis is not None:
            self.redis.flushdb()

    def step(self, env, *args, timeout=3600):
        """Run `python *args` in the benchmark's environment, its output on stderr."""
        completed = subprocess.run(
            [sys.executable, *args],
            env=env,
            cwd=site.BASE_DIR,
            stdout=sys.stderr.fileno() if self.verbosity >= 1 else subprocess.DEVNULL,
            timeout=timeout,
        )
        if completed.returncode != 0:
            raise CommandError(
                f"`python {' '.join(map(str, args))}` failed with exit status "
                f"{completed.returncode} (its messages are above)."
            )

    def prepare(self, label, env, workdir):
        """Migrate, generate the record (or reuse a kept one), collect the static files."""
        options = self.options
        meetings, seed = options["meetings"], options["seed"]
        self.out(f"# {label}: {meetings} meetings, seed {seed}, as of {options['as_of']}")
        kept = None
        if options["keep"] and label == "sqlite":
            keep_dir = Path(options["keep"]).resolve()
            keep_dir.mkdir(parents=True, exist_ok=True)
            kept = keep_dir / (
                f"bench-{meetings}-{seed}-{options['as_of']}-{record_fingerprint()}.sqlite3"
            )
        database_file = workdir / "bench.sqlite3"
        if kept is not None and kept.exists():
            self.note(f"{label}: reusing {kept}")
            copy_sqlite(kept, database_file)
            site.manage(env, "migrate", "--noinput", "--verbosity=0")
        else:
            self.note(f"{label}: migrating")
            site.manage(env, "migrate", "--noinput", "--verbosity=0")
            self.note(f"{label}: generating {meetings} meetings (1 to 3 minutes for 100,000)")
            started = time.monotonic()
            self.step(
                env,
                "manage.py",
                "generate_synthetic",
                f"--meetings={meetings}",
                f"--seed={seed}",
                f"--as-of={options['as_of']}",
                f"--verbosity={1 if self.verbosity >= 2 else 0}",
            )
            self.out(figure_line(f"{label}.generate", time.monotonic() - started, "s"))
            if kept is not None:
                # Records of the same size, seed and day made by an older generator or
                # migrations are never reused: replace them.
                for stale in kept.parent.glob(f"bench-{meetings}-{seed}-{options['as_of']}-*"):
                    stale.unlink(missing_ok=True)
                copy_sqlite(database_file, kept)
                self.note(f"{label}: kept the record in {kept}")
        site.manage(env, "collectstatic", "--noinput", "--verbosity=0")

    def pick(self, label, env, workdir):
        path = workdir / "plan.json"
        self.note(f"{label}: choosing the parameter values")
        self.step(env, *INPROCESS, "pick", f"--seed={self.options['seed']}", f"--out={path}")
        plan = json.loads(path.read_text(encoding="utf-8"))
        for name, count in plan["record"].items():
            self.out(figure_line(f"{label}.record.{name}", count, "count"))
        return plan

    # Server time in process ----------------------------------------------------------------

    def in_process(self, label, env, workdir):
        requests = self.options["requests"]
        admin_requests = min(self.options["admin_requests"], requests)
        self.out(
            f"# {label}: server time in process (test client, every middleware, PAGE_CACHE=0; "
            f"{requests} requests per page rotating over its values after a warm-up; the admin "
            f"changelist with the same filter as a superuser, {admin_requests} requests among "
            f"them; cold: {admin_requests} requests with no cache at all; cached: "
            f"{requests} with the page cache on)"
        )
        self.note(f"{label}: timing the pages in process")
        self.flush_cache()
        path = workdir / "times.json"
        self.step(
            env,
            *INPROCESS,
            "time",
            f"--plan={workdir / 'plan.json'}",
            f"--requests={requests}",
            f"--admin-requests={self.options['admin_requests']}",
            f"--out={path}",
        )
        results = json.loads(path.read_text(encoding="utf-8"))
        targets = []
        for scenario in SCENARIOS:
            result = results[scenario.name]
            name = f"{label}.{scenario.name}"
            p50, p95 = percentiles_ms(result["public"])
            admin_p50, admin_p95 = percentiles_ms(result["admin"])
            (cached_p50,) = percentiles_ms(result["cached"], (0.50,))
            (cold_p50,) = percentiles_ms(result["cold"], (0.50,))
            ratio = p50 / admin_p50 if admin_p50 else None
            if self.verbosity >= 2:
                self.out(f"# {scenario.name}: {result['public_example']}")
                self.out(f"#   admin: {result['admin_example']}")
            lines = [
                (f"{name}.p50", p50, "ms"),
                (f"{name}.p95", p95, "ms"),
                (f"{name}.admin.p50", admin_p50, "ms"),
                (f"{name}.admin.p95", admin_p95, "ms"),
                (f"{name}.ratio", ratio, "public/admin"),
                (f"{name}.cold.p50", cold_p50, "ms"),
                (f"{name}.cached.p50", cached_p50, "ms"),
                (f"{name}.queries", result["queries"], "count"),
                (f"{name}.admin.queries", result["admin_queries"], "count"),
                (f"{name}.cold.queries", result["cold_queries"], "count"),
                (f"{name}.cached.queries", result["cached_queries"], "count"),
            ]
            if result["matches"] is not None:
                lines.append((f"{name}.matches", result["matches"], "count"))
            for line in lines:
                self.out(figure_line(*line))
            if scenario.is_list:
                targets.append(Target(f"{name}.p50", p50, "ms", LIST_P50_MS, strict=True))
                targets.append(Target(f"{name}.ratio", ratio, "public/admin", ADMIN_RATIO))
        return targets

    # Throughput and memory under gunicorn --------------------------------------------------

    def http(self, label, env, workdir, plan):
        options = self.options
        if not wrk.available():
            self.out(
                f"# {label}: throughput and memory skipped: wrk is not installed "
                f"({wrk.INSTALL_HINT})"
            )
            return []
        seconds, connections = options["seconds"], options["connections"]
        self.out(
            f"# {label}: throughput under gunicorn ({options['workers']} sync workers, cache "
            f"{self.cache_url}; wrk {options['wrk_threads']} threads, {connections} "
            f"connections, {seconds:g} s per run; the list rotates over "
            f"{len(plan['countries'])} countries)"
        )
        lists = [f"/meetings/?country={country['code']}" for country in plan["countries"]]
        figures, failures = {}, 0

        # Cold: every request renders.
        server = self.start_server(label, {**env, "PAGE_CACHE": "0"}, workdir, "page cache off")
        try:
            self.warm(server, lists)
            self.note(f"{label}: wrk, the list uncached")
            figures["list_cold"] = self.wrk(server, lists, workdir)
            cold_rss = server.worker_memory_mb()
        finally:
            server.stop()

        # Cached: /healthz, then the same lists after one request of each.
        server = self.start_server(label, {**env, "PAGE_CACHE": "1"}, workdir, "page cache on")
        try:
            start_rss = server.worker_memory_mb()
            self.note(f"{label}: wrk, /healthz")
            figures["healthz"] = self.wrk(server, ["/healthz"], workdir)
            self.warm(server, lists)
            self.note(f"{label}: wrk, the list cached")
            figures["list_cached"] = self.wrk(server, lists, workdir)
            memory = self.memory(label, server, plan, workdir)
        finally:
            server.stop()

        for name in ("healthz", "list_cold", "list_cached"):
            result = figures[name]
            failures += result.failures
            self.out(figure_line(f"{label}.http.{name}.rps", result.rps, "req/s"))
            self.out(figure_line(f"{label}.http.{name}.latency_p50", result.latency_p50_ms, "ms"))
            self.out(figure_line(f"{label}.http.{name}.latency_p99", result.latency_p99_ms, "ms"))
        healthz, cached, cold = (figures[n].rps for n in ("healthz", "list_cached", "list_cold"))
        cached_vs_healthz = cached / healthz if healthz else None
        self.out(figure_line(f"{label}.http.cached_vs_healthz", cached_vs_healthz, "ratio"))
        self.out(
            figure_line(f"{label}.http.cached_vs_cold", cached / cold if cold else None, "ratio")
        )
        failures += memory["failures"]
        self.out(figure_line(f"{label}.http.errors", failures, "count"))

        self.out(
            f"# {label}: memory of the workers (VmRSS) after {memory['requests']} requests of "
            f"{len(plan['memory_paths'])} mixed pages ({format_counts(plan['memory_paths'])}), "
            "page cache on: each page renders on its first request"
        )
        self.out(figure_line(f"{label}.memory.requests", memory["requests"], "count"))
        self.out(figure_line(f"{label}.memory.worker_rss.start", max(start_rss), "MB"))
        for number, rss in enumerate(memory["rss"], start=1):
            self.out(figure_line(f"{label}.memory.worker_rss.{number}", rss, "MB"))
        worker_max = max(memory["rss"])
        self.out(figure_line(f"{label}.memory.worker_rss.max", worker_max, "MB"))
        self.out(figure_line(f"{label}.memory.cold_worker_rss.max", max(cold_rss), "MB"))
        return [
            Target(
                f"{label}.http.cached_vs_healthz",
                cached_vs_healthz,
                "ratio",
                CACHED_VS_HEALTHZ,
                at_most=False,
            ),
            Target(f"{label}.http.errors", failures, "count", 0),
            Target(f"{label}.memory.worker_rss.max", worker_max, "MB", WORKER_RSS_MB),
        ]

    def start_server(self, label, env, workdir, description):
        self.flush_cache()
        self.note(f"{label}: starting gunicorn ({description})")
        # A cold country page of a 100,000-meeting record can take longer than gunicorn's
        # usual 60 s on a busy machine; a worker killed mid-render never fills the cache.
        server = site.Gunicorn(
            env, workdir, workers=self.options["workers"], timeout=SERVER_TIMEOUT
        ).start()
        try:
            server.wait_until_ready()
        except BaseException:
            server.stop()
            raise
        return server

    def warm(self, server, paths):
        """One request of each address (fills the page cache when it is on)."""
        client = Client(site.HOST, server.port)
        try:
            for path in paths:
                response = client.get(path)
                if response.status != 200:
                    raise CommandError(f"{path} answered {response.status} under gunicorn.")
        finally:
            client.close()

    def wrk(self, server, paths, workdir, seconds=None, offset=0):
        options = self.options
        try:
            return wrk.run(
                site.HOST,
                server.port,
                paths,
                workdir,
                seconds=seconds or options["seconds"],
                connections=options["connections"],
                threads=options["wrk_threads"],
                offset=offset,
            )
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as error:
            raise CommandError(f"wrk failed: {error}\n{server.log()}") from error

    def memory(self, label, server, plan, workdir):
        """wrk over the mix of pages, in runs, until it made --memory-requests requests; then
        the resident size of each worker."""
        target = self.options["memory_requests"]
        self.note(f"{label}: {target} requests of mixed pages")
        done = failures = 0
        seconds = 5.0
        started = time.monotonic()
        while done < target:
            result = self.wrk(server, plan["memory_paths"], workdir, seconds=seconds, offset=done)
            done += result.requests
            failures += result.failures
            if result.requests == 0 and time.monotonic() - started > 600:
                raise CommandError("The server answers no request of the mix.")
            rate = result.requests / max(result.seconds, 0.1)
            # The next run is sized to finish the count (wrk stops on time, not on a count).
            seconds = min(60.0, max(2.0, (target - done) / max(rate, 1.0) + 1))
        return {"requests": done, "failures": failures, "rss": server.worker_memory_mb()}


def stopped(signum, frame):
    raise CommandError("Stopped (SIGTERM).")


def format_counts(paths):
    return ", ".join(f"{count} {kind}" for kind, count in sorted(path_counts(paths).items()))


def record_fingerprint():
    """A short hash of what a generated record depends on besides its size and seed."""
    digest = hashlib.sha256()
    for name in GENERATOR_FILES:
        path = site.BASE_DIR / name
        if path.exists():
            digest.update(path.read_bytes())
    for folder in MIGRATION_FOLDERS:
        for path in sorted((site.BASE_DIR / folder).glob("[0-9]*.py")):
            digest.update(path.name.encode())
    return digest.hexdigest()[:12]


def copy_sqlite(source, target):
    """A consistent copy of a SQLite database (its WAL included)."""
    target = Path(target)
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
