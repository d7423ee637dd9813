"""One door for every change a reader may see: the events, and who listens to them.

A writer — a service, a bulk writer, the admin's hooks (`nashra.news.events` turns Wagtail's
page signals into these calls) — announces what it changed with one function here. Every cache
subscribes here, so following a publish means reading this module and the subscribers it
names, not every signal receiver in the project:

==================  =========================================================================
event               announced when
==================  =========================================================================
story_changed       a story was published, edited, moved, or made public again
story_gone          a story was unpublished, deleted, or made private (dropped at once,
                    never served stale)
tree_changed        the section tree changed (a section published, renamed, moved, removed,
                    made private), or stories were written in bulk: every page may show it
settings_changed    site settings, images or tag names: what every page shows
thread_changed      a story's comment thread or comment switch
curation_changed    a curated list: picks or the lead story (on the home page), a story's
                    related pins and exclusions, the breaking bar
author_changed      an author's name or page (bylines and the author's listing and feeds)
live_changed        a live story's entries: one posted, corrected, deleted, pinned or
                    unpinned, or the coverage ended (its page, poll answers and feed only)
==================  =========================================================================

Subscribers register with `@subscribe(event, …)` in their own app's `subscribers` module,
imported by the app's `ready()`; `subscribers()` lists them (docs/architecture.md shows the
map). A subscriber that fails is logged and the others still run: a cache must never stop a
story going out. Work that can wait (front-cache purges, related lists, renditions) is queued
by the subscriber as a task (`nashra.core.tasks`), never done in the editor's request.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

logger = logging.getLogger("nashra.changes")

STORY_CHANGED = "story_changed"
STORY_GONE = "story_gone"
TREE_CHANGED = "tree_changed"
SETTINGS_CHANGED = "settings_changed"
THREAD_CHANGED = "thread_changed"
CURATION_CHANGED = "curation_changed"
AUTHOR_CHANGED = "author_changed"
LIVE_CHANGED = "live_changed"
EVENTS = (STORY_CHANGED, STORY_GONE, TREE_CHANGED, SETTINGS_CHANGED, THREAD_CHANGED,
          CURATION_CHANGED, AUTHOR_CHANGED, LIVE_CHANGED)


@dataclass(frozen=True)
class Change:
    """One announced change. `page` is the story, section or home page concerned (None for a
    change every page shows); `reason` says which write path announced it (publish, edit,
    move, unpublish, delete, private, public, import, approve, …); `paths` are site paths the
    change also touches that the page no longer knows (a moved section's old address); `slug`
    names an author."""

    event: str
    reason: str
    page: object | None = None
    paths: tuple[str, ...] = ()
    slug: str = ""

    @property
    def page_id(self) -> int | None:
        return getattr(self.page, "pk", None)


Subscriber = Callable[[Change], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
_recorders: list[list[Change]] = []
_recorders_lock = threading.Lock()


def subscribe(*events: str) -> Callable[[Subscriber], Subscriber]:
    """Register the decorated function for these events (each function once per event)."""
    unknown = set(events) - set(EVENTS)
    if unknown or not events:
        raise ValueError(f"unknown change events: {sorted(unknown) or 'none given'}")

    def register(fn: Subscriber) -> Subscriber:
        for event in events:
            if fn not in _subscribers[event]:
                _subscribers[event].append(fn)
        return fn

    return register


def subscribers() -> dict[str, list[str]]:
    """Every event and the dotted names of its subscribers, in the order they run."""
    return {event: [f"{fn.__module__}.{fn.__qualname__}" for fn in _subscribers[event]]
            for event in EVENTS}


def announce(change: Change) -> None:
    if change.event not in EVENTS:
        raise ValueError(f"unknown change event: {change.event}")
    with _recorders_lock:
        for recorder in _recorders:
            recorder.append(change)
    for fn in list(_subscribers[change.event]):
        try:
            fn(change)
        except Exception:
            logger.exception("change subscriber %s failed on %s (%s, page %s)",
                             fn.__qualname__, change.event, change.reason, change.page_id)


@contextmanager
def recording() -> Iterator[list[Change]]:
    """Collect the changes announced inside the block (tests, `nashra` commands' reports)."""
    seen: list[Change] = []
    with _recorders_lock:
        _recorders.append(seen)
    try:
        yield seen
    finally:
        with _recorders_lock:
            _recorders.remove(seen)


# --- which pages show a story -----------------------------------------------------------------
# Each app that lists stories on pages of its own registers a finder (news: the story, its
# sections, the home page, tag and author pages; distribution: feeds and sitemaps).

_page_finders: list[Callable[..., list[str]]] = []


def pages_showing(finder: Callable[..., list[str]]) -> Callable[..., list[str]]:
    """Register `finder(story=…) -> site paths` of the pages that list a story."""
    if finder not in _page_finders:
        _page_finders.append(finder)
    return finder


def story_paths(*, story) -> list[str]:
    """Every site path that shows `story` as it stands now, from every registered finder."""
    paths: list[str] = []
    for finder in _page_finders:
        try:
            paths += finder(story=story)
        except Exception:  # a deleted story's relations may be gone: its footprint covers it
            logger.exception("page finder %s failed for story %s", finder.__qualname__,
                             getattr(story, "pk", None))
    return paths


# --- the events ------------------------------------------------------------------------------

def story_changed(*, story, reason: str) -> None:
    announce(Change(STORY_CHANGED, reason, page=story))


def story_gone(*, story, reason: str) -> None:
    announce(Change(STORY_GONE, reason, page=story))


def tree_changed(*, reason: str, page=None, paths: tuple[str, ...] | list[str] = ()) -> None:
    announce(Change(TREE_CHANGED, reason, page=page, paths=tuple(paths)))


def settings_changed(*, reason: str) -> None:
    announce(Change(SETTINGS_CHANGED, reason))


def thread_changed(*, story, reason: str) -> None:
    announce(Change(THREAD_CHANGED, reason, page=story))


def curation_changed(*, reason: str, page=None) -> None:
    announce(Change(CURATION_CHANGED, reason, page=page))


def author_changed(*, slug: str, reason: str) -> None:
    announce(Change(AUTHOR_CHANGED, reason, slug=slug))


def live_changed(*, story, reason: str) -> None:
    announce(Change(LIVE_CHANGED, reason, page=story))
