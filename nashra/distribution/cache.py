"""Cached feed and sitemap responses, dropped when what they show changes.

Keys carry generation numbers instead of being deleted one by one:

- the *tree* generation changes when a section is published, moved, renamed or removed (every
  story URL below it may change), and invalidates everything here;
- the *content* generation changes on every story publish, unpublish, move or delete and on
  author edits; feeds, the sitemap index, the news sitemap and the pages sitemap use it;
- each block of story ids (one child sitemap) has its own generation, so publishing a story
  rebuilds only the child sitemap that lists it, not the whole archive.

Old entries are never read again and expire on their own.
"""

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.encoding import escape_uri_path

from nashra.core import sites

PREFIX = "nashra:distribution"
TREE = f"{PREFIX}:gen:tree"
CONTENT = f"{PREFIX}:gen:content"
# Headers worth keeping with a cached body.
KEPT_HEADERS = ("Content-Type", "Last-Modified", "X-Robots-Tag")


def _bucket_key(bucket: int) -> str:
    return f"{PREFIX}:gen:articles:{bucket}"


def bucket_of(page_id: int) -> int:
    """The child sitemap a story lives in: stories are grouped by blocks of page ids."""
    return page_id // settings.NASHRA_SITEMAP_IDS_PER_FILE


def _generations(keys: list[str]) -> list[int]:
    found = cache.get_many(keys)
    missing = {k: time.time_ns() for k in keys if k not in found}
    if missing:
        cache.set_many(missing, None)
        found.update(missing)
    return [found[k] for k in keys]


def _bump(*keys: str) -> None:
    now = time.time_ns()
    cache.set_many(dict.fromkeys(keys, now), None)


def tree_changed() -> None:
    _bump(TREE)


def content_changed(*, page_id: int | None = None) -> None:
    keys = [CONTENT]
    if page_id is not None:
        keys.append(_bucket_key(bucket_of(page_id)))
    _bump(*keys)


def response_key(request, gens: str, params: tuple[str, ...] | None) -> str:
    """The entry's key: the Wagtail Site that answers (every link in a body comes from it),
    the path and the query parameters the view reads (`params`; None: all of them, sorted).

    Never the Host header or a parameter the view ignores: each passes on to the same body,
    and a key built from them let any client add entries without end (`Host: localhost:1234`,
    `?x=1`, `?x=2`, …).
    """
    if params is None:
        query = urlencode(sorted(request.GET.lists()), doseq=True)
    else:
        query = urlencode([(name, request.GET.getlist(name)) for name in params
                           if name in request.GET], doseq=True)
    site = sites.site_id_for_request(request)
    return f"{PREFIX}:resp:{gens}:{site}:{escape_uri_path(request.path)}?{query}"


def cached_response(*, timeout: int, bucket: Callable[..., int | None] | None = None,
                    params: tuple[str, ...] | None = None):
    """Serve a view's body from the cache, keyed by site, path, query and generations
    (`response_key`: `params` names the query parameters the view reads, None for all).

    `bucket(**kwargs)` names the block of story ids the response depends on instead of the
    content generation (child sitemaps of the archive).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            number = bucket(**kwargs) if bucket else None
            gen_keys = [TREE, CONTENT if number is None else _bucket_key(number)]
            gens = ":".join(str(g) for g in _generations(gen_keys))
            key = response_key(request, gens, params)
            hit = cache.get(key)
            if hit is not None:
                body, headers = hit
                response = HttpResponse(body)
                for name, value in headers.items():
                    response.headers[name] = value
                response.headers["X-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200:
                headers = {h: response.headers[h] for h in KEPT_HEADERS if h in response.headers}
                cache.set(key, (response.content, headers), timeout)
                response.headers["X-Cache"] = "miss"
            return response

        return wrapper

    return decorator
