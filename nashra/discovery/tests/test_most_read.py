"""Most read: the beacon, the counters, the batch flush and the decayed ranking (fake clock)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings

from nashra.discovery import counters, selectors
from nashra.discovery.models import HourlyViews
from nashra.discovery.services import beacon_signature, views_flush, views_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Firefox/130.0"
NOW = dt.datetime(2026, 11, 30, 12, 30, tzinfo=dt.UTC)


@pytest.fixture
def counter():
    counters.reset_counters()
    yield counters.get_counter()
    counters.reset_counters()


def _read(article, times=1, user_agent=BROWSER):
    for _ in range(times):
        views_record(article_id=article.pk, signature=beacon_signature(article.pk),
                     user_agent=user_agent, headers={})


def test_fresh_reads_outrank_many_old_ones(make_article, counter):
    old, fresh = make_article(title="خبر قديم"), make_article(title="خبر جديد")
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        _read(old, 1000)
        views_flush()
    with time_machine.travel(NOW - dt.timedelta(minutes=20), tick=False):
        _read(fresh, 300)
        views_flush()
    with time_machine.travel(NOW, tick=False):
        # Default half-life 6 h (the week tab: 18 h): 1,000 reads 48 h ago weigh ≈ 4 (≈ 160)
        # against ≈ 294 (≈ 298) for 300 reads 20 minutes ago.
        assert selectors.most_read_ids(window="week") == [fresh.pk, old.pk]
        assert selectors.most_read_ids(window="day") == [fresh.pk]
        # Without decay the old story would win: the ranking is the decay, not the window.
        assert selectors.most_read_ids(window="week", half_life=10_000) == [old.pk, fresh.pk]


@pytest.mark.parametrize("method", ["get", "post"])
def test_beacon_counts_a_read_without_cookies(client, make_article, counter, method):
    article = make_article()
    url = f"/discovery/v/{article.pk}/{beacon_signature(article.pk)}/"
    response = getattr(client, method)(url, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == (204 if method == "post" else 200)
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert counter.hits == [article.pk]


@pytest.mark.parametrize(("path", "user_agent", "status"), [
    ("{pk}/0000000000000000/", BROWSER, 200),  # forged signature: answered, not counted
    ("{pk}/{sig}/", "Googlebot/2.1 (+http://www.google.com/bot.html)", 200),  # a crawler
    ("{pk}/{sig}/", "", 200),  # no user agent at all
    ("{pk}/{sig}/", "curl/8.5.0", 200),  # a script
    ("abc/{sig}/", BROWSER, 400),  # garbage id
    ("{pk}/{sig}/../../admin/", BROWSER, 400),  # garbage path
    ("99999999999999999999/{sig}/", BROWSER, 400),  # absurd id
])
def test_bad_beacons_are_cheap_and_not_counted(client, make_article, counter, path, user_agent,
                                               status, django_assert_num_queries):
    article = make_article()
    url = "/discovery/v/" + path.format(pk=article.pk, sig=beacon_signature(article.pk))
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_USER_AGENT=user_agent)
    assert response.status_code == status
    assert counter.hits == []


def test_prefetch_is_not_a_read(client, make_article, counter):
    article = make_article()
    client.get(f"/discovery/v/{article.pk}/{beacon_signature(article.pk)}/",
               HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    assert counter.hits == []


def test_flush_adds_to_hourly_rows_drops_unknown_stories_and_caps_floods(make_article, counter):
    article = make_article()
    with time_machine.travel(NOW, tick=False):
        _read(article, 3)
        # A story id that is signed but no longer exists (deleted since the page was cached).
        views_record(article_id=987654, signature=beacon_signature(987654), user_agent=BROWSER,
                     headers={})
        assert views_flush() == 3
        _read(article, 2)
        assert views_flush() == 2
        assert views_flush() == 0
    row = HourlyViews.objects.get()
    assert (row.article_id, row.count, row.hour) == (article.pk, 5, int(NOW.timestamp() // 3600))
    with override_settings(NASHRA_VIEWS_MAX_PER_HOUR=7), time_machine.travel(NOW, tick=False):
        _read(article, 50)
        views_flush()
    row.refresh_from_db()
    assert row.count == 7


def test_database_counter_flushes_itself_in_batches(make_article):
    article = make_article()
    counter = counters.DatabaseViewCounter(flush_seconds=3600, flush_hits=4)
    for i in range(1, 10):
        counter.hit(article.pk)
        counter.after_hit()
        # written every fourth read, not on each one
        expected = (i // 4) * 4
        assert sum(HourlyViews.objects.values_list("count", flat=True)) == expected
    assert counter.drain() != {}  # the ninth read waits for the next batch (or the exit flush)


@pytest.mark.skipif(not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
                    reason="needs NASHRA_TEST_REDIS_URL")
def test_redis_counter_loses_nothing_when_a_flush_fails(make_article, monkeypatch):
    article = make_article()
    url = settings.CACHES["default"]["LOCATION"]
    counter = counters.RedisViewCounter(url=url, key="nashra-test:views")
    counter.redis.delete(*counter.redis.keys("nashra-test:views*") or ["x"])
    for _ in range(5):
        counter.hit(article.pk)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(HourlyViews.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        views_flush(counter=counter)
    monkeypatch.undo()
    counter.hit(article.pk)  # counted while the failed batch waits
    assert views_flush(counter=counter) == 6
    assert HourlyViews.objects.get().count == 6
    assert not counter.redis.keys("nashra-test:views*")


def test_most_read_fragment_rejects_bad_sections(client, home):
    response = client.get("/discovery/live/most-read/?section=abc")
    assert response.status_code == 400
    assert "القسم" in response.content.decode()
    assert client.get("/discovery/live/most-read/?section=999999").status_code == 400
