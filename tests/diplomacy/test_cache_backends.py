"""The local-memory cache holds at most MAX_BYTES of values, dropping the least recently used."""

import pytest

from diplomacy.cache_backends import BoundedLocMemCache


@pytest.fixture
def small_cache(request):
    cache = BoundedLocMemCache(
        f"bounded-{request.node.name}",
        {"OPTIONS": {"MAX_ENTRIES": 1000, "MAX_BYTES": 100_000, "MAX_ENTRY_BYTES": 30_000}},
    )
    yield cache
    cache.clear()


def test_the_bytes_held_stay_under_the_limit_however_many_pages_are_stored(small_cache):
    for number in range(200):
        small_cache.set(f"page-{number}", b"x" * 10_000)
        assert small_cache.total_bytes <= 100_000
    assert small_cache.get("page-199") is not None
    assert small_cache.get("page-0") is None


def test_the_least_recently_read_entry_goes_first(small_cache):
    for number in range(9):
        small_cache.set(f"page-{number}", b"x" * 10_000)
    small_cache.get("page-0")  # read again: now the most recently used
    small_cache.set("page-9", b"x" * 10_000)
    small_cache.set("page-10", b"x" * 10_000)
    assert small_cache.get("page-0") is not None
    assert small_cache.get("page-1") is None


def test_a_value_larger_than_an_entry_may_be_is_not_kept_nor_its_older_copy(small_cache):
    small_cache.set("export", b"small")
    small_cache.set("export", b"x" * 50_000)
    assert small_cache.get("export") is None
    assert small_cache.total_bytes == 0


def test_replacing_deleting_and_clearing_keep_the_count_right(small_cache):
    small_cache.set("a", b"x" * 10_000)
    small_cache.set("a", b"x" * 5_000)
    small_cache.set("b", b"x" * 5_000)
    held = small_cache.total_bytes
    small_cache.delete("a")
    assert small_cache.total_bytes < held
    small_cache.set("n", 1)
    small_cache.incr("n", 10**30)
    assert small_cache.get("n") == 10**30 + 1
    small_cache.clear()
    assert small_cache.total_bytes == 0


def test_the_default_cache_is_bounded_by_bytes(settings):
    from django.core.cache import caches

    assert isinstance(caches["default"], BoundedLocMemCache)
    assert caches["default"].max_bytes == 32 * 2**20
