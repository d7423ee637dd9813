from django.apps import AppConfig


class WireConfig(AppConfig):
    name = "nashra.wire"
    label = "wire"
    verbose_name = "الوكالات"
    default_auto_field = "django.db.models.BigAutoField"
