"""The minute scheduler: when it wakes, what a tick publishes, and that a failure is survived."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections

from nashra.core import scheduler
from nashra.core.scheduler import scheduler_run_forever, scheduler_tick, seconds_until_next_tick
from nashra.news.models import ArticlePage

AMMAN = ZoneInfo("Asia/Amman")


def at(hour, minute, second=0, microsecond=0, tz=dt.UTC):
    return dt.datetime(2025, 6, 1, hour, minute, second, microsecond, tzinfo=tz)


@pytest.mark.parametrize(
    ("now", "offset", "expected"),
    [
        # just before the minute: wait for 14:05:01
        (at(14, 4, 59, 500_000), 1, 1.5),
        # the minute has turned but its tick is still ahead
        (at(14, 5, 0, 200_000), 1, 0.8),
        # exactly on the tick: that one is being run now, so the next is a minute away
        (at(14, 5, 1), 1, 60.0),
        # mid-minute
        (at(14, 5, 30), 1, 31.0),
        # just after a tick
        (at(14, 5, 1, 1), 1, 59.999999),
        # no offset: the minute boundary itself
        (at(14, 4, 59, 999_000), 0, 0.001),
        (at(14, 5, 0), 0, 60.0),
        # a larger offset, and a minute that rolls over the hour
        (at(14, 59, 50), 15, 25.0),
        (at(14, 59, 20), 15, 55.0),
        # the answer does not depend on the time zone of `now`
        (at(14, 4, 59, 500_000, tz=AMMAN), 1, 1.5),
    ],
)
def test_seconds_until_next_tick(now, offset, expected):
    wait = seconds_until_next_tick(now, offset)
    assert wait == pytest.approx(expected, abs=1e-6)
    # whatever the time, the scheduler wakes within the coming minute, never "now"
    assert 0 < wait <= 60


@pytest.fixture
def scheduled_at_1405(make_article):
    """A story imported at 14:00 (Amman) with a publication time of 14:05."""
    go_live = at(14, 5, tz=AMMAN)
    with time_machine.travel(at(14, 0, tz=AMMAN), tick=False):
        article = make_article(published_at=go_live)
    assert not article.live
    assert article.revisions.filter(approved_go_live_at=go_live).exists()
    return article


@pytest.mark.parametrize(
    ("run_at", "published"),
    [
        (at(14, 4, 59, tz=AMMAN), False),
        # Wagtail publishes only what is strictly past due; hence the one-second offset.
        (at(14, 5, 0, tz=AMMAN), False),
        (at(14, 5, 1, tz=AMMAN), True),
    ],
)
def test_scheduler_tick_publishes_what_is_due(scheduled_at_1405, run_at, published):
    with time_machine.travel(run_at, tick=False):
        scheduler_tick()
    article = ArticlePage.objects.get(pk=scheduled_at_1405.pk)
    assert article.live is published
    assert article.revisions.exclude(approved_go_live_at=None).exists() is not published


def test_scheduler_tick_unpublishes_what_has_expired(make_article):
    article = make_article()
    ArticlePage.objects.filter(pk=article.pk).update(expire_at=at(14, 10, tz=AMMAN))
    with time_machine.travel(at(14, 9, 59, tz=AMMAN), tick=False):
        scheduler_tick()
    assert ArticlePage.objects.get(pk=article.pk).live
    with time_machine.travel(at(14, 10, 1, tz=AMMAN), tick=False):
        scheduler_tick()
    article.refresh_from_db()
    assert not article.live
    assert article.expired


@pytest.mark.django_db
def test_scheduler_tick_never_closes_a_connection_inside_a_transaction(monkeypatch):
    # The test runs inside a transaction, as a caller's atomic block would. Closing its
    # connection (Django's close_old_connections does, autocommit being off) loses the work;
    # on PostgreSQL every later query in the test then fails.
    connection = connections["default"]
    closed = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))
    scheduler_tick()
    assert closed == []
    # Out of a transaction, a connection in that state is dropped as before.
    monkeypatch.setattr(connection, "in_atomic_block", False)
    scheduler_tick()
    assert closed == [True, True]


def test_scheduler_command_once_runs_one_tick(scheduled_at_1405):
    with time_machine.travel(at(14, 5, 1, tz=AMMAN), tick=False):
        call_command("scheduler", "--once")
    assert ArticlePage.objects.get(pk=scheduled_at_1405.pk).live


class _PublishFailed(Exception):
    pass


def _failing_publish(calls):
    def call_command(name, **options):
        calls.append(name)
        raise _PublishFailed("قاعدة البيانات غير متاحة")

    return call_command


@pytest.mark.django_db
def test_run_forever_once_survives_a_failing_tick_and_logs_it(monkeypatch, caplog):
    calls = []
    monkeypatch.setattr(scheduler, "call_command", _failing_publish(calls))

    def no_sleep(seconds):
        raise AssertionError("once=True must not sleep")

    monkeypatch.setattr(scheduler.time, "sleep", no_sleep)
    with caplog.at_level(logging.ERROR, logger="nashra.scheduler"):
        scheduler_run_forever(once=True)  # does not raise

    assert calls == ["publish_scheduled"]
    [record] = [r for r in caplog.records if r.name == "nashra.scheduler"]
    assert record.levelno == logging.ERROR
    assert "scheduled publishing failed" in record.getMessage()
    assert record.exc_info[0] is _PublishFailed


class _StopLoop(BaseException):
    """Not an Exception, so the loop's own `except Exception` lets it through."""


@pytest.mark.django_db
def test_run_forever_keeps_ticking_after_a_failure(monkeypatch, caplog, settings):
    settings.NASHRA_SCHEDULER_OFFSET_SECONDS = 1
    calls, sleeps = [], []
    monkeypatch.setattr(scheduler, "call_command", _failing_publish(calls))

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise _StopLoop

    monkeypatch.setattr(scheduler.time, "sleep", sleep)
    with (
        time_machine.travel(at(14, 5, 30), tick=False),
        caplog.at_level(logging.ERROR, logger="nashra.scheduler"),
        pytest.raises(_StopLoop),
    ):
        scheduler_run_forever()

    assert calls == ["publish_scheduled", "publish_scheduled"]
    assert sleeps == [31.0, 31.0]
    records = [r for r in caplog.records if r.name == "nashra.scheduler"]
    assert [r.exc_info[0] for r in records] == [_PublishFailed, _PublishFailed]


CALLS = []


def record_job():
    CALLS.append("ran")


def failing_job():
    raise RuntimeError("boom")


@pytest.mark.django_db
def test_tick_runs_every_configured_job_and_one_failure_spares_the_rest(settings, caplog):
    settings.NASHRA_SCHEDULER_JOBS = [
        "nashra.core.tests.test_scheduler.failing_job",
        "nashra.core.tests.test_scheduler.record_job",
    ]
    CALLS.clear()
    with caplog.at_level(logging.ERROR):
        scheduler_tick()
    assert CALLS == ["ran"]
    assert "failing_job failed" in caplog.text


def test_the_site_schedules_discovery_refresh_and_comment_purge():
    from django.conf import settings

    assert "nashra.comments.services.comments_purge" in settings.NASHRA_SCHEDULER_JOBS
    assert "nashra.discovery.services.scheduler_job" in settings.NASHRA_SCHEDULER_JOBS
