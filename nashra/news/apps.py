from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "nashra.news"
    label = "news"
    verbose_name = "الأخبار"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import events, subscribers  # noqa: F401  (admin hooks; cache subscribers)
