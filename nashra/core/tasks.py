"""Work that can wait runs as a task, never in an editor's or a reader's request.

On django-tasks (the engine Wagtail 8 itself enqueues its search-index and reference-index
updates on): the database backend (django-tasks-db) on the embedded install, RQ on Redis in
production (settings.TASKS; `nashra worker` runs them, `make run` and `nashra serve` start one
beside the server). Tests run tasks in the request (the immediate backend).

- `later(task, …)` enqueues once the current transaction commits, so a worker never reads a
  story before its publish is visible; a queue that is down is logged, never raised into the
  editor's save.
- A task that fails calls `retry(task, attempt, …)`: it runs again after
  NASHRA_TASK_RETRY_SECONDS[attempt] (5 s, 20 s, 1 min, 5 min, 15 min, 1 h), then is given
  up with an error in the log. A backend that cannot defer (immediate) does not retry.

The tasks themselves live beside the code they run (`front_purge` and `front_refresh` here; `related_refresh` in
discovery, `renditions_make` in news, `scheduler_job_run` in core.scheduler), so each app's
work stays its own.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TASK_MAX_PRIORITY
from django_tasks_db import DatabaseBackend

from . import faults

logger = logging.getLogger("nashra.tasks")


def enqueue(task_obj, args=(), kwargs=None) -> None:
    """Queue now (after a commit already); a queue that is down is logged, not raised."""
    kwargs = kwargs or {}
    try:
        if task_obj.queue_name == FRONT_QUEUE and task_obj.get_backend().supports_priority:
            task_obj = task_obj.using(priority=TASK_MAX_PRIORITY)
        task_obj.enqueue(*args, **kwargs)
    except Exception as error:
        if faults.is_outage(error):  # Redis (or the database) down: one warning an outage
            faults.outage("the task queue (tasks are not queued meanwhile)", error)
        else:
            logger.exception("could not queue %s", task_obj.name)


def enqueue_after(seconds: float, task_obj, args=(), kwargs=None) -> None:
    """Queue to run `seconds` from now where the queue can wait (database, RQ); at once where it
    cannot (the immediate queue of tests)."""
    if seconds > 0 and task_obj.get_backend().supports_defer:
        task_obj = task_obj.using(run_after=timezone.now() + dt.timedelta(seconds=seconds))
    enqueue(task_obj, args, kwargs)


def later(task_obj, *args, **kwargs) -> None:
    """Queue `task_obj(*args, **kwargs)` so that it runs on what the current transaction
    writes: on the database queue in the same transaction (the task row commits, or rolls
    back, with the change), on other queues once it commits. Arguments must be JSON: ids and
    strings, not model instances."""
    if _transactional(task_obj.get_backend()):
        enqueue(task_obj, args, kwargs)
    else:
        transaction.on_commit(lambda: enqueue(task_obj, args, kwargs))


def _transactional(backend) -> bool:
    # The database queue writes its row through the ORM, in the caller's transaction; the
    # immediate backend runs in it.
    return isinstance(backend, DatabaseBackend | ImmediateBackend)


def retry(task_obj, attempt: int, *args, **kwargs) -> bool:
    """Queue another attempt after the next backoff delay; False when none is left (or the
    backend cannot defer), and the caller lets the failure stand."""
    delays = settings.NASHRA_TASK_RETRY_SECONDS
    backend = task_obj.get_backend()
    if attempt >= len(delays) or not backend.supports_defer:
        return False
    when = timezone.now() + dt.timedelta(seconds=delays[attempt])
    task_obj.using(run_after=when).enqueue(*args, attempt=attempt + 1, **kwargs)
    return True


# Front-cache work jumps the queue: it has its own queue, which workers take first (RQ
# listens to FRONT_QUEUE before "default"; the database queue, which orders by priority, gets
# it at the highest priority, `enqueue`). A refresh is one small request per page, and readers
# see an edit only once it ran, while Wagtail's search- and reference-index updates of the same
# publish, queued before it, can take far longer at 100,000 stories.
FRONT_QUEUE = "front"


@task(queue_name=FRONT_QUEUE)
def front_purge(urls: list[str], backends: list[str] | None = None, attempt: int = 0) -> None:
    """Purge full URLs from the front caches (settings.WAGTAILFRONTENDCACHE). A front cache
    that fails or does not answer within NASHRA_FRONT_CACHE_TIMEOUT is asked again later, the
    others are not asked twice."""
    from . import pagecache

    failed = pagecache.front_purge_now(urls, backends=backends)
    if not failed:
        return
    names = ", ".join(failed)
    if retry(front_purge, attempt, urls, backends=failed):
        # This attempt is recorded as failed; the next one is queued.
        raise pagecache.FrontCacheError(f"{names} did not take a purge of {len(urls)} URLs; "
                                        f"retrying (attempt {attempt + 2})")
    logger.error("front caches %s did not take a purge of %d URLs; given up after %d attempts",
                 names, len(urls), attempt + 1)
    raise pagecache.FrontCacheError(f"{names}: purge given up after {attempt + 1} attempts")


@task(queue_name=FRONT_QUEUE)
def front_refresh(urls: list[str]) -> None:
    """Have the front caches fetch these pages anew while they keep serving their copies
    (pagecache.front_refresh: nginx refreshes; CDNs are purged). What a front cache did not
    take is purged instead, later and with retries, like any purge."""
    from . import pagecache

    pagecache.refresh_release(urls)  # a change from now on queues the next refresh
    missed = pagecache.front_refresh(urls)
    if missed and not retry(front_purge, 0, missed):
        raise pagecache.FrontCacheError(f"{len(missed)} URLs neither refreshed nor purged")
