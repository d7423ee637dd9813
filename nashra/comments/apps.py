from django.apps import AppConfig
from django.conf import settings
from django.core import checks

# Setting: (the shortest prefix, the longest) the rate limit can count posts under.
RATE_PREFIXES = {"NASHRA_COMMENT_RATE_IPV4_PREFIX": (1, 32),
                 "NASHRA_COMMENT_RATE_IPV6_PREFIX": (1, 128)}


def rate_prefix_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for name, (low, high) in RATE_PREFIXES.items():
        value = getattr(settings, name, None)
        if type(value) is not int or not low <= value <= high:
            errors.append(checks.Error(
                f"{name} must be a whole number from {low} to {high}, not {value!r}.",
                id="comments.E001"))
    return errors


class CommentsConfig(AppConfig):
    name = "nashra.comments"
    label = "comments"
    verbose_name = "التعليقات"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401

        checks.register(rate_prefix_check)
