"""Shared fixtures: a fresh install's page tree, built through the same services as `make run`."""

from contextlib import contextmanager

import pytest
from django.core.cache import cache, caches
from django.test import TestCase


@pytest.fixture(autouse=True)
def _clear_cache():
    from nashra.core.pagecache import RecordingPurgeBackend

    # "renditions" too: Wagtail takes a rendition it remembers there for made, and a test's
    # rolled-back renditions would otherwise pass for made in the next (the API shows only
    # renditions that exist).
    for alias in ("default", "pages", "renditions"):
        caches[alias].clear()
    RecordingPurgeBackend.purged.clear()
    yield
    cache.clear()
    caches["pages"].clear()
    caches["renditions"].clear()


def home_install():
    from nashra.news import services

    home = services.site_install()
    services.newsroom_roles_ensure(home=home)
    return home


def article_maker(home, *, prefix: str = "test"):
    """make(title=..., section=...) publishes a story through the import service; `prefix`
    keeps the external ids of stories built for many tests apart from a test's own."""
    from nashra.news import services

    counter = {"n": 0}

    def _make(**kwargs):
        counter["n"] += 1
        data = {
            "title": f"خبر تجريبي رقم {counter['n']}",
            "body": "فقرة أولى من الخبر.\n\nفقرة ثانية من الخبر.",
            "section": "أخبار/عربية ودولية",
            "external_id": f"{prefix}:{counter['n']}",
        }
        data.update(kwargs)
        article, _ = services.article_upsert(data=services.ArticleInput(**data), home=home)
        return article

    return _make


@pytest.fixture
def home(db):
    return home_install()


@pytest.fixture
def make_article(home):
    """Publish a story through the import service: make_article(title=..., section=...)."""
    return article_maker(home)


# The fixtures whose shared rows are in the database now (see shared_rows).
_shared_open: list[str] = []


class _ScopeCase(TestCase):
    databases = {"default"}

    @classmethod
    def tearDownClass(cls):
        # Django's closes every connection after its rollback: on PostgreSQL that kills the
        # transaction of an enclosing scope (a class's rows inside a module's, or a test's);
        # SQLite's in-memory database ignores the close. Only the rollback, then the rest.
        if cls._databases_support_transactions() and cls._databases_support_savepoints():
            cls._rollback_atomics(cls.cls_atomics)
        super(TestCase, cls).tearDownClass()


@contextmanager
def shared_rows(request, django_db_blocker, build):
    """For a class- or module-scoped fixture: the rows `build()` writes are kept for every test
    of that scope (built once, not once per test) and rolled back after the last.

    Django's TestCase does the work, as for its setUpTestData: a transaction around the scope,
    in which each test's own transaction is a savepoint, so what a test writes is still undone
    after it and the next test starts from exactly what `build()` made. Every test run while
    the rows are there and uses the database must ask for the fixture (`_shared_rows_asked`
    fails one that does not), and run in a transaction (`db`, not `transactional_db`). A class-scoped fixture
    asked for by a test outside a class is built for that test alone. `build()`'s value is
    shared too: hand each test fresh objects (read again) when a test may change them.
    """
    scope = type("SharedRows", (_ScopeCase,), {})
    with django_db_blocker.unblock():
        scope.setUpClass()
        try:
            value = build()
        except BaseException:
            scope.tearDownClass()
            scope.doClassCleanups()
            raise
    _shared_open.append(request.fixturename)
    try:
        yield value
    finally:
        _shared_open.remove(request.fixturename)
        with django_db_blocker.unblock():
            scope.tearDownClass()
            scope.doClassCleanups()


@pytest.fixture(autouse=True)
def _shared_rows_asked(request):
    marker = request.node.get_closest_marker("django_db")
    if not _shared_open or not (marker or {"db", "transactional_db"} & set(request.fixturenames)):
        return  # a test without the database cannot see the rows
    unasked = [name for name in _shared_open if name not in request.fixturenames]
    if unasked:
        pytest.fail(f"{request.node.nodeid} runs while the shared rows of {unasked} are in the "
                    "database but does not ask for them: move it out of their scope",
                    pytrace=False)
    if ({"transactional_db", "live_server"} & set(request.fixturenames)
            or (marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))):
        pytest.fail(f"{request.node.nodeid} commits, which shared rows cannot survive "
                    f"({_shared_open})", pytrace=False)


@pytest.fixture(scope="module")
def _home_built(request, django_db_setup, django_db_blocker):
    with shared_rows(request, django_db_blocker, lambda: home_install().pk) as pk:
        yield pk


@pytest.fixture
def shared_home(_home_built, db):
    """`home`, installed once for the test module. A module whose database tests all use the
    site takes it in place of `home`:

        @pytest.fixture
        def home(shared_home):
            return shared_home
    """
    from nashra.news.models import HomePage

    return HomePage.objects.get(pk=_home_built)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests marked `runs_last` go after every other (pytest-django has already put the
    transactional ones after the rest): their teardown flush re-creates rows through
    post_migrate receivers that write to the primary, which a later serialized-rollback test
    (nginx, browser) would then find in its way."""
    last = [item for item in items if item.get_closest_marker("runs_last")]
    if last:
        items[:] = [item for item in items if not item.get_closest_marker("runs_last")] + last
