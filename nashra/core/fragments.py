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
from django.core.signals import request_finished, request_started
from django.db import transaction
from wagtail.models import Site

from . import pagecache

CONTENT_GEN_KEY = "frag:gen"
_REQUEST_ATTR = "_nashra_fragment_generations"

_memory: OrderedDict[Hashable, tuple[tuple, float, Any]] = OrderedDict()
_lock = threading.Lock()


def _store():
    return caches[pagecache.CACHE_ALIAS]


# Versions of what every page reads but that changes apart from content (which sites exist,
# the section tree): read with the generations, in the same round trip.
SHARED_VERSIONS = ("sites", "sections")


def _version_key(name: str) -> str:
    return f"frag:v:{name}"


def _read_generations() -> tuple[tuple, dict]:
    store = _store()
    keys = [pagecache.GEN_KEY, CONTENT_GEN_KEY, *map(_version_key, SHARED_VERSIONS)]
    found = store.get_many(keys)
    missing = [k for k in keys if found.get(k) is None]
    for key in missing:  # a new or emptied store (another process may win the add); a version
        # dated 0 is not a change, never "young"
        store.add(key, pagecache.new_generation() if key == pagecache.GEN_KEY
                  else (0.0, _unique()), None)
    if missing:
        found = store.get_many(keys)
    gens = (found.get(pagecache.GEN_KEY), found.get(CONTENT_GEN_KEY))
    return gens, {name: found.get(_version_key(name)) for name in SHARED_VERSIONS}


def _unique() -> str:
    # Unique even when two changes share a clock reading (a frozen clock in tests).
    return uuid.uuid4().hex


# What this thread's current request has read, for callers that have no request at hand.
_this_request = threading.local()


def _request_started(**kwargs):
    _this_request.active, _this_request.reads, _this_request.memo = True, None, {}


def _request_finished(**kwargs):
    _this_request.active, _this_request.reads, _this_request.memo = False, None, {}


def _forget_this_request() -> None:
    _this_request.reads, _this_request.memo = None, {}


def per_request(key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()` once per request in this thread (a listing's twenty cards each asking for
    the section map); on every call outside a request. Forgotten when this thread changes
    content or a version."""
    if not getattr(_this_request, "active", False):
        return compute()
    memo = _this_request.memo
    if key not in memo:
        memo[key] = compute()
    return memo[key]


request_started.connect(_request_started, dispatch_uid="nashra.core.fragments.started")
request_finished.connect(_request_finished, dispatch_uid="nashra.core.fragments.finished")


def _reads(request) -> tuple[tuple, dict]:
    """The generations and shared versions, read once per request: from the request, from this
    thread's request when there is one, else from the store."""
    if request is not None:
        reads = getattr(request, _REQUEST_ATTR, None)
        if reads is not None:
            return reads
    active = getattr(_this_request, "active", False)
    reads = _this_request.reads if active else None
    if reads is None:
        reads = _read_generations()
        if active:
            _this_request.reads = reads
    if request is not None:
        setattr(request, _REQUEST_ATTR, reads)
    return reads


def generations(request=None) -> tuple:
    """(site generation, content generation), read once per request."""
    return _reads(request)[0]


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
        _forget_this_request()

    bump()
    transaction.on_commit(bump)


def version(name: str, request=None):
    """The current version of one thing's own state (a story's comment thread, the section
    tree), from the shared store: for keys of values that change apart from content. Those in
    SHARED_VERSIONS come with the generations, once per request."""
    if name in SHARED_VERSIONS:
        return _reads(request)[1][name]
    store, key = _store(), _version_key(name)
    found = store.get(key)
    if found is None:
        store.add(key, (0.0, _unique()), None)  # dated 0: not a change, never young()
        found = store.get(key)
    return found


def version_changed(name: str) -> None:
    """`name`'s values are stale in every process, now and once the transaction commits."""
    def bump():
        _store().set(_version_key(name), (time.time(), _unique()), None)
        _forget_this_request()  # this thread reads the new one from here on

    bump()
    transaction.on_commit(bump)


def forget_all() -> None:
    """This process's memory only (tests)."""
    with _lock:
        _memory.clear()
