"""Serving through a Redis or database outage (docs/deployment.md, "When Redis or PostgreSQL
is down").

- **Redis down**: every cache call answers as a cache that holds nothing
  (nashra.core.cache.RedisCache), sessions are kept in the database as well (cached_db),
  the read counter drops the reads it cannot count; pages are rendered from the database.
- **The database down**: the page cache answers what it holds (it needs no database); any
  request that needs the database gets `unavailable()` — an Arabic 503 with Retry-After — from
  `OutageMiddleware` (an exception in a view) or `server_error` (settings' handler500: one in
  a middleware), never a 500. Web processes reconnect by themselves (Django drops a broken
  connection after the request); the scheduler and task workers drop theirs before each
  tick or task (`connections_refresh`), and `nashra worker` starts its queue again.

One warning per outage and service, not a traceback per request (`outage`).
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger("nashra.faults")

# The database not answering: refused, reset, timed out, shut down, or a connection that broke.
DATABASE_OUTAGES = (OperationalError, InterfaceError)
# A warning per service at most this often while it stays down.
WARN_EVERY_SECONDS = 60
UNAVAILABLE_MESSAGE = "الموقع يواجه عطلًا مؤقتًا ولا يستطيع إجابة هذا الطلب الآن. حاول مرة أخرى بعد قليل."

_warned: dict[str, float] = {}
_warned_lock = threading.Lock()


def _outage_classes() -> tuple[type[BaseException], ...]:
    from .cache import REDIS_OUTAGES

    return (*DATABASE_OUTAGES, *REDIS_OUTAGES)


def is_outage(error: BaseException | None) -> bool:
    """A backing service (the database, Redis) did not answer: worth a retry, not a bug."""
    return error is not None and isinstance(error, _outage_classes())


def outage(name: str, error: BaseException) -> None:
    """Log that `name` is down: once, then at most every WARN_EVERY_SECONDS while it stays so."""
    now = time.monotonic()
    with _warned_lock:
        last = _warned.get(name)
        if last is not None and now - last < WARN_EVERY_SECONDS:
            return
        _warned[name] = now
    logger.warning("%s is unreachable (%s: %s); serving without it", name,
                   type(error).__name__, str(error).strip().splitlines()[0] if str(error) else "")


def recovered(name: str) -> None:
    with _warned_lock:
        _warned.pop(name, None)
    logger.warning("%s answers again", name)


def _service(error: BaseException) -> str:
    return "the database" if isinstance(error, DATABASE_OUTAGES) else "Redis"


def unavailable(request=None) -> HttpResponse:
    """The answer to a request that needs a service that is down: 503, Retry-After, in Arabic
    (JSON for the APIs and for scripts that ask for it). Rendered without a request context:
    its processors (site settings, the user) would need the database."""
    wants_json = request is not None and (
        request.path_info.startswith("/api/")
        or "application/json" in request.headers.get("Accept", ""))
    if wants_json:
        response = JsonResponse({"ok": False, "message": UNAVAILABLE_MESSAGE}, status=503,
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(
            render_to_string("core/unavailable.html", {"message": UNAVAILABLE_MESSAGE}),
            status=503)
    response["Retry-After"] = str(settings.NASHRA_OUTAGE_RETRY_AFTER)
    add_never_cache_headers(response)
    # Logged once per outage by `outage`, not once per request by django.request.
    response._has_been_logged = True
    return response


class OutageMiddleware:
    """A view that finds the database (or Redis) down answers `unavailable()`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        outage(_service(exception), exception)
        return unavailable(request)


def server_error(request, *args, **kwargs):
    """handler500: an outage met outside a view (a middleware reading the session or the
    site) answers 503 like one met in a view; anything else Django's 500 page."""
    error = sys.exc_info()[1]
    if is_outage(error):
        outage(_service(error), error)
        return unavailable(request)
    return defaults.server_error(request, *args, **kwargs)


def connections_refresh() -> None:
    """Drop broken or expired database connections, as Django does around a request: for
    processes that serve no requests (the scheduler, task workers), so that a connection
    broken by a database restart is replaced, not failed with forever.

    Not one inside a transaction (a caller's atomic block, a test case): Django closes those
    because autocommit is off, which would throw the caller's work away.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def _task_boundary(sender, **kwargs) -> None:
    from django_tasks.backends.immediate import ImmediateBackend

    # A task run in the caller's request or tick (tests) leaves connections to the caller.
    # (RQ's job sends the backend's class, django-tasks-db's worker the backend itself.)
    backend = sender if isinstance(sender, type) else type(sender)
    if not issubclass(backend, ImmediateBackend):
        connections_refresh()


def connect_task_signals() -> None:
    """Refresh connections before and after every task, whatever runs it (db_worker, RQ)."""
    from django_tasks.signals import task_finished, task_started

    task_started.connect(_task_boundary, dispatch_uid="nashra.core.faults.task_started")
    task_finished.connect(_task_boundary, dispatch_uid="nashra.core.faults.task_finished")


def run_until_stopped(run, *, name: str, sleep=time.sleep) -> None:
    """Call `run()` (a worker loop) again whenever it stops on an outage, after a pause that
    grows to NASHRA_OUTAGE_RETRY_AFTER; return when it returns; raise anything else."""
    pause = 1.0
    while True:
        try:
            return run()
        except _outage_classes() as error:
            outage(f"{name}: {_service(error)}", error)
            connections_refresh()
            sleep(pause)
            pause = min(pause * 2, settings.NASHRA_OUTAGE_RETRY_AFTER)
