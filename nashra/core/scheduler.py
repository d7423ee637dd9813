"""Minute-accurate scheduled publishing without an external cron.

Wagtail publishes what is due when `publish_scheduled` runs; this loop runs it just after
every minute boundary, so a story set for 14:05 is live by 14:05:0x, then queues each of
NASHRA_SCHEDULER_JOBS as a task (discovery's flush and refresh, the comment purge).
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_tasks import task

from . import faults, tasks

logger = logging.getLogger("nashra.scheduler")


def seconds_until_next_tick(now: dt.datetime, offset: float) -> float:
    """Seconds from `now` to `offset` seconds past the next minute (or this one, if still ahead)."""
    this_tick = now.replace(second=0, microsecond=0) + dt.timedelta(seconds=offset)
    if this_tick > now:
        return (this_tick - now).total_seconds()
    return (this_tick + dt.timedelta(minutes=1) - now).total_seconds()


def scheduler_tick() -> None:
    """Publish every revision whose time has come; unpublish every page whose time is up."""
    faults.connections_refresh()  # a database restarted since the last minute: reconnect
    try:
        call_command("publish_scheduled", verbosity=0)
        for job in getattr(settings, "NASHRA_SCHEDULER_JOBS", ()):
            # Each on the task queue: a slow job never delays the next minute's publishing,
            # and one app's failure never stops another's.
            tasks.enqueue(scheduler_job_run, (job,))
    finally:
        faults.connections_refresh()


@task()
def scheduler_job_run(path: str) -> None:
    """One of NASHRA_SCHEDULER_JOBS (a dotted path), run by a task worker."""
    if path not in settings.NASHRA_SCHEDULER_JOBS:  # only what the settings name is run
        raise ValueError(f"not a scheduler job: {path}")
    try:
        import_string(path)()
    except Exception:
        logger.exception("scheduler job %s failed", path)
        raise


def scheduler_run_forever(*, once: bool = False) -> None:
    offset = settings.NASHRA_SCHEDULER_OFFSET_SECONDS
    while True:
        try:
            scheduler_tick()
        except faults.DATABASE_OUTAGES as error:  # one warning an outage, not one a minute
            faults.outage("the scheduler: the database", error)
        except Exception:  # a bad row must not stop tomorrow's stories
            logger.exception("scheduled publishing failed; retrying at the next minute")
        if once:
            return
        time.sleep(seconds_until_next_tick(dt.datetime.now(dt.UTC), offset))
