import json
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diplomacy.loadtest import site
from diplomacy.loadtest.readers import percentile, run_readers

EDITOR_USERNAME = "load-editor"
POSTGRES_DATABASE = "diplomacy_load"


class Command(BaseCommand):
    help = (
        "Load-test the site: serve it with gunicorn against a throwaway database (SQLite by "
        "default, PostgreSQL with --postgres), let reader threads request public pages while "
        "a separate editor process saves meetings through the admin, then report requests, "
        "errors, throughput, latency and whether every saved meeting is in the database. "
        "Exits non-zero on any error or lost save. See docs/load-testing.md."
    )
    # The command's own settings and database are not used: the server has its own.
    requires_system_checks = []

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--postgres",
            action="store_true",
            help=f"Use a new PostgreSQL database ({POSTGRES_DATABASE}, dropped afterwards).",
        )
        where.add_argument(
            "--database-url",
            help="Use this database as it is (migrated and given the demo data first; never "
            "dropped; the editor's meetings stay in it as drafts).",
        )
        site.add_postgres_arguments(parser, POSTGRES_DATABASE)
        parser.add_argument("--readers", type=int, default=50, help="Reader threads (50).")
        parser.add_argument("--seconds", type=float, default=60, help="Duration (60).")
        parser.add_argument(
            "--admin-rate", type=float, default=1.0, help="Saves per second per editor (1)."
        )
        parser.add_argument(
            "--editors",
            type=int,
            default=1,
            help="Editor processes saving at once, each with its own account (1).",
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2).")
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="Threads per gunicorn worker; above 1 uses the gthread worker (1).",
        )
        parser.add_argument(
            "--conn-max-age",
            type=int,
            help="CONN_MAX_AGE for the server (default: the settings' default).",
        )
        parser.add_argument(
            "--sqlite-wal",
            action="store_true",
            help="SQLite only, to compare: the server opens the database in WAL mode and "
            "starts every transaction with BEGIN IMMEDIATE.",
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed of the readers' choices.")
        parser.add_argument(
            "--min-requests",
            type=int,
            default=10_000,
            help="Readers go on after --seconds until they made this many requests in all, "
            "so the workers' memory is measured after at least that many (10,000; 0: none).",
        )
        parser.add_argument(
            "--max-worker-mb",
            type=float,
            default=200,
            help="Fail when a gunicorn worker's resident memory at the end of the run is "
            "above this (200).",
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the temporary folder (database, server log) and the PostgreSQL database.",
        )

    def handle(self, *args, **options):
        for name in ("readers", "seconds", "admin_rate", "editors", "workers", "threads"):
            if options[name] <= 0:
                raise CommandError(f"--{name.replace('_', '-')} must be above 0.")
        self.verbosity = options["verbosity"]
        workdir = Path(tempfile.mkdtemp(prefix="diplomacy-load-"))
        database = server = None
        try:
            if options["postgres"]:
                self.note(f"Creating the PostgreSQL database {options['postgres_database']}")
                database = site.postgres_database(
                    options["postgres_admin_url"], options["postgres_database"]
                )
            elif options["database_url"]:
                database = site.given_database(options["database_url"])
            else:
                database = site.sqlite_database(workdir)
            env = site.server_environment(
                workdir, database.url, options["conn_max_age"], sqlite_wal=options["sqlite_wal"]
            )
            data = self.prepare(env, workdir, options["editors"])

            self.note(
                f"Starting gunicorn ({options['workers']} workers"
                + (f", {options['threads']} threads each" if options["threads"] > 1 else "")
                + ")"
            )
            server = site.Gunicorn(env, workdir, options["workers"], options["threads"]).start()
            server.wait_until_ready()
            figures = self.run_load(server, env, workdir, data, options)
            # Measured before the stop: what the workers hold after every request of the run.
            figures["worker_mb"] = server.worker_memory_mb()
            server.stop()
            figures.update(self.check_saves(env, workdir, figures.pop("titles")))
            figures["db_locked"] = server.count_in_log("database is locked")
            figures["server_tracebacks"] = server.count_in_log("Traceback (most recent call last)")
            self.report(database.label, figures, server)
        except site.SiteError as error:
            raise CommandError(str(error)) from error
        finally:
            if server is not None:
                server.stop()
            if database is not None and not options["keep"]:
                try:
                    database.cleanup()
                except Exception as error:  # the figures matter more than the cleanup
                    self.stderr.write(f"Could not drop the database: {error}")
            if options["keep"]:
                self.note(f"Kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)

        too_big = [mb for mb in figures["worker_mb"] if mb > options["max_worker_mb"]]
        failures = (
            figures["errors"]
            + figures["missing"]
            + len(figures["admin_errors"])
            + (figures["login"] != "ok")
            + len(too_big)
        )
        if failures:
            raise CommandError(
                f"The load test failed on {database.label}: {figures['errors']} reader errors, "
                f"{len(figures['admin_errors'])} refused saves, {figures['missing']} lost saves"
                + ("" if figures["login"] == "ok" else f", editor login: {figures['login']}")
                + (
                    f", {len(too_big)} worker(s) above {options['max_worker_mb']:g} MB"
                    if too_big
                    else ""
                )
                + "."
            )

    # Steps -------------------------------------------------------------------------------

    def note(self, message):
        if self.verbosity >= 1:
            self.stdout.write(message)

    def prepare(self, env, workdir, editors):
        """Migrate, load the demo data, collect the static files, create the editor; returns
        the site data the readers and the editor use."""
        self.note("Migrating and loading the demo data")
        site.manage(env, "migrate", "--noinput", "--verbosity=0")
        site.manage(env, "load_demo", "--verbosity=0")
        self.note("Collecting the static files")
        site.manage(env, "collectstatic", "--noinput", "--verbosity=0")
        self.password = secrets.token_urlsafe(24)
        for number in range(1, editors + 1):
            site.run_python(
                {**env, "LOADTEST_PASSWORD": self.password},
                "-m",
                "diplomacy.loadtest.dbtasks",
                "editor",
                f"{EDITOR_USERNAME}-{number}",
            )
        data = json.loads(site.run_python(env, "-m", "diplomacy.loadtest.dbtasks", "site-data"))
        (workdir / "site-data.json").write_text(json.dumps(data), encoding="utf-8")
        return data

    def run_load(self, server, env, workdir, data, options):
        run_id = secrets.token_hex(4)
        editors = []
        for number in range(1, options["editors"] + 1):
            out = workdir / f"editor-{number}.json"
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "diplomacy.loadtest.editor",
                    f"--port={server.port}",
                    f"--username={EDITOR_USERNAME}-{number}",
                    f"--site-data={workdir / 'site-data.json'}",
                    f"--seconds={options['seconds']}",
                    f"--rate={options['admin_rate']}",
                    f"--run-id={run_id}-{number}",
                    f"--out={out}",
                ],
                env={**env, "LOADTEST_PASSWORD": self.password},
                cwd=site.BASE_DIR,
            )
            editors.append((process, out))
        self.note(
            f"{options['readers']} readers and {options['editors']} editor(s) for "
            f"{options['seconds']:g} s against http://{site.HOST}:{server.port}/"
        )
        try:
            stats, elapsed = run_readers(
                site.HOST,
                server.port,
                data,
                readers=options["readers"],
                seconds=options["seconds"],
                seed=options["seed"],
                min_requests=options["min_requests"],
            )
            for process, _ in editors:
                process.wait(timeout=300)
        finally:
            for process, _ in editors:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        results = []
        for process, out in editors:
            if process.returncode != 0 or not out.exists():
                raise site.SiteError(f"An editor process failed (exit {process.returncode}).")
            results.append(json.loads(out.read_text(encoding="utf-8")))
        save_seconds = [seconds for result in results for seconds in result["save_seconds"]]
        logins = [result["login"] for result in results if result["login"] != "ok"]
        return {
            "requests": stats.requests,
            "errors": stats.errors,
            "error_samples": stats.error_samples,
            "per_page": stats.per_page,
            "page_latencies": stats.page_latencies,
            "rps": stats.requests / elapsed if elapsed else 0.0,
            "p50": percentile(stats.latencies, 0.50) * 1000,
            "p99": percentile(stats.latencies, 0.99) * 1000,
            "max": max(stats.latencies, default=0) * 1000,
            "login": "; ".join(logins) or "ok",
            "attempts": sum(result["attempts"] for result in results),
            "titles": [title for result in results for title in result["saved"]],
            "admin_errors": [problem for result in results for problem in result["errors"]],
            "save_p50": percentile(save_seconds, 0.50) * 1000,
            "save_max": max(save_seconds, default=0) * 1000,
        }

    def check_saves(self, env, workdir, titles):
        path = workdir / "saved-titles.json"
        path.write_text(json.dumps(titles, ensure_ascii=False), encoding="utf-8")
        found = json.loads(
            site.run_python(env, "-m", "diplomacy.loadtest.dbtasks", "missing", str(path))
        )
        return {"saves": len(titles), "missing": len(found["missing"]), "lost": found["missing"]}

    def report(self, label, figures, server):
        if self.verbosity >= 2:
            self.stdout.write("page: requests, p50 ms, p99 ms")
            for page, count in sorted(figures["per_page"].items(), key=lambda item: -item[1]):
                seconds = figures["page_latencies"].get(page, [])
                self.stdout.write(
                    f"  {page}: {count}, {percentile(seconds, 0.5) * 1000:.0f}, "
                    f"{percentile(seconds, 0.99) * 1000:.0f}"
                )
        for sample in figures["error_samples"][:20]:
            self.stderr.write(f"reader error: {sample}")
        for problem in figures["admin_errors"][:20]:
            self.stderr.write(f"editor error: {problem}")
        for title in figures["lost"][:20]:
            self.stderr.write(f"lost save: {title}")
        if figures["login"] != "ok":
            self.stderr.write(f"editor login failed: {figures['login']}")
        if figures["server_tracebacks"] and self.verbosity >= 1:
            self.stderr.write(f"The server logged errors; the end of its log:\n{server.log()}")
        lines = [
            f"load_database {label}",
            f"load_requests {figures['requests']} count",
            f"load_errors {figures['errors']} count",
            f"load_rps {figures['rps']:.1f} req/s",
            f"load_p50_ms {figures['p50']:.1f} ms",
            f"load_p99_ms {figures['p99']:.1f} ms",
            f"load_max_ms {figures['max']:.1f} ms",
            f"admin_attempts {figures['attempts']} count",
            f"admin_saves {figures['saves']} count",
            f"admin_errors {len(figures['admin_errors'])} count",
            f"admin_saves_missing {figures['missing']} count",
            f"admin_save_p50_ms {figures['save_p50']:.1f} ms",
            f"admin_save_max_ms {figures['save_max']:.1f} ms",
            f"db_locked_errors {figures['db_locked']} count",
            f"server_tracebacks {figures['server_tracebacks']} count",
            f"worker_rss_max_mb {max(figures['worker_mb'], default=0):.1f} MB",
            f"worker_rss_min_mb {min(figures['worker_mb'], default=0):.1f} MB",
        ]
        for line in lines:
            self.stdout.write(line)
