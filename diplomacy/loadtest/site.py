"""The site under load: a throwaway database, the server's environment and gunicorn.

The server never sees the environment of whoever runs the load test: its settings come from
a small module written into the run's temporary folder (the project's settings with
STATIC_ROOT in that folder), with DEBUG off, a new SECRET_KEY, ALLOWED_HOSTS=127.0.0.1 and
the run's DATABASE_URL, and a developer's .env is not read (ENV_FILE empty).
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from diplomacy.loadtest.client import Client

BASE_DIR = Path(__file__).resolve().parent.parent.parent
HOST = "127.0.0.1"
SETTINGS_MODULE = "loadtest_settings"


class SiteError(Exception):
    """The site could not be set up or started; the message says why."""


# Databases ------------------------------------------------------------------------------


@dataclass
class Database:
    label: str
    url: str
    drop: object = None  # called to remove a database the run created

    def cleanup(self):
        if self.drop is not None:
            self.drop()


def sqlite_database(workdir):
    return Database("sqlite", f"sqlite:///{Path(workdir) / 'load.sqlite3'}")


def postgres_database(admin_url, name):
    """A new, empty PostgreSQL database `name` (dropped first if a previous run left it)."""
    import psycopg
    from psycopg import sql

    def execute(statement):
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    try:
        execute(drop)
        execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise SiteError(f"Could not create the PostgreSQL database {name}: {error}") from error
    base = admin_url.rsplit("/", 1)[0]
    return Database("postgresql", f"{base}/{name}", drop=lambda: execute(drop))


def given_database(url):
    """A database the caller provides: used as it is and never dropped."""
    label = url.split(":", 1)[0]
    return Database(label, url)


# The server's environment ---------------------------------------------------------------


# With --sqlite-wal: readers never wait for a writer (WAL), and a transaction takes the
# write lock when it starts, so two writers queue on the busy timeout instead of one failing
# at once with "database is locked" when both try to upgrade a read lock.
SQLITE_WAL_SETTINGS = """
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
"""


def server_environment(workdir, database_url, conn_max_age=None, sqlite_wal=False):
    workdir = Path(workdir)
    static_root = workdir / "static"
    (workdir / f"{SETTINGS_MODULE}.py").write_text(
        '"""Settings of a load-test run: the project\'s own, static files in the run\'s '
        'folder."""\n\n'
        "from diplomacy.settings import *  # noqa: F403\n\n"
        f"STATIC_ROOT = {str(static_root)!r}\n" + (SQLITE_WAL_SETTINGS if sqlite_wal else ""),
        encoding="utf-8",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "PYTHONPATH": os.pathsep.join([str(workdir), str(BASE_DIR)]),
            "PYTHONUNBUFFERED": "1",
            "ENV_FILE": "",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            # Plain HTTP on loopback: no redirect to HTTPS, cookies not HTTPS-only.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    if conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(conn_max_age)
    return env


def run_python(env, *args, timeout=900):
    """Run `python *args` in the server's environment; its stdout, or SiteError."""
    completed = subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip()[-3000:]
        raise SiteError(f"`python {' '.join(args)}` failed:\n{output}")
    return completed.stdout


def manage(env, *args):
    return run_python(env, "manage.py", *args)


# gunicorn -------------------------------------------------------------------------------


class Gunicorn:
    """gunicorn serving diplomacy.wsgi on a free loopback port. The port is bound here and
    handed to gunicorn as an open socket (fd://), so no other program can take it between
    the choice and the start."""

    def __init__(self, env, workdir, workers=2, threads=1, timeout=60):
        self.env, self.workdir = env, Path(workdir)
        self.workers, self.threads, self.timeout = workers, threads, timeout
        self.process = None
        self.socket = None
        self.port = None
        self.log_path = self.workdir / "gunicorn.log"

    def start(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((HOST, 0))
        self.socket.listen(2048)
        self.socket.set_inheritable(True)
        self.port = self.socket.getsockname()[1]
        fd = self.socket.fileno()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "diplomacy.wsgi:application",
            f"--bind=fd://{fd}",
            f"--workers={self.workers}",
            f"--timeout={self.timeout}",
            "--graceful-timeout=10",
            "--log-level=warning",
            "--error-logfile=-",
        ]
        if self.threads > 1:
            command += ["--worker-class=gthread", f"--threads={self.threads}"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(fd,),
            )
        return self

    def wait_until_ready(self, seconds=60):
        """Until /healthz answers 200 (every worker may take its turn at answering)."""
        deadline = time.monotonic() + seconds
        problem = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SiteError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            client = Client(HOST, self.port, timeout=10)
            try:
                response = client.get("/healthz")
                if response.status == 200:
                    return
                problem = f"HTTP {response.status}: {response.text[:300]}"
            except OSError as error:
                problem = str(error)
            finally:
                client.close()
            time.sleep(0.3)
        raise SiteError(f"gunicorn did not become healthy ({problem}):\n{self.log()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.socket is not None:
            self.socket.close()
            self.socket = None

    def log(self, tail=4000):
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    def worker_memory_mb(self):
        """The resident memory of each of gunicorn's workers, in MB."""
        return [rss_mb(pid) for pid in children(self.process.pid)]

    def count_in_log(self, text):
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace").count(text)
        except FileNotFoundError:
            return 0


# Memory ---------------------------------------------------------------------------------


def children(pid):
    """The ids of the processes whose parent is `pid` (gunicorn's workers, for its master)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses.
        fields = text.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_mb(pid):
    """Resident set size (VmRSS) of process `pid`, in MB (2**20 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            kilobytes = int(line.split()[1])
            return kilobytes / 1024
    raise RuntimeError(f"No VmRSS for process {pid}")


POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def add_postgres_arguments(parser, database):
    """--postgres-admin-url and --postgres-database, for commands that make a throwaway
    PostgreSQL database called `database` by default."""
    parser.add_argument(
        "--postgres-admin-url",
        default=POSTGRES_ADMIN_URL,
        help=f"Connection that creates and drops the database. Default: {POSTGRES_ADMIN_URL}",
    )
    parser.add_argument("--postgres-database", default=database)
