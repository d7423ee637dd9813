"""What many reader pages share, remembered in each process between renders.

The page cache answers most readers. When a page must be rendered after all (its entry was
purged or ran out, the page cache is off, a reader carries a session), most of the work is
not the page's own: the site's settings, the breaking bar, the most read and picks beside a
story, a story's related cards. `remember()` keeps such a value (data or rendered HTML) in
this process's memory, under a key its caller builds from what the value shows, while

- **the content generation** is unchanged: `content_changed()` bumps it when a story is
  published, edited, moved, unpublished or deleted, and when site settings, picks, breaking
  news or related curation change, at once and again when the transaction commits (so a
  render racing the commit cannot keep old content). The site generation of the page cache
  counts too (the section tree). Both live in the shared "pages" store (Redis, or files on
  the embedded install), so a change made in any process reaches every process, and are read
  once per request, in one round trip;
- **its own time lasts**: `seconds`, or earlier when the caller knows the value changes by
  itself then (`until`: a pick's end, a breaking item's expiry).

A value computed while a generation is younger than NASHRA_FRAGMENT_REPLICA_WINDOW (a read
replica may not have the change yet) is used for that request but not kept. The memory is a
small LRU (NASHRA_FRAGMENT_ENTRIES); NASHRA_FRAGMENT_SECONDS = 0 turns it all off.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from wagtail.models import Site

from . import pagecache

CONTENT_GEN_KEY = "frag:gen"
_REQUEST_ATTR = "_nashra_fragment_generations"

_memory: OrderedDict[Hashable, tuple[tuple, float, Any]] = OrderedDict()
_lock = threading.Lock()


def _store():
    return caches[pagecache.CACHE_ALIAS]


def _read_generations() -> tuple:
    store = _store()
    found = store.get_many([pagecache.GEN_KEY, CONTENT_GEN_KEY])
    fresh = {pagecache.GEN_KEY: pagecache.new_generation(), CONTENT_GEN_KEY: (0.0, _unique())}
    missing = [k for k in fresh if found.get(k) is None]
    for key in missing:  # a new or emptied store (another process may win the add); a content
        store.add(key, fresh[key], None)  # generation dated 0 is not a change, never "young"
    if missing:
        found = store.get_many([pagecache.GEN_KEY, CONTENT_GEN_KEY])
    return found.get(pagecache.GEN_KEY), found.get(CONTENT_GEN_KEY)


def _unique() -> str:
    # Unique even when two changes share a clock reading (a frozen clock in tests).
    return uuid.uuid4().hex


def generations(request=None) -> tuple:
    """(site generation, content generation), read once per request."""
    if request is None:
        return _read_generations()
    gens = getattr(request, _REQUEST_ATTR, None)
    if gens is None:
        gens = _read_generations()
        setattr(request, _REQUEST_ATTR, gens)
    return gens


def _young(gens: tuple, now: float) -> bool:
    return young(gens[1], now)


def young(stamp, now: float | None = None) -> bool:
    """A content generation or version so recent that a read replica may not have the change
    it stands for (NASHRA_FRAGMENT_REPLICA_WINDOW)."""
    window = settings.NASHRA_FRAGMENT_REPLICA_WINDOW
    return bool(window) and stamp is not None and (now or time.time()) - stamp[0] < window


def _site_id(request):
    if request is None:
        return None
    if hasattr(request, "_wagtail_site"):  # set by core.sites.SiteMiddleware or Wagtail
        site = request._wagtail_site
    else:
        site = Site.find_for_request(request)  # and kept on the request
    return site.pk if site else None


def remember(request, key: Hashable, compute: Callable[[], Any], *, seconds: float | None = None,
             until: datetime | None = None, per_site: bool = True) -> Any:
    """`compute()`, or what it gave for `key` earlier while nothing it shows has changed.

    `seconds` (NASHRA_FRAGMENT_SECONDS when None) bounds how long the value is kept; `until`
    ends it earlier. `compute` may instead return `Expiring(value, until)` when it learns its
    own end while computing. `per_site`: the value depends on the site that asks (links are
    relative to it); False for values that name their site in `key`.
    """
    limit = settings.NASHRA_FRAGMENT_SECONDS if seconds is None else min(
        seconds, settings.NASHRA_FRAGMENT_SECONDS)
    if limit <= 0:
        return _unwrap(compute())[0]
    gens = generations(request)
    if per_site:
        key = (_site_id(request), key)  # links are relative to the site that asks
    now = time.time()
    with _lock:
        kept = _memory.get(key)
        if kept is not None and kept[0] == gens and kept[1] > now:
            _memory.move_to_end(key)
            return kept[2]
    value, ends = _unwrap(compute())
    expires = now + limit
    for end in (until, ends):
        if end is not None:
            expires = min(expires, end.timestamp())
    if expires > now and not _young(gens, now) and None not in gens:
        with _lock:
            _memory[key] = (gens, expires, value)
            _memory.move_to_end(key)
            while len(_memory) > settings.NASHRA_FRAGMENT_ENTRIES:
                _memory.popitem(last=False)
    return value


class Expiring:
    """A computed value that knows when it stops being true."""

    __slots__ = ("until", "value")

    def __init__(self, value, until: datetime | None):
        self.value, self.until = value, until


def _unwrap(result) -> tuple[Any, datetime | None]:
    if isinstance(result, Expiring):
        return result.value, result.until
    return result, None


def content_changed() -> None:
    """Something many pages show has changed: every remembered value is stale, in every
    process, now and again once the transaction commits."""
    def bump():
        _store().set(CONTENT_GEN_KEY, (time.time(), _unique()), None)

    bump()
    transaction.on_commit(bump)


def version(name: str):
    """The current version of one thing's own state (a story's comment thread), from the
    shared store: for keys of values that change more often than everything else does."""
    store, key = _store(), f"frag:v:{name}"
    found = store.get(key)
    if found is None:
        store.add(key, (0.0, _unique()), None)  # dated 0: not a change, never young()
        found = store.get(key)
    return found


def version_changed(name: str) -> None:
    """`name`'s values are stale in every process, now and once the transaction commits."""
    def bump():
        _store().set(f"frag:v:{name}", (time.time(), _unique()), None)

    bump()
    transaction.on_commit(bump)


def forget_all() -> None:
    """This process's memory only (tests)."""
    with _lock:
        _memory.clear()
