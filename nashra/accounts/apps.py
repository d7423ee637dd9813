from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nashra.accounts"
    label = "accounts"
    verbose_name = "تسجيل الدخول"
    default_auto_field = "django.db.models.BigAutoField"
