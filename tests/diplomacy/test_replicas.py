"""Reads from replicas, writes and editors' reads from the primary (diplomacy/routers.py,
diplomacy/middleware.py).

The suite's own settings have no replica, so the router's decisions are tested directly,
and a real primary and replica are set up in a subprocess: two SQLite files, the replica a
copy of the primary made whenever the scenario says so ("replication").
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory, override_settings

from diplomacy.middleware import PIN_COOKIE, PIN_SECONDS, PrimaryForWritesMiddleware
from diplomacy.models import Meeting
from diplomacy.routers import PrimaryReplicaRouter, pin_to_primary, reads_pinned
from diplomacy.urls import ADMIN_PATH

ROOT = Path(__file__).resolve().parents[2]
MIDDLEWARE_PATH = "diplomacy.middleware.PrimaryForWritesMiddleware"
TWO_REPLICAS = override_settings(DATABASE_REPLICAS=["replica1", "replica2"])

router = PrimaryReplicaRouter()


def on(alias):
    """An unsaved meeting that says it was read from `alias`."""
    meeting = Meeting(title="Talks")
    meeting._state.db = alias
    return meeting


# The router --------------------------------------------------------------------------


@TWO_REPLICAS
def test_writes_go_to_the_primary():
    assert router.db_for_write(Meeting) == "default"
    assert router.db_for_write(Meeting, instance=on("replica1")) == "default"


@TWO_REPLICAS
def test_reads_go_to_the_replicas():
    assert {router.db_for_read(Meeting) for _ in range(200)} == {"replica1", "replica2"}


@override_settings(DATABASE_REPLICAS=[])
def test_reads_go_to_the_primary_when_there_is_no_replica():
    assert router.db_for_read(Meeting) == "default"


@TWO_REPLICAS
def test_reads_in_a_transaction_on_the_primary_go_to_the_primary(monkeypatch):
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)
    assert router.db_for_read(Meeting) == "default"
    assert router.db_for_read(Meeting, instance=on("replica2")) == "default"


@TWO_REPLICAS
def test_pinned_reads_go_to_the_primary_until_the_block_ends():
    with pin_to_primary():
        assert reads_pinned()
        assert router.db_for_read(Meeting) == "default"
    assert not reads_pinned()
    assert router.db_for_read(Meeting) != "default"


@TWO_REPLICAS
def test_the_pin_ends_when_the_block_raises():
    with pytest.raises(RuntimeError), pin_to_primary():
        raise RuntimeError("boom")
    assert not reads_pinned()


@TWO_REPLICAS
def test_related_objects_come_from_the_database_their_object_came_from():
    assert router.db_for_read(Meeting, instance=on("default")) == "default"
    assert router.db_for_read(Meeting, instance=on("replica2")) == "replica2"


@TWO_REPLICAS
def test_objects_from_the_primary_and_the_replicas_may_be_related():
    assert router.allow_relation(on("default"), on("replica1")) is True
    assert router.allow_relation(on("replica2"), on("replica1")) is True


@TWO_REPLICAS
def test_objects_from_another_database_are_left_to_other_routers():
    assert router.allow_relation(on("default"), on("archive")) is None


@TWO_REPLICAS
def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "diplomacy", "meeting") is True
    assert router.allow_migrate("replica1", "diplomacy", "meeting") is False
    assert router.allow_migrate("replica2", "auth") is False


# The middleware ----------------------------------------------------------------------


def through_middleware(request, response=None):
    """Run `request` through the middleware; returns the response and whether the view's
    reads were pinned to the primary."""
    seen = {}

    def view(request):
        seen["pinned"] = reads_pinned()
        return response if response is not None else HttpResponse("ok")

    answer = PrimaryForWritesMiddleware(view)(request)
    assert not reads_pinned(), "the pin outlives the request"
    return answer, seen["pinned"]


def test_a_public_page_is_read_from_a_replica():
    response, pinned = through_middleware(RequestFactory().get("/meetings/"))
    assert not pinned
    assert PIN_COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_the_admin_is_read_from_the_primary(method):
    request = getattr(RequestFactory(), method)(f"/{ADMIN_PATH}diplomacy/meeting/")
    assert through_middleware(request)[1]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_request_that_may_write_is_read_from_the_primary(method):
    request = getattr(RequestFactory(), method)("/i18n/setlang/")
    assert through_middleware(request)[1]


def test_a_write_pins_the_browser_to_the_primary_for_a_few_seconds():
    response, _ = through_middleware(RequestFactory().post("/i18n/setlang/"))
    cookie = response.cookies[PIN_COOKIE]
    assert int(cookie["max-age"]) == PIN_SECONDS
    assert 0 < int(cookie.value) - time.time() <= PIN_SECONDS
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_a_request_with_a_fresh_cookie_is_read_from_the_primary():
    request = RequestFactory().get("/meetings/")
    request.COOKIES[PIN_COOKIE] = str(int(time.time()) + PIN_SECONDS)
    response, pinned = through_middleware(request)
    assert pinned
    assert PIN_COOKIE not in response.cookies, "a read must not extend the pin"


@pytest.mark.parametrize("value", [str(int(time.time()) - 1), "", "soon", "1e99", "nan"])
def test_an_expired_or_malformed_cookie_pins_nothing(value):
    request = RequestFactory().get("/meetings/")
    request.COOKIES[PIN_COOKIE] = value
    assert not through_middleware(request)[1]


def test_a_streamed_answer_is_read_from_the_primary_while_it_is_sent():
    def chunks():
        for _ in range(3):
            yield "primary\n" if reads_pinned() else "replica\n"

    request = RequestFactory().post("/meetings/export.csv")
    response, _ = through_middleware(request, StreamingHttpResponse(chunks()))
    assert b"".join(response.streaming_content) == b"primary\n" * 3
    assert not reads_pinned()


def test_the_middleware_comes_before_every_middleware_that_reads_the_database():
    assert MIDDLEWARE_PATH in settings.MIDDLEWARE, f"add {MIDDLEWARE_PATH} to MIDDLEWARE"
    position = settings.MIDDLEWARE.index(MIDDLEWARE_PATH)
    assert position < settings.MIDDLEWARE.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


# A real primary and replica ----------------------------------------------------------

# Runs with the production settings and DATABASE_REPLICA_URLS pointing at the replica file.
# Prints what each database answered, as JSON.
SCENARIO = r"""
import json, sqlite3, sys, time

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from diplomacy.middleware import PIN_COOKIE
from diplomacy.models import Meeting, Status
from diplomacy.routers import pin_to_primary
from diplomacy.urls import ADMIN_PATH

primary_file, replica_file, title = sys.argv[1:4]
results = {}


def replicate():
    connections["replica1"].close()
    source, target = sqlite3.connect(primary_file), sqlite3.connect(replica_file)
    source.backup(target)
    source.close()
    target.close()


def served(client, method, path, **data):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica1"]) as replica,
    ):
        response = getattr(client, method)(path, data)
    return {
        "status": response.status_code,
        "primary_queries": len(primary),
        "replica_queries": len(replica),
        "shows_meeting": title in response.content.decode(),
        "pin_cookie": PIN_COOKIE in response.cookies,
    }


results["router_chooses"] = Meeting.objects.all().db
Meeting.objects.create(
    title=title, kind=Meeting.Kind.TALKS, start_date="2024-02-26", status=Status.PUBLISHED
)
get_user_model().objects.create_superuser("editor", "editor@example.org", "a long password")
results["count_on_replica"] = Meeting.objects.count()
with transaction.atomic():
    results["count_in_transaction"] = Meeting.objects.count()
with pin_to_primary():
    results["count_pinned"] = Meeting.objects.count()

reader, editor = Client(), Client()
admin = "/" + ADMIN_PATH
results["public_page"] = served(reader, "get", "/meetings/")
# The editor's account is on the primary only, so logging in works only if it is read there.
results["login"] = served(
    editor, "post", admin + "login/",
    username="editor", password="a long password", next=admin,
)
results["public_page_after_write"] = served(editor, "get", "/meetings/")
editor.cookies[PIN_COOKIE] = str(int(time.time()) - 1)
# The session is on the primary only: read from the replica, the editor would be logged out.
results["admin_page"] = served(editor, "get", admin + "diplomacy/meeting/")
results["public_page_once_the_pin_ran_out"] = served(editor, "get", "/meetings/")

replicate()
results["count_on_replica_after_replication"] = Meeting.objects.count()
results["public_page_after_replication"] = served(reader, "get", "/meetings/")
print(json.dumps(results))
"""

# The production settings, plus the middleware when settings.py does not list it yet and a
# fast password hasher.
SCENARIO_SETTINGS = f"""
from diplomacy.settings import *  # noqa: F403

if {MIDDLEWARE_PATH!r} not in MIDDLEWARE:  # noqa: F405
    MIDDLEWARE.insert(  # noqa: F405
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),  # noqa: F405
        {MIDDLEWARE_PATH!r},
    )
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""

TITLE = "Talks recorded on the primary"


def run(args, env):
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replicas")
    primary, replica = folder / "primary.sqlite3", folder / "replica.sqlite3"
    (folder / "scenario_settings.py").write_text(SCENARIO_SETTINGS)
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), str(folder)]),
        DJANGO_SETTINGS_MODULE="diplomacy.settings",
        ENV_FILE="",
        SECRET_KEY="x",
        DATABASE_URL=f"sqlite:///{primary}",
        # DEBUG for plain static file storage (no collectstatic) and plain HTTP.
        DEBUG="1",
        ALLOWED_HOSTS="testserver",
        # Every page rendered, none served from a cache.
        CACHE_URL="dummy://",
    )
    run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    shutil.copyfile(primary, replica)
    env.update(
        DJANGO_SETTINGS_MODULE="scenario_settings",
        DATABASE_REPLICA_URLS=f"sqlite:///{replica}",
    )
    output = run(["-c", SCENARIO, str(primary), str(replica), TITLE], env)
    return json.loads(output.strip().splitlines()[-1])


def test_reads_go_to_the_replica_and_miss_what_it_has_not_received(scenario):
    assert scenario["router_chooses"] == "replica1"
    assert scenario["count_on_replica"] == 0


def test_reads_in_a_transaction_or_pinned_see_the_primary(scenario):
    assert scenario["count_in_transaction"] == 1
    assert scenario["count_pinned"] == 1


def test_the_replica_sees_the_write_once_replicated(scenario):
    assert scenario["count_on_replica_after_replication"] == 1
    page = scenario["public_page_after_replication"]
    assert page["status"] == 200
    assert page["shows_meeting"]
    assert page["primary_queries"] == 0


def test_a_public_page_is_served_from_the_replica(scenario):
    page = scenario["public_page"]
    assert page["status"] == 200
    assert page["replica_queries"] > 0
    assert page["primary_queries"] == 0
    assert not page["shows_meeting"]


def test_a_login_is_read_from_the_primary_and_pins_the_browser(scenario):
    login = scenario["login"]
    assert login["status"] == 302, "the editor's account is not on the replica yet"
    assert login["replica_queries"] == 0
    assert login["pin_cookie"]


def test_the_editor_sees_their_write_on_the_public_site_at_once(scenario):
    page = scenario["public_page_after_write"]
    assert page["status"] == 200
    assert page["shows_meeting"]
    assert page["replica_queries"] == 0


def test_the_admin_is_served_from_the_primary(scenario):
    page = scenario["admin_page"]
    assert page["status"] == 200, "the session was read from the replica: logged out"
    assert page["shows_meeting"]
    assert page["replica_queries"] == 0


def test_once_the_pin_runs_out_the_editor_reads_from_the_replica(scenario):
    page = scenario["public_page_once_the_pin_ran_out"]
    assert page["status"] == 200
    assert page["replica_queries"] > 0
    assert page["primary_queries"] == 0
    assert not page["shows_meeting"]
