import copy
import zoneinfo

from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Site

from . import fragments


class NashraImage(AbstractImage):
    """Wagtail's image with alt text required and a caption and credit that travel with it."""

    description = models.CharField(
        "النص البديل",
        max_length=255,
        help_text="وصف الصورة لمن لا يراها (قارئ الشاشة ومحركات البحث). مطلوب.",
    )
    caption = models.CharField("التعليق", max_length=500, blank=True)
    credit = models.CharField("المصدر/الحقوق", max_length=255, blank=True)

    admin_form_fields = (*Image.admin_form_fields, "caption", "credit")

    class Meta(AbstractImage.Meta):
        verbose_name = "صورة"
        verbose_name_plural = "الصور"
        permissions = [("choose_nashraimage", "Can choose image")]


class NashraRendition(AbstractRendition):
    image = models.ForeignKey(NashraImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


def _time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class SharedSiteSetting(BaseSiteSetting):
    """A site setting every page reads: kept in each process between requests
    (nashra.core.fragments) instead of a query per page, until any setting is saved."""

    class Meta:
        abstract = True

    @classmethod
    def for_request(cls, request):
        attr = cls.get_cache_attr_name()
        if hasattr(request, attr):
            return getattr(request, attr)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)  # Wagtail's own answer (DoesNotExist)
        kept = fragments.remember(request, ("site-setting", cls._meta.label, site.pk),
                                  lambda: cls.for_site(site))
        instance = copy.copy(kept)  # its own _request, never another reader's
        instance._request = request
        setattr(request, attr, instance)
        return instance


@register_setting(icon="site")
class SiteSettings(SharedSiteSetting):
    class Digits(models.TextChoices):
        WESTERN = "western", "0-9"
        ARABIC_INDIC = "arabic_indic", "٠-٩"

    site_name = models.CharField("اسم الموقع", max_length=200, default="نشرة")
    tagline = models.CharField("الشعار النصي", max_length=255, blank=True)
    logo = models.ForeignKey(
        NashraImage, verbose_name="الشعار", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    footer_text = models.TextField("نص التذييل", blank=True)
    brand_colour = models.CharField(
        "لون الهوية", max_length=7, default="#8a1538",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "اكتب اللون بصيغة ‎#RRGGBB‎.")],
        help_text="اللون الرئيسي للموقع، بصيغة ‎#RRGGBB‎.",
    )
    default_social_image = models.ForeignKey(
        NashraImage, verbose_name="صورة المشاركة الافتراضية", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text="تظهر عند مشاركة صفحة لا صورة لها على الشبكات الاجتماعية.",
    )
    facebook_url = models.URLField("فيسبوك", blank=True)
    x_url = models.URLField("إكس (تويتر)", blank=True)
    telegram_url = models.URLField("تيليغرام", blank=True)
    whatsapp_url = models.URLField("واتساب", blank=True)
    youtube_url = models.URLField("يوتيوب", blank=True)
    instagram_url = models.URLField("إنستغرام", blank=True)
    time_zone = models.CharField(
        "المنطقة الزمنية", max_length=64, default="Asia/Amman", choices=_time_zone_choices,
        help_text="تُعرض أوقات النشر بهذا التوقيت.",
    )
    show_hijri = models.BooleanField("إظهار التاريخ الهجري بجانب الميلادي", default=False)
    digits = models.CharField(
        "الأرقام", max_length=16, choices=Digits.choices, default=Digits.WESTERN
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("site_name"), FieldPanel("tagline"), FieldPanel("logo"),
             FieldPanel("brand_colour"), FieldPanel("default_social_image"),
             FieldPanel("footer_text")],
            heading="هوية الموقع",
        ),
        MultiFieldPanel(
            [FieldPanel("facebook_url"), FieldPanel("x_url"), FieldPanel("telegram_url"),
             FieldPanel("whatsapp_url"), FieldPanel("youtube_url"), FieldPanel("instagram_url")],
            heading="روابط التواصل الاجتماعي",
        ),
        MultiFieldPanel(
            [FieldPanel("time_zone"), FieldPanel("show_hijri"), FieldPanel("digits")],
            heading="التاريخ والأرقام",
        ),
    ]

    class Meta:
        verbose_name = "إعدادات الموقع"

    @property
    def social_links(self) -> list[tuple[str, str]]:
        pairs = [
            ("فيسبوك", self.facebook_url), ("إكس", self.x_url),
            ("تيليغرام", self.telegram_url), ("واتساب", self.whatsapp_url),
            ("يوتيوب", self.youtube_url), ("إنستغرام", self.instagram_url),
        ]
        return [(label, url) for label, url in pairs if url]

    @property
    def uses_arabic_digits(self) -> bool:
        return self.digits == self.Digits.ARABIC_INDIC
