"""Where reads are counted before they reach the database: pluggable, from a settings dict.

NASHRA_VIEW_COUNTERS = {"default": {"BACKEND": "dotted.path", "OPTIONS": {...}}}

A backend takes `hit(article_id, reader=…, seconds=…)` on the reader's request (cheap: memory
or one Redis command) and hands the accumulated counts over in `drain()`; `services.views_flush`
writes them to HourlyViews in one batch. Counts are keyed by (story, clock hour).

A hit counts only if its `reader` (services.reader_key: a keyed hash of the story and the
reader's address) has not counted yet in the current window of `seconds`, aligned to the
clock (by default the clock hour, the unit reads are counted in). Each backend keeps a
window's keys where it keeps its counts, forgets them when the window is over, and checks and
counts in one step.
"""

import atexit
import hashlib
import threading
import time
import uuid
from collections import Counter

from django.conf import settings
from django.utils.module_loading import import_string

from nashra.core import faults
from nashra.core.cache import REDIS_OUTAGES

Key = tuple[int, int]  # (article id, hours since the epoch)


def current_hour() -> int:
    return int(time.time() // 3600)


def current_window(seconds: int) -> int:
    return int(time.time() // seconds)


class BaseViewCounter:
    def __init__(self, **options):
        self.options = options

    def hit(self, article_id: int, *, reader: str, seconds: int) -> bool:
        """Count a read of `article_id` unless `reader` counted already in this window of
        `seconds`; True when it counted."""
        raise NotImplementedError

    def drain(self) -> dict[Key, int]:
        """Hand over every count so far; the caller writes them (or gives them back)."""
        raise NotImplementedError

    def restore(self, counts: dict[Key, int]) -> None:
        """Take counts back after a failed write, so none is lost."""
        raise NotImplementedError

    def commit(self) -> None:
        """The drained counts are safely written."""

    def after_hit(self) -> None:
        """Called after each hit; a backend may flush itself here."""


class WindowReaders:
    """The readers counted in the current window, in this process's memory; a new window
    starts empty. Past `max_readers` in one window no new reader counts until the next (fail
    safe: a flood of addresses neither exhausts memory nor lifts a story)."""

    def __init__(self, *, max_readers: int = 500_000):
        self.max_readers = max_readers
        self.window: int | None = None
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def first(self, reader: str, seconds: int) -> bool:
        window = current_window(seconds)
        with self.lock:
            if window != self.window:
                self.window, self.seen = window, set()
            if reader in self.seen or len(self.seen) >= self.max_readers:
                return False
            self.seen.add(reader)
            return True


class RecordingViewCounter(BaseViewCounter):
    """For tests: keeps every counted hit in memory, in order."""

    def __init__(self, *, max_readers: int = 500_000, **options):
        super().__init__(**options)
        self.hits: list[int] = []
        self.pending: Counter = Counter()
        self.readers = WindowReaders(max_readers=max_readers)

    def hit(self, article_id, *, reader, seconds):
        if not self.readers.first(reader, seconds):
            return False
        self.hits.append(article_id)
        self.pending[(article_id, current_hour())] += 1
        return True

    def drain(self):
        counts, self.pending = dict(self.pending), Counter()
        return counts

    def restore(self, counts):
        self.pending.update(counts)


class DatabaseViewCounter(RecordingViewCounter):
    """The embedded default: counts gather in this process and are written every few seconds.

    There is no shared store between processes on the embedded install, so each web process
    flushes its own counts (at most FLUSH_SECONDS or FLUSH_HITS apart) and keeps its own
    window of readers: with N processes one reader counts at most N times in a window.
    """

    def __init__(self, *, flush_seconds: float = 5.0, flush_hits: int = 500, **options):
        super().__init__(**options)
        self.flush_seconds, self.flush_hits = flush_seconds, flush_hits
        self.lock = threading.Lock()
        self.last_flush = time.monotonic()
        self.size = 0
        # A web process that stops (a restart, a deploy) writes what it still holds.
        atexit.register(self._flush_at_exit)

    def _flush_at_exit(self):
        if self.size:
            from .services import views_flush

            try:
                views_flush(counter=self)
            except Exception:  # noqa: S110 - logged by views_flush; nothing more to do at exit
                pass

    def hit(self, article_id, *, reader, seconds):
        if not self.readers.first(reader, seconds):
            return False
        with self.lock:
            self.pending[(article_id, current_hour())] += 1
            self.size += 1
        return True

    def drain(self):
        with self.lock:
            counts, self.pending, self.size = dict(self.pending), Counter(), 0
            self.last_flush = time.monotonic()
        return counts

    def restore(self, counts):
        with self.lock:
            self.pending.update(counts)

    def after_hit(self):
        if self.size >= self.flush_hits or time.monotonic() - self.last_flush >= self.flush_seconds:
            from .services import views_flush

            try:
                views_flush(counter=self)
            except Exception:  # noqa: S110 - logged and kept by views_flush; the reader gets 204
                pass


# Count the read only if the reader is new to the window's hash (HSETNX), then HINCRBY, in one
# round trip and atomically: two processes cannot both count one reader. The window's hash
# gets its expiry with its first reader. A field in a hash costs Redis about half what a key
# of its own with an expiry does (82 against 165 bytes, measured over 100,000 readers).
_REDIS_HIT = """
if redis.call('HSETNX', KEYS[2], ARGV[2], '') == 0 then
    return 0
end
if redis.call('HLEN', KEYS[2]) == 1 then
    redis.call('EXPIRE', KEYS[2], ARGV[3])
end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return 1
"""
# A window's readers are kept this long after it ends (clocks of several servers differ).
READERS_GRACE_SECONDS = 300


class RedisViewCounter(BaseViewCounter):
    """Production: one script call per read (the window's readers, then HINCRBY into a shared
    hash of counts); the scheduler drains the counts.

    Draining renames the hash first, so reads counted during a flush land in a fresh hash;
    a renamed hash whose write failed is picked up again by the next drain. A window's readers
    are one hash (`readers_key:<window>`, a field per reader) that expires
    READERS_GRACE_SECONDS after the window ends.
    """

    def __init__(self, *, url: str, key: str = "nashra:views",
                 readers_key: str = "nashra:readers", **options):
        super().__init__(**options)
        import redis

        # A Redis that does not answer costs a beacon a second at most, not the system's
        # TCP time-out.
        self.redis = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0)
        self._no_script = redis.exceptions.NoScriptError
        self.key = key
        self.readers_key = readers_key
        self._hit_sha = hashlib.sha1(_REDIS_HIT.encode()).hexdigest()  # noqa: S324 - Redis's name

    def hit(self, article_id, *, reader, seconds):
        now = time.time()
        window = int(now // seconds)
        expires = int((window + 1) * seconds - now) + READERS_GRACE_SECONDS
        args = (2, self.key, f"{self.readers_key}:{window}", f"{article_id}:{current_hour()}",
                reader, expires)
        # EVALSHA straight: redis-py's Script wrapper adds a few µs of CPU to every beacon.
        try:
            try:
                return bool(self.redis.evalsha(self._hit_sha, *args))
            except self._no_script:  # a Redis restarted (or another one) since: send the script
                return bool(self.redis.eval(_REDIS_HIT, *args))
        except REDIS_OUTAGES as error:
            # Redis down: the read is not counted (never counted unchecked), the reader is
            # answered as always, and the outage is logged once, not per beacon.
            faults.outage("Redis (read counter)", error)
            return False

    def _claim(self) -> list[str]:
        claimed = [k.decode() for k in self.redis.scan_iter(f"{self.key}:flushing:*")]
        name = f"{self.key}:flushing:{uuid.uuid4().hex}"
        try:
            self.redis.rename(self.key, name)
            claimed.append(name)
        except Exception as exc:  # no such key: nothing counted since the last flush
            if "no such key" not in str(exc).lower():
                raise
        return claimed

    def drain(self):
        counts: Counter = Counter()
        try:
            self._claimed = self._claim()
            for name in self._claimed:
                for field, value in self.redis.hgetall(name).items():
                    article_id, hour = field.decode().split(":")
                    counts[(int(article_id), int(hour))] += int(value)
        except REDIS_OUTAGES as error:  # the counts wait in Redis for the next flush
            faults.outage("Redis (read counter)", error)
            self._claimed = []
            return {}
        return dict(counts)

    def commit(self):
        """The drained counts are in the database: let go of the claimed hashes."""
        if getattr(self, "_claimed", None):
            self.redis.delete(*self._claimed)
        self._claimed = []

    def restore(self, counts):
        self._claimed = []  # the claimed hashes stay and are drained again next time


_counters: dict[str, BaseViewCounter] = {}


def get_counter(alias: str = "default") -> BaseViewCounter:
    if alias not in _counters:
        config = settings.NASHRA_VIEW_COUNTERS[alias]
        _counters[alias] = import_string(config["BACKEND"])(**config.get("OPTIONS", {}))
    return _counters[alias]


def reset_counters() -> None:
    """Forget configured instances (tests that change NASHRA_VIEW_COUNTERS)."""
    _counters.clear()
