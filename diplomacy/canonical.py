"""The site's canonical address, the one source of every absolute URL the site writes.

Sitemaps, feeds, exports, calendar entries, canonical links and JSON-LD name this site's
pages by absolute URL. They take it from the SITE_URL setting, never from the request: a
request's Host header (or a port added to it) is whatever the client sent, and public pages
are cached and shared, so one request with `Host: example.org:6666` would otherwise put
that port in every later reader's copy of the sitemap.
"""

from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings


@lru_cache(maxsize=4)
def _parts(site_url):
    parts = urlsplit(site_url)
    return parts.scheme, parts.netloc, parts.hostname or parts.netloc


def site_url():
    """'https://example.org': scheme and host (and port), without a trailing slash."""
    return settings.SITE_URL


def site_scheme():
    return _parts(settings.SITE_URL)[0]


def site_domain():
    """'example.org' or '127.0.0.1:8000': the host and its port, as in a URL."""
    return _parts(settings.SITE_URL)[1]


def site_host():
    """'example.org': the host name alone, for identifiers (feed ids, calendar UIDs)."""
    return _parts(settings.SITE_URL)[2]


def absolute_url(path):
    """The absolute URL of a path on this site ('/meetings/' -> 'https://example.org/meetings/').
    Paths from reverse() and get_absolute_url() already carry the script prefix."""
    return settings.SITE_URL + path
