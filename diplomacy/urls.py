import os

from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from articles import views as article_views
from diplomacy import exports, feeds, health, search, sitemaps, views

# The admin's address is configurable so it is not where every scanner looks first.
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin").strip("/") + "/"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/export.csv", exports.meeting_export_csv, name="meeting_export_csv"),
    path("meetings/export.json", exports.meeting_export_json, name="meeting_export_json"),
    path("meetings/calendar.ics", exports.meeting_calendar, name="meeting_calendar"),
    path("meetings/feed/", feeds.MeetingFeed(), name="meeting_feed"),
    path("meetings/feed/atom/", feeds.MeetingAtomFeed(), name="meeting_feed_atom"),
    re_path(
        r"^meetings/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        views.meeting_detail,
        name="meeting_detail",
    ),
    path("meetings/undated/<slug:slug>/", views.meeting_detail, name="meeting_detail_undated"),
    path("people/", views.person_list, name="person_list"),
    path("people/suggest/", views.person_suggest, name="person_suggest"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
    path("countries/<str:code>/<str:other>/", views.country_pair, name="country_pair"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/suggest/", views.organization_suggest, name="organization_suggest"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("articles/", article_views.article_list, name="article_list"),
    path("articles/<slug:slug>/", article_views.article_detail, name="article_detail"),
    path("search/", search.search, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    # An index of per-section sitemaps: one sitemap holds at most 50,000 addresses.
    path("sitemap.xml", sitemap_index, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("healthz", health.healthz, name="healthz"),
    path(ADMIN_PATH, admin.site.urls),
]
