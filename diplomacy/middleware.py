"""Read-your-writes for editors when reads go to database replicas (diplomacy/routers.py).

`PrimaryForWritesMiddleware` pins every read of a request to the primary when the request
may write (any method but GET, HEAD and OPTIONS), when it is for the admin, or when it
carries the `primary_until` cookie. That cookie is set on the answer to every request that
may write and lasts PIN_SECONDS, longer than a replica lags behind, so the pages an editor
opens right after a save (the public page of the meeting just published, say) are read from
the primary and show the save.

It sits before every middleware that reads the database (sessions, authentication). Without
replicas the router is not installed and the pin changes nothing.
"""

import time

from django.conf import settings

from diplomacy.routers import pin_to_primary

# The cookie that pins a browser's reads to the primary after it wrote, and how long it
# lasts. Its value is the Unix time until which reads are pinned.
PIN_COOKIE = "primary_until"
PIN_SECONDS = 10

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def pinned_by_cookie(request, now=None):
    """Whether the request carries a `primary_until` cookie that has not run out yet. A
    malformed value pins nothing (it can only come from a client that made it up)."""
    value = request.COOKIES.get(PIN_COOKIE, "")
    try:
        until = int(value)
    except ValueError:
        return False
    return until > (time.time() if now is None else now)


def _stream_pinned(chunks):
    """A streamed answer (the CSV export) reads the database while it is sent, after the
    middleware has returned: pin each step of it."""
    iterator = iter(chunks)
    while True:
        with pin_to_primary():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


class PrimaryForWritesMiddleware:
    def __init__(self, get_response):
        from diplomacy.urls import ADMIN_PATH

        self.get_response = get_response
        self.admin_prefix = "/" + ADMIN_PATH

    def must_read_primary(self, request):
        return (
            request.method not in SAFE_METHODS
            or request.path_info.startswith(self.admin_prefix)
            or pinned_by_cookie(request)
        )

    def __call__(self, request):
        if not self.must_read_primary(request):
            return self.get_response(request)
        with pin_to_primary():
            response = self.get_response(request)
        if response.streaming and not response.is_async:
            response.streaming_content = _stream_pinned(response.streaming_content)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + PIN_SECONDS),
                max_age=PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
