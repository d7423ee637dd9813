"""Read replicas: readers' requests read a replica, everything else the primary.

Installed by nashra/settings/base.py only when DATABASE_REPLICA_URLS names replicas
(aliases replica1..N); without them neither the router nor the middleware exists, so a
single-machine site pays nothing.

The rule, in one place:
- writes and migrations always go to the primary ("default");
- a read goes to a replica only inside a request that `PrimaryPinMiddleware` let through: a
  safe method (GET, HEAD, OPTIONS), outside the editors' paths (the Wagtail admin), from a
  browser not pinned by a recent write, and outside any `transaction.atomic` block;
- everything else reads the primary: management commands, the scheduler, the shell, the
  admin, POSTs and the seconds after one (so an editor, or a reader who just commented, sees
  what they wrote even when a replica lags), sessions (a login must not be lost to lag), and
  the reads Django makes through the write path (get_or_create, select_for_update).

Each request reads one replica, chosen at random when it starts: all of a page comes from the
same copy (replicas may lag by different amounts), each thread keeps connections to few
databases, and a random choice needs no state shared between threads.

A replica that cannot be reached when a request starts (its connection fails Django's health
check and cannot be opened again) is left out for NASHRA_REPLICA_RETRY_SECONDS in this
process, and the request reads another replica or the primary: readers never see an error
for a replica that is down, only the primary's extra load. A replica that fails in the
middle of a request still fails that request.
"""

import logging
import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

PIN_COOKIE = "nashra_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read from the primary even on readers' requests: a session written a moment ago on the
# primary must be found, or the user who just logged in would look logged out.
PRIMARY_ONLY_APPS = frozenset({"sessions"})


# The replica this request reads, set by the middleware for its length; None elsewhere
# (commands, the scheduler) and on requests that read the primary.
_request_replica: ContextVar[str | None] = ContextVar("nashra_request_replica", default=None)


class ReplicaRouter:
    def __init__(self):
        self.aliases = frozenset({DEFAULT_DB_ALIAS, *settings.NASHRA_DATABASE_REPLICAS})

    def db_for_read(self, model, **hints):
        replica = _request_replica.get()
        if (
            replica is None
            or model._meta.app_label in PRIMARY_ONLY_APPS
            # Reads inside a transaction belong to it: they must see its own writes.
            or in_transaction(connections[DEFAULT_DB_ALIAS])
        ):
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db in self.aliases:
            return instance._state.db  # related rows from where the object came from
        return replica

    def db_for_write(self, model, **hints):
        # Also where get_or_create and select_for_update read: those reads need the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data, so an object read from a replica may point at one
        # from the primary.
        if obj1._state.db in self.aliases and obj2._state.db in self.aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas receive the schema through replication, never from `migrate`.
        return db == DEFAULT_DB_ALIAS


def in_transaction(connection) -> bool:
    """Whether the application opened a transaction.atomic block on `connection`.

    The atomic blocks Django's TestCase wraps around a test (marked `_from_testcase`, as
    Django itself checks for durable blocks) are the test's isolation, not the application's
    transaction: ignoring them lets the suite test this router without committing.
    """
    return connection.in_atomic_block and any(
        not block._from_testcase for block in connection.atomic_blocks
    )


def pinned_until(value: str | None, *, now: float, seconds: int) -> bool:
    """Whether a pin cookie still holds. The server checks the time itself: a client that
    keeps the cookie longer, or forges a far future, is pinned at most `seconds`."""
    try:
        until = float(value or "")
    except ValueError:
        return False
    return now < until <= now + seconds + 1


class PrimaryPinMiddleware:
    """Decides per request whether its reads may go to a replica (see the module's rule), and
    pins the browser to the primary for a few seconds after a write: the answer to any POST
    (or other unsafe method) carries a cookie saying until when.

    Writes a GET may cause (Wagtail creating a site's settings row on first use, an image
    rendition) are the site's, not the reader's, and do not pin: a Set-Cookie on reader pages
    would keep them out of every front cache."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = list(settings.NASHRA_DATABASE_REPLICAS)
        self.seconds = settings.NASHRA_REPLICA_PIN_SECONDS
        self.primary_paths = tuple(settings.NASHRA_PRIMARY_PATHS)

    def __call__(self, request):
        replica = self.reachable_replica() if self.replica_reads(request) else None
        token = _request_replica.set(replica)
        try:
            response = self.get_response(request)
        finally:
            _request_replica.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE, str(int(time.time()) + self.seconds), max_age=self.seconds,
                path="/", secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
            )
        return response

    def reachable_replica(self) -> str | None:
        """A replica picked at random among those this process can reach, else None."""
        for alias in random.sample(self.replicas, len(self.replicas)):
            if replica_reachable(alias):
                return alias
        return None

    def replica_reads(self, request) -> bool:
        return (
            bool(self.replicas)
            and request.method in SAFE_METHODS
            and not request.path_info.startswith(self.primary_paths)
            and not pinned_until(request.COOKIES.get(PIN_COOKIE), now=time.time(),
                                 seconds=self.seconds)
        )


# Replicas this process found unreachable: alias -> time.monotonic() until which it is left out.
_unreachable: dict[str, float] = {}


def replica_reachable(alias: str) -> bool:
    """Whether `alias` answers: its kept connection passes Django's health check (a ping, once
    per request, which the first query would make anyway) or a new one opens. Unreachable, it
    is not asked again for NASHRA_REPLICA_RETRY_SECONDS."""
    until = _unreachable.get(alias)
    if until is not None and time.monotonic() < until:
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        seconds = settings.NASHRA_REPLICA_RETRY_SECONDS
        _unreachable[alias] = time.monotonic() + seconds
        logger.warning("replica %s unreachable (%s): its reads go elsewhere for %s s",
                       alias, str(error).strip(), seconds)
        return False
    if until is not None:
        _unreachable.pop(alias, None)
        logger.warning("replica %s reachable again", alias)
    return True
