from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "nashra.distribution"
    label = "distribution"
    verbose_name = "النشر والتوزيع"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import subscribers  # noqa: F401  (change subscribers)
