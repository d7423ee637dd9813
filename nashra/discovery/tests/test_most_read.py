"""Most read: the beacon, the counters, the batch flush and the decayed ranking (fake clock)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings

from nashra.discovery import counters, selectors
from nashra.discovery.models import HourlyViews
from nashra.discovery.services import beacon_token, views_flush, views_record

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


def _beacon(article_id: int) -> str:
    """The beacon path a story page rendered now carries."""
    issued, signature = beacon_token(article_id)
    return f"/discovery/v/{article_id}/{issued}/{signature}/"


def _read(article, times=1, user_agent=BROWSER, address=None):
    """`times` reads, each from a reader of its own unless `address` is given."""
    issued, signature = beacon_token(article.pk)
    for i in range(times):
        views_record(article_id=article.pk, issued=issued, signature=signature,
                     address=address or f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
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
    response = getattr(client, method)(_beacon(article.pk), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == (204 if method == "post" else 200)
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert counter.hits == [article.pk]


@pytest.mark.parametrize(("path", "user_agent", "status"), [
    ("{pk}/{hour}/0000000000000000/", BROWSER, 200),  # forged signature: answered, not counted
    ("{other}/{hour}/{sig}/", BROWSER, 200),  # another story's token
    ("{pk}/{old}/{old_sig}/", BROWSER, 200),  # a token from a page rendered hours ago
    ("{pk}/{ahead}/{ahead_sig}/", BROWSER, 200),  # a token from hours ahead
    ("{pk}/{sig}/", BROWSER, 400),  # the old path, signed once for ever: refused
    ("{pk}/{hour}/{sig}/", "Googlebot/2.1 (+http://www.google.com/bot.html)", 200),  # a crawler
    ("{pk}/{hour}/{sig}/", "", 200),  # no user agent at all
    ("{pk}/{hour}/{sig}/", "curl/8.5.0", 200),  # a script
    ("abc/{hour}/{sig}/", BROWSER, 400),  # garbage id
    ("{pk}/{hour}/{sig}/../../admin/", BROWSER, 400),  # garbage path
    ("99999999999999999999/{hour}/{sig}/", BROWSER, 400),  # absurd id
    ("{pk}/999999999999/{sig}/", BROWSER, 400),  # absurd hour
])
def test_bad_beacons_are_cheap_and_not_counted(client, make_article, counter, path, user_agent,
                                               status, django_assert_num_queries):
    article = make_article()
    with time_machine.travel(NOW, tick=False):
        hour, sig = beacon_token(article.pk)
    old, old_sig = beacon_token(article.pk, now=NOW.timestamp() - 3 * 3600)
    ahead, ahead_sig = beacon_token(article.pk, now=NOW.timestamp() + 3 * 3600)
    url = "/discovery/v/" + path.format(pk=article.pk, other=article.pk + 1, hour=hour, sig=sig,
                                        old=old, old_sig=old_sig, ahead=ahead,
                                        ahead_sig=ahead_sig)
    with django_assert_num_queries(0), time_machine.travel(NOW, tick=False):
        response = client.get(url, HTTP_USER_AGENT=user_agent)
    assert response.status_code == status
    assert counter.hits == []


def test_prefetch_is_not_a_read(client, make_article, counter):
    article = make_article()
    client.get(_beacon(article.pk), HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    assert counter.hits == []


def test_flush_adds_to_hourly_rows_drops_unknown_stories_and_caps_floods(make_article, counter):
    article = make_article()
    with time_machine.travel(NOW, tick=False):
        _read(article, 3)
        # A story id that is signed but no longer exists (deleted since the page was cached).
        issued, signature = beacon_token(987654)
        views_record(article_id=987654, issued=issued, signature=signature, address="10.9.9.9",
                     user_agent=BROWSER, headers={})
        assert views_flush() == 3
        _read(article, 2, address="10.8.8.8")  # one reader twice: one read
        _read(article, 1, address="10.8.8.9")
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
        counter.hit(article.pk, reader=f"reader-{i}", seconds=3600)
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
    counter = counters.RedisViewCounter(url=url, key="nashra-test:views",
                                        readers_key="nashra-test:readers")
    ours = ["nashra-test:views*", "nashra-test:readers:*"]

    def forget():
        counter.redis.delete(*[k for p in ours for k in counter.redis.keys(p)] or ["x"])

    forget()
    counter._hit_sha = "0" * 40  # a Redis that does not know the script yet is sent it
    for i in range(5):
        assert counter.hit(article.pk, reader=f"reader-{i}", seconds=60)
    assert not counter.hit(article.pk, reader="reader-0", seconds=60)  # counted already

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(HourlyViews.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        views_flush(counter=counter)
    monkeypatch.undo()
    counter.hit(article.pk, reader="reader-5", seconds=60)  # while the failed batch waits
    assert views_flush(counter=counter) == 6
    assert HourlyViews.objects.get().count == 6
    assert not counter.redis.keys("nashra-test:views*")
    window, = counter.redis.keys("nashra-test:readers:*")  # one hash for the minute's readers
    assert counter.redis.hlen(window) == 6
    assert 0 < counter.redis.ttl(window) <= 60 + counters.READERS_GRACE_SECONDS
    forget()


def test_most_read_fragment_rejects_bad_sections(client, home):
    response = client.get("/discovery/live/most-read/?section=abc")
    assert response.status_code == 400
    assert "القسم" in response.content.decode()
    assert client.get("/discovery/live/most-read/?section=999999").status_code == 400
    # "²" passes str.isdigit() but not int(): it was a 500.
    assert client.get("/discovery/live/most-read/?section=%C2%B2").status_code == 400


def _post(client, path, address):
    return client.post(path, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=address)


def test_one_address_counts_one_read_per_story_and_window(client, make_article, counter):
    """The issue's rigging: 300 beacons from one client. Replaying the page's token, or an
    older page's, from one address counts one read in the window; other readers still count."""
    story, other = make_article(title="خبر يراد رفعه"), make_article(title="خبر آخر")
    with time_machine.travel(NOW, tick=False):
        path = _beacon(story.pk)
        for _ in range(300):
            assert _post(client, path, "203.0.113.7").status_code == 204
        earlier, signature = beacon_token(story.pk, now=NOW.timestamp() - 3600)
        _post(client, f"/discovery/v/{story.pk}/{earlier}/{signature}/", "203.0.113.7")
        _post(client, _beacon(other.pk), "203.0.113.7")  # the same reader's next story counts
        for n in range(1, 6):  # five other readers
            _post(client, path, f"198.51.100.{n}")
        for address in [
            "2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::1",  # one IPv6 /64
            "::ffff:203.0.113.7",  # the first reader, through an IPv6 socket
            "2001:db8:1:3::1",  # the next /64: another reader
        ]:
            _post(client, path, address)
        assert counter.hits == [story.pk, other.pk] + [story.pk] * 5 + [story.pk, story.pk]
        assert views_flush() == 9
    assert HourlyViews.objects.get(article=story).count == 8  # not 300, nor the 50,000 cap
    later = NOW + dt.timedelta(seconds=settings.NASHRA_VIEWS_READER_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        _post(client, _beacon(story.pk), "203.0.113.7")  # the next window: a read again
    assert counter.hits.count(story.pk) == 9


def test_behind_nginx_each_reader_counts_once_on_the_fast_path(make_article, counter):
    """Through nashra/wsgi.py's wrappers: the reader's address from X-Forwarded-For as nginx
    appends it; what a client writes on the left of that header changes nothing."""
    from nashra.core.proxy import forwarded_address
    from nashra.discovery.wsgi import beacon_fast_path

    def django(environ, start_response):  # pragma: no cover - must not be reached
        raise AssertionError(environ["PATH_INFO"])

    app = forwarded_address(beacon_fast_path(django))
    story = make_article()

    def beacon(forwarded_for):
        statuses = []
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": _beacon(story.pk),
                   "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded_for,
                   "HTTP_USER_AGENT": BROWSER}
        app(environ, lambda status, headers: statuses.append(status))
        return statuses[0]

    assert {beacon("203.0.113.7") for _ in range(300)} == {"204 No Content"}
    for n in range(50):  # a forged address on the left, nginx's on the right
        beacon(f"10.0.0.{n}, 203.0.113.7")
    for n in range(1, 4):
        beacon(f"198.51.100.{n}")
    assert counter.hits == [story.pk] * 4


def test_what_is_kept_about_a_reader(client, make_article, counter):
    """No cookie, no address: the window holds a keyed hash of (story, address) alone, and
    forgets it when the window (the clock hour) ends."""
    story = make_article()
    with time_machine.travel(NOW, tick=False):
        response = _post(client, _beacon(story.pk), "203.0.113.7")
    assert not response.cookies and "Set-Cookie" not in response
    kept = repr(counter.readers.seen)
    assert len(counter.readers.seen) == 1
    assert "203.0.113" not in kept and all(len(key) == 20 for key in counter.readers.seen)
    later = NOW + dt.timedelta(seconds=settings.NASHRA_VIEWS_READER_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        _post(client, _beacon(story.pk), "198.51.100.1")
    assert len(counter.readers.seen) == 1  # the first reader's is gone with its hour


def test_a_rendered_page_carries_a_token_that_counts(client, make_article, counter):
    import re

    story = make_article()
    html = client.get(story.url).content.decode()
    path = re.search(r'data-view-beacon="([^"]+)"', html)[1]
    assert re.fullmatch(rf"/discovery/v/{story.pk}/[0-9]+/[0-9a-f]{{16}}/", path)
    _post(client, path, "203.0.113.7")
    assert counter.hits == [story.pk]
