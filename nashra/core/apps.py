from django.apps import AppConfig
from django.conf import settings
from django.core import checks


def hsts_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Browsers' preload lists take a site only with includeSubDomains (and a year or more)."""
    if settings.SECURE_HSTS_PRELOAD and not (
            settings.SECURE_HSTS_INCLUDE_SUBDOMAINS
            and settings.SECURE_HSTS_SECONDS >= 60 * 60 * 24 * 365):
        return [checks.Warning(
            "NASHRA_HSTS_PRELOAD is on without NASHRA_HSTS_INCLUDE_SUBDOMAINS (or HSTS is "
            "sent for less than a year): no browser's preload list will take the site.",
            id="core.W001")]
    return []


class CoreConfig(AppConfig):
    name = "nashra.core"
    label = "core"
    verbose_name = "الأساس"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import events, faults, sites, subscribers  # noqa: F401  (receivers; change subscribers)

        faults.connect_task_signals()  # workers drop a connection a database restart broke

        checks.register(hsts_check, checks.Tags.security, deploy=True)
