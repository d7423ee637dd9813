"""The shipped nginx configuration (deploy/nginx/), run by a real nginx in front of a live server.

deploy/nginx/render.py writes the shipped files with this test's ports, upstream, cache
directory, static and media roots and a throwaway certificate; nothing else is changed, so what
passes here is what a site installs. Readers come in over https on the public server; purges
arrive on the loopback listener, as in production. Skipped when Debian's nginx or its
cache-purge module is not installed (.ci/run installs both).
"""

import gzip
import http.client
import importlib.util
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import override_settings

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "nginx"
_spec = importlib.util.spec_from_file_location("nashra_nginx_render", DEPLOY / "render.py")
render = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render)

HOST = "localhost"  # the Wagtail Site's hostname, so the pages' URLs and purges name it

pytestmark = [
    pytest.mark.skipif(bool(render.missing()), reason=render.missing() or "nginx present"),
    pytest.mark.skipif(shutil.which("openssl") is None,
                       reason="openssl missing (needed for the test certificate)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _free_ports(n: int) -> list[int]:
    """N distinct free ports (the sockets stay open until all are chosen)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class Nginx:
    """A running nginx on the shipped configuration; get() and purge() talk to it."""

    def __init__(self, root: Path, upstream_port: int):
        self.root = root
        self.https_port, self.http_port, self.loopback_port = _free_ports(3)
        cert, key = root / "cert.pem", root / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                        "-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        self.static, self.media = root / "static", root / "media"
        self.conf = render.render(
            root / "nginx", upstream=f"127.0.0.1:{upstream_port}",
            loopback=f"127.0.0.1:{self.loopback_port}", https=f"127.0.0.1:{self.https_port}",
            http=f"127.0.0.1:{self.http_port}", cert=str(cert), key=str(key),
            static_root=str(self.static), media_root=str(self.media))
        render.check(self.conf)
        self.process = subprocess.Popen(render.command(self.conf), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        self.tls = ssl.create_default_context(cafile=str(cert))
        self.tls.check_hostname = False
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.loopback_port), timeout=0.1).close()
                break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.05)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def request(self, method, path, *, port=None, headers=None, body=None, source="127.0.0.1"):
        """One request; https to the public server unless another port is given."""
        port = port or self.https_port
        kwargs = {"timeout": 10, "source_address": (source, 0)}
        if port == self.https_port:
            conn = http.client.HTTPSConnection("127.0.0.1", port, context=self.tls, **kwargs)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, **kwargs)
        try:
            conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def purge_settings(self):
        """What NASHRA_PURGE_URLS=http://127.0.0.1:<loopback> gives nashra (Wagtail's backend)."""
        return {"nginx": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                          "LOCATION": f"http://127.0.0.1:{self.loopback_port}"}}


@pytest.fixture
def nginx(live_server, tmp_path):
    port = int(live_server.url.rsplit(":", 1)[1])
    server = Nginx(tmp_path, port)
    yield server
    server.stop()


@pytest.fixture
def story(make_article):
    return make_article(title="خبر يقرؤه القراء من ذاكرة nginx")


def _cache_status(headers) -> str:
    return headers.get("X-Cache-Status", "")


def test_anonymous_story_is_kept_and_served_by_nginx(nginx, story):
    status, first, body = nginx.get(story.url)
    assert status == 200 and _cache_status(first) == "MISS"
    assert story.title.encode() in body
    status, second, again = nginx.get(story.url)
    assert status == 200 and _cache_status(second) == "HIT"
    assert again == body
    # A reader's csrftoken cookie neither bypasses nor splits the cache.
    _, third, cookie_body = nginx.get(story.url, headers={"Cookie": "csrftoken=abc123"})
    assert _cache_status(third) == "HIT" and cookie_body == body
    # The same path percent-encoded in lower case (as some clients write it) is the same
    # entry, so one purge reaches it whichever way a client spelled it.
    assert "%D8" in story.url
    _, fourth, _ = nginx.get(re.sub("%[0-9A-F]{2}", lambda m: m[0].lower(), story.url))
    assert _cache_status(fourth) == "HIT"


def test_editor_session_and_query_strings_go_to_nashra(nginx, story):
    nginx.get(story.url)
    _, warm, body = nginx.get(story.url)
    assert _cache_status(warm) == "HIT"
    # Every cookie nashra's own cache bypasses on (a signed-in editor, a message to be shown,
    # a browser pinned to the primary database) sends the request to nashra, and what it gets
    # is never stored.
    for name in settings.NASHRA_PAGE_CACHE_BYPASS_COOKIES:
        cookie = f"csrftoken=x; {name}=abc"
        _, personal, _ = nginx.get(story.url, headers={"Cookie": cookie})
        assert _cache_status(personal) == "BYPASS", cookie
    _, reader, reader_body = nginx.get(story.url)
    assert _cache_status(reader) == "HIT" and reader_body == body
    # A query string no purge would name (a tracking parameter) is not stored either.
    for _ in range(2):
        _, tracked, _ = nginx.get(story.url + "?utm_source=whatsapp")
        assert _cache_status(tracked) == "BYPASS"
    # Anything but GET and HEAD goes to nashra untouched.
    status, posted, _ = nginx.request("POST", story.url)
    assert _cache_status(posted) == "" and status != 200


def test_purge_from_loopback_drops_the_page(nginx, story, caplog):
    from wagtail.contrib.frontend_cache.utils import purge_url_from_cache

    nginx.get(story.url)
    assert _cache_status(nginx.get(story.url)[1]) == "HIT"

    # From anywhere but loopback, PURGE is refused (127.0.0.2 is on lo but not allowed).
    status, _, _ = nginx.request("PURGE", story.url, port=nginx.loopback_port, source="127.0.0.2")
    assert status == 403
    status, _, _ = nginx.request("PURGE", story.url, source="127.0.0.2")
    assert status == 403
    assert _cache_status(nginx.get(story.url)[1]) == "HIT"

    # Wagtail's HTTP backend, as nashra configures it, with the page's full URL.
    caplog.set_level("INFO", logger="wagtail.frontendcache")
    purge_url_from_cache(story.full_url, backend_settings=nginx.purge_settings())
    assert _cache_status(nginx.get(story.url)[1]) == "MISS"
    assert _cache_status(nginx.get(story.url)[1]) == "HIT"
    # Purging a page nobody has cached is no error in nashra's log.
    purge_url_from_cache(f"http://{HOST}/nothing-cached-here/",
                         backend_settings=nginx.purge_settings())
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


def test_beacons_are_never_cached(nginx, story):
    """Every beacon reaches nashra (none answered from nginx's cache); one reader's six count
    one read."""
    from nashra.discovery.counters import get_counter
    from nashra.discovery.services import beacon_token

    counter = get_counter()
    before = len(counter.hits)
    path = "/discovery/v/{}/{}/{}/".format(story.pk, *beacon_token(story.pk))
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
               "Accept-Language": "ar"}
    for _ in range(3):
        status, headers, _ = nginx.get(path, headers=browser)
        assert status == 200 and _cache_status(headers) == ""
        status, headers, _ = nginx.request("POST", path, headers=browser)
        assert status == 204
    assert counter.hits[before:] == [story.pk]


def test_http_redirects_to_https(nginx, story):
    status, headers, _ = nginx.get(story.url, port=nginx.http_port)
    assert status == 301
    assert headers["Location"] == f"https://{HOST}{story.url}"


def test_compression(nginx, story):
    _, plain, body = nginx.get(story.url)
    _, zipped, zbody = nginx.get(story.url, headers={"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip" and _cache_status(zipped) == "HIT"
    assert gzip.decompress(zbody) == body
    if render.BROTLI_MODULE.exists():
        _, br, brbody = nginx.get(story.url, headers={"Accept-Encoding": "br, gzip"})
        assert br["Content-Encoding"] == "br" and len(brbody) < len(body)


def test_static_and_media_files(nginx):
    nginx.static.mkdir()
    (nginx.static / "site.0123456789ab.css").write_text("body{margin:0}")
    (nginx.static / "site.css").write_text("body{margin:0}")
    (nginx.media / "images").mkdir(parents=True)
    (nginx.media / "images" / "photo.fill-800x450.webp").write_bytes(b"RIFF0000WEBP")

    status, hashed, body = nginx.get("/static/site.0123456789ab.css")
    assert status == 200 and body == b"body{margin:0}"
    assert hashed["Cache-Control"] == "public, max-age=31536000, immutable"
    _, unhashed, _ = nginx.get("/static/site.css")
    assert unhashed["Cache-Control"] == "public, max-age=3600"
    status, media, _ = nginx.get("/media/images/photo.fill-800x450.webp")
    assert status == 200
    assert media["Cache-Control"] == "public, max-age=31536000, immutable"
    assert media["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def purging_to(nginx):
    with override_settings(WAGTAILFRONTENDCACHE=nginx.purge_settings()):
        yield nginx


def test_published_edit_shows_on_cached_story_home_and_feed_within_a_second(
        purging_to, story, home):
    from nashra.news import services

    nginx = purging_to
    paths = (story.url, "/", "/feeds/rss/")
    for path in paths:
        nginx.get(path)
        _, headers, _ = nginx.get(path)
        assert _cache_status(headers) == "HIT", path
    assert "s-maxage=" in nginx.get(story.url)[1]["Cache-Control"]

    new_title = "عنوان جديد بعد التعديل"
    services.article_upsert(
        data=services.ArticleInput(title=new_title, body="فقرة بعد التعديل.",
                                   section="أخبار/عربية ودولية", external_id="test:1"),
        home=home)
    published = time.monotonic()
    seen = {}
    while len(seen) < len(paths) and time.monotonic() - published < 1.0:
        for path in paths:
            if path not in seen and new_title.encode() in nginx.get(path)[2]:
                seen[path] = time.monotonic() - published
    assert set(seen) == set(paths), f"after 1 s only {seen} showed the edit"
    # Purged, not expired: the next reader is served from nginx again.
    assert _cache_status(nginx.get(story.url)[1]) == "HIT"


def test_a_site_wide_change_reaches_nginx_within_the_front_cache_cap(nginx, story, settings):
    """A change every page shows is not purged page by page: nashra drops its own copies at
    once and tells nginx to keep a page NASHRA_FRONT_CACHE_SECONDS at most (2 s here)."""
    from wagtail.models import Site

    from nashra.core.models import SiteSettings

    settings.NASHRA_FRONT_CACHE_SECONDS = 3
    nginx.get(story.url)
    assert _cache_status(nginx.get(story.url)[1]) == "HIT"
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.site_name = "نشرة الظهيرة"
    site_settings.save()
    changed = time.monotonic()
    _, headers, body = nginx.get(story.url)  # not purged: nginx still has its copy
    assert _cache_status(headers) == "HIT" and "نشرة الظهيرة".encode() not in body
    while "نشرة الظهيرة".encode() not in nginx.get(story.url)[2]:
        assert time.monotonic() - changed < 6, "the new site name did not reach nginx in 6 s"
        time.sleep(0.2)


def test_listing_page_numbers_are_cached_and_tracking_parameters_are_not(nginx, story,
                                                                          make_article,
                                                                          monkeypatch):
    from nashra.news import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    make_article(title="خبر ثان في القسم نفسه")  # so the section has a page 2
    section = story.get_parent().url
    status, headers, body = nginx.get(section + "?page=2")
    assert status == 200 and "s-maxage=" in headers["Cache-Control"]
    assert _cache_status(nginx.get(section + "?page=2")[1]) == "HIT"
    # A tracking parameter would make a copy no purge names: nashra answers it (from its own
    # cache), nginx keeps nothing.
    for query in ("?utm_source=whatsapp", "?page=2&fbclid=x"):
        for _ in range(2):
            assert _cache_status(nginx.get(section + query)[1]) == "BYPASS", query


def test_comment_posted_through_nginx_from_a_cached_page(purging_to, story):
    """As a browser with JavaScript does: the cached page, a fresh token, the form."""
    from wagtail.models import Site

    from nashra.comments.models import CommentSettings

    nginx = purging_to
    config = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    config.min_fill_seconds = 1
    config.save()
    nginx.get(story.url)
    assert _cache_status(nginx.get(story.url)[1]) == "HIT"

    # Production trusts nginx's X-Forwarded-Proto, so the https Origin is the page's own.
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        status, headers, body = nginx.get("/comments/token/",
                                          headers={"Accept": "application/json"})
        assert status == 200 and _cache_status(headers) == ""
        token = json.loads(body)
        cookie = next(c.split(";")[0] for c in headers.get_all("Set-Cookie")
                      if c.startswith("csrftoken="))
        time.sleep(1.1)  # the form's minimum fill time
        form = {"body": "شكرًا على هذه التغطية الوافية للخبر.", "author_name": "ريم",
                "author_email": "reem@example.org", "author_url": "", "nickname": "",
                "ts": token["ts"], "csrfmiddlewaretoken": token["csrf"]}
        status, _, body = nginx.request(
            "POST", f"/comments/post/{story.pk}/", body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/json", "Origin": f"https://{HOST}",
                     "Cookie": cookie})
        answer = json.loads(body)
    assert status == 200 and answer["ok"], answer
    if answer["status"] == "approved":  # an approved comment purges its story
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            if form["body"].encode() in nginx.get(story.url)[2]:
                break
        else:
            raise AssertionError("the approved comment did not show within 1 s")


# --- refresh instead of purge (issue 18: readers never wait on a purge) ---------------------------

def _edit(story, title, home):
    """Publish a new title with no front cache told: nashra drops its own copies (the URLs it
    would tell the front caches are recorded), nginx keeps the old one."""
    from nashra.core.pagecache import RecordingPurgeBackend
    from nashra.news import services

    RecordingPurgeBackend.purged.clear()
    services.article_upsert(
        data=services.ArticleInput(title=title, body="فقرة بعد التعديل.",
                                   section="أخبار/عربية ودولية", external_id="test:1"),
        home=home)
    return list(dict.fromkeys(RecordingPurgeBackend.purged))


def test_a_refresh_serves_the_old_copy_until_the_new_one_is_stored(nginx, story, home,
                                                                   monkeypatch):
    from nashra.core import pagecache
    from nashra.news.models import ArticlePage

    nginx.get(story.url)
    _, warm, old_body = nginx.get(story.url)
    assert _cache_status(warm) == "HIT"
    # The header counts from this machine only; from elsewhere it is an ordinary read.
    _, foreign, _ = nginx.get(story.url, headers={pagecache.REFRESH_HEADER: "1"},
                              source="127.0.0.2")
    assert _cache_status(foreign) == "HIT"

    new_title = "عنوان جديد يصل بلا انتظار"
    _edit(story, new_title, home)
    assert _cache_status(nginx.get(story.url)[1]) == "HIT"  # nginx was not told

    serve = ArticlePage.serve
    def slow_refresh(self, request, *args, **kwargs):  # a render that takes its time
        if request.headers.get(pagecache.REFRESH_HEADER):
            time.sleep(1.5)
        return serve(self, request, *args, **kwargs)
    monkeypatch.setattr(ArticlePage, "serve", slow_refresh)

    refresh = threading.Thread(target=pagecache.front_refresh, args=([story.full_url],))
    with override_settings(WAGTAILFRONTENDCACHE=nginx.purge_settings()):
        started = time.monotonic()
        refresh.start()
        reads = []  # (seconds into the refresh, cache status, old copy?, seconds waited)
        while refresh.is_alive():
            before = time.monotonic()
            _, headers, body = nginx.get(story.url)
            reads.append((before - started, _cache_status(headers), body == old_body,
                          time.monotonic() - before))
            time.sleep(0.1)
        refresh.join()
    assert time.monotonic() - started >= 1.5, "the refresh never reached the slow render"
    # Every reader was served from nginx's cache without waiting: the old copy while the
    # render ran, the new one once stored (the last reads may catch it before the refresh
    # returns), never the old after the new.
    during = [r for r in reads if r[0] < 1.4]
    assert len(during) >= 5 and all(old for _, _, old, _ in during), reads
    assert all(status in {"HIT", "STALE"} for _, status, _, _ in reads), reads
    olds = [old for _, _, old, _ in reads]
    assert olds == sorted(olds, reverse=True), reads
    assert max(waited for *_, waited in reads) < 0.5, reads
    # Then the new copy, from the cache: the refresh stored it.
    _, headers, body = nginx.get(story.url)
    assert _cache_status(headers) == "HIT" and new_title.encode() in body


def test_an_edit_refreshed_shows_within_a_second_and_no_reader_misses(nginx, story, home):
    from nashra.core import pagecache

    paths = (story.url, "/", "/feeds/rss/")
    for path in paths:
        nginx.get(path)
        assert _cache_status(nginx.get(path)[1]) == "HIT", path

    new_title = "عنوان جديد بعد التحديث في الخلفية"
    touched = _edit(story, new_title, home)
    # Every page the edit touched (22 here), the ones readers see most first, as the caller is
    # asked to list them: they are refreshed one after the other.
    hot = [f"http://{HOST}{path}" for path in paths]
    assert set(hot) <= set(touched)
    urls = hot + [url for url in touched if url not in hot]
    edited = time.monotonic()
    refresh = threading.Thread(target=pagecache.front_refresh, args=(urls,))
    seen, statuses = {}, set()
    with override_settings(WAGTAILFRONTENDCACHE=nginx.purge_settings()):
        refresh.start()
        while len(seen) < len(paths) and time.monotonic() - edited < 1.0:
            for path in paths:
                _, headers, body = nginx.get(path)
                statuses.add(_cache_status(headers))
                if path not in seen and new_title.encode() in body:
                    seen[path] = round(time.monotonic() - edited, 3)
            time.sleep(0.05)  # readers, not a busy loop holding the live server's GIL
        refresh.join()
    assert set(seen) == set(paths), f"after 1 s only {seen} showed the edit"
    assert statuses <= {"HIT", "STALE", "UPDATING"}, statuses  # nobody waited on a render


def test_a_page_made_private_is_purged_never_served_stale(nginx, story, make_article):
    """A page that must not be shown again is purged: the next reader does not get the old
    copy. And a refresh that nginx could not store (the page has become private) ends in a
    purge too."""
    from wagtail.contrib.frontend_cache.utils import purge_url_from_cache
    from wagtail.models import PageViewRestriction

    from nashra.core import pagecache

    other = make_article(title="خبر ثان يصبح خاصا")
    for page in (story, other):
        nginx.get(page.url)
        assert _cache_status(nginx.get(page.url)[1]) == "HIT"
        PageViewRestriction.objects.create(page=page,
                                           restriction_type=PageViewRestriction.LOGIN)
        pagecache.urls_purge([page.url], root_url=f"http://{HOST}")  # nashra's own copy
        _, headers, body = nginx.get(page.url)  # nginx was not told: still the old copy
        assert _cache_status(headers) == "HIT" and page.title.encode() in body

    # The caller's way for such a page: PURGE (Wagtail's HTTP backend).
    purge_url_from_cache(story.full_url, backend_settings=nginx.purge_settings())
    # A refresh sent by mistake: nashra's answer is a redirect to the login page, which nginx
    # does not store, so front_refresh purges.
    with override_settings(WAGTAILFRONTENDCACHE=nginx.purge_settings()):
        pagecache.front_refresh([other.full_url])
    for page in (story, other):
        status, headers, body = nginx.get(page.url)
        assert status == 302 and _cache_status(headers) not in {"HIT", "STALE", "UPDATING"}
        assert page.title.encode() not in body


def test_stale_while_revalidate_for_cdns_passes_through_nginx(nginx, story, settings):
    settings.NASHRA_FRONT_STALE_SECONDS = 30
    _, first, _ = nginx.get(story.url)
    control = first["Cache-Control"]
    assert "stale-while-revalidate=30" in control and control.endswith("s-maxage=60")
    assert _cache_status(nginx.get(story.url)[1]) == "HIT"


def test_security_headers_come_from_nashra_through_nginx(nginx, story):
    """CSP and Permissions-Policy are nashra's, kept with nginx's copy and sent on every hit;
    HSTS is nashra's alone too (production settings): deploy/nginx adds none of the three, so
    there is one place that decides them and one copy of each in an answer."""
    from nashra.core.headers import permissions_policy

    answers = [nginx.get(story.url)[1] for _ in range(2)]
    assert [_cache_status(h) for h in answers] == ["MISS", "HIT"]
    for headers in answers:
        assert len(headers.get_all("Content-Security-Policy")) == 1
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers.get_all("Permissions-Policy") == [permissions_policy()]
        # The suite's settings send no HSTS; nor does nginx on its own.
        assert "Strict-Transport-Security" not in headers
    assert answers[1]["Content-Security-Policy"] == answers[0]["Content-Security-Policy"]
    for name in ("nashra.conf", "nashra-site.conf"):
        shipped = (DEPLOY / name).read_text().lower()
        for header in ("strict-transport-security", "content-security-policy",
                       "permissions-policy"):
            assert f"add_header {header}" not in shipped, (name, header)


# --- live coverage (nashra.live) ------------------------------------------------------------------

def test_a_live_entry_reaches_pollers_and_the_page_through_nginx_within_the_poll_ttl(
        purging_to, home):
    """Every open live page polls /live/<id>/entries/?after=N, which nginx keeps 1 s (one
    answer a second for 10,000 readers); a new entry is in that answer once the second is up,
    and the live page itself is refreshed by the entry's change event at once."""
    from nashra.live import services as live

    nginx = purging_to
    story = live.live_story_start(section_path="أخبار", title="تغطية تمر عبر nginx")
    poll = f"/live/{story.pk}/entries/?after=0"
    nginx.get(poll)
    status, headers, body = nginx.get(poll)
    assert status == 200 and _cache_status(headers) == "HIT", headers
    assert json.loads(body)["entries"] == []
    nginx.get(story.url)
    assert _cache_status(nginx.get(story.url)[1]) == "HIT"

    text = "تحديث جديد يصل إلى القراء عبر nginx"
    live.live_entry_post(story=story, data=live.EntryInput(text=text))
    posted = time.monotonic()
    seen = {}
    # Readers' bound is 5 s (the page polls every 2 s); the answer may be up to a second old in
    # nginx and another in nashra's own cache of it, so 3 s leaves room for a loaded machine.
    while len(seen) < 2 and time.monotonic() - posted < 3:
        if "poll" not in seen and text.encode() in nginx.get(poll)[2]:
            seen["poll"] = time.monotonic() - posted
        if "page" not in seen and text.encode() in nginx.get(story.url)[2]:
            seen["page"] = time.monotonic() - posted
        time.sleep(0.05)
    assert set(seen) == {"poll", "page"}, f"after 3 s only {seen} showed the entry"
    # and the answer with the entry is kept by nginx in its turn
    nginx.get(poll)
    assert _cache_status(nginx.get(poll)[1]) == "HIT"
