from django.apps import AppConfig
from django.core import checks


def public_address_check(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """`nashra check --deploy`: every absolute link is built from the default Site, so a Site
    still on localhost would print http://localhost/ into feeds, sitemaps and shares."""
    from django.db import DatabaseError

    from nashra.core.addresses import default_site_is_local

    try:
        local = default_site_is_local()
    except DatabaseError:  # not migrated yet: `nashra setup` has not run, nothing to check
        return []
    if local:
        return [checks.Error(
            f"عنوان الموقع العام ما زال {local}: كل رابط مطلق في الصفحات والخلاصات وخرائط "
            "الموقع والواجهة البرمجية سيحمله.",
            hint="عيّن BASE_URL (مثل https://news.example.org) ثم شغّل nashra setup.",
            id="distribution.E001")]
    return []


class DistributionConfig(AppConfig):
    name = "nashra.distribution"
    label = "distribution"
    verbose_name = "النشر والتوزيع"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import subscribers  # noqa: F401  (change subscribers)

        checks.register(public_address_check, checks.Tags.urls, deploy=True)
