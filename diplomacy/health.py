"""Health check (being written)."""

from django.http import JsonResponse


def healthz(request):
    return JsonResponse({"status": "unknown"}, status=503)
