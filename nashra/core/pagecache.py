"""The full-page cache for anonymous readers, and exact purges of it and of the front caches.

- **What is cached**: responses that a reader page marks with `cacheable()` (the page models'
  `serve()`), status 200, to a GET from a reader — a request without the session or messages
  cookie (settings.NASHRA_PAGE_CACHE_BYPASS_COOKIES; the nginx configuration bypasses on the
  same cookies). Search, comments, the admin, the API and the live fragments never are.
- **Keys**: the path, plus `?page=N` for listing pages 2..NASHRA_PAGE_CACHE_LISTING_PAGES;
  tracking parameters (`utm_*`, `fbclid`, …) are ignored; any other query string is not cached
  and answered `private` (a reader's own just-posted comment rides on `?comment=`).
- **A hit** costs one round trip to the cache (the entry and the site generation, together) and
  no database query; `page_cache_fast_path` answers it before Django's middleware, and
  `PageCacheMiddleware` does the same for servers that do not use the WSGI wrapper.
- **Freshness**: `urls_purge(paths)` drops exactly the given pages here and in every front cache
  (`wagtail.contrib.frontend_cache`, settings.WAGTAILFRONTENDCACHE) once the transaction
  commits; `everything_purge()` bumps the generation (a change of the section tree or the site
  settings, which every page shows). A render that began before a purge of its path is neither
  stored nor sent as shareable, so a purge can never be undone by a slow render. A page that
  knows when it will change on its own (a pick's end, the lead story's time running out,
  comments closing) says so with `valid_until()`, and its entry and `s-maxage` end then.
- **Headers**: `Cache-Control: public, max-age=0, must-revalidate, s-maxage=N`, a strong ETag and
  Last-Modified (304 answers from the entry), `Vary` without Cookie or Accept-Language (the page
  is the same for every reader); a logged-in editor gets `private, no-cache`.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import re
import secrets
import time
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.encoding import iri_to_uri
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend

from .inputs import whole_number

logger = logging.getLogger("nashra.pagecache")

CACHE_ALIAS = "pages"
GEN_KEY = "pc:gen"
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid"})
# Headers that describe one answer, not the page: never stored with it.
UNSTORED_HEADERS = frozenset({"set-cookie", "date", "age", "x-page-cache", "vary"})
# Paths whose answers are never page-cached: a lookup there would only cost a round trip.
SKIPPED_PREFIXES = ("/admin/", "/comments/", "/discovery/", "/api/", "/search/", "/documents/",
                    "/static/", "/media/", "/feeds/", "/sitemap", "/s/", "/robots.txt",
                    "/favicon", "/cards/")  # share cards: kept by their own view
_SMAXAGE = re.compile(r"s-maxage=\d+")
_CACHEABLE_ATTR = "_nashra_page_cacheable"
_UNTIL_ATTR = "_nashra_valid_until"


def enabled() -> bool:
    return settings.NASHRA_PAGE_CACHE


def _store():
    return caches[CACHE_ALIAS]


# --- marking responses -------------------------------------------------------------------------

def cacheable(response):
    """Called by reader pages: this answer is the same for every anonymous reader."""
    setattr(response, _CACHEABLE_ATTR, True)
    return response


class CachedPageMixin:
    """For reader page models: what `serve()` answers may be cached for anonymous readers."""

    def serve(self, request, *args, **kwargs):
        return cacheable(super().serve(request, *args, **kwargs))


def valid_until(request, when) -> None:
    """The page being rendered changes by itself at `when` (an aware datetime or None)."""
    if request is None or when is None:
        return
    stamp = when.timestamp()
    current = getattr(request, _UNTIL_ATTR, None)
    if current is None or stamp < current:
        setattr(request, _UNTIL_ATTR, stamp)


# --- keys -----------------------------------------------------------------------------------

def cache_key(path: str, query: str = "") -> str | None:
    """The entry's key for a decoded path and raw query string; None when not cacheable."""
    page = 0
    if query:
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name == "page" and not page and value.isdigit():
                # "²" passes isdigit() but not int(), and int() refuses 5,000 digits: such a
                # page number is not cached (the page itself reads or refuses it).
                page = whole_number(value) or 0
                if not 2 <= page <= settings.NASHRA_PAGE_CACHE_LISTING_PAGES:
                    return None
            elif not (name.startswith("utm_") or name in TRACKING_PARAMS):
                return None
    name = f"{path}?page={page}" if page else path
    return "pc:" + hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


def _purged_key(path: str) -> str:
    return "pc:purged:" + hashlib.md5(path.encode(), usedforsecurity=False).hexdigest()


def _bypass(cookie_header: str) -> bool:
    return bool(cookie_header) and any(
        f"{name}=" in cookie_header for name in settings.NASHRA_PAGE_CACHE_BYPASS_COOKIES)


def _skipped(path: str) -> bool:
    return path.startswith(SKIPPED_PREFIXES)


# --- entries ----------------------------------------------------------------------------------
# An entry is a tuple, cheap to pickle:
# (generation, stored_at, etag, status, headers, body, expires_at). The expiry is checked
# here too, not only by the store's own timeout, which is coarse on some stores.

def _lookup(key: str):
    """(entry or None, current generation) in one round trip."""
    found = _store().get_many([key, GEN_KEY])
    gen = found.get(GEN_KEY)
    entry = found.get(key)
    if entry is None or gen is None or entry[0] != gen or entry[6] <= time.time():
        return None, gen
    return entry, gen


def _not_modified(entry, if_none_match: str, if_modified_since: str) -> bool:
    etag = entry[2]
    if if_none_match:
        tags = parse_etags(if_none_match)
        return "*" in tags or etag in tags
    if if_modified_since:
        since = parse_http_date_safe(if_modified_since)
        return since is not None and int(entry[1]) <= since
    return False


def _hit_headers(entry, now: float) -> list[tuple[str, str]]:
    """The stored headers, with s-maxage cut to what is left of the entry's life: a front
    cache that ignores Age (nginx) must not keep the copy longer than we would."""
    left = min(max(0, int(entry[6] - now)), settings.NASHRA_FRONT_CACHE_SECONDS)
    headers = [(name, _SMAXAGE.sub(f"s-maxage={left}", value)
                if name == "Cache-Control" else value) for name, value in entry[4]]
    return [*headers, ("Age", str(max(0, int(now - entry[1])))), ("X-Page-Cache", "HIT")]


_NOT_MODIFIED_KEEP = frozenset({"cache-control", "etag", "last-modified", "expires",
                                "content-location", "vary"})


def _answer(entry, environ) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of a hit, for a WSGI environ (request.META is one)."""
    headers = _hit_headers(entry, time.time())
    if _not_modified(entry, environ.get("HTTP_IF_NONE_MATCH", ""),
                     environ.get("HTTP_IF_MODIFIED_SINCE", "")):
        return 304, [h for h in headers if h[0].lower() in _NOT_MODIFIED_KEEP], b""
    return entry[3], headers, b"" if environ.get("REQUEST_METHOD") == "HEAD" else entry[5]


def page_cache_fast_path(app):
    """WSGI wrapper: answer cached pages before Django's request machinery is touched."""
    if not enabled():
        return app

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not _bypass(
                environ.get("HTTP_COOKIE", "")):
            raw = environ.get("PATH_INFO", "")
            if not _skipped(raw):
                path = raw.encode("latin-1").decode("utf-8", "replace")
                key = cache_key(path, environ.get("QUERY_STRING", ""))
                entry = _lookup(key)[0] if key else None
                if entry is not None:
                    status, headers, body = _answer(entry, environ)
                    start_response("304 Not Modified" if status == 304 else f"{status} OK",
                                   headers)
                    return [body]
        return app(environ, start_response)

    return application


class PageCacheMiddleware:
    """Serve and store reader pages; first in MIDDLEWARE so it sees the final headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            response = self.get_response(request)
            if getattr(response, _CACHEABLE_ATTR, False):
                _finish_uncached(request, response)
            return response
        key = gen = None
        reader = not _bypass(request.META.get("HTTP_COOKIE", ""))
        if request.method in ("GET", "HEAD") and reader and not _skipped(request.path_info):
            key = cache_key(request.path_info, request.META.get("QUERY_STRING", ""))
            if key:
                entry, gen = _lookup(key)
                if entry is not None:
                    return _response_from(request, entry)
        started = time.time()
        response = self.get_response(request)
        if not getattr(response, _CACHEABLE_ATTR, False):
            return response
        if not reader or key is None or request.method != "GET":
            _private(response)
            return response
        _store_response(request, response, key=key, gen=gen, started=started)
        return response


def _response_from(request, entry) -> HttpResponse:
    status, headers, body = _answer(entry, request.META)
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response.headers[name] = value
    return response


def _private(response) -> None:
    response.headers["Cache-Control"] = "private, no-cache"


def _shared_vary(response) -> None:
    """Drop Vary: Cookie and Accept-Language: a cached page is one for every reader."""
    if not response.has_header("Vary"):
        return
    kept = [v for v in cc_delim_re.split(response.headers["Vary"])
            if v and v.lower() not in {"cookie", "accept-language"}]
    if kept:
        response.headers["Vary"] = ", ".join(kept)
    else:
        del response.headers["Vary"]


def _lifetime(request, now: float) -> int:
    seconds = settings.NASHRA_PAGE_CACHE_SECONDS
    until = getattr(request, _UNTIL_ATTR, None)
    if until is not None:
        seconds = min(seconds, int(until - now))
    return seconds


def _public(response, *, seconds: int, etag: str, modified: float) -> None:
    front = min(seconds, settings.NASHRA_FRONT_CACHE_SECONDS)
    # A CDN that honours stale-while-revalidate serves its expired copy while it fetches the
    # new one instead of making a reader wait (NASHRA_FRONT_STALE_SECONDS; nginx does so by its
    # own configuration). must-revalidate keeps browsers from doing the same with max-age=0.
    stale = settings.NASHRA_FRONT_STALE_SECONDS
    swr = f"stale-while-revalidate={stale}, " if stale > 0 and front > 0 else ""
    response.headers["Cache-Control"] = (
        f"public, max-age=0, must-revalidate, {swr}s-maxage={front}")
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(modified)
    _shared_vary(response)


def _finish_uncached(request, response) -> None:
    """NASHRA_PAGE_CACHE=off: the same headers for the front caches, nothing stored here."""
    if _bypass(request.META.get("HTTP_COOKIE", "")) or cache_key(
            request.path_info, request.META.get("QUERY_STRING", "")) is None:
        _private(response)
        return
    if response.status_code != 200 or response.cookies:
        return
    now = time.time()
    etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
    _public(response, seconds=max(0, _lifetime(request, now)), etag=etag, modified=now)


def _store_response(request, response, *, key: str, gen, started: float) -> None:
    if response.status_code != 200 or response.cookies or response.streaming:
        _private(response)
        return
    now = time.time()
    seconds = _lifetime(request, now)
    purged_key = _purged_key(request.path_info)
    found = _store().get_many([GEN_KEY, purged_key])
    current = found.get(GEN_KEY)
    if current is None:
        _store().add(GEN_KEY, new_generation(), None)
    purged = found.get(purged_key)
    # With read replicas a render soon after a purge may have read a replica that has not
    # caught up yet: such renders are not kept either (NASHRA_PAGE_CACHE_PURGE_WINDOW).
    window = settings.NASHRA_PAGE_CACHE_PURGE_WINDOW
    if (seconds <= 0 or current is None or (gen is not None and gen != current)
            or (purged is not None and purged >= started - window)):
        # Rendered from data a purge has since replaced, or about to change: not shareable.
        _private(response)
        return
    etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
    _public(response, seconds=seconds, etag=etag, modified=now)
    headers = [(k, v) for k, v in response.items() if k.lower() not in UNSTORED_HEADERS]
    if response.has_header("Vary"):
        headers.append(("Vary", response.headers["Vary"]))
    _store().set(key, (current, now, etag, response.status_code, headers, response.content,
                       now + seconds), seconds)
    response.headers["X-Page-Cache"] = "MISS"


# --- purging ----------------------------------------------------------------------------------

def _own_purge(paths: list[str]) -> None:
    store = _store()
    keys = {cache_key(*_split(p)) for p in paths} - {None}
    now = time.time()
    stamps = {_purged_key(_split(p)[0]): now for p in paths}
    store.set_many(stamps, settings.NASHRA_PAGE_CACHE_SECONDS + 60)
    store.delete_many(sorted(keys))


def _split(url_path: str) -> tuple[str, str]:
    path, _, query = url_path.partition("?")
    return unquote(path), query


def urls_purge(paths: Iterable[str], *, root_url: str, drop: bool = True,
               refresh_every: float | None = None) -> list[str]:
    """Drop these site paths (as page.url gives them) here and in every front cache.

    Our own entries go at once and again when the transaction commits (a render racing the
    commit cannot keep old content); the front caches are told by a task after the commit
    (nashra.core.tasks.front_purge: a front cache that hangs never holds up the editor).
    `drop=False` (a page that changed but may still be shown): front caches that can refresh
    in the background keep serving the old copy until the new one is stored, refreshed at most
    once every `refresh_every` seconds (REFRESH_MIN_INTERVAL by default). Returns the full
    URLs sent to the front caches.
    """
    paths = list(dict.fromkeys(p for p in paths if p))  # in the caller's order: hot first
    if not paths:
        return []
    urls = [root_url.rstrip("/") + iri_to_uri(p) for p in paths]
    _own_purge(paths)

    def after_commit():
        _own_purge(paths)
        _front_tell(urls, drop=drop, every=refresh_every)

    transaction.on_commit(after_commit)
    return urls


def _front_tell(urls: list[str], *, drop: bool, every: float | None = None) -> None:
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from . import tasks

    if drop:
        tasks.enqueue(tasks.front_purge, (urls,), {})
    elif refresh_claim(urls):
        tasks.enqueue_after(_refresh_wait(urls, every), tasks.front_refresh, (urls,), {})


# One queued refresh per set of pages at a time, and at most one start a second: a refresh
# renders the pages when it runs, so one still waiting in the queue covers every later change.
# An edit is refreshed at once; 50 approved comments a second on one story refresh it about
# once a second, not 50 times, and leave the worker time to score the comments themselves. The
# worker releases the claim and notes the time as it starts; the claim expires anyway, should a
# queue lose the task.
REFRESH_CLAIM_SECONDS = 30
REFRESH_MIN_INTERVAL = 1.0


def _refresh_key(urls: list[str]) -> str:
    digest = hashlib.sha1("\n".join(sorted(urls)).encode()).hexdigest()
    return f"nashra:front:refresh-queued:{digest}"


def _refresh_wait(urls: list[str], every: float | None = None) -> float:
    """Seconds until these pages may be refreshed again (0: now)."""
    try:
        last = _store().get(_refresh_key(urls) + ":started")
    except Exception:
        return 0.0
    every = REFRESH_MIN_INTERVAL if every is None else every
    return max(0.0, last + every - time.time()) if last else 0.0


def refresh_claim(urls: list[str]) -> bool:
    """True when no refresh of exactly these pages is waiting in the queue (and now one is)."""
    try:
        # The page store: shared by every process (files without Redis), as the claim must be.
        return bool(_store().add(_refresh_key(urls), 1, REFRESH_CLAIM_SECONDS))
    except Exception:  # a cache that is down must not stop a refresh
        logger.warning("front caches: refresh claim unavailable", exc_info=True)
        return True


def refresh_release(urls: list[str]) -> None:
    """A refresh of these pages starts: a change from now on queues the next one."""
    key = _refresh_key(urls)
    try:
        _store().set(key + ":started", time.time(), REFRESH_CLAIM_SECONDS)
        _store().delete(key)
    except Exception:
        logger.warning("front caches: refresh claim not released", exc_info=True)


class FrontCacheError(Exception):
    """A front cache did not take a purge (refused it, or did not answer in time)."""


def front_purge_now(urls: list[str], *, backends: list[str] | None = None) -> list[str]:
    """Purge `urls` from the front caches now (a task calls this); the names of the caches
    that failed."""
    from wagtail.contrib.frontend_cache.utils import get_backends

    failed = []
    for name, backend in get_backends(backends=backends).items():
        try:
            backend.purge_batch(urls)
        except Exception:
            logger.exception("front cache %s: purge of %d URLs failed", name, len(urls))
            failed.append(name)
    return failed


class HTTPPurgeBackend(HTTPBackend):
    """Wagtail's PURGE-over-HTTP backend (nginx's cache-purge module, Varnish) with a time-out
    and failures raised, so the purge task can retry: Wagtail's waits forever on a front cache
    that accepts the connection and never answers, and only logs a refusal."""

    def purge(self, url) -> None:
        location = f"{self.cache_scheme}://{self.cache_netloc}"
        try:
            status, _ = _front_request("PURGE", location, url)
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
            raise FrontCacheError(f"{url}: {error}") from error
        if status not in (200, 404):  # 404: nothing cached under that URL, nothing to purge
            raise FrontCacheError(f"{url}: HTTP {status}")


def new_generation() -> int:
    """A generation number no earlier one had, even at the same clock reading."""
    return secrets.randbits(63)


def everything_purge() -> None:
    """Every page of ours is stale (section tree, site settings): a new generation."""
    def bump():
        _store().set(GEN_KEY, new_generation(), None)

    bump()
    transaction.on_commit(bump)


# --- refreshing front caches ------------------------------------------------------------------
# A purge empties a front cache's entry, and the next readers of a hot page wait for a render
# (nginx's cache lock); a refresh has the front cache fetch the page anew while it keeps
# serving its copy (deploy/nginx: proxy_cache_bypass on X-Nashra-Refresh from this machine).

REFRESH_HEADER = "X-Nashra-Refresh"
# nginx keeps an answer for its s-maxage, else its max-age (0: not at all), else 1 s.
_FRONT_S_MAXAGE = re.compile(r"s-maxage=(\d+)")
_FRONT_MAX_AGE = re.compile(r"max-age=(\d+)")


def front_refresh(urls: list[str]) -> list[str]:
    """Have every front cache replace its copy of these pages (full URLs) without dropping it.

    For pages that changed but stay public (an edit, an approved comment, a new story on a
    listing). A page made private, unpublished or deleted must be purged instead
    (`urls_purge`), so that no reader is served it again. Call it after nashra's own copies
    are dropped, as `urls_purge(…, drop=False)` does before it tells the front caches
    (otherwise they would be given nashra's old copy again), from a task rather than a
    request: it waits for one render per URL, one after the other in the order given (list
    the pages readers see most first).

    - HTTP front caches (each `HTTPBackend` of settings.WAGTAILFRONTENDCACHE, such as nginx's
      loopback listener): a GET of each URL with `X-Nashra-Refresh: 1`, which
      deploy/nginx sends to nashra past its copy and stores in that copy's place; readers are
      served the old copy until then and never wait. An answer the front cache did not
      store — not `X-Cache-Status: BYPASS` (a cache that does not know the header), not a 200,
      or not shareable (the page has meanwhile become private) — is followed by a PURGE of
      that URL, so an old copy never outlives the change.
    - Other backends (Cloudflare, CloudFront) cannot be told to refresh: they are purged.

    Failures are logged, never raised: a front cache that refuses or does not answer within
    NASHRA_FRONT_CACHE_TIMEOUT is left for this call; the URLs it did not take are returned
    (the task then purges them, with retries).
    """
    urls = [url for url in dict.fromkeys(urls) if url]
    if not urls or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return []
    from wagtail.contrib.frontend_cache.utils import get_backends

    try:
        backends = get_backends()
    except Exception:  # a misconfigured front cache must never stop a story going out
        logger.exception("front caches: none refreshed (%d URLs)", len(urls))
        return urls
    missed: list[str] = []
    for name, backend in backends.items():
        if isinstance(backend, HTTPBackend):
            missed += _http_refresh(name, f"{backend.cache_scheme}://{backend.cache_netloc}",
                                    urls)
            continue
        try:
            backend.purge_batch(urls)
        except Exception:
            logger.exception("front cache %s: purge of %d URLs failed", name, len(urls))
            missed += urls
    return list(dict.fromkeys(missed))


def _http_refresh(name: str, location: str, urls: list[str]) -> list[str]:
    warned = False
    for done, url in enumerate(urls):
        try:
            status, headers = _front_request("GET", location, url, {REFRESH_HEADER: "1"})
            if _front_stored(status, headers):
                continue
            if headers.get("X-Cache-Status") != "BYPASS" and not warned:
                logger.warning("front cache %s at %s answered a refresh of %s without going to "
                               "nashra (X-Cache-Status %r: it does not know %s); purging instead",
                               name, location, url, headers.get("X-Cache-Status"),
                               REFRESH_HEADER)
                warned = True
            status, _ = _front_request("PURGE", location, url)
            if status not in (200, 404):  # 404: nothing was cached under that URL
                logger.error("front cache %s at %s: PURGE %s answered %d", name, location, url,
                             status)
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
            logger.error("front cache %s at %s: refresh of %s failed (%s); %d URLs not "
                         "refreshed", name, location, url, error, len(urls) - done)
            return urls[done:]
    return []


def _front_request(method: str, location: str, url: str,
                   headers: dict[str, str] | None = None):
    """Send METHOD for a page's full URL to the front cache at LOCATION (scheme://host:port)
    with the page's own Host, as Wagtail's HTTPBackend does; (status, headers), body read.
    Gives up after NASHRA_FRONT_CACHE_TIMEOUT: Wagtail's own request waits forever."""
    cache, page = urlsplit(location), urlsplit(url)
    connection_class = (http.client.HTTPSConnection if cache.scheme == "https"
                        else http.client.HTTPConnection)
    connection = connection_class(cache.netloc, timeout=settings.NASHRA_FRONT_CACHE_TIMEOUT)
    host = page.hostname + (f":{page.port}" if page.port else "")
    target = (page.path or "/") + (f"?{page.query}" if page.query else "")
    try:
        connection.request(method, target, headers={
            "Host": host, "User-Agent": "nashra-front-cache", **(headers or {})})
        response = connection.getresponse()
        response.read()
        return response.status, response.headers
    finally:
        connection.close()


def _front_stored(status: int, headers) -> bool:
    """Whether nginx stored its answer to a refresh in place of its copy: deploy/nginx keeps a
    200 unless it is private, no-cache or no-store, kept 0 seconds, or sets or varies on a
    cookie (a feed with no caching header at all is kept 1 s)."""
    control = headers.get("Cache-Control", "").lower()
    lifetime = _FRONT_S_MAXAGE.search(control) or _FRONT_MAX_AGE.search(control)
    return (status == 200 and headers.get("X-Cache-Status") == "BYPASS"
            and (lifetime is None or int(lifetime[1]) > 0)
            and not any(word in control for word in ("private", "no-cache", "no-store"))
            and "Set-Cookie" not in headers
            and "cookie" not in headers.get("Vary", "").lower())


class RecordingPurgeBackend(BaseBackend):
    """A front cache for tests: remembers every URL it was asked to purge."""

    purged: list[str] = []

    def purge(self, url) -> None:
        RecordingPurgeBackend.purged.append(url)
