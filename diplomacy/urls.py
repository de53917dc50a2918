import os

from django.contrib import admin
from django.urls import path, re_path

from articles import views as article_views
from diplomacy import views

# The admin's address is configurable so it is not where every scanner looks first.
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin").strip("/") + "/"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting_list"),
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
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/suggest/", views.organization_suggest, name="organization_suggest"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("articles/", article_views.article_list, name="article_list"),
    path("articles/<slug:slug>/", article_views.article_detail, name="article_detail"),
    path(ADMIN_PATH, admin.site.urls),
]
