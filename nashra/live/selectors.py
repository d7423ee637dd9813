"""Reads of live stories: the entries a page shows, what changed after a number (the poll
endpoint), which stories are live now (the «مباشر» badge on cards) and the LiveBlogPosting
JSON-LD."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from nashra.core.pages import public

from .models import LiveEntry, LiveSequence, LiveStoryPage

# The poll endpoint's view of a story, (sequence, state), kept in the store every process
# shares (the "pages" cache): an open page asking "anything after N?" when nothing is costs
# no query. The live_changed and story subscribers write or drop it (nashra.live.subscribers).
HEAD_KEY = "live:head:{}"
HEAD_SECONDS = 60
LIVE_IDS_KEY = "live:ids"
LIVE_IDS_SECONDS = 60 * 60
# At most this many changed entries in one poll answer; a page further behind reloads.
POLL_MAX_ENTRIES = 50
JSON_LD_UPDATES = 100


def _store():
    return caches["pages"]


def entries_shown(*, story: LiveStoryPage) -> list[LiveEntry]:
    """Every entry readers see, newest first, with its author in the same query."""
    return list(LiveEntry.objects.filter(page_id=story.pk, deleted=False)
                .select_related("author"))


def sequence_now(*, story) -> int:
    return (LiveSequence.objects.filter(page_id=story.pk).values_list("value", flat=True)
            .first() or 0)


def head(*, story_id: int) -> tuple[int, str] | None:
    """(last change number, state) of a live story readers may see; None if there is none."""
    key = HEAD_KEY.format(story_id)
    found = _store().get(key)
    if found is not None:
        return tuple(found) if found[1] else None
    row = (public(LiveStoryPage.objects.live()).filter(pk=story_id)
           .values_list("state", flat=True).first())
    value = (0, "")
    if row is not None:
        seq = (LiveSequence.objects.filter(page_id=story_id).values_list("value", flat=True)
               .first() or 0)
        value = (seq, row)
    _store().set(key, value, HEAD_SECONDS)
    return value if value[1] else None


def head_forget(*, story_id: int) -> None:
    _store().delete(HEAD_KEY.format(story_id))


def entries_changed(*, story_id: int, after: int) -> list[LiveEntry]:
    """Entries changed after number `after`, oldest change first (one more than the limit,
    so the caller can tell there were more)."""
    return list(LiveEntry.objects.filter(page_id=story_id, seq__gt=after)
                .select_related("author").order_by("seq")[:POLL_MAX_ENTRIES + 1])


def highlights(*, story_id: int) -> list[LiveEntry]:
    return list(LiveEntry.objects.filter(page_id=story_id, deleted=False, pinned=True))


# --- the «مباشر» badge on cards ---------------------------------------------------------------

def live_type_id() -> int:
    return ContentType.objects.get_for_model(LiveStoryPage).pk


def live_now_ids() -> frozenset[int]:
    """Ids of the live stories whose coverage is running (one query when cold)."""
    ids = caches["default"].get(LIVE_IDS_KEY)
    if ids is None:
        ids = frozenset(LiveStoryPage.objects.filter(state=LiveStoryPage.State.LIVE)
                        .values_list("pk", flat=True))
        caches["default"].set(LIVE_IDS_KEY, ids, LIVE_IDS_SECONDS)
    return ids


def live_now_forget() -> None:
    caches["default"].delete(LIVE_IDS_KEY)


def is_live_now(page) -> bool:
    """Whether a story (any ArticlePage instance, specific or not) is a running coverage.
    A card of an ordinary story asks nothing of the database: its type says enough."""
    if getattr(page, "content_type_id", None) != live_type_id():
        return False
    return page.pk in live_now_ids()


# --- JSON-LD ------------------------------------------------------------------------------------

def entry_text(entry: LiveEntry) -> str:
    parts = []
    for block in entry.body:
        if block.block_type == "paragraph":
            parts.append(strip_tags(block.value.source))
        elif block.block_type == "quote":
            parts.append(block.value["text"])
        elif block.block_type == "image":
            parts.append(block.value.get("caption") or "")
    return " ".join(p.strip() for p in parts if p and p.strip())


def entry_headline(entry: LiveEntry) -> str:
    return entry.title or Truncator(entry_text(entry)).words(12) or "تحديث"


def live_blog_posting(*, story: LiveStoryPage, canonical: str, zone) -> dict:
    def iso(value):
        return timezone.localtime(value, zone).isoformat(timespec="seconds") if value else None

    updates = []
    for entry in entries_shown(story=story)[:JSON_LD_UPDATES]:
        update = {
            "@type": "BlogPosting",
            "headline": Truncator(entry_headline(entry)).chars(110),
            "datePublished": iso(entry.posted_at),
            "dateModified": iso(entry.corrected_at or entry.posted_at),
            "url": f"{canonical}#{entry.anchor}",
            "articleBody": entry_text(entry),
        }
        if entry.author is not None:
            update["author"] = {"@type": "Person", "name": entry.author.name}
        updates.append(update)
    data = {
        "@type": "LiveBlogPosting",
        "coverageStartTime": iso(story.coverage_started_at or story.first_published_at),
        "liveBlogUpdate": updates,
    }
    if story.coverage_ended_at:
        data["coverageEndTime"] = iso(story.coverage_ended_at)
    return data
