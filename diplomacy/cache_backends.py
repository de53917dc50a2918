"""A local-memory cache bounded by the bytes it holds, not only by its number of entries.

Django's LocMemCache culls by entry count (MAX_ENTRIES). The page cache keeps whole pages, and
a page can weigh a few hundred bytes (a suggestion) or a megabyte (a long export): 5,000
entries were anywhere from a few MB to over 200 MB per worker. This backend also holds the
total size of the stored (pickled) values under MAX_BYTES, dropping the least recently used
entries first, and never stores a single value larger than MAX_ENTRY_BYTES.

Production uses Redis (CACHE_URL=redis://...), which bounds itself with its own maxmemory.
"""

from django.core.cache.backends.locmem import LocMemCache

# Bytes held per named cache in this process, beside Django's per-name stores.
_sizes = {}

DEFAULT_MAX_BYTES = 32 * 2**20


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        options = dict(params.get("OPTIONS") or {})
        self.max_bytes = int(options.pop("MAX_BYTES", DEFAULT_MAX_BYTES))
        self.max_entry_bytes = int(options.pop("MAX_ENTRY_BYTES", self.max_bytes // 8))
        super().__init__(name, {**params, "OPTIONS": options})
        self._sizes = _sizes.setdefault(name, {})

    @property
    def total_bytes(self):
        with self._lock:
            return sum(self._sizes.values())

    def _set(self, key, value, timeout=None):
        if len(value) > self.max_entry_bytes:
            # Too big to keep: drop any older copy so a stale value is not served either.
            self._delete(key)
            return
        self._sizes.pop(key, None)
        super()._set(key, value, timeout)
        self._sizes[key] = len(value)
        self._evict_to(self.max_bytes)

    def _evict_to(self, limit):
        """Drop the least recently used entries until at most `limit` bytes are held."""
        total = sum(self._sizes.values())
        while total > limit and self._cache:
            # Django keeps the most recently used entries first: the last is the oldest.
            key, _ = self._cache.popitem()
            self._expire_info.pop(key, None)
            total -= self._sizes.pop(key, 0)

    def _cull(self):
        super()._cull()
        for key in [key for key in self._sizes if key not in self._cache]:
            del self._sizes[key]

    def _delete(self, key):
        self._sizes.pop(key, None)
        return super()._delete(key)

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version)
        with self._lock:
            stored = self.make_and_validate_key(key, version=version)
            if stored in self._cache:
                self._sizes[stored] = len(self._cache[stored])
        return value

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()
