"""Reads shared by every reader page."""

from wagtail.models import Page

from . import fragments


def breadcrumb_pages(*, page: Page, request=None) -> list[Page]:
    """The page's ancestors below the tree root and the page itself, home first.

    The on-page breadcrumb and its JSON-LD twin both need them: read once per request (kept
    on the request). The ancestors — home and sections — are the same for every story of a
    section and change only with the section tree (a new site generation): remembered
    between requests (nashra.core.fragments).
    """
    if page.depth <= 1:
        return []
    memo = getattr(request, "_nashra_breadcrumb", None)
    if memo is not None and memo[0] == page.pk:
        return memo[1]
    pages = [*_ancestors_below_root(page.path[:-Page.steplen], request), page]
    if request is not None:
        request._nashra_breadcrumb = (page.pk, pages)
    return pages


def _ancestors_below_root(parent_path: str, request) -> list[Page]:
    steplen = Page.steplen
    paths = [parent_path[:end] for end in range(2 * steplen, len(parent_path) + 1, steplen)]
    if not paths:
        return []
    return fragments.remember(request, ("ancestors", parent_path), lambda: list(
        Page.objects.filter(path__in=paths).order_by("path")
        .only("id", "title", "url_path", "depth", "path")))
