"""Reader comments, their moderation state, and the spam filter's learned state."""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import register_setting

from nashra.arabic.normalize import strip_bidi_scopes
from nashra.core.models import SharedSiteSetting

ERASED_LABEL = "تعليق محذوف"


class Comment(models.Model):
    # Wagtail's reference index would queue a task on every comment saved (it references a
    # page): nothing in the admin needs to list "usage" by comments.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", "بانتظار المراجعة"
        APPROVED = "approved", "منشور"
        SPAM = "spam", "مزعج"
        TRASH = "trash", "في سلة المحذوفات"

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name="المقال", on_delete=models.CASCADE,
        related_name="reader_comments",
    )
    parent = models.ForeignKey(
        "self", verbose_name="ردًّا على", null=True, blank=True, on_delete=models.CASCADE,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(default=0)
    author_name = models.CharField("الاسم", max_length=100)
    author_email = models.EmailField("البريد الإلكتروني")
    # sha256 of the lower-cased address: history and trust without comparing raw addresses.
    email_key = models.CharField(max_length=64, db_index=True, editable=False)
    author_url = models.URLField("الموقع", max_length=300, blank=True)
    body = models.TextField("التعليق")
    # sha256 of the normalized body, to find duplicates cheaply.
    body_key = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(
        "الحالة", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Where a trashed comment returns to when restored.
    status_before_trash = models.CharField(max_length=16, blank=True, editable=False)
    spam_score = models.FloatField("درجة الإزعاج", null=True, blank=True)
    reasons = models.JSONField("الأسباب", default=list, blank=True)
    # Keyed hash of the network the rate limit counts (keys.rate_network: by default the IPv4
    # address, the IPv6 /64); never the address itself.
    ip_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The truncated address itself, kept only when Akismet is on: Akismet wants an address
    # with each moderator's report, and the full one is never stored.
    ip_prefix = models.CharField(max_length=45, blank=True, editable=False)
    user_agent = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField("التاريخ", auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    # The last label the filter was taught from this comment ("spam"/"ham"), so a repeated
    # click does not teach twice.
    taught_label = models.CharField(max_length=8, blank=True, editable=False)
    # Erased at its author's request while other people's replies hang on it: kept, with
    # nothing of the author (no name, email, website, text or address), as «تعليق محذوف».
    erased = models.BooleanField("محذوف بطلب كاتبه", default=False, editable=False)

    panels = [FieldPanel("author_name"), FieldPanel("author_url"), FieldPanel("body")]

    class Meta:
        verbose_name = "تعليق"
        verbose_name_plural = "التعليقات"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["page", "status", "created_at"])]

    def __str__(self):
        if self.erased:
            return ERASED_LABEL
        # Shown in the admin and its messages: without the bidi controls that could reorder them.
        excerpt = " ".join(strip_bidi_scopes(self.body).split())[:60]
        return f"{strip_bidi_scopes(self.author_name)}: {excerpt}"


class ArticleComments(models.Model):
    """Per-article switch editors use to close the conversation."""

    page = models.OneToOneField(
        "wagtailcore.Page", verbose_name="المقال", on_delete=models.CASCADE,
        related_name="comment_switch",
    )
    closed = models.BooleanField("التعليقات مغلقة", default=True)

    panels = [FieldPanel("page"), FieldPanel("closed")]

    class Meta:
        verbose_name = "إغلاق التعليقات على مقال"
        verbose_name_plural = "إغلاق التعليقات على المقالات"

    def __str__(self):
        state = "مغلقة" if self.closed else "مفتوحة"
        return f"{self.page.title} — {state}"


@register_setting(icon="comment")
class CommentSettings(SharedSiteSetting):
    enabled = models.BooleanField("السماح بالتعليقات", default=True)
    hold_threshold = models.FloatField(
        "حد الحجز للمراجعة", default=0.5,
        help_text="تعليق تبلغ درجته هذا الحد أو تزيد يُحجز للمراجعة (من ٠ إلى ١).",
    )
    spam_threshold = models.FloatField(
        "حد التصنيف كمزعج", default=0.9,
        help_text="تعليق تبلغ درجته هذا الحد أو تزيد يوضع في المزعج مباشرة.",
    )
    trusted_discount = models.FloatField(
        "تخفيف الدرجة لكاتب موثوق", default=0.5,
        help_text="تُضرب درجة من سبق أن وافق مشرف على تعليق له في هذا العدد.",
    )
    close_after_days = models.PositiveIntegerField(
        "إغلاق التعليقات بعد (أيام)", default=30,
        help_text="تُغلق التعليقات تلقائيًا بعد هذا العدد من الأيام من نشر المقال؛ ٠ = لا تُغلق.",
    )
    min_fill_seconds = models.PositiveIntegerField("أقل زمن لتعبئة النموذج (ثوانٍ)", default=3)
    posts_per_ip_per_hour = models.PositiveIntegerField(
        "أقصى عدد تعليقات من عنوان واحد في الساعة", default=10,
        help_text="ما يزيد يوضع في المزعج؛ وما يزيد على ثلاثة أضعافه يُرفض.",
    )
    spam_retention_days = models.PositiveIntegerField(
        "حفظ المزعج والمحذوف (أيام)", default=30,
        help_text="تُحذف التعليقات المزعجة والمحذوفة نهائيًا بعد هذه المدة.",
    )

    panels = [
        FieldPanel("enabled"),
        MultiFieldPanel(
            [FieldPanel("hold_threshold"), FieldPanel("spam_threshold"),
             FieldPanel("trusted_discount")], heading="مرشح الرسائل المزعجة",
        ),
        MultiFieldPanel(
            [FieldPanel("close_after_days"), FieldPanel("min_fill_seconds"),
             FieldPanel("posts_per_ip_per_hour"), FieldPanel("spam_retention_days")],
            heading="الحدود والاحتفاظ",
        ),
    ]

    class Meta:
        verbose_name = "إعدادات التعليقات"


class FilterState(models.Model):
    """The local spam filter, pickled; one row. `version` tells workers to reload."""

    version = models.PositiveIntegerField(default=1)
    model = models.BinaryField()
    decisions = models.PositiveIntegerField(default=0)
    # The last lesson (TrainingExample pk) the stored model was trained with.
    trained_through = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "حالة مرشح التعليقات"

    def __str__(self):
        return f"مرشح التعليقات، الإصدار {self.version}"


class TrainingExample(models.Model):
    """What the filter was taught after setup, so a full retrain keeps every lesson."""

    class Source(models.TextChoices):
        MODERATOR = "moderator", "قرار مشرف"
        IMPORT = "import", "ملف مستورد"

    label = models.CharField(max_length=8)  # "spam" | "ham"
    source = models.CharField(max_length=16, choices=Source.choices)
    author = models.CharField(max_length=100, blank=True)
    url = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    email_key = models.CharField(max_length=64, blank=True, db_index=True)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.label}: {self.body[:40]}"
