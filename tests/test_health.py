"""`/healthz`: 200 when the database and the cache answer, 503 naming the part that does not."""

from unittest import mock

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError, connections
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


class BrokenCache(LocMemCache):
    """A cache whose server is down: every write raises."""

    def set(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")


class ForgetfulCache(LocMemCache):
    """A cache that accepts writes but keeps nothing."""

    def set(self, *args, **kwargs):
        pass


def cache_settings(backend):
    return {"default": {"BACKEND": f"{__name__}.{backend.__name__}"}}


@pytest.fixture
def broken_database():
    """The default database refuses every query (a stopped server cannot be had in a test)."""
    error = OperationalError("connection refused")
    with mock.patch.object(connections["default"], "cursor", side_effect=error):
        yield


def healthz(client):
    return client.get(reverse("healthz"))


def test_it_answers_ok_when_database_and_cache_work(client, django_assert_num_queries):
    with django_assert_num_queries(len(connections.all())):
        response = healthz(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_it_is_never_cached_by_a_proxy(client):
    response = healthz(client)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_it_renders_no_template_and_sets_no_cookie(client):
    response = healthz(client)
    assert response.templates == []
    assert not response.cookies


def test_it_answers_head_requests(client):
    assert client.head(reverse("healthz")).status_code == 200


def test_it_refuses_post(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_it_leaves_no_key_in_the_cache(client):
    from django.core.cache import cache

    with mock.patch.object(cache, "delete", wraps=cache.delete) as delete:
        healthz(client)
    (key,), _ = delete.call_args
    assert key.startswith("healthz:")
    assert cache.get(key) is None


def test_each_check_uses_a_new_cache_key(client):
    from django.core.cache import cache

    with mock.patch.object(cache, "set", wraps=cache.set) as set_:
        healthz(client)
        healthz(client)
    keys = [call.args[0] for call in set_.call_args_list]
    assert len(set(keys)) == 2


@override_settings(CACHES=cache_settings(BrokenCache))
def test_it_answers_503_when_the_cache_raises(client, caplog):
    response = healthz(client)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}
    assert "no-store" in response["Cache-Control"]
    assert "Health check: cache failed" in caplog.text


@override_settings(CACHES=cache_settings(ForgetfulCache))
def test_it_answers_503_when_the_cache_loses_what_it_was_given(client):
    response = healthz(client)
    assert response.status_code == 503
    assert response.json()["cache"] == "error"


def test_it_answers_503_when_the_database_fails(client, broken_database, caplog):
    response = healthz(client)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}
    assert "Health check: database 'default' failed" in caplog.text


@override_settings(CACHES=cache_settings(BrokenCache))
def test_it_names_both_parts_when_both_fail(client, broken_database):
    response = healthz(client)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "error"}


def test_the_error_is_not_shown_to_the_caller(client, broken_database):
    assert b"connection refused" not in healthz(client).content
