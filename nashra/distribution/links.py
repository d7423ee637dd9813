"""Absolute URLs, all from the Wagtail Site that serves the request.

Canonical links, feeds, sitemaps, JSON-LD and share links must agree on one host, so every
absolute URL is built from the site's root URL (admin › الإعدادات › المواقع), never from
whatever Host header a request carried. Paths come percent-encoded from Django's reverse(),
so Arabic slugs travel as ASCII.
"""

from django.urls import reverse
from wagtail.models import Site

from nashra.news.models import HomePage

SHORT_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


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


def short_url(request, page_id: int) -> str:
    return absolute(request, reverse("distribution:short_link", args=[short_code(page_id)]))
