from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nashra.core"
    label = "core"
    verbose_name = "الأساس"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import events, sites, subscribers  # noqa: F401  (receivers; change subscribers)
