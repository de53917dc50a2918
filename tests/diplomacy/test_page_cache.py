"""Cached public pages: served from the cache without queries, never stale after a publish,
conditional GET (ETag, Last-Modified, 304) and headers a CDN can honour."""

import datetime
import os
import socket

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from diplomacy import caching
from diplomacy.models import Meeting, Status
from diplomacy.settings import env_cache
from tests.conftest import admin_form_values
from tests.factories import ArticleFactory, MeetingFactory, PersonFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def meeting_change_url(meeting):
    return reverse("admin:diplomacy_meeting_change", args=[meeting.pk])


def publish_in_admin(client, meeting):
    """Save the meeting's change form as an editor would, with the status set to published."""
    data = admin_form_values(client.get(meeting_change_url(meeting)))
    data["status"] = Status.PUBLISHED
    return client.post(meeting_change_url(meeting), {**data, "_save": "Save"})


def test_a_second_request_is_served_from_the_cache_without_any_query(
    client, django_assert_num_queries
):
    MeetingFactory(title="Talks in Hà Nội")
    first = client.get(reverse("meeting_list"))
    assert "Talks in Hà Nội" in first.content.decode()
    with django_assert_num_queries(0):
        second = client.get(reverse("meeting_list"))
    assert second.status_code == 200
    assert second.content == first.content


def test_different_query_strings_are_different_pages(client):
    MeetingFactory(title="Talks in Hà Nội", kind=Meeting.Kind.TALKS)
    MeetingFactory(title="Call with Cairo", kind=Meeting.Kind.PHONE_CALL)
    talks = client.get(reverse("meeting_list"), {"kind": "talks"}).content.decode()
    calls = client.get(reverse("meeting_list"), {"kind": "phone_call"}).content.decode()
    assert "Talks in Hà Nội" in talks and "Call with Cairo" not in talks
    assert "Call with Cairo" in calls and "Talks in Hà Nội" not in calls


def test_each_language_is_cached_apart(client):
    MeetingFactory()
    english = client.get(reverse("meeting_list"), HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = client.get(reverse("meeting_list"), HTTP_ACCEPT_LANGUAGE="vi")
    assert english["Content-Language"] == "en"
    assert vietnamese["Content-Language"] == "vi"
    assert '<html lang="vi">' in vietnamese.content.decode()
    assert '<html lang="en">' in client.get(reverse("meeting_list")).content.decode()


def test_a_meeting_published_in_the_admin_is_on_the_cached_list_at_once(
    publisher_client, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title="Newly confirmed talks", status=Status.DRAFT, sourced=True)
    reader = Client()
    assert "Newly confirmed talks" not in reader.get(reverse("meeting_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = publish_in_admin(publisher_client, meeting)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    assert meeting.status == Status.PUBLISHED
    assert "Newly confirmed talks" in reader.get(reverse("meeting_list")).content.decode()
    assert reader.get(meeting.get_absolute_url()).status_code == 200


def test_an_unpublished_meeting_leaves_every_cached_page_at_once(client):
    person = PersonFactory(name="Lê Hoài Trung")
    meeting = MeetingFactory(title="Withdrawn talks", people=[person])
    pages = [reverse("meeting_list"), person.get_absolute_url(), reverse("home")]
    for page in pages:
        assert "Withdrawn talks" in client.get(page).content.decode()
    meeting.unpublish()
    meeting.save()
    for page in pages:
        response = client.get(page)
        assert response.status_code in (200, 404)
        assert "Withdrawn talks" not in response.content.decode()


def test_a_change_committed_after_a_page_was_rendered_ends_that_generation(client):
    MeetingFactory(title="First talks")
    client.get(reverse("meeting_list"))
    token = caching.current_generation()["token"]
    # What a commit does once it is done: the receiver also ends the generation then.
    caching.end_generation()
    assert caching.current_generation()["token"] != token


def test_a_change_to_an_article_or_a_topic_also_renews_the_pages(client):
    client.get(reverse("article_list"))
    ArticleFactory(headline="Fresh report on the talks")
    assert "Fresh report on the talks" in client.get(reverse("article_list")).content.decode()
    meeting = MeetingFactory(title="Tagged talks")
    client.get(reverse("meeting_list"), {"topic": "fisheries"})
    meeting.topics.add("Fisheries")
    assert (
        "Tagged talks"
        in client.get(reverse("meeting_list"), {"topic": "fisheries"}).content.decode()
    )


def test_a_scheduled_meeting_appears_on_the_cached_list_when_its_time_comes(client, monkeypatch):
    now = timezone.now()
    MeetingFactory(title="Embargoed talks", publish_at=now + HOUR)
    assert "Embargoed talks" not in client.get(reverse("meeting_list")).content.decode()
    assert caching.current_generation()["until"] == pytest.approx((now + HOUR).timestamp())
    monkeypatch.setattr(timezone, "now", lambda: now + 2 * HOUR)
    assert "Embargoed talks" in client.get(reverse("meeting_list")).content.decode()


def test_pages_carry_cache_headers_a_cdn_can_honour(client, settings):
    settings.PAGE_CACHE_SHARED_SECONDS = 120
    settings.PAGE_CACHE_BROWSER_SECONDS = 0
    MeetingFactory()
    response = client.get(reverse("meeting_list"))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=0", "s-maxage=120"}
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]


def test_a_matching_etag_gets_a_304_without_rendering(client, django_assert_num_queries):
    MeetingFactory()
    first = client.get(reverse("meeting_list"))
    with django_assert_num_queries(0):
        again = client.get(reverse("meeting_list"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    other = client.get(reverse("meeting_list"), HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_the_etag_follows_the_content_not_the_generation(client):
    MeetingFactory(title="Talks")
    first = client.get(reverse("meeting_list"))
    caching.end_generation()
    same = client.get(reverse("meeting_list"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert same.status_code == 304
    MeetingFactory(title="More talks")
    changed = client.get(reverse("meeting_list"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_if_modified_since_gets_a_304_until_the_content_changes(client):
    MeetingFactory(title="Talks")
    first = client.get(reverse("meeting_list"))
    later = http_date(timezone.now().timestamp() + 60)
    assert client.get(reverse("meeting_list"), HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    assert (
        client.get(
            reverse("meeting_list"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        ).status_code
        == 304
    )
    MeetingFactory(title="More talks")
    old = http_date(timezone.now().timestamp() - 3600)
    assert client.get(reverse("meeting_list"), HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_public_pages_set_no_cookie_and_hold_no_per_reader_token(client):
    meeting = MeetingFactory()
    for url in [reverse("home"), reverse("meeting_list"), meeting.get_absolute_url()]:
        response = client.get(url)
        assert not response.cookies, url
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_the_language_switcher_works_without_a_csrf_token():
    reader = Client(enforce_csrf_checks=True)
    response = reader.post(reverse("set_language"), {"language": "vi", "next": "/meetings/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "vi"
    assert '<html lang="vi">' in reader.get(reverse("meeting_list")).content.decode()


def test_error_pages_and_redirects_are_not_cached(client):
    meeting = MeetingFactory(title="Talks", start_date=datetime.date(2024, 2, 26))
    wrong_date = reverse(
        "meeting_detail", kwargs={"year": 2020, "month": "01", "day": "01", "slug": meeting.slug}
    )
    redirect = client.get(wrong_date)
    assert redirect.status_code == 301
    assert "public" not in redirect.get("Cache-Control", "")
    missing = client.get(reverse("person_detail", args=["nobody-at-all"]))
    assert missing.status_code == 404
    assert "public" not in missing.get("Cache-Control", "")


def test_the_admin_and_the_health_check_are_never_cached_publicly(editor_client):
    admin_page = editor_client.get(reverse("admin:diplomacy_meeting_changelist"))
    assert admin_page.status_code == 200
    assert "public" not in admin_page.get("Cache-Control", "")
    health = editor_client.get(reverse("healthz"))
    assert "no-store" in health["Cache-Control"] or "no-cache" in health["Cache-Control"]


def test_with_page_cache_off_every_request_renders(client, settings):
    settings.PAGE_CACHE = False
    MeetingFactory()
    client.get(reverse("meeting_list"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meeting_list"))
    assert len(queries) > 0
    assert "Cache-Control" not in response


# The cache backend comes from the environment --------------------------------------------


def test_the_cache_backend_comes_from_cache_url(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://cache.internal:6379/2")
    assert env_cache("CACHE_URL") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": ["redis://cache.internal:6379/2"],
        "KEY_PREFIX": "diplomacy",
    }
    monkeypatch.delenv("CACHE_URL")
    assert env_cache("CACHE_URL")["BACKEND"] == "diplomacy.cache_backends.BoundedLocMemCache"
    monkeypatch.setenv("CACHE_URL", "memcached://somewhere")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        env_cache("CACHE_URL")


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_cache():
    if not redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not reachable at 127.0.0.1:6379")
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    config = {**env_cache("CACHE_URL", "redis://127.0.0.1:6379/14"), "KEY_PREFIX": "test-pages"}
    with override_settings(CACHES={"default": config}):
        cache.clear()
        yield cache
        cache.clear()


def test_with_redis_a_publish_is_seen_by_every_app_server_at_once(redis_cache):
    meeting = MeetingFactory(title="Shared talks", status=Status.DRAFT)
    server_a, server_b = Client(), Client()
    assert "Shared talks" not in server_a.get(reverse("meeting_list")).content.decode()
    assert redis_cache.get(caching.GENERATION_KEY) is not None
    meeting.publish()
    meeting.save()
    assert "Shared talks" in server_b.get(reverse("meeting_list")).content.decode()


def test_with_replicas_a_new_generation_is_rendered_from_the_primary(rf, settings, monkeypatch):
    """A replica may lag just after a change; what is rendered then is kept all generation."""
    import contextlib

    from django.http import HttpResponse

    pinned, seen = [False], []

    @contextlib.contextmanager
    def pin_to_primary():
        pinned[0] = True
        yield
        pinned[0] = False

    monkeypatch.setattr(caching, "pin_to_primary", pin_to_primary)

    def view(request):
        seen.append(pinned[0])
        return HttpResponse(f"page {len(seen)}")

    def get(address):
        request = rf.get(address)
        request.LANGUAGE_CODE = "en"
        return caching.cached_page(view)(request)

    settings.DATABASE_REPLICAS = ["replica1"]
    get("/meetings/?country=VN")
    assert seen == [True]
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=5))
    get("/meetings/?country=KH")
    assert seen == [True, False]
    settings.DATABASE_REPLICAS = []
    caching.end_generation()
    get("/meetings/?country=LA")
    assert seen == [True, False, False]


@override_settings(PAGE_CACHE=False)
def test_rows_rendered_before_are_read_in_one_round_trip_and_shown_unchanged(client, monkeypatch):
    for number in range(5):
        MeetingFactory(title=f"Consultations number {number}")
    first = client.get(reverse("meeting_list")).content
    asked, batches = [], []
    real_get, real_get_many = caching.cache.get, caching.cache.get_many

    def counting_get(key, *args, **kwargs):
        if not batches or batches[-1] is not None:
            asked.append(key)  # a get of its own, not one inside get_many (as locmem does)
        return real_get(key, *args, **kwargs)

    def counting_get_many(keys, *args, **kwargs):
        batches.append(None)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            batches[-1] = list(keys)

    monkeypatch.setattr(caching.cache, "get", counting_get)
    monkeypatch.setattr(caching.cache, "get_many", counting_get_many)
    second = client.get(reverse("meeting_list")).content
    assert second == first
    assert [len(keys) for keys in batches] == [5]  # the five rows in one round trip
    assert not [key for key in asked if "meeting_row" in key]  # and no get per row
