"""Writes to live stories. Every change to a live story or its entries goes through here and
announces itself (nashra.core.changes): `live_changed` for an entry, the story's own publish
(`story_changed`, through Wagtail's page_published) for a start or an end.

Permissions (docs/live.md): posting needs `live.post_entry` (editors have it; reporters when
their group is given it in the admin's group settings); pinning, correcting, deleting and
ending need `live.moderate_entry` (editors). `user=None` is the automation of the `nashra`
commands, run by whoever may run them on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.blocks import StreamBlockValidationError

from nashra.arabic.normalize import strip_invisibles
from nashra.core import changes
from nashra.news import services as news_services
from nashra.news.models import ArticlePage, Author, arabic_slugify

from .models import LiveEntry, LiveEntryBlock, LiveSequence, LiveStoryPage

TITLE_MAX = LiveEntry._meta.get_field("title").max_length
TEXT_MAX = 20_000
POST_PERMISSION = "live.post_entry"
MODERATE_PERMISSION = "live.moderate_entry"


@dataclass
class EntryInput:
    """An entry as an editor or a feed sends it, checked before any write. `text` is plain
    text (blank lines between paragraphs) or HTML, cleaned by the stories' sanitizer
    (nashra.news.services.body_from_input: nh3, the markup the body blocks can hold)."""

    title: str = ""
    text: str = ""
    image_id: int | None = None
    image_caption: str = ""
    image_credit: str = ""
    quote: str = ""
    quote_by: str = ""
    embed_url: str = ""
    story_id: int | None = None
    story_label: str = ""

    def blocks(self) -> list[dict]:
        title = " ".join(strip_invisibles(self.title or "").split())
        if len(title) > TITLE_MAX:
            raise ValidationError(f"عنوان التحديث أطول من {TITLE_MAX} حرفاً.")
        self.title = title
        text = strip_invisibles(self.text or "").strip()
        if len(text) > TEXT_MAX:
            raise ValidationError(f"نص التحديث أطول من {TEXT_MAX} حرف.")
        raw: list[dict] = []
        for block in news_services.body_from_input(text) if text else []:
            if block["type"] == "heading":  # an entry has no subheadings: a bold line instead
                block = {"type": "paragraph", "value": f"<p><b>{block['value']}</b></p>"}
            raw.append(block)
        if self.quote.strip():
            raw.append({"type": "quote", "value": {"text": self.quote.strip(),
                                                   "attribution": self.quote_by.strip()}})
        if self.image_id:
            raw.append({"type": "image", "value": {"image": self.image_id,
                                                   "caption": self.image_caption.strip(),
                                                   "credit": self.image_credit.strip()}})
        if self.embed_url.strip():
            raw.append({"type": "embed", "value": self.embed_url.strip()})
        if self.story_id:
            raw.append({"type": "story", "value": {"page": self.story_id,
                                                   "label": self.story_label.strip()}})
        if not raw:
            raise ValidationError("التحديث فارغ: اكتب نصاً أو أضف صورة أو اقتباساً أو رابطاً.")
        block = LiveEntryBlock()
        try:
            value = block.clean(block.to_python(raw))
        except StreamBlockValidationError as error:
            raise ValidationError(_block_messages(error)) from None
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return block.get_prep_value(value)


def _block_messages(error: StreamBlockValidationError) -> list[str]:
    data = error.as_json_data() if hasattr(error, "as_json_data") else {}
    messages = []
    for item in (data.get("blockErrors") or {}).values():
        messages += _flatten(item)
    messages += data.get("messages", [])
    return messages or ["في التحديث قيمة غير صالحة."]


def _flatten(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _flatten(v)]
    if isinstance(value, list):
        return [m for v in value for m in _flatten(v)]
    return []


# --- permissions -----------------------------------------------------------------------------

def can_post(user) -> bool:
    return user is None or (user.is_active and (user.has_perm(POST_PERMISSION)
                                                or user.has_perm(MODERATE_PERMISSION)))


def can_moderate(user) -> bool:
    return user is None or (user.is_active and user.has_perm(MODERATE_PERMISSION))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- stories ---------------------------------------------------------------------------------

def _slug_for(section, title: str) -> str:
    base = arabic_slugify(title)[:80].strip("-") or "live"
    taken = set(section.get_children().filter(slug__startswith=base)
                .values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def live_story_start(*, section_path: str, title: str, summary: str = "", user=None,
                     home=None) -> LiveStoryPage:
    """Create a live story in the section at `section_path` (made if missing) and publish it."""
    title = " ".join(strip_invisibles(title or "").split())
    if not title:
        raise ValidationError("عنوان التغطية مطلوب.")
    if len(title) > news_services.HEADLINE_MAX:
        raise ValidationError(f"العنوان أطول من {news_services.HEADLINE_MAX} حرفاً.")
    summary = strip_invisibles(summary or "").strip()
    if len(summary) > news_services.STANDFIRST_MAX:
        raise ValidationError(f"الملخص أطول من {news_services.STANDFIRST_MAX} حرفاً.")
    section = news_services.section_ensure_path(path=section_path, home=home)
    _require(user is None or section.permissions_for_user(user).can_publish_subpage(),
             "لا تملك صلاحية نشر تغطية مباشرة في هذا القسم.")
    story = LiveStoryPage(title=title, slug=_slug_for(section, title), standfirst=summary,
                          body=[],  # the background, if any, is written in the page editor
                          owner=user)
    section.add_child(instance=story)
    LiveSequence.objects.get_or_create(page=story)
    story.save_revision(user=user, clean=True).publish(user=user, skip_permission_checks=True)
    story.refresh_from_db()
    return story


@transaction.atomic
def live_story_end(*, story: LiveStoryPage, user=None) -> LiveStoryPage:
    """End the coverage: the page stays with all its entries, its badge goes, and its JSON-LD
    gains coverageEndTime (a publish of the page: every cache that shows it hears of it)."""
    _require(can_moderate(user), "لا تملك صلاحية إنهاء التغطية.")
    story = LiveStoryPage.objects.select_for_update().get(pk=story.pk)
    if story.state == LiveStoryPage.State.ENDED:
        raise ValidationError("انتهت هذه التغطية من قبل.")
    story.state = LiveStoryPage.State.ENDED
    story.save_revision(user=user, clean=True).publish(user=user, skip_permission_checks=True)
    _next(story)
    changes.live_changed(story=story, reason="end")
    story.refresh_from_db()
    return story


# --- entries ---------------------------------------------------------------------------------

def _next(story) -> int:
    """The story's next change number, its row locked until the transaction ends: entries'
    numbers commit in order, so a reader who saw N has seen every change up to N."""
    LiveSequence.objects.get_or_create(page_id=story.pk)
    LiveSequence.objects.filter(page_id=story.pk).update(value=F("value") + 1)
    return LiveSequence.objects.select_for_update().get(page_id=story.pk).value


def _open(story) -> LiveStoryPage:
    story = LiveStoryPage.objects.filter(pk=story.pk).first()
    if story is None:
        raise ValidationError("لا توجد تغطية مباشرة بهذا الرقم.")
    if not story.live:
        raise ValidationError("هذه التغطية غير منشورة.")
    if story.state != LiveStoryPage.State.LIVE:
        raise ValidationError("انتهت هذه التغطية؛ لا يمكن إضافة تحديثات إليها.")
    return story


@transaction.atomic
def live_entry_post(*, story: LiveStoryPage, data: EntryInput, user=None,
                    author: Author | None = None, pin: bool = False) -> LiveEntry:
    _require(can_post(user), "لا تملك صلاحية النشر في التغطية المباشرة.")
    if pin:
        _require(can_moderate(user), "تثبيت التحديث للمحررين.")
    body = data.blocks()
    story = _open(story)
    entry = LiveEntry.objects.create(page=story, seq=_next(story), title=data.title, body=body,
                                     author=author, posted_by=user, pinned=pin)
    changes.live_changed(story=story, reason="post")
    return entry


def _entry_locked(entry: LiveEntry) -> LiveEntry:
    found = LiveEntry.objects.select_for_update().filter(pk=entry.pk, deleted=False).first()
    if found is None:
        raise ValidationError("لا يوجد تحديث بهذا الرقم.")
    return found


@transaction.atomic
def live_entry_correct(*, entry: LiveEntry, data: EntryInput, user=None) -> LiveEntry:
    """Replace an entry's title and body; readers see it in place with a «تحديث» mark."""
    _require(can_moderate(user), "تصحيح التحديثات للمحررين.")
    body = data.blocks()
    entry = _entry_locked(entry)
    entry.title, entry.body = data.title, body
    entry.corrected_at = timezone.now()
    entry.seq = _next(entry.page)
    entry.save(update_fields=["title", "body", "corrected_at", "seq"])
    changes.live_changed(story=entry.page, reason="correct")
    return entry


@transaction.atomic
def live_entry_delete(*, entry: LiveEntry, user=None) -> None:
    """Take an entry off the page: its text is erased; its row stays, marked deleted, so open
    pages are told to remove it."""
    _require(can_moderate(user), "حذف التحديثات للمحررين.")
    entry = _entry_locked(entry)
    entry.deleted, entry.pinned, entry.title, entry.body = True, False, "", []
    entry.seq = _next(entry.page)
    entry.save(update_fields=["deleted", "pinned", "title", "body", "seq"])
    changes.live_changed(story=entry.page, reason="delete")


@transaction.atomic
def live_entry_pin(*, entry: LiveEntry, pinned: bool, user=None) -> LiveEntry:
    """Put an entry among «أبرز التطورات» at the top of the page, or take it off."""
    _require(can_moderate(user), "تثبيت التحديثات للمحررين.")
    entry = _entry_locked(entry)
    if entry.pinned != pinned:
        entry.pinned = pinned
        entry.seq = _next(entry.page)
        entry.save(update_fields=["pinned", "seq"])
        changes.live_changed(story=entry.page, reason="pin" if pinned else "unpin")
    return entry


def story_for_path(path: str) -> LiveStoryPage:
    """The live story at a site path as `live-start` prints it (`/أخبار/عنوان/`), a full URL's
    path, or its id."""
    from urllib.parse import unquote, urlsplit

    from wagtail.models import Site

    raw = (path or "").strip()
    url_path = ""
    if raw.isascii() and raw.isdigit():
        story = LiveStoryPage.objects.filter(pk=int(raw)).first() if len(raw) < 19 else None
    else:
        clean = unquote(urlsplit(raw).path if "://" in raw else raw).strip("/")
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        root = site.root_page.url_path if site else "/"
        url_path = f"{root}{clean}/" if clean else ""
        story = LiveStoryPage.objects.filter(url_path=url_path).first() if url_path else None
        raw = f"/{clean}/" if clean else raw
    if story is None:
        if url_path and ArticlePage.objects.filter(url_path=url_path).exists():
            raise ValidationError(f"الصفحة «{raw}» ليست تغطية مباشرة.")
        raise ValidationError(f"لا توجد تغطية مباشرة في «{raw}».")
    return story
