"""A local-memory cache bounded by the bytes it holds, not only by its number of entries.

Django's LocMemCache culls by entry count (MAX_ENTRIES). The page cache keeps whole pages, and
a page can weigh a few hundred bytes (a suggestion) or a megabyte (a long export): 5,000
entries were anywhere from a few MB to over 200 MB per worker. This backend also holds the
total size of the stored (pickled) values under MAX_BYTES, dropping the least recently used
entries first, and never stores a single value larger than MAX_ENTRY_BYTES.

Production uses Redis (CACHE_URL=redis://...), which bounds itself with its own maxmemory.
"""

from django.core.cache.backends.locmem import LocMemCache

DEFAULT_MAX_BYTES = 32 * 2**20


class _Usage:
    """The size of each stored value of one named cache, and their total. Shared, like
    Django's stores, by every instance of the cache in this process (one per thread), and
    changed only under the cache's lock."""

    def __init__(self):
        self.sizes = {}
        self.total = 0

    def add(self, key, size):
        self.drop(key)
        self.sizes[key] = size
        self.total += size

    def drop(self, key):
        self.total -= self.sizes.pop(key, 0)

    def clear(self):
        self.sizes.clear()
        self.total = 0


_usages = {}


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        options = dict(params.get("OPTIONS") or {})
        self.max_bytes = int(options.pop("MAX_BYTES", DEFAULT_MAX_BYTES))
        self.max_entry_bytes = int(options.pop("MAX_ENTRY_BYTES", self.max_bytes // 8))
        super().__init__(name, {**params, "OPTIONS": options})
        self._usage = _usages.setdefault(name, _Usage())

    @property
    def total_bytes(self):
        with self._lock:
            return self._usage.total

    def _set(self, key, value, timeout=None):
        if len(value) > self.max_entry_bytes:
            # Too big to keep: drop any older copy so a stale value is not served either.
            self._delete(key)
            return
        super()._set(key, value, timeout)
        self._usage.add(key, len(value))
        while self._usage.total > self.max_bytes and self._cache:
            # Django keeps the most recently used entries first: the last is the oldest.
            oldest, _ = self._cache.popitem()
            self._expire_info.pop(oldest, None)
            self._usage.drop(oldest)

    def _cull(self):
        super()._cull()
        for key in [key for key in self._usage.sizes if key not in self._cache]:
            self._usage.drop(key)

    def _delete(self, key):
        self._usage.drop(key)
        return super()._delete(key)

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version)
        with self._lock:
            stored = self.make_and_validate_key(key, version=version)
            if stored in self._cache:
                self._usage.add(stored, len(self._cache[stored]))
        return value

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._usage.clear()
