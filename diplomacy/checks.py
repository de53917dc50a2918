"""System checks of the deployment (`python manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "diplomacy.cache_backends.BoundedLocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Production needs one cache shared by every app server: the page cache's generation
    and the suggestion gazetteer's version live there."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in LOCAL_CACHES:
        return []
    return [
        Warning(
            "The cache is not shared between processes (CACHE_URL is unset or local).",
            hint=(
                "With several workers or app servers, a publish reaches the pages another "
                "process cached only after PAGE_CACHE_SECONDS. Set CACHE_URL to a Redis "
                "server, e.g. CACHE_URL=redis://127.0.0.1:6379/0."
            ),
            id="diplomacy.W001",
        )
    ]
