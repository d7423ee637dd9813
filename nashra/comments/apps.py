from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "nashra.comments"
    label = "comments"
    verbose_name = "التعليقات"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
