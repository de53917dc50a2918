import os

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django.views.i18n import set_language

from articles import views as article_views
from diplomacy import exports, feeds, health, search, sitemaps, views
from diplomacy.caching import cached_page

# The admin's address is configurable so it is not where every scanner looks first.
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin").strip("/") + "/"


def safe_only(view):
    """A public address that answers GET and HEAD, and 405 to TRACE, PUT, DELETE and the rest.
    It takes no unsafe method at all, so the CSRF check (which would answer a PUT with 403
    before the view is reached) has nothing to protect."""
    return csrf_exempt(require_safe(view))


def page(view):
    """A public page: GET and HEAD only, served from the page cache."""
    return safe_only(cached_page(view))


urlpatterns = [
    path("", page(views.home), name="home"),
    path("meetings/", page(views.meeting_list), name="meeting_list"),
    path("meetings/export.csv", safe_only(exports.meeting_export_csv), name="meeting_export_csv"),
    path("meetings/export.json", page(exports.meeting_export_json), name="meeting_export_json"),
    path("meetings/calendar.ics", page(exports.meeting_calendar), name="meeting_calendar"),
    path("meetings/feed/", page(feeds.MeetingFeed()), name="meeting_feed"),
    path("meetings/feed/atom/", page(feeds.MeetingAtomFeed()), name="meeting_feed_atom"),
    re_path(
        r"^meetings/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        page(views.meeting_detail),
        name="meeting_detail",
    ),
    path(
        "meetings/undated/<slug:slug>/",
        page(views.meeting_detail),
        name="meeting_detail_undated",
    ),
    path("people/", page(views.person_list), name="person_list"),
    path("people/suggest/", safe_only(views.person_suggest), name="person_suggest"),
    path("people/<slug:slug>/", page(views.person_detail), name="person_detail"),
    path("countries/", page(views.country_list), name="country_list"),
    path("countries/<str:code>/", page(views.country_detail), name="country_detail"),
    path("countries/<str:code>/<str:other>/", page(views.country_pair), name="country_pair"),
    path("organizations/", page(views.organization_list), name="organization_list"),
    path(
        "organizations/suggest/",
        safe_only(views.organization_suggest),
        name="organization_suggest",
    ),
    path(
        "organizations/<slug:slug>/",
        page(views.organization_detail),
        name="organization_detail",
    ),
    path("articles/", page(article_views.article_list), name="article_list"),
    path("articles/<slug:slug>/", page(article_views.article_detail), name="article_detail"),
    path("search/", page(search.search), name="search"),
    # The language switcher needs no CSRF token, so public pages carry no per-reader token
    # and can be cached and shared: at worst another site could change a reader's language.
    path(
        "i18n/setlang/",
        csrf_exempt(require_http_methods(["GET", "HEAD", "POST"])(set_language)),
        name="set_language",
    ),
    # An index of per-section sitemaps: one sitemap holds at most 50,000 addresses.
    path(
        "sitemap.xml",
        page(sitemaps.sitemap_index),
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_index",
    ),
    path(
        "sitemap-<section>.xml",
        page(sitemap),
        {"sitemaps": sitemaps.SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", safe_only(sitemaps.robots_txt), name="robots_txt"),
    path("healthz", safe_only(health.healthz), name="healthz"),
    path(ADMIN_PATH, admin.site.urls),
]
