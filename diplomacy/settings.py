"""Settings for the diplomatic news CMS.

Every value that differs between machines comes from the environment (or a local,
git-ignored `.env` file written by `make run`). Helpers raise on malformed values so a
typo fails at start-up rather than at the first request.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A developer's `.env` (never committed); real environment variables win. ENV_FILE= (empty)
# reads none.
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_header(name):
    """A header and the value that marks a secure request, written `X-Forwarded-Proto: https`,
    as Django's SECURE_PROXY_SSL_HEADER wants it: ("HTTP_X_FORWARDED_PROTO", "https")."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    header, separator, expected = (part.strip() for part in value.partition(":"))
    if not separator or not expected or not re.fullmatch(r"[A-Za-z0-9-]+", header):
        raise ImproperlyConfigured(
            f"{name} must be a header and a value, like 'X-Forwarded-Proto: https', got {value!r}"
        )
    return ("HTTP_" + header.upper().replace("-", "_"), expected)


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Run `make run` once to write a local .env, "
        "or set SECRET_KEY in the environment."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")


def env_site_url(name):
    """The site's canonical origin, `https://example.org` (a port may follow the host; no
    path). Every absolute URL the site writes starts with it, never with the Host header a
    request carries (diplomacy/canonical.py). Defaults: the address `make run` serves when
    DEBUG is on, else https:// and the first allowed host."""
    value = os.environ.get(name, "").strip().rstrip("/")
    if not value:
        hosts = [host.lstrip(".") for host in ALLOWED_HOSTS if host not in ("*", "")]
        if DEBUG or not hosts:
            port = os.environ.get("PORT", "").strip() or "8000"
            return f"http://127.0.0.1:{port}"
        return f"https://{hosts[0]}"
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", value):
        raise ImproperlyConfigured(
            f"{name} must be a scheme and a host, like https://example.org or "
            f"http://127.0.0.1:8000 (no path), got {value!r}"
        )
    return value


SITE_URL = env_site_url("SITE_URL")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin on the site of diplomacy/admin_site.py.
    "diplomacy.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "taggit",
    "django_countries",
    "simple_history",
    # Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp",
    # Throttles repeated failed logins (AXES_* below).
    "axes",
    "diplomacy",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that reads the database: the admin, writes and the few seconds after a
    # write read from the primary database, not a replica (diplomacy/routers.py).
    "diplomacy.middleware.PrimaryForWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language: the language cookie set by the switcher, else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records which user made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "diplomacy.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "diplomacy.caching.fragments",
            ],
        },
    },
]

WSGI_APPLICATION = "diplomacy.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when the admin and a reader write together;
    # take the write lock when a transaction starts (two transactions upgrading a read lock at
    # once would fail with "database is locked"), and let readers read while a write goes on.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            # Reads through a memory map and a 64 MB page cache per connection, instead of a
            # system call for each page: the list's counts read whole indexes.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536;"
            ),
        }
    )

# Read replicas (PostgreSQL streaming replicas in production): comma-separated database URLs.
# Reads go to a replica, writes and everything inside a transaction or an admin request to
# the primary (diplomacy/routers.py). Migrations run on the primary only.
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    alias = f"replica{number}"
    DATABASES[alias] = dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 0))
    DATABASES[alias]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICAS.append(alias)
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["diplomacy.routers.PrimaryReplicaRouter"]


def env_cache(name, default="locmem://"):
    """A cache backend from a URL: redis://host:6379/0 (several, comma-separated, for a
    primary and its replicas), locmem:// (this process only, at most CACHE_MAX_MB megabytes)
    or dummy:// (no caching)."""
    url = os.environ.get(name, "").strip() or default
    scheme = url.partition("://")[0].lower()
    if scheme in ("redis", "rediss", "unix"):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": [part.strip() for part in url.split(",") if part.strip()],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "diplomacy"),
        }
    if scheme == "locmem":
        # Bounded by bytes as well as entries: pages differ in size by a thousand times.
        return {
            "BACKEND": "diplomacy.cache_backends.BoundedLocMemCache",
            "LOCATION": url.partition("://")[2] or "default",
            "OPTIONS": {"MAX_ENTRIES": 5000, "MAX_BYTES": env_int("CACHE_MAX_MB", 32) * 2**20},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"{name} must be a redis://, rediss://, unix://, locmem:// or dummy:// URL, got {url!r}"
    )


# The cache: Redis in production (shared by every app server), local memory by default.
CACHES = {"default": env_cache("CACHE_URL")}
# PAGE_CACHE=0 renders every public page afresh (benchmarks of the uncached pages).
# Rendered public pages are kept this long at most, and shared caches (a CDN, a proxy) are
# told they may keep them PAGE_CACHE_SHARED_SECONDS. A publish replaces every cached page at
# once (diplomacy/caching.py); these bound how long a browser or CDN may show an older one.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_BROWSER_SECONDS = env_int("PAGE_CACHE_BROWSER_SECONDS", 0)
PAGE_CACHE_SHARED_SECONDS = env_int("PAGE_CACHE_SHARED_SECONDS", 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The axes backend first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface in English and Vietnamese, without language prefixes in the URLs: the
# browser's Accept-Language decides until the reader picks a language with the switcher.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-month-year dates in both languages ("26 February 2024", "26 tháng 2 năm 2024").
FORMAT_MODULE_PATH = ["diplomacy.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# "Trade" and "trade" are one topic.
TAGGIT_CASE_INSENSITIVE = True

# Public list pages.
MEETINGS_PER_PAGE = env_int("MEETINGS_PER_PAGE", 20)
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 20)

# Security. In production (DEBUG off) every request is HTTPS: plain HTTP is redirected,
# browsers are told to use HTTPS only (HSTS) and cookies are sent over HTTPS only. With
# DEBUG on (`make run`, http://127.0.0.1:8000) none of that applies unless asked for.
# `python manage.py check --deploy` passes with these defaults.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites learn only this site's origin from links followed out of it.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): scripts, styles, fonts and requests from this site
# only, so neither the public pages nor the admin may carry inline scripts, inline styles
# or event-handler attributes. JSON-LD (<script type="application/ld+json">) is data and is
# not affected. Images may also be data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Repeated failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one username
# from one address, that username is locked out from that address for AXES_COOLOFF_TIME;
# other users at the same address, and the same user elsewhere, can still log in. Attempts
# are kept in the database, so every app server sees the same counts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# Behind reverse proxies the client's address is the one the outermost proxy put in
# X-Forwarded-For: the number of proxies says which entry that is (see client_ip_address).
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0) or None
AXES_CLIENT_IP_CALLABLE = "diplomacy.settings.client_ip_address"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


def client_ip_address(request):
    """The address of the client that sent `request`, for django-axes.

    With no proxy in front (AXES_IPWARE_PROXY_COUNT unset) it is the connection's address.
    With N proxies, each appending the address it received the request from to
    X-Forwarded-For, the client is the N-th entry from the right: entries further left were
    written by the client itself and cannot be trusted. A request with fewer entries did not
    come through the proxies, and its connection's address is used.
    """
    from django.conf import settings

    count = settings.AXES_IPWARE_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if len(entries) >= count:
            return entries[-count]
    return request.META.get("REMOTE_ADDR")
