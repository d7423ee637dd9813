"""Discovery data: term profiles and related lists, view counts, picks, breaking news.

Everything that hangs off a story lives here, keyed on the story, so nashra.news keeps
its own tables untouched.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import register_setting
from wagtail.models import Orderable

from nashra.core.models import SharedSiteSetting

# --- related news ------------------------------------------------------------------------


class ArticleProfile(models.Model):
    """A story's weighted terms and its computed related list (made at publish time)."""

    article = models.OneToOneField("news.ArticlePage", on_delete=models.CASCADE,
                                   primary_key=True, related_name="discovery_profile")
    # {term: weight}, the strongest terms only, L2-normalised.
    vector = models.JSONField(default=dict)
    # Every distinct term of the story, kept so an edit can correct document frequencies.
    terms = models.JSONField(default=list)
    published_at = models.DateTimeField(db_index=True)
    section_path = models.CharField(max_length=255, blank=True)
    related = models.JSONField(default=list)  # ids, best first
    stale = models.BooleanField(default=False, db_index=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ملف الخبر"

    def __str__(self):
        return f"profile of story {self.article_id}"


class TermPosting(models.Model):
    """Inverted index: the story's strong terms, so candidates come from a lookup, not a scan."""

    term = models.CharField(max_length=100)
    article = models.ForeignKey(ArticleProfile, on_delete=models.CASCADE,
                                related_name="postings")
    weight = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["term", "-weight", "article"], name="discovery_posting_term")]

    def __str__(self):
        return f"{self.term} → {self.article_id}"


class TermStat(models.Model):
    """Document frequency of a term over all profiled stories ('' holds the story count)."""

    term = models.CharField(max_length=100, primary_key=True)
    df = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.term}: {self.df}"


class RelatedCuration(ClusterableModel):
    """Editors' hand on one story's related list: stories pinned first, stories kept out."""

    article = models.OneToOneField("news.ArticlePage", on_delete=models.CASCADE,
                                   related_name="related_curation", verbose_name="الخبر")

    panels = [
        FieldPanel("article"),
        InlinePanel("pins", label="أخبار مثبّتة في القائمة", heading="تثبيت"),
        InlinePanel("exclusions", label="أخبار مستبعدة", heading="استبعاد"),
    ]

    class Meta:
        verbose_name = "تحرير الأخبار ذات العلاقة"
        verbose_name_plural = "تحرير الأخبار ذات العلاقة"

    def __str__(self):
        return f"أخبار ذات علاقة: {self.article.title}"


class _CuratedStory(Orderable):
    story = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+",
                              verbose_name="الخبر")
    panels = [FieldPanel("story")]

    class Meta(Orderable.Meta):
        abstract = True


class RelatedPin(_CuratedStory):
    curation = ParentalKey(RelatedCuration, on_delete=models.CASCADE, related_name="pins")


class RelatedExclusion(_CuratedStory):
    curation = ParentalKey(RelatedCuration, on_delete=models.CASCADE,
                           related_name="exclusions")


# --- most read ---------------------------------------------------------------------------


class HourlyViews(models.Model):
    """Reads of one story in one clock hour (hours since the Unix epoch, UTC)."""

    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")
    hour = models.IntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "hour"],
                                               name="discovery_views_article_hour")]
        indexes = [models.Index(fields=["hour", "article", "count"], name="discovery_views_hour")]

    def __str__(self):
        return f"story {self.article_id}, hour {self.hour}: {self.count}"


# --- editor's picks ----------------------------------------------------------------------


class PicksList(ClusterableModel):
    name = models.CharField("اسم القائمة", max_length=120, default="اخترنا لكم")
    show_on_home = models.BooleanField("تظهر في الصفحة الرئيسية", default=True)
    show_beside_articles = models.BooleanField("تظهر بجانب الأخبار", default=True)
    sort_order = models.IntegerField("الترتيب", default=0,
                                     help_text="القوائم الأصغر رقماً تظهر أولاً.")

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("show_on_home"), FieldPanel("show_beside_articles")]),
        FieldPanel("sort_order"),
        InlinePanel("items", label="خبر", heading="الأخبار (اسحب لإعادة الترتيب)"),
    ]

    class Meta:
        verbose_name = "قائمة اخترنا لكم"
        verbose_name_plural = "قوائم اخترنا لكم"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class PickItem(Orderable):
    picks = ParentalKey(PicksList, on_delete=models.CASCADE, related_name="items")
    story = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+",
                              verbose_name="الخبر")
    starts_at = models.DateTimeField("يظهر من", null=True, blank=True,
                                     help_text="فارغ: يظهر فوراً.")
    ends_at = models.DateTimeField("يختفي في", null=True, blank=True,
                                   help_text="فارغ: يبقى حتى يُحذف.")

    panels = [FieldPanel("story"), FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")])]

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "وقت الاختفاء يجب أن يكون بعد وقت الظهور."})


# --- breaking news -----------------------------------------------------------------------


def _default_expiry():
    return timezone.now() + dt.timedelta(hours=2)


class BreakingNews(models.Model):
    text = models.CharField("نص الخبر العاجل", max_length=200, blank=True,
                            help_text="سطر واحد. فارغ: يُستعمل عنوان الخبر المختار.")
    story = models.ForeignKey("news.ArticlePage", verbose_name="الخبر", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+",
                              help_text="اختياري: الخبر الذي يفتحه الشريط.")
    starts_at = models.DateTimeField("يظهر من", default=timezone.now)
    expires_at = models.DateTimeField("ينتهي في", default=_default_expiry)

    panels = [
        FieldPanel("text"),
        FieldPanel("story"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("expires_at")]),
    ]

    class Meta:
        verbose_name = "خبر عاجل"
        verbose_name_plural = "الأخبار العاجلة"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["expires_at", "starts_at"], name="discovery_breaking_live")]

    def __str__(self):
        return self.headline

    @property
    def headline(self) -> str:
        if self.text.strip():
            return self.text.strip()
        return self.story.title if self.story_id else ""

    def clean(self):
        super().clean()
        if not self.text.strip() and not self.story_id:
            raise ValidationError({"text": "اكتب نص الخبر العاجل أو اختر خبراً."})
        if "\n" in self.text or "\r" in self.text:
            raise ValidationError({"text": "الخبر العاجل سطر واحد."})
        if self.starts_at and self.expires_at and self.expires_at <= self.starts_at:
            raise ValidationError({"expires_at": "وقت الانتهاء يجب أن يكون بعد وقت الظهور."})


# --- site settings -----------------------------------------------------------------------


@register_setting(icon="pick")
class DiscoverySettings(SharedSiteSetting):
    lead_story = models.ForeignKey(
        "news.ArticlePage", verbose_name="الخبر الرئيسي", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text="فارغ: أحدث خبر منشور هو الخبر الرئيسي.",
    )
    lead_until = models.DateTimeField(
        "يبقى رئيسياً حتى", null=True, blank=True,
        help_text="بعد هذا الوقت يعود أحدث خبر إلى الواجهة. فارغ: حتى يُغيَّر.",
    )
    half_life_hours = models.FloatField(
        "عمر النصف لترتيب الأكثر قراءة (بالساعات)", default=6,
        help_text="قراءة عمرها هذا العدد من الساعات تُحسب بنصف وزنها. تبويب الأسبوع يستعمل ثلاثة أضعافه.",
    )

    panels = [
        MultiFieldPanel([FieldPanel("lead_story"), FieldPanel("lead_until")],
                        heading="واجهة الصفحة الرئيسية"),
        FieldPanel("half_life_hours"),
    ]

    class Meta:
        verbose_name = "إعدادات الاكتشاف"

    def clean(self):
        super().clean()
        if self.half_life_hours is not None and not 0.1 <= self.half_life_hours <= 24 * 30:
            raise ValidationError({"half_life_hours": "اختر قيمة بين 0.1 و720 ساعة."})
