from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DiplomacyConfig(AppConfig):
    name = "diplomacy"
    verbose_name = "Diplomacy"

    def ready(self):
        from diplomacy import checks, signals  # noqa: F401  (registers checks and receivers)
        from diplomacy.caching import connect_signals

        connect_signals()


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, with diplomacy.admin_site.AdminSite as `admin.site`."""

    default = False  # "diplomacy" itself is DiplomacyConfig
    default_site = "diplomacy.admin_site.AdminSite"
