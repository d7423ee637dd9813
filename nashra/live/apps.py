from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "nashra.live"
    label = "live"
    verbose_name = "التغطية المباشرة"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import events, subscribers  # noqa: F401  (admin hooks; change subscribers)
