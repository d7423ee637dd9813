"""Absolute URLs, all from the Wagtail Site that serves the request.

Canonical links, feeds, sitemaps, JSON-LD and share links must agree on one host, so every
absolute URL is built from the site's root URL (admin › الإعدادات › المواقع), never from
whatever Host header a request carried. Paths come percent-encoded from Django's reverse(),
so Arabic slugs travel as ASCII.
"""

import functools
from urllib.parse import quote

from django.urls import reverse
from wagtail.models import Site

from nashra.news.models import REVERSE_SAFE, HomePage

SHORT_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
SAFE = REVERSE_SAFE
_SLUG = "SLUG"


def site_for(request) -> Site | None:
    return Site.find_for_request(request) if request is not None else None


def root_url(request) -> str:
    site = site_for(request)
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else ""


def absolute(request, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return root_url(request) + path


def page_url(page, request) -> str:
    return page.get_full_url(request) or ""


def home_url(request) -> str:
    """The site's root page is served at the root of its host."""
    return root_url(request) + "/"


def route_url(request, route: str, slug: str) -> str:
    """A tag or author page: a route below the home page."""
    return home_url(request) + HomePage.reverse_subpage_static(route, slug)


def tag_url(request, tag) -> str:
    return route_url(request, "tag", tag.slug)


def author_url(request, author) -> str:
    return route_url(request, "author", author.slug)


def short_code(page_id: int) -> str:
    """Base 36 of the page id: a story's short link never changes, whatever moves."""
    digits = []
    while True:
        page_id, rest = divmod(page_id, 36)
        digits.append(SHORT_ALPHABET[rest])
        if not page_id:
            return "".join(reversed(digits))


def page_id_from_code(code: str) -> int | None:
    if not code or len(code) > 12 or any(c not in SHORT_ALPHABET for c in code.lower()):
        return None
    return int(code.lower(), 36)


@functools.cache
def _short_template() -> str:
    return reverse("distribution:short_link", args=[_SLUG])


def short_url(request, page_id: int) -> str:
    return absolute(request, _short_template().replace(_SLUG, short_code(page_id), 1))


class PageUrls:
    """Full URLs of many pages from their `url_path`, as `Page.get_full_url` makes them.

    A sitemap of 10,000 stories would otherwise run the URL resolver 10,000 times; this does
    the site lookup and the reverse() once and percent-encodes each path the same way.
    """

    def __init__(self, request):
        current = site_for(request)
        roots = list(Site.get_site_root_paths())
        # The request's own site first, as Page.get_url_parts prefers it.
        roots.sort(key=lambda r: current is None or r.site_id != current.pk)
        self.roots = [(r.root_path, r.root_url) for r in roots]
        self.prefix = reverse("wagtail_serve", args=("",))

    def __call__(self, url_path: str) -> str | None:
        for root_path, root_url in self.roots:
            if url_path.startswith(root_path):
                return root_url + quote(self.prefix + url_path[len(root_path):], safe=SAFE)
        return None


def card_path(page_id: int, key: str) -> str:
    """Where a story's drawn share card is served (nashra.distribution.cards)."""
    return reverse("distribution:share_card", args=[page_id, key])
