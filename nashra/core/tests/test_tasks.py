"""Background work on the database queue: a front cache that accepts connections and never
answers holds up no publish, and the purge lands once it answers again."""

import socket
import threading
from urllib.parse import quote, unquote

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from nashra.core import tasks

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["front", "default"]}}


class FrontCache:
    """A TCP server standing in for nginx: `hang` accepts connections and never answers;
    otherwise it answers every request 200 and records its method and path."""

    def __init__(self):
        self.hang = True
        self.connections = 0
        self.requests: list[tuple[str, str]] = []
        self._held: list[socket.socket] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            if self.hang:
                self._held.append(conn)
                continue
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            method, path = data.split(b" ")[:2]
            self.requests.append((method.decode(), unquote(path.decode())))
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            conn.close()

    def close(self):
        self._server.close()
        for conn in self._held:
            conn.close()


@pytest.fixture
def front_cache():
    server = FrontCache()
    yield server
    server.close()


def _run_worker(**options):
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0,
                 queue_name="front,default", **options)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hanging_front_cache_never_holds_up_a_publish(front_cache, make_article):
    with override_settings(
        TASKS=DATABASE_QUEUE,
        WAGTAILFRONTENDCACHE={"nginx": {"BACKEND": "nashra.core.pagecache.HTTPPurgeBackend",
                                        "LOCATION": f"http://127.0.0.1:{front_cache.port}"}},
        NASHRA_FRONT_CACHE_TIMEOUT=0.5,
        NASHRA_TASK_RETRY_SECONDS=[0, 0],
    ):
        make_article(title="خبر سابق")  # the site and its sections, published
        front_cache.hang = False
        _run_worker()
        front_cache.hang, front_cache.requests = True, []
        DBTaskResult.objects.all().delete()
        before = front_cache.connections

        story = make_article(title="خبر عاجل")
        # The editor's publish has answered without a single connection to the front cache:
        # the refresh of its pages waits in the queue.
        assert front_cache.connections == before
        refresh = DBTaskResult.objects.filter(task_path="nashra.core.tasks.front_refresh")
        assert refresh.count() == 1
        DBTaskResult.objects.exclude(pk__in=refresh).delete()  # Wagtail's own index updates

        _run_worker(max_tasks=1)  # the worker's first try: the cache takes it and never answers
        assert front_cache.connections == before + 1 and front_cache.requests == []
        # what it did not take is purged instead, with retries
        purge = DBTaskResult.objects.filter(task_path="nashra.core.tasks.front_purge")
        assert purge.filter(status="READY").count() == 1

        _run_worker(max_tasks=1)  # still hanging: that attempt fails, another is queued
        assert purge.filter(status="FAILED").count() == 1
        assert purge.filter(status="READY").count() == 1

        front_cache.hang = False  # it answers again
        _run_worker()
        purged = {path for method, path in front_cache.requests if method == "PURGE"}
        assert unquote(story.url) in purged and "/" in purged
        assert purge.filter(status="SUCCESSFUL").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_purge_is_given_up_after_its_last_retry(front_cache, make_article, caplog):
    with override_settings(
        TASKS=DATABASE_QUEUE,
        WAGTAILFRONTENDCACHE={"nginx": {"BACKEND": "nashra.core.pagecache.HTTPPurgeBackend",
                                        "LOCATION": f"http://127.0.0.1:{front_cache.port}"}},
        NASHRA_FRONT_CACHE_TIMEOUT=0.2,
        NASHRA_TASK_RETRY_SECONDS=[0],
    ):
        story = make_article(title="خبر")
        DBTaskResult.objects.all().delete()  # the site's own setup
        tasks.later(tasks.front_purge, ["http://localhost" + story.url])
        _run_worker()
        results = DBTaskResult.objects.filter(task_path="nashra.core.tasks.front_purge")
    assert sorted(results.values_list("status", flat=True)) == ["FAILED", "FAILED"]
    assert "given up after 2 attempts" in caplog.text


def test_later_in_a_transaction_queues_with_it_on_the_database(db, make_article):
    from django.db import transaction

    with override_settings(TASKS=DATABASE_QUEUE):
        try:
            with transaction.atomic():
                tasks.later(tasks.front_purge, ["http://localhost/" + quote("خبر") + "/"])
                assert DBTaskResult.objects.count() == 1
                raise RuntimeError("the editor's save failed")
        except RuntimeError:
            pass
        assert DBTaskResult.objects.count() == 0  # rolled back with the write it served


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_front_cache_work_is_taken_before_work_queued_earlier():
    """A publish queues Wagtail's index updates before its front-cache refresh; the worker
    takes the refresh first (its own queue, at the highest priority on the database queue)."""
    with override_settings(TASKS=DATABASE_QUEUE, WAGTAILFRONTENDCACHE={}):
        from nashra.discovery.subscribers import related_refresh

        tasks.enqueue(related_refresh, (1,))
        tasks.enqueue(tasks.front_refresh, (["http://localhost/"],))
        first = DBTaskResult.objects.ready().first()  # the worker's own order
        assert first.task_path == "nashra.core.tasks.front_refresh"
        assert first.queue_name == tasks.FRONT_QUEUE
        _run_worker()
        assert not DBTaskResult.objects.ready().exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_queued_refresh_covers_every_later_change_to_the_same_pages():
    """50 approved comments a second on one story queue one refresh of its page at a time: it
    renders the page when it runs, after every change queued behind it."""
    from nashra.core import pagecache

    urls = ["http://localhost/story/"]
    with override_settings(TASKS=DATABASE_QUEUE, WAGTAILFRONTENDCACHE={"nginx": {
            "BACKEND": "nashra.core.pagecache.RecordingPurgeBackend"}}):
        for _ in range(50):
            pagecache._front_tell(urls, drop=False)
        assert DBTaskResult.objects.filter(task_path="nashra.core.tasks.front_refresh").count() == 1
        _run_worker()  # the refresh starts: the next change queues another
        pagecache._front_tell(urls, drop=False)
        pagecache._front_tell(["http://localhost/other/"], drop=False)
        assert DBTaskResult.objects.ready().count() == 1  # the other pages: at once
        # the same pages again: not before a second after the last refresh started
        waiting = DBTaskResult.objects.exclude(status="SUCCESSFUL").filter(
            args_kwargs__args=[urls]).get()
        assert waiting.run_after is not None
        # purges (a story gone) are never held back
        pagecache._front_tell(urls, drop=True)
        pagecache._front_tell(urls, drop=True)
        assert DBTaskResult.objects.ready().filter(
            task_path="nashra.core.tasks.front_purge").count() == 2
        _run_worker()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_busy_thread_refreshes_its_story_every_few_seconds_an_edit_at_once(settings):
    """Comments refresh a story's cached copies at most every NASHRA_COMMENT_REFRESH_SECONDS;
    the story's other changes keep their one-second spacing."""
    from nashra.core import pagecache

    urls = ["http://localhost/story/"]
    with override_settings(TASKS=DATABASE_QUEUE, WAGTAILFRONTENDCACHE={"nginx": {
            "BACKEND": "nashra.core.pagecache.RecordingPurgeBackend"}}):
        pagecache.refresh_release(urls)  # a refresh of the story just started
        pagecache._front_tell(urls, drop=False, every=settings.NASHRA_COMMENT_REFRESH_SECONDS)
        queued = DBTaskResult.objects.get(task_path="nashra.core.tasks.front_refresh")
        wait = (queued.run_after - queued.enqueued_at).total_seconds()
        assert settings.NASHRA_COMMENT_REFRESH_SECONDS - 1 < wait <= (
            settings.NASHRA_COMMENT_REFRESH_SECONDS)
        queued.delete()
        pagecache.refresh_release(urls)
        pagecache._front_tell(urls, drop=False)
        queued = DBTaskResult.objects.get(task_path="nashra.core.tasks.front_refresh")
        assert (queued.run_after - queued.enqueued_at).total_seconds() <= 1


def test_comments_stay_out_of_wagtails_reference_index():
    """Every comment saved would otherwise queue a reference-index task (960 of them in a
    3,000-comment load run)."""
    from wagtail.models import ReferenceIndex

    from nashra.comments.models import Comment

    assert not ReferenceIndex.model_is_indexable(Comment)
