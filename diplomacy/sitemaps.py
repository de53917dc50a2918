"""Sitemaps and robots.txt (being written)."""

from django.http import HttpResponse

SITEMAPS = {}


def robots_txt(request):
    return HttpResponse("", content_type="text/plain")
