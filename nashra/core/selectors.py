"""Reads shared by every reader page."""

from wagtail.models import Page


def breadcrumb_pages(*, page: Page, request=None) -> list[Page]:
    """The page's ancestors below the tree root and the page itself, home first.

    The on-page breadcrumb and its JSON-LD twin both need them: read once per request (kept
    on the request, so nothing outlives it).
    """
    if page.depth <= 1:
        return []
    memo = getattr(request, "_nashra_breadcrumb", None)
    if memo is not None and memo[0] == page.pk:
        return memo[1]
    pages = list(page.get_ancestors(inclusive=True).filter(depth__gt=1).only(
        "id", "title", "url_path", "depth", "path"
    ))
    if request is not None:
        request._nashra_breadcrumb = (page.pk, pages)
    return pages
