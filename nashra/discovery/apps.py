from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "nashra.discovery"
    label = "discovery"
    verbose_name = "الاكتشاف"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import events, subscribers  # noqa: F401  (admin hooks; change subscribers)
