from django.apps import AppConfig


class WordpressConfig(AppConfig):
    name = "nashra.wordpress"
    label = "wordpress"
    verbose_name = "الاستيراد من ووردبريس"
    default_auto_field = "django.db.models.BigAutoField"
