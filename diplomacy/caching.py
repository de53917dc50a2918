"""Caching of the public pages.

A rendered page is kept in the cache (Redis in production, local memory by default) under a
key made of the *content generation*, the reader's language and the page's full address.
The generation is a token kept in the cache too: every save or delete of a record in the
record's apps replaces it, so after a publish no page rendered before it is ever served
again, whichever app server rendered it, and nothing has to be looked up or deleted page by
page. A scheduled publication (`publish_at`) ends the generation when its time comes.

Each cached page also answers conditional requests (ETag from the page's content,
Last-Modified from the start of the generation: 304 without rendering) and carries
Cache-Control headers a CDN or a proxy can honour (`PAGE_CACHE_SHARED_SECONDS`).

Only what every reader may see is cached: GET and HEAD requests answered with a 200 that
sets no cookie. Public pages show published content only, whoever asks, so the user and the
session play no part in the key.
"""

import functools
import hashlib
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.utils import make_template_fragment_key
from django.db import transaction
from django.db.models import Min, prefetch_related_objects
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from diplomacy.middleware import PIN_SECONDS
from diplomacy.routers import pin_to_primary, replicas

GENERATION_KEY = "pages:generation"
PAGE_KEY_PREFIX = "pages:page"
# Changes to these apps' records change what public pages show.
CONTENT_APPS = frozenset({"diplomacy", "articles", "taggit"})
# Headers a view sets that belong to the cached page (the rest come from the middleware).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Link",
    "Access-Control-Allow-Origin",
    "X-Robots-Tag",
)


def next_publication():
    """When the next scheduled meeting or article goes public (a timestamp), or None."""
    now = timezone.now()
    times = []
    for label in ("diplomacy.Meeting", "articles.Article"):
        model = apps.get_model(label)
        times.append(
            model.objects.filter(status="published", publish_at__gt=now).aggregate(
                first=Min("publish_at")
            )["first"]
        )
    times = [moment.timestamp() for moment in times if moment is not None]
    return min(times) if times else None


def current_generation():
    """{"token", "since", "until"}: the content generation the pages are cached under.

    A missing one (after a change, or a cache restart) starts a new generation; so does a
    scheduled publication whose time has come (`until`)."""
    state = cache.get(GENERATION_KEY)
    # The clock that `.published()` uses, so both agree on when a scheduled item is out.
    now = timezone.now().timestamp()
    if state is None or (state["until"] is not None and now >= state["until"]):
        state = {"token": uuid.uuid4().hex, "since": now, "until": next_publication()}
        cache.set(GENERATION_KEY, state, timeout=None)
    return state


def end_generation():
    """Every cached page is out of date: the next request starts a new generation."""
    cache.delete(GENERATION_KEY)


def content_changed(sender, using=None, **kwargs):
    """Signal receiver: a record that public pages may show was saved or deleted."""
    if sender._meta.app_label not in CONTENT_APPS:
        return
    # Now, for this process's next request, and again once the change is committed: a page
    # rendered in between from the old data must not outlive the new generation.
    end_generation()
    transaction.on_commit(end_generation, using=using)


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"page-cache-{signal!r}")


def remembered(name, parts, compute):
    """compute() once per content generation for these parts (anything with a stable
    repr), shared by every page, sort order and language that needs the same value: the
    meeting list's count and facet counts are computed once per filter after a change."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"{PAGE_KEY_PREFIX}:{name}:{current_generation()['token']}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.PAGE_CACHE_SECONDS)
    return value


def fragments(request):
    """Context processor: what `{% cache %}` fragments are keyed and kept by. A fragment
    (a meeting's row in a list) is rendered once per content generation and language, and
    shared by every page and filter that shows it."""
    return {
        "content_generation": current_generation()["token"],
        "fragment_seconds": settings.PAGE_CACHE_SECONDS,
    }


def prefetch_uncached_rows(meetings, language):
    """Load the relations of the meetings whose row (`includes/meeting_row.html`, cached by
    its `{% cache %}` tag) is not in the cache: a list whose rows were all rendered since the
    last change shows them without reading participants, countries or topics. The rows in
    the cache are set on the meetings (`cached_row`) for the template to show as they are."""
    from diplomacy.models import row_prefetches

    token = current_generation()["token"]
    keys = {
        make_template_fragment_key("meeting_row", [token, language, meeting.pk, ""]): meeting
        for meeting in meetings
    }
    cached = cache.get_many(list(keys))
    missing = []
    for key, meeting in keys.items():
        # The row's HTML, read here in one round trip rather than one per row by the
        # template's {% cache %} tag (which still renders and stores the missing ones).
        meeting.cached_row = cached.get(key)
        if meeting.cached_row is None:
            missing.append(meeting)
    prefetch_related_objects(missing, *row_prefetches())
    return meetings


def page_key(token, request):
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{token}:{request.LANGUAGE_CODE}:{address}"


def content_etag(content):
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def add_cache_headers(response, last_modified):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
        s_maxage=settings.PAGE_CACHE_SHARED_SECONDS,
    )
    # The language comes from the language cookie or Accept-Language.
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    response.headers.setdefault("Last-Modified", http_date(last_modified))
    return response


def cacheable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


def caching_pages():
    """Whether pages are kept: PAGE_CACHE is on and the cache is not the dummy backend."""
    return settings.PAGE_CACHE and not isinstance(caches["default"], DummyCache)


def render_fresh(view, generation, request, *args, **kwargs):
    """Render a page for the cache. Just after a change a read replica may not have it yet,
    and what is rendered now is kept for the whole generation: for the first seconds of a
    generation, the page (with the counts and rows it caches) is read from the primary."""
    if replicas() and timezone.now().timestamp() - generation["since"] < PIN_SECONDS:
        with pin_to_primary():
            return view(request, *args, **kwargs)
    return view(request, *args, **kwargs)


def cached_page(view):
    """Serve the view's page from the cache, render and keep it on a miss, and answer
    conditional requests. A page view's output must depend on its address and the reader's
    language only."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not caching_pages() or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        generation = current_generation()
        key = page_key(generation["token"], request)
        stored = cache.get(key)
        if stored is None:
            response = render_fresh(view, generation, request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if not cacheable(response):
                return response
            stored = {
                "content": response.content,
                "headers": {
                    name: response[name] for name in KEPT_HEADERS if response.has_header(name)
                },
                "etag": content_etag(response.content),
            }
            cache.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
        response = HttpResponse(stored["content"])
        for name, value in stored["headers"].items():
            response[name] = value
        response["ETag"] = stored["etag"]
        add_cache_headers(response, generation["since"])
        return get_conditional_response(
            request,
            etag=stored["etag"],
            last_modified=int(generation["since"]),
            response=response,
        )

    return wrapper
