"""Which pages show a story: the invalidation map of the full-page and front caches.

`story_paths(story=…)` lists the reader pages a story appears on as it stands now: its own
page, every section above it and the home page, its tags' and authors' pages (listing pages
with their first `NASHRA_PAGE_CACHE_LISTING_PAGES` page numbers). `story_purge` (in
services) purges these together with what the story appeared on when it was last purged,
kept in `StoryFootprint`, so a tag taken off, an author replaced or a move to another section
purges the old pages too. Other apps add their own pages (feeds, sitemaps) through
nashra.core.changes.pages_showing (news/subscribers.py registers this one).
"""

from django.conf import settings

from .models import ArticlePage, ArticlePageAuthor, HomePage, SectionPage


def listing_paths(path: str) -> list[str]:
    """A listing page and its next pages, as they are cached and purged."""
    return [path] + [f"{path}?page={n}"
                     for n in range(2, settings.NASHRA_PAGE_CACHE_LISTING_PAGES + 1)]


def page_path(page) -> str | None:
    parts = page.get_url_parts()
    return parts[2] if parts else None


def tree_path(page, url_path: str) -> str | None:
    """The site path of a tree `url_path` (such as a moved page's old one)."""
    site = page.get_site()
    root = site.root_page.url_path if site else ""
    if not url_path or not root or not url_path.startswith(root):
        return None
    return "/" + url_path[len(root):]


def site_root_url(page) -> str:
    parts = page.get_url_parts()
    return parts[1] if parts else settings.WAGTAILADMIN_BASE_URL


def route_paths(home_path: str, route: str, slugs) -> list[str]:
    paths = []
    for slug in slugs:
        paths += listing_paths(home_path.rstrip("/") + "/"
                               + HomePage.reverse_subpage_static(route, slug).lstrip("/"))
    return paths


def hot_paths(*, story: ArticlePage) -> list[str]:
    """The pages most readers see of those showing `story`, most read first: its own page, the
    home page and the first page of each section above it. An edit has the front caches
    refresh these in the background (readers keep the old copy meanwhile); the rest of
    `story_paths`, read far less, are dropped and rendered again by their next reader."""
    own = page_path(story)
    if own is None:
        return []
    home, sections = [], []
    for ancestor in story.get_ancestors().specific().filter(depth__gt=1):
        path = page_path(ancestor)
        if path and isinstance(ancestor, HomePage):
            home.append(path)
        elif path and isinstance(ancestor, SectionPage):
            sections.insert(0, path)  # the story's own section first
    return [own, *home, *sections]


def story_paths(*, story: ArticlePage) -> list[str]:
    own = page_path(story)
    if own is None:
        return []
    paths = [own]
    home_path = "/"
    for ancestor in story.get_ancestors().specific().filter(depth__gt=1):
        path = page_path(ancestor)
        if path is None:
            continue
        if isinstance(ancestor, SectionPage):
            paths += listing_paths(path)
        elif isinstance(ancestor, HomePage):
            home_path = path
            paths.append(path)
    paths += route_paths(home_path, "tag", [tag.slug for tag in story.tags.all()])
    author_slugs = (ArticlePageAuthor.objects.filter(page_id=story.pk)
                    .values_list("author__slug", flat=True))
    paths += route_paths(home_path, "author", author_slugs)
    return paths
