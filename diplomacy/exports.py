"""Meeting exports (being written)."""

from django.http import Http404


def meeting_export_csv(request):
    raise Http404


def meeting_export_json(request):
    raise Http404


def meeting_calendar(request):
    raise Http404
