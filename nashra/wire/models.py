"""Agency feeds (providers), what they sent (items), and the groups of one event's items."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

MIN_INTERVAL_SECONDS = 30


class Provider(models.Model):
    """One agency feed: an address polled over HTTP(S), or a folder files are dropped into."""

    class Kind(models.TextChoices):
        RSS = "rss", "RSS/Atom"
        NEWSML = "newsml", "NewsML-G2"
        NINJS = "ninjs", "NINJS (JSON)"

    name = models.CharField("الاسم", max_length=100, unique=True)
    kind = models.CharField("الصيغة", max_length=10, choices=Kind.choices)
    source = models.CharField(
        "العنوان أو المجلد", max_length=500,
        help_text="عنوان http(s) للتغذية، أو مسار مجلد على الخادم تضع فيه الوكالة ملفاتها.")
    interval_seconds = models.PositiveIntegerField(
        "الفاصل بين جولتين (ثوانٍ)", default=120,
        validators=[MinValueValidator(MIN_INTERVAL_SECONDS)])
    section_path = models.CharField(
        "القسم الافتراضي", max_length=300, help_text="مسار القسم، مثل: أخبار/عربية ودولية")
    credit = models.CharField("المصدر الذي يُنسب إليه الخبر", max_length=120,
                              help_text="مثل: الأناضول")
    auth_username = models.CharField("اسم المستخدم (HTTP)", max_length=150, blank=True)
    auth_password = models.CharField("كلمة المرور (HTTP)", max_length=300, blank=True)
    api_key = models.CharField("مفتاح الواجهة", max_length=300, blank=True)
    api_key_header = models.CharField(
        "ترويسة المفتاح", max_length=100, blank=True, default="Authorization",
        help_text="يُرسل المفتاح في هذه الترويسة؛ في Authorization يُسبق بكلمة Bearer.")
    active = models.BooleanField("مفعّل", default=True)
    auto_publish = models.BooleanField(
        "نشر تلقائي", default=False,
        help_text="يُنشر كل خبر جديد من هذه الوكالة دون مراجعة (مع احترام الحظر والسحب).")

    # What the poller keeps between rounds.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField("آخر جولة", null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField("آخر جولة ناجحة", null=True, blank=True,
                                           editable=False)
    last_error = models.TextField("آخر خطأ", blank=True, editable=False)
    last_error_at = models.DateTimeField("وقت آخر خطأ", null=True, blank=True, editable=False)

    panels = [
        FieldPanel("name"), FieldPanel("kind"), FieldPanel("source"),
        FieldPanel("interval_seconds"), FieldPanel("section_path"), FieldPanel("credit"),
        MultiFieldPanel([FieldPanel("auth_username"), FieldPanel("auth_password"),
                         FieldPanel("api_key"), FieldPanel("api_key_header")],
                        heading="الدخول (اختياري)"),
        FieldPanel("active"), FieldPanel("auto_publish"),
    ]

    class Meta:
        verbose_name = "وكالة"
        verbose_name_plural = "الوكالات"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_folder(self) -> bool:
        return not self.source.lower().startswith(("http://", "https://"))

    @property
    def failing(self) -> bool:
        """The last round failed (an error newer than any success)."""
        return bool(self.last_error_at and (self.last_success_at is None
                                            or self.last_error_at > self.last_success_at))

    def status(self) -> str:
        if self.failing:
            return format_html("<strong>خطأ {}:</strong> {}",
                               timezone.localtime(self.last_error_at).strftime("%Y-%m-%d %H:%M"),
                               self.last_error[:300])
        return "يعمل" if self.last_success_at else "لم تُجرَ جولة بعد"

    status.short_description = "الحالة"

    def clean(self):
        from . import services

        super().clean()
        services.provider_check(kind=self.kind, source=self.source,
                                section_path=self.section_path)


class WireGroup(models.Model):
    """Items that tell the same event (near-duplicates across agencies); `size` is how many."""

    size = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "مجموعة أخبار"

    def __str__(self):
        return f"{self.pk} ({self.size})"


class WireItem(models.Model):
    """One agency story, by its guid; a later version updates it in place."""

    class State(models.TextChoices):
        NEW = "new", "جديد"
        UPDATED = "updated", "محدَّث"
        USED = "used", "مستخدَم"
        WITHHELD = "withheld", "محجوب"
        CANCELED = "canceled", "ملغى"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="items",
                                 verbose_name="الوكالة")
    guid = models.CharField(max_length=500)
    version = models.PositiveIntegerField(default=1)
    state = models.CharField("الحالة", max_length=10, choices=State.choices, default=State.NEW)
    headline = models.CharField("العنوان", max_length=500)
    summary = models.TextField(blank=True)
    body_html = models.TextField(blank=True)  # sanitized (news.services.body_html_clean)
    language = models.CharField("اللغة", max_length=20, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    located = models.CharField(max_length=200, blank=True)
    info_source = models.CharField(max_length=300, blank=True)
    subjects = models.JSONField(default=list, blank=True)  # [{"code":…, "name":…}]
    pictures = models.JSONField(default=list, blank=True)  # [{"href","caption","credit"}]
    embargoed_until = models.DateTimeField("محظور حتى", null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # the agency's versioncreated
    received_at = models.DateTimeField(db_index=True)  # when this version arrived
    first_received_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64, blank=True)
    history = models.JSONField(default=list, blank=True)  # earlier versions, newest last
    search_text = models.TextField(blank=True)  # analysed terms, space separated
    signature = models.BinaryField(null=True, blank=True)  # MinHash values (grouping)
    group = models.ForeignKey(WireGroup, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="items")
    story = models.ForeignKey("wagtailcore.Page", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    used_version = models.PositiveIntegerField(null=True, blank=True)
    auto_published = models.BooleanField(default=False)
    alert = models.CharField(max_length=500, blank=True)  # what the story's editors are told

    class Meta:
        verbose_name = "خبر وكالة"
        verbose_name_plural = "أخبار الوكالات"
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "guid"],
                                               name="wire_item_provider_guid")]
        indexes = [models.Index(fields=["state", "-received_at"]),
                   models.Index(fields=["language", "-received_at"]),
                   models.Index(fields=["provider", "-received_at"])]

    def __str__(self):
        return self.headline

    @property
    def withdrawn(self) -> bool:
        return self.state in (self.State.WITHHELD, self.State.CANCELED)

    @property
    def group_size(self) -> int:
        return self.group.size if self.group_id else 1


class WireBand(models.Model):
    """One LSH band of an item's MinHash: items sharing a band value are candidates for one
    group. Kept for NASHRA_WIRE_GROUP_DAYS only (an event is grouped while it is news)."""

    item = models.ForeignKey(WireItem, on_delete=models.CASCADE, related_name="+")
    value = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "بصمة تجميع"

    def __str__(self):
        return f"{self.item_id}: {self.value}"


class SubjectMapping(models.Model):
    """An agency subject (IPTC code such as medtop:11000000, or its name) and the tag it
    becomes on a story made from the item."""

    subject = models.CharField("الموضوع لدى الوكالة", max_length=200, unique=True,
                               help_text="الرمز (مثل medtop:11000000) أو الاسم كما ترسله الوكالة.")
    tag = models.CharField("الوسم", max_length=100)

    panels = [FieldPanel("subject"), FieldPanel("tag")]

    class Meta:
        verbose_name = "مطابقة موضوع"
        verbose_name_plural = "مطابقة المواضيع بالوسوم"
        ordering = ["subject"]

    def __str__(self):
        return f"{self.subject} → {self.tag}"

    def clean(self):
        self.subject = self.subject.strip()
        self.tag = self.tag.strip()
        if not self.subject or not self.tag:
            raise ValidationError("الموضوع والوسم مطلوبان.")


class IngestError(models.Model):
    """An item (or a file) that could not be read: recorded, and nothing else lost."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="errors")
    ref = models.CharField("المرجع", max_length=500, blank=True)
    message = models.TextField("الخطأ")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "خطأ استقبال"
        verbose_name_plural = "أخطاء الاستقبال"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.provider}: {self.ref}"
