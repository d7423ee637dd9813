"""The full-page cache as readers and editors meet it: hits without a query, 304s, bypasses,
exact freshness after publish, and the comment form on a cached page."""

import datetime as dt
import re
import subprocess
import sys
from urllib.parse import unquote_to_bytes

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nashra.core import pagecache


def _get(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    response.queries = len(ctx.captured_queries)
    return response


def _warm(client, url):
    """Until stored: the first answer after an empty cache only starts a generation."""
    for _ in range(3):
        response = client.get(url)
        if response.get("X-Page-Cache") == "MISS":
            return response
    raise AssertionError(f"{url} was never stored")


@pytest.fixture
def story(make_article):
    return make_article(title="قمة عربية في عمّان", tags=["غزة"], authors=["سلمى حداد"])


def test_a_reader_gets_a_cached_page_without_a_database_query(client, story):
    first = _warm(client, story.url)
    hit = _get(client, story.url)
    assert hit.status_code == 200 and hit["X-Page-Cache"] == "HIT"
    assert hit.queries == 0
    assert hit.content == first.content
    # Front caches keep it NASHRA_FRONT_CACHE_SECONDS (60) at most: what no purge reaches
    # there (a site-wide change) shows within that.
    assert hit["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=60"
    assert hit["ETag"] == first["ETag"] and hit.has_header("Last-Modified")
    assert "Cookie" not in hit.get("Vary", "") and "Accept-Language" not in hit.get("Vary", "")
    assert not hit.cookies
    assert hit["Content-Type"].startswith("text/html")
    assert 'lang="ar" dir="rtl"' in hit.content.decode()


@pytest.mark.parametrize("url", ["/", "section", "/tag/غزة/", "/author/سلمى-حداد/"])
def test_every_reader_page_kind_is_cached(client, story, url):
    url = story.get_parent().url if url == "section" else url
    _warm(client, url)
    assert _get(client, url).queries == 0


def test_conditional_requests_get_304_from_the_cache(client, story):
    first = _warm(client, story.url)
    not_modified = _get(client, story.url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.queries == 0 and not_modified["ETag"] == first["ETag"]
    since = client.get(story.url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert client.get(story.url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_logged_in_editor_bypasses_the_cache(client, story, admin_user):
    _warm(client, story.url)
    editor = Client()
    editor.force_login(admin_user)
    response = _get(editor, story.url)
    assert response.status_code == 200 and response.queries > 0
    assert "X-Page-Cache" not in response
    assert response["Cache-Control"] == "private, no-cache"


def test_a_reader_with_a_message_waiting_is_not_served_a_shared_copy(client, story):
    _warm(client, story.url)
    client.cookies["messages"] = "anything"
    response = client.get(story.url)
    assert "X-Page-Cache" not in response and response["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize(("query", "shared"), [
    ("utm_source=twitter&utm_medium=social", True),  # tracking parameters: the same page
    ("fbclid=abc", True),
    ("comment=signed-token", False),  # a reader's own pending comment rides on this
    ("q=anything", False),
])
def test_query_strings(client, story, query, shared):
    _warm(client, story.url)
    response = _get(client, f"{story.url}?{query}")
    assert (response.get("X-Page-Cache") == "HIT") is shared
    if not shared:
        assert response["Cache-Control"] == "private, no-cache"


def test_listing_pages_are_cached_per_page_number_up_to_the_limit(client, make_article):
    for i in range(25):
        make_article(title=f"خبر رقم {i}")
    section = "/أخبار/عربية-ودولية/"
    first, second = _warm(client, section), _warm(client, section + "?page=2")
    assert first.content != second.content
    assert client.get(section + "?page=2")["X-Page-Cache"] == "HIT"
    assert pagecache.cache_key(section, "page=9") is None
    assert pagecache.cache_key(section, "page=1") is None  # not a second copy of page 1


def test_a_published_edit_shows_at_once_on_the_cached_story_and_home(client, make_article,
                                                                     django_capture_on_commit_callbacks):
    story = make_article(title="عنوان أول للخبر", external_id="x1")
    bystander = make_article(title="خبر آخر لا يتغير")
    for url in (story.url, "/", bystander.url):
        _warm(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="عنوان أول للخبر", body="نص جديد كلياً بعد التعديل.", external_id="x1")
    fresh = client.get(story.url)
    assert "نص جديد كلياً" in fresh.content.decode() and fresh.get("X-Page-Cache") != "HIT"
    assert client.get("/").get("X-Page-Cache") != "HIT"
    assert client.get(bystander.url)["X-Page-Cache"] == "HIT"  # untouched story stays cached


def test_a_render_that_raced_a_purge_is_neither_stored_nor_shared(rf, story):
    from django.http import HttpResponse

    path = "/مسار/"

    def view(request):
        pagecache.urls_purge([path], root_url="http://localhost")  # an editor publishes now
        return pagecache.cacheable(HttpResponse("<p>قديم</p>"))

    middleware = pagecache.PageCacheMiddleware(view)
    middleware(rf.get(path))  # starts a generation
    response = middleware(rf.get(path))
    assert response["Cache-Control"] == "private, no-cache"
    assert pagecache.cache_key(path) is not None
    assert pagecache._lookup(pagecache.cache_key(path))[0] is None


def test_the_wsgi_fast_path_answers_hits_before_django(client, story):
    _warm(client, story.url)
    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"django"]

    wrapped = pagecache.page_cache_fast_path(app)
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    path = unquote_to_bytes(story.url).decode("latin-1")  # WSGI: decoded bytes as latin-1
    body = wrapped({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": ""},
                   start_response)
    assert calls == [] and seen["status"] == "200 OK" and seen["headers"]["X-Page-Cache"] == "HIT"
    assert b"".join(body) == client.get(story.url).content
    wrapped({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
             "HTTP_COOKIE": "sessionid=abc"}, start_response)
    wrapped({"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": ""}, start_response)
    assert calls == [path, path]


def test_the_comment_form_works_on_a_cached_page_with_csrf_enforced(story):
    reader = Client(enforce_csrf_checks=True)
    _warm(reader, story.url)
    page = reader.get(story.url)
    assert page["X-Page-Cache"] == "HIT" and not page.cookies
    html = page.content.decode()
    action = re.search(r'action="(/comments/post/\d+/)"', html)[1]
    assert 'name="csrfmiddlewaretoken" value=""' in html  # nothing personal in a shared page
    token = reader.get("/comments/token/").json()  # what comments.js fetches on focus
    assert reader.cookies.get("csrftoken")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        response = reader.post(action, {
            "body": "تغطية ممتازة، شكرًا.", "author_name": "سارة",
            "author_email": "sara@example.org", "author_url": "", "nickname": "",
            "ts": token["ts"], "csrfmiddlewaretoken": token["csrf"]})
    assert response.status_code == 302
    from nashra.comments.models import Comment

    assert Comment.objects.filter(page_id=story.pk, author_name="سارة").exists()
    refused = Client(enforce_csrf_checks=True).post(action, {"body": "x"})
    assert refused.status_code == 403  # no token, no Origin: refused, in Arabic
    assert "أعد تحميل الصفحة" in refused.content.decode()


def test_a_page_that_changes_by_itself_is_kept_only_until_then(client, story):
    from wagtail.models import Site

    from nashra.discovery.models import DiscoverySettings

    soon = timezone.now() + dt.timedelta(seconds=90)
    settings_row = DiscoverySettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.lead_story = story
    settings_row.lead_until = soon
    settings_row.save()
    first = _warm(client, "/")
    seconds = int(first["Cache-Control"].rsplit("s-maxage=", 1)[1])
    assert 0 < seconds <= 90


def test_page_cache_off_stores_nothing_but_keeps_the_headers(client, story, settings):
    settings.NASHRA_PAGE_CACHE = False
    for _ in range(3):
        response = _get(client, story.url)
        assert "X-Page-Cache" not in response and response.queries > 0
    assert response["Cache-Control"].startswith("public, max-age=0")


@pytest.mark.parametrize(("value", "on"), [("off", True), ("0", True), ("on", False), ("", False)])
def test_the_environment_switch(value, on):
    code = "import nashra.settings.base as b; print(b.PAGE_CACHE_ON)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"NASHRA_PAGE_CACHE": value, "PATH": "/usr/bin"}).stdout.strip()
    assert out == ("False" if on else "True")


def test_a_story_in_a_private_section_is_never_cached(client, make_article):
    from wagtail.models import PageViewRestriction

    from nashra.news.models import SectionPage

    story = make_article(title="مذكرة داخلية", section="داخلي")
    PageViewRestriction.objects.create(page=SectionPage.objects.get(title="داخلي"),
                                       restriction_type=PageViewRestriction.LOGIN)
    for _ in range(3):
        response = client.get(story.url)
        assert response.status_code == 302 and "X-Page-Cache" not in response
    assert "مذكرة داخلية" not in client.get(story.url, follow=True).content.decode()


def test_with_replicas_renders_just_after_a_purge_are_not_kept(rf, settings, db):
    """A replica may still hold the old story for a few seconds after the primary's commit."""
    from django.http import HttpResponse

    settings.NASHRA_PAGE_CACHE_PURGE_WINDOW = 5
    path = "/مسار-آخر/"
    middleware = pagecache.PageCacheMiddleware(
        lambda request: pagecache.cacheable(HttpResponse("<p>نص</p>")))
    middleware(rf.get(path))  # starts a generation
    pagecache.urls_purge([path], root_url="http://localhost")
    assert middleware(rf.get(path))["Cache-Control"] == "private, no-cache"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=6)):
        assert middleware(rf.get(path))["X-Page-Cache"] == "MISS"  # kept again


def test_a_hit_tells_front_caches_only_what_is_left_of_its_life(client, story, settings):
    settings.NASHRA_FRONT_CACHE_SECONDS = 600  # no shorter cap than our own entry
    _warm(client, story.url)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=200)):
        hit = client.get(story.url)
    assert hit["X-Page-Cache"] == "HIT" and 195 <= int(hit["Age"]) <= 201
    left = int(hit["Cache-Control"].rsplit("s-maxage=", 1)[1])
    assert 398 <= left <= 401  # nginx ignores Age: it must not keep the copy 600 s more


def test_front_caches_keep_a_page_no_longer_than_their_cap(client, story, settings):
    settings.NASHRA_PAGE_CACHE_SECONDS, settings.NASHRA_FRONT_CACHE_SECONDS = 600, 60
    first = _warm(client, story.url)
    assert first["Cache-Control"].endswith("s-maxage=60")
    for later, expected in ((200, 60), (570, 30)):  # our entry lives 600 s
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=later)):
            hit = client.get(story.url)
        assert hit["X-Page-Cache"] == "HIT"
        assert abs(int(hit["Cache-Control"].rsplit("s-maxage=", 1)[1]) - expected) <= 2
