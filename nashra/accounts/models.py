from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="lock")
class SignInSettings(BaseGenericSetting):
    """One for the whole admin (accounts are not per site). Only those who may change
    settings (superusers) see it; the editors it binds cannot turn it off."""

    two_factor_for_editors = models.BooleanField(
        "اشتراط التحقق بخطوتين للمحررين",
        default=False,
        help_text="يُطلب من كل عضو في مجموعة «المحررون» إعداد تطبيق المصادقة بعد كلمة المرور، "
                  "ولا يصل إلى لوحة التحكم قبل ذلك.",
    )

    panels = [FieldPanel("two_factor_for_editors")]

    class Meta:
        verbose_name = "تسجيل الدخول"
