from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "nashra.search"
    label = "nashra_search"
    verbose_name = "البحث"

    def ready(self):
        from . import subscribers  # noqa: F401  (registers with nashra.core.changes)
