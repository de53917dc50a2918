from django.apps import AppConfig


class DiplomacyConfig(AppConfig):
    name = "diplomacy"
    verbose_name = "Diplomacy"

    def ready(self):
        from diplomacy import checks, signals  # noqa: F401  (registers checks and receivers)
        from diplomacy.caching import connect_signals

        connect_signals()
