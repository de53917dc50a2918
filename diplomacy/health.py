"""`/healthz`: is this app server able to serve? For load balancers and uptime monitors.

Checks every configured database (one trivial query each) and the cache (a unique key set,
read back and deleted). Answers 200 with {"status": "ok", "database": "ok", "cache": "ok"},
or 503 with "error" beside each part that failed; the reason goes to the log, never into the
response. No template, no session, no query beyond the checks, and never cached by a proxy.
"""

import logging
import uuid

from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK, ERROR = "ok", "error"
# Seconds the probe key lives, should the delete fail: it never piles up in the cache.
CACHE_KEY_TIMEOUT = 10
CACHE_KEY_PREFIX = "healthz:"


def check_database():
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                if cursor.fetchone()[0] != 1:
                    raise RuntimeError("SELECT 1 did not return 1")
        except Exception:
            logger.exception("Health check: database %r failed", alias)
            return ERROR
    return OK


def check_cache():
    cache = caches["default"]
    key, value = CACHE_KEY_PREFIX + uuid.uuid4().hex, uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=CACHE_KEY_TIMEOUT)
        if cache.get(key) != value:
            raise RuntimeError("a value set in the cache could not be read back")
        cache.delete(key)
    except Exception:
        logger.exception("Health check: cache failed")
        return ERROR
    return OK


@require_safe
@never_cache
def healthz(request):
    checks = {"database": check_database(), "cache": check_cache()}
    healthy = all(result == OK for result in checks.values())
    return JsonResponse(
        {"status": OK if healthy else ERROR, **checks},
        status=200 if healthy else 503,
    )
