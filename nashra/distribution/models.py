from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import register_setting

from nashra.core.models import SharedSiteSetting


@register_setting(icon="rss")
class DistributionSettings(SharedSiteSetting):
    """How the site presents itself to feed readers, search engines and social apps."""

    feed_full_text = models.BooleanField(
        "النص الكامل في الخلاصات",
        default=False,
        help_text="عند التفعيل تحمل خلاصات RSS وAtom نص الخبر كاملاً؛ وإلا فالمقدمة وحدها.",
    )
    x_handle = models.CharField(
        "حساب الموقع على إكس",
        max_length=16,
        blank=True,
        help_text="دون علامة @، مثل: nashra. يظهر في بطاقات المشاركة.",
        validators=[RegexValidator(r"^@?[A-Za-z0-9_]{1,15}$",
                                   "اسم الحساب حروف لاتينية وأرقام وشرطة سفلية، حتى 15 خانة.")],
    )

    panels = [FieldPanel("feed_full_text"), FieldPanel("x_handle")]

    class Meta:
        verbose_name = "الخلاصات والمشاركة"

    def clean(self):
        super().clean()
        self.x_handle = self.x_handle.strip().lstrip("@")
