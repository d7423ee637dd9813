"""Django's Redis cache backend: one redis-py client per connection pool, and a Redis that is
down costs a cache miss, not a 500.

Django's RedisCacheClient builds a new `redis.Redis` for every call (its constructor fills a
table of about 200 response callbacks): a page-cache hit, which is one call, spent a third of
its CPU there, and an uncached page makes several calls. A redis-py client is thread-safe and
holds nothing but its pool, so one per pool serves every call. (django-redis reuses its
clients too, and has IGNORE_EXCEPTIONS, but would be another dependency for these few lines.)

When Redis does not answer (refused, reset, timed out), every call answers as a cache that
holds nothing: `get` its default, `get_many` nothing, `add` False, writes nothing. Callers
render from the database, as on a miss. `incr`/`decr` raise CacheUnavailable instead: a count
that cannot be read must not read as zero (a rate limit would fail open), so the caller
decides what is safe. After a failure the store is left alone for NASHRA_CACHE_RETRY_SECONDS
(each request would otherwise wait for the connect time-out of a Redis whose host is gone),
and one warning is logged per outage, not a traceback per call (nashra.core.faults).

When Redis answers again after an outage, this process deletes every entry under the cache's
own prefix before using it: purges, new generations and signed-out sessions written during
the outage were lost, and a Redis that comes back with its old data (a network split, a
restart from a snapshot) would otherwise serve pages that were unpublished or made private
meanwhile. Keys outside the prefix (the task queue, the read counters) are not touched.
"""

from __future__ import annotations

import logging
import re
import threading
import time

import redis
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from . import faults

logger = logging.getLogger("nashra.faults")

# What a Redis that is down raises (BusyLoadingError, a Redis still reading its snapshot, is
# a ConnectionError).
REDIS_OUTAGES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# Unless the settings say otherwise: a Redis that does not answer fails a call this fast.
SOCKET_DEFAULTS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}


class CacheUnavailable(Exception):  # noqa: N818 - the name says what the caller learns
    """The cache could not be reached: a counter's value is unknown (not zero)."""


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class _Health:
    """One Redis location and key prefix, as every thread of this process has seen it."""

    def __init__(self, name: str):
        self.name = name
        self.down = False
        self.retry_at = 0.0
        self.lock = threading.Lock()


_health: dict[tuple, _Health] = {}
_health_lock = threading.Lock()


def _health_for(servers, prefix: str) -> _Health:
    key = (tuple(servers), prefix)
    with _health_lock:
        if key not in _health:
            _health[key] = _Health(f"Redis {','.join(servers)} ({prefix or 'no prefix'})")
        return _health[key]


def forget_health() -> None:
    """Forget what this process knows of every Redis (tests)."""
    with _health_lock:
        _health.clear()


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**SOCKET_DEFAULTS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = _ReusingClient
        self._health = _health_for(self._servers, self.key_prefix)

    # --- the outage guard ---------------------------------------------------------------

    def _usable(self) -> bool:
        health = self._health
        if not health.down:
            return True
        if time.monotonic() < health.retry_at:
            return False
        with health.lock:
            if not health.down:
                return True
            if time.monotonic() < health.retry_at:
                return False
            try:
                self._sweep()
            except REDIS_OUTAGES as error:
                self._failed(error)
                return False
            health.down = False
        faults.recovered(health.name)
        return True

    def _failed(self, error: Exception) -> None:
        health = self._health
        health.retry_at = time.monotonic() + settings.NASHRA_CACHE_RETRY_SECONDS
        health.down = True
        faults.outage(health.name, error)

    def _sweep(self) -> None:
        """Delete every entry of this cache (its prefix, any version): what it held before
        the outage may be stale."""
        client = self._cache.get_client(write=True)
        pattern = f"{_glob_escape(self.key_prefix)}:[0-9]*:*" if self.key_prefix else ":[0-9]*:*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)

    def _guarded(self, call, fallback):
        if not self._usable():
            return fallback()
        try:
            return call()
        except REDIS_OUTAGES as error:
            self._failed(error)
            return fallback()

    # --- Django's cache API ---------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: super(RedisCache, self).add(key, value, timeout, version),
                             lambda: False)

    def get(self, key, default=None, version=None):
        return self._guarded(lambda: super(RedisCache, self).get(key, default, version),
                             lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(lambda: super(RedisCache, self).set(key, value, timeout, version),
                      lambda: None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: super(RedisCache, self).touch(key, timeout, version),
                             lambda: False)

    def delete(self, key, version=None):
        return self._guarded(lambda: super(RedisCache, self).delete(key, version),
                             lambda: False)

    def get_many(self, keys, version=None):
        return self._guarded(lambda: super(RedisCache, self).get_many(keys, version),
                             dict)

    def has_key(self, key, version=None):
        return self._guarded(lambda: super(RedisCache, self).has_key(key, version),
                             lambda: False)

    def incr(self, key, delta=1, version=None):
        def unknown():
            raise CacheUnavailable(f"{self._health.name} is unreachable")

        return self._guarded(lambda: super(RedisCache, self).incr(key, delta, version), unknown)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that were not stored.
        return self._guarded(lambda: super(RedisCache, self).set_many(data, timeout, version),
                             lambda: list(data))

    def delete_many(self, keys, version=None):
        self._guarded(lambda: super(RedisCache, self).delete_many(keys, version),
                      lambda: None)

    def clear(self):
        return self._guarded(super().clear, lambda: False)
