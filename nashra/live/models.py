"""A live story (تغطية مباشرة): a story page whose entries are rows of their own.

`LiveStoryPage` is a story (`news.ArticlePage`, by multi-table inheritance): it is listed,
searched, fed and purged wherever stories are, and the breaking bar can point at it. Its
entries (`LiveEntry`) are not page revisions: posting one writes one row and announces
`live_changed` (nashra.core.changes), which refreshes only the live page, its poll answers and
its feed. Every change to a story's entries takes the story's next number from
`LiveSequence`; an entry keeps the number of its last change, so "what changed after N" is one
indexed query (the poll endpoint, nashra.live.views).
"""

import copy
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.blocks.base import BlockField
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField

from nashra.core.blocks import RICH_TEXT_FEATURES, ImageBlock, QuoteBlock
from nashra.news.models import ArticlePage

# How long a live page's copy is kept by nashra and the front caches: an entry purges it at
# once, and should a purge be lost, a reader without JavaScript still sees the entry within
# this many seconds (plus one render).
LIVE_PAGE_SECONDS = 3


class StoryLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label="الخبر", page_type="news.ArticlePage")
    label = blocks.CharBlock(label="نص الرابط", required=False,
                             help_text="يُستخدم عنوان الخبر إن تُرك فارغاً.")

    class Meta:
        icon = "link"
        label = "رابط إلى خبر"
        template = "live/blocks/story_link.html"


class LiveEntryBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="فقرة")
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(label="تضمين", icon="media", template="blocks/embed.html")
    story = StoryLinkBlock()


class LiveStoryForm(WagtailAdminPageForm):
    """A live story's text is its entries: the story body (background) may stay empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("body")
        if field is not None:
            # A copy of the story's block, not required (the model's own stays as it is).
            block = copy.deepcopy(field.block)
            block.set_meta_options({"required": False})
            self.fields["body"] = BlockField(block=block, required=False,
                                             label="خلفية (اختياري)")


class LiveStoryPage(ArticlePage):
    """A story covered live: headline, summary and section as a story, plus entries."""

    class State(models.TextChoices):
        LIVE = "live", "مباشر"
        ENDED = "ended", "انتهت التغطية"

    state = models.CharField("حالة التغطية", max_length=8, choices=State.choices,
                             default=State.LIVE)
    coverage_started_at = models.DateTimeField("بدء التغطية", null=True, blank=True,
                                               editable=False)
    coverage_ended_at = models.DateTimeField("نهاية التغطية", null=True, blank=True,
                                             editable=False)

    content_panels = [
        HelpPanel(template="live/admin/composer_link_panel.html", heading="التحديثات"),
        *ArticlePage.content_panels,
        FieldPanel("state"),
    ]

    base_form_class = LiveStoryForm
    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    template = "live/live_story_page.html"

    class Meta:
        verbose_name = "تغطية مباشرة"
        verbose_name_plural = "التغطيات المباشرة"

    @property
    def is_live(self) -> bool:
        return self.state == self.State.LIVE

    def save(self, *args, **kwargs):
        # The coverage's times follow its state, whichever way it was set (the composer's
        # «إنهاء التغطية», `nashra live-end`, or the page editor's state field).
        now = timezone.now()
        if self.live and self.coverage_started_at is None:
            self.coverage_started_at = self.first_published_at or now
        if self.state == self.State.ENDED:
            self.coverage_ended_at = self.coverage_ended_at or now
        else:
            self.coverage_ended_at = None
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from nashra.core.pagecache import valid_until

        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["entries"] = selectors.entries_shown(story=self)
        context["highlights"] = [e for e in context["entries"] if e.pinned]
        context["live_seq"] = selectors.sequence_now(story=self)
        if self.is_live:
            valid_until(request, timezone.now() + dt.timedelta(seconds=LIVE_PAGE_SECONDS))
        return context

    def json_ld_update(self, *, canonical: str, zone) -> dict:
        """What distribution's JSON-LD of a story becomes for a live one (schema.org
        LiveBlogPosting, as Google documents it for its «LIVE» badge)."""
        from . import selectors

        return selectors.live_blog_posting(story=self, canonical=canonical, zone=zone)


class LiveSequence(models.Model):
    """The number of a live story's last entry change; writers lock this row to take the next."""

    page = models.OneToOneField(LiveStoryPage, on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "عدّاد تحديثات التغطية"

    def __str__(self):
        return f"{self.page_id}: {self.value}"


class LiveEntry(models.Model):
    """One entry of a live story. A deleted entry stays as an empty row marked deleted, so
    open pages learn from the poll endpoint that it is gone."""

    page = models.ForeignKey(LiveStoryPage, on_delete=models.CASCADE,
                             related_name="live_entries", verbose_name="التغطية")
    seq = models.BigIntegerField("رقم آخر تغيير", default=0)
    posted_at = models.DateTimeField("الوقت", default=timezone.now)
    title = models.CharField("العنوان", max_length=200, blank=True)
    body = StreamField(LiveEntryBlock(), verbose_name="النص", blank=True)
    author = models.ForeignKey("news.Author", verbose_name="الكاتب", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="نشره", null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    pinned = models.BooleanField("من أبرز التطورات", default=False)
    corrected_at = models.DateTimeField("آخر تصحيح", null=True, blank=True)
    deleted = models.BooleanField("محذوف", default=False)

    class Meta:
        verbose_name = "تحديث مباشر"
        verbose_name_plural = "تحديثات مباشرة"
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["page", "seq"], name="live_entry_page_seq")]
        permissions = [
            ("post_entry", "نشر تحديثات التغطية المباشرة"),
            ("moderate_entry", "تثبيت تحديثات التغطية وتصحيحها وحذفها وإنهاء التغطية"),
        ]

    def __str__(self):
        return self.title or f"تحديث {self.pk}"

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"
