"""Admin: the two-factor pages, and a way to them from the account page."""

from django.urls import path, reverse
from wagtail import hooks

from .views import TwoFactorView, VerifyView


@hooks.register("register_admin_urls")
def _two_factor_urls():
    return [
        path("two-factor/", TwoFactorView.as_view(), name="accounts_two_factor"),
        path("two-factor/verify/", VerifyView.as_view(), name="accounts_two_factor_verify"),
    ]


@hooks.register("register_account_menu_item")
def _two_factor_account_item(request):
    return {"url": reverse("accounts_two_factor"), "label": "التحقق بخطوتين",
            "help_text": "رمز من تطبيق على هاتفك بعد كلمة المرور، ورموز استرداد إن فقدته."}
