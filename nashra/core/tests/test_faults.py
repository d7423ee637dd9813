"""Serving through outages (nashra.core.faults, nashra.core.cache; issue 16, item 5).

- Redis: a real redis-server of the test's own on a spare port (never the shared one), killed
  with SIGKILL while the site serves, then started again. Reader pages, search, comment posts,
  the read beacon and an editor's session keep working; rate limits fail safe; the caches are
  used again once it is back.
- The database: every query fails as it does when PostgreSQL is down. Pages in the page cache
  still serve; search, comment posts and pages that need the database get an Arabic 503 with
  Retry-After; the scheduler and the task worker carry on once it answers again.
"""

import logging
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client, override_settings

from nashra.comments import services as comment_services
from nashra.comments.models import Comment
from nashra.core import cache as nashra_cache
from nashra.core import faults, scheduler, sites
from nashra.discovery import counters
from nashra.discovery.services import beacon_token

pytestmark = pytest.mark.django_db

SEARCH = "/search/?q=" + "الحافلات"
TITLE = "الحكومة تعلن خطة جديدة للحافلات"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Firefox/130.0"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own: no snapshot, no append-only file."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        for _ in range(200):
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.kill()


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_warnings():
    faults._warned.clear()  # each test sees its own outages' first warning
    yield
    faults._warned.clear()


def _cached_again(client, url) -> bool:
    """The page cache stores and serves the page again (a new generation, a miss, a hit)."""
    return any(client.get(url).get("X-Page-Cache") == "HIT" for _ in range(3))


def _caches_at(url: str) -> dict:
    backend = "nashra.core.cache.RedisCache"
    return {
        "default": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "faults"},
        "renditions": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "faults-renditions"},
        "pages": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "faults-pages",
                  "TIMEOUT": 600},
    }


@contextmanager
def served_by(server: RedisServer):
    """Every cache, the sessions and the read counter on `server`, as production has them."""
    nashra_cache.forget_health()
    counters.reset_counters()
    sites._memo.update(version=None, sites={})
    with override_settings(
        CACHES=_caches_at(server.url),
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        NASHRA_VIEW_COUNTERS={"default": {
            "BACKEND": "nashra.discovery.counters.RedisViewCounter",
            "OPTIONS": {"url": server.url, "key": "faults:views"}}},
        # A failed Redis is tried again on the next call: the test need not wait out the pause.
        NASHRA_CACHE_RETRY_SECONDS=0,
    ):
        try:
            yield
        finally:
            nashra_cache.forget_health()
            counters.reset_counters()
            sites._memo.update(version=None, sites={})


def _comment(client, article, ip: str, body: str):
    data = {"body": body, "author_name": "سارة", "author_email": "sara@example.org",
            "author_url": "", "ts": comment_services.fill_token_make(), "nickname": ""}
    return client.post(f"/comments/post/{article.pk}/", data,
                       headers={"Origin": "http://testserver"}, REMOTE_ADDR=ip)


def _no_error_logged(records) -> None:
    errors = [r for r in records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def test_the_site_serves_through_a_redis_outage_and_uses_redis_again_after(
        own_redis, make_article, caplog):
    article = make_article(title=TITLE)
    url = article.url
    editor = get_user_model().objects.create_superuser("chief", "chief@example.org", "x")
    with served_by(own_redis):
        reader, poster, desk = Client(), Client(), Client()
        desk.force_login(editor)
        assert reader.get(url).status_code == 200
        hit = reader.get(url)
        assert hit["X-Page-Cache"] == "HIT"  # the page cache is in this Redis
        assert desk.get("/admin/").status_code == 200
        assert redis.Redis.from_url(own_redis.url).dbsize() > 0

        own_redis.kill()
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            home = reader.get("/")
            story = reader.get(url)
            found = reader.get(SEARCH)
            posted = _comment(poster, article, "203.0.113.7", "تغطية مفيدة، شكرًا لكم.")
            issued, signature = beacon_token(article.pk)
            beacon = reader.post(f"/discovery/v/{article.pk}/{issued}/{signature}/",
                                 HTTP_USER_AGENT=BROWSER)
            admin = desk.get("/admin/")
        # Rendered from the database, and not offered to shared caches as if cached.
        assert home.status_code == 200
        assert story.status_code == 200 and TITLE in story.content.decode()
        assert "X-Page-Cache" not in story
        assert found.status_code == 200 and TITLE in found.content.decode()
        assert beacon.status_code == 204
        # The editor is still signed in: the session is in the database too.
        assert admin.status_code == 200
        # The post is kept, but the address's posts cannot be counted: held for a person, not
        # published past a limit nobody can check (fails safe, not open).
        assert posted.status_code == 302
        held = Comment.objects.get(page=article)
        assert held.status == Comment.Status.PENDING
        assert held.reasons == [comment_services.RATE_UNKNOWN]
        # One warning per outage and service, no traceback per request.
        _no_error_logged(caplog.records)
        assert not any(r.exc_info for r in caplog.records)
        assert any("unreachable" in r.getMessage() for r in caplog.records)

        own_redis.start()  # the same port, empty: as after a crash without a snapshot
        assert _cached_again(reader, url)
        assert desk.get("/admin/").status_code == 200
        assert _comment(poster, article, "203.0.113.8", "عودة الخدمة سريعة.").status_code == 302
        assert Comment.objects.get(author_email="sara@example.org", page=article,
                                   body="عودة الخدمة سريعة.").reasons != [
            comment_services.RATE_UNKNOWN]


def test_what_redis_held_before_an_outage_is_dropped_when_it_is_back(own_redis, make_article):
    """A Redis that comes back with its old data (a network split, a restart from a snapshot)
    must not serve pages purged while it could not be reached."""
    article = make_article(title=TITLE)
    with served_by(own_redis):
        reader = Client()
        reader.get(article.url)
        assert reader.get(article.url)["X-Page-Cache"] == "HIT"
        store = caches["pages"]
        # The process finds Redis down (a split: the data stays where it is) ...
        store._failed(redis.exceptions.ConnectionError("split"))
        other = redis.Redis.from_url(own_redis.url)
        generation = b"faults-pages:1:pc:gen"
        before = other.get(generation)
        assert before is not None  # the data is still there
        # ... and once it answers again, nothing of ours from before is served: the entries
        # are gone and the page cache starts a new generation.
        assert reader.get(article.url).get("X-Page-Cache") != "HIT"
        assert other.get(generation) not in (None, before)
        assert _cached_again(reader, article.url)


def test_a_cache_that_is_down_answers_as_an_empty_one_but_never_a_count(own_redis):
    with served_by(own_redis):
        store = caches["default"]
        store.set("k", 1)
        own_redis.kill()
        assert store.get("k", "default") == "default"
        assert store.get_many(["k"]) == {}
        assert store.add("k", 2) is False
        store.set("k", 3)
        store.delete("k")
        with pytest.raises(nashra_cache.CacheUnavailable):
            store.incr("k")
        own_redis.start()
        assert store.add("k", 4) is True and store.incr("k") == 5


# --- the database down -----------------------------------------------------------------------

_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def database_down(after: int | None = None):
    """Every query fails as it does when PostgreSQL (or SQLite's file) cannot be reached,
    after the first `after` of them when given. The test's own savepoints still work, so
    its transaction can be rolled back."""
    seen = {"queries": 0}

    def refuse(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            seen["queries"] += 1
            if after is None or seen["queries"] > after:
                raise OperationalError("connection to server at \"127.0.0.1\", port 5432 "
                                       "failed: Connection refused")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield seen


def _unavailable(response) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_with_the_database_down_cached_pages_serve_and_the_rest_answers_503(
        make_article, caplog):
    article = make_article(title=TITLE)
    other = make_article(title="خبر لم يقرأه أحد بعد")
    reader = Client(raise_request_exception=False)
    reader.get(article.url)
    assert reader.get(article.url)["X-Page-Cache"] == "HIT"
    with caplog.at_level(logging.WARNING), database_down():
        cached = reader.get(article.url)
        found = reader.get(SEARCH)
        api = reader.get("/api/search/?q=" + "الحافلات")
        posted = _comment(reader, article, "203.0.113.7", "تعليق في أثناء العطل.")
        uncached = reader.get(other.url)
        sites._memo.update(version=None, sites={})  # the Site read by a middleware, too
        uncached_site = reader.get(other.url)
    assert cached.status_code == 200 and TITLE in cached.content.decode()
    for response in (found, posted, uncached, uncached_site):
        _unavailable(response)
        body = response.content.decode()
        assert 'lang="ar"' in body and "حاول مرة أخرى" in body
    _unavailable(api)
    assert "حاول مرة أخرى" in api.json()["message"]
    _no_error_logged(caplog.records)
    # Once it answers again, so does the site.
    assert reader.get(SEARCH).status_code == 200
    assert reader.get(other.url).status_code == 200


def test_the_scheduler_logs_an_outage_once_and_publishes_again_after(caplog, home):
    with caplog.at_level(logging.WARNING), database_down():
        scheduler.scheduler_run_forever(once=True)
        scheduler.scheduler_run_forever(once=True)
    _no_error_logged(caplog.records)
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
    scheduler.scheduler_tick()  # the next minute, with the database back


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["front", "default"]}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_worker_waits_out_a_database_outage(monkeypatch, caplog):
    """django-tasks-db's worker stops on the first failed query; `nashra worker` starts it
    again once the database answers, and the queued work is done."""
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(faults.time, "sleep", lambda seconds: None)
    with override_settings(TASKS=DATABASE_QUEUE, TASKS_ENGINE="database"):
        scheduler.scheduler_job_run.enqueue("nashra.comments.services.comments_purge")
        with caplog.at_level(logging.WARNING), database_down(after=0) as seen:
            original = faults.connections_refresh

            def refresh_and_recover():
                original()
                seen["queries"] = -10_000  # the database answers from the next try on

            monkeypatch.setattr(faults, "connections_refresh", refresh_and_recover)
            call_command("worker", batch=True, verbosity=0)
        done = DBTaskResult.objects.get()
        assert done.status == "SUCCESSFUL", done.traceback
    assert any("unreachable" in r.getMessage() for r in caplog.records)


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                    reason="needs a database server that can close a connection")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_worker_replaces_a_connection_a_database_restart_broke():
    """RQ's worker serves no requests, so nothing dropped a connection PostgreSQL had closed
    (a restart, a failover): every later task failed on it. Each task now starts on a good
    one. (PostgreSQL only: SQLite has no server to lose.)"""
    from django.db import connections
    from django_tasks.signals import task_started
    from django_tasks_db import DatabaseBackend

    with override_settings(TASKS=DATABASE_QUEUE):
        # What a worker says as it starts a task (RQ's job sends the same signal).
        queued = scheduler.scheduler_job_run.enqueue("nashra.comments.services.comments_purge")
        pid = connection.connection.info.backend_pid
        other = connections["default"].copy()  # the server closes this process's session
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
        task_started.send(sender=DatabaseBackend, task_result=queued)
        assert Comment.objects.count() == 0  # a query on a working connection
