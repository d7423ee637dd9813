"""Shared fixtures: a fresh install's page tree, built through the same services as `make run`."""

import pytest
from django.core.cache import cache, caches


@pytest.fixture(autouse=True)
def _clear_cache():
    from nashra.core.pagecache import RecordingPurgeBackend

    cache.clear()
    caches["pages"].clear()
    RecordingPurgeBackend.purged.clear()
    yield
    cache.clear()
    caches["pages"].clear()


@pytest.fixture
def home(db):
    from nashra.news import services

    home = services.site_install()
    services.newsroom_roles_ensure(home=home)
    return home


@pytest.fixture
def make_article(home):
    """Publish a story through the import service: make_article(title=..., section=...)."""
    from nashra.news import services

    counter = {"n": 0}

    def _make(**kwargs):
        counter["n"] += 1
        data = {
            "title": f"خبر تجريبي رقم {counter['n']}",
            "body": "فقرة أولى من الخبر.\n\nفقرة ثانية من الخبر.",
            "section": "أخبار/عربية ودولية",
            "external_id": f"test:{counter['n']}",
        }
        data.update(kwargs)
        article, _ = services.article_upsert(data=services.ArticleInput(**data), home=home)
        return article

    return _make


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests marked `runs_last` go after every other (pytest-django has already put the
    transactional ones after the rest): their teardown flush re-creates rows through
    post_migrate receivers that write to the primary, which a later serialized-rollback test
    (nginx, browser) would then find in its way."""
    last = [item for item in items if item.get_closest_marker("runs_last")]
    if last:
        items[:] = [item for item in items if not item.get_closest_marker("runs_last")] + last
