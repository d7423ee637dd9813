"""Reads of news content. Listing pages call these; each costs a fixed number of queries."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber, Substr
from taggit.models import Tag
from wagtail.models import Page

from nashra.core import fragments
from nashra.core.models import NashraImage
from nashra.core.pages import public
from nashra.core.queries import Precompiled

from .models import (
    ArticlePage,
    ArticlePageAuthor,
    ArticleTag,
    Author,
    HomePage,
    SectionPage,
    StoryImage,
)

PAGE_SIZE = settings.NASHRA_PAGE_SIZE
SECTIONS_CACHE_KEY = "nashra:sections:v3"
# Treebeard's materialised path spends four characters per tree level.
STEPLEN = Page.steplen
HOME_RECENT_WINDOW = 600


@dataclass(frozen=True)
class SectionRef:
    """What a story card needs of its section, cheap to cache."""

    id: int
    title: str
    url: str
    path: str
    in_menu: bool = False


# The map, unpickled, kept in this process while the cache's version key says it is current:
# a story card asks for its section, and unpickling the map for each card costs milliseconds.
_memo: dict = {}


def _sections() -> dict[str, SectionRef]:
    # Within one request the map is read once: a listing has twenty story cards, each asking
    # for its section, and a page is rendered from one version of the map anyway.
    return fragments.per_request("sections", _sections_current)


def _sections_current() -> dict[str, SectionRef]:
    # The tree's version comes with the request's one read of the shared store (fragments).
    version = fragments.version("sections")
    if version is not None and _memo.get("version") == version:
        return _memo["refs"]
    key = f"{SECTIONS_CACHE_KEY}:{version[1]}" if version is not None else None
    refs = cache.get(key) if key else None
    if refs is None:
        refs = {
            s.path: SectionRef(id=s.id, title=s.title, url=s.get_url() or "", path=s.path,
                               in_menu=s.show_in_menus)
            for s in SectionPage.objects.live().only(
                "id", "title", "path", "url_path", "depth", "show_in_menus"
            )
        }
        if key is None or fragments.young(version):
            return refs  # a replica may not have the change yet (or no version): not kept
        cache.set(key, refs, 60 * 60)
    _memo.update(version=version, refs=refs)
    return refs


def sections_changed() -> None:
    """Call when a section is published, renamed, moved or removed."""
    fragments.version_changed("sections")  # and this thread's request forgets its map
    _memo.clear()


def section_for_path(article_path: str) -> SectionRef | None:
    """The section a story lives in: its parent in the page tree."""
    return _sections().get(article_path[:-STEPLEN])


def page_for_url_path(*, root: Page, components: list[str]) -> Page | None:
    """The page at `components` below `root` (live or not), as its specific class, in one query.

    Wagtail's own routing asks for each URL segment's child and then its specific row: two
    queries per segment, six for a story. A page's url_path is its ancestors' slugs, kept up to
    date by Wagtail on every slug change and move, so one lookup by it (through the slug's
    index) finds the same page; sections and stories come with their own row joined.
    """
    url_path = root.url_path + "".join(f"{component}/" for component in components)
    # Filtered by the slug's index only: with a condition on the path prefix or an order,
    # PostgreSQL may walk the path index through every story (34 ms at 100,000).
    where = {"slug": components[-1], "url_path": url_path, "depth": root.depth + len(components)}
    # Stories first, as stories (one join, one model built: 2 ms less than the general
    # lookup on a 2-core machine); anything else through the general lookup.
    found = _STORY_AT_PATH.fetch(**where)
    if found:
        story = found[0] if len(found) == 1 and found[0].path.startswith(root.path) else None
        # A page type built on the story (a live story) is served as itself.
        return story.specific if story and story.specific_class is not ArticlePage else story
    found = list(Page.objects.filter(**where).select_related(*_JOINED_TYPES.values())[:2])
    if len(found) != 1 or not found[0].path.startswith(root.path):
        return None  # not there (or two pages claim the path: Wagtail's walk decides)
    page = found[0]
    joined = _JOINED_TYPES.get(page.specific_class)
    return getattr(page, joined) if joined else page.specific


# The story lookup of every story page, its SQL built once per connection.
_STORY_AT_PATH = Precompiled(
    "story_at_path", ArticlePage,
    lambda slug, url_path, depth: ArticlePage.objects.filter(
        slug=slug, url_path=url_path, depth=depth)[:2],
    slug=str, url_path=str, depth=int)

# The page types routing joins in its one query, by the name of their row on Page.
_JOINED_TYPES = {ArticlePage: "articlepage", SectionPage: "sectionpage"}


def _for_listing(queryset):
    """Everything a story card shows, in a fixed number of queries."""
    return (
        public(queryset.live())
        .select_related("hero_image")
        .prefetch_related(
            Prefetch(
                "hero_image__renditions",
                queryset=NashraImage.get_rendition_model().objects.all(),
            )
        )
        .only(
            "id", "title", "slug", "path", "depth", "url_path", "first_published_at",
            "last_published_at", "standfirst", "source", "hero_image", "content_type_id",
            "locale_id",
        )
        .order_by("-first_published_at", "-id")
    )


def listing_count(*, request, name: str, queryset) -> int:
    """How many stories a listing pages through (its paginator's count). Counted once per
    content change and kept in the shared cache for every process, not on every render:
    COUNT over a section of 100,000 stories took 55 ms of its 78 ms on PostgreSQL. Any story
    published, moved or taken down starts a new content generation (nashra.core.fragments),
    and so a new count."""
    seconds = settings.NASHRA_FRAGMENT_SECONDS
    site_gen, content_gen = fragments.generations(request)
    if seconds <= 0 or site_gen is None or content_gen is None:
        return queryset.count()
    key = f"nashra:listing-count:{name}:{site_gen}:{content_gen[1]}"
    found = cache.get(key)
    if found is None:
        found = queryset.count()
        if not fragments.young(content_gen):  # a read replica may not have the change yet
            cache.set(key, found, seconds)
    return found


def articles_latest(*, limit: int = 10) -> list[ArticlePage]:
    return list(_for_listing(ArticlePage.objects.all())[:limit])


def articles_in_section(*, section: SectionPage):
    """A section lists its own stories and those of its subsections."""
    return _for_listing(ArticlePage.objects.descendant_of(section))


def articles_with_tag(*, tag):
    return _for_listing(ArticlePage.objects.filter(tags=tag))


def articles_by_author(*, author: Author):
    return _for_listing(ArticlePage.objects.filter(article_authors__author=author))


def articles_by_ids(*, ids) -> list[ArticlePage]:
    """Live stories with these ids as story cards, in the order of `ids` (missing ones dropped)."""
    ids = list(ids)
    found = {a.pk: a for a in _for_listing(ArticlePage.objects.filter(pk__in=ids))} if ids else {}
    return [found[pk] for pk in ids if pk in found]


def public_story_image_ids():
    """A subquery of the ids of images that live, public stories show (hero or body)."""
    stories = public(ArticlePage.objects.live()).values("pk")
    return StoryImage.objects.filter(story__in=stories).values("image_id")


def article_authors(*, article: ArticlePage) -> list[Author]:
    """The byline, in its order. A story page shows names, links and photos: read as plain rows
    (the rest of an author loads if asked for), which costs a third of model rows joined."""
    rows = _BYLINE.fetch(page_id=article.pk)
    return [Author.from_db(None, ["id", "name", "slug", "photo_id"], row) for row in rows]


def article_tags(*, article: ArticlePage) -> list[Tag]:
    """A story's tags in the order they were given, read as plain rows."""
    rows = _TAGS.fetch(page_id=article.pk)
    return [Tag.from_db(None, ["id", "name", "slug"], row) for row in rows]


# A story's first render reads its byline and tags: SQL built once per connection.
_BYLINE = Precompiled(
    "byline", ArticlePageAuthor,
    lambda page_id: ArticlePageAuthor.objects.filter(page_id=page_id).order_by("sort_order")
    .values_list("author_id", "author__name", "author__slug", "author__photo_id"),
    page_id=int)
_TAGS = Precompiled(
    "story_tags", ArticleTag,
    lambda page_id: ArticleTag.objects.filter(content_object_id=page_id).order_by("id")
    .values_list("tag_id", "tag__name", "tag__slug"),
    page_id=int)


@dataclass
class SectionBlock:
    section: SectionRef
    articles: list


def home_sections_with_latest(*, home: HomePage, per_section: int = 4) -> list[SectionBlock]:
    """The newest stories of each top-level section, in one query whatever the archive size."""
    top_depth = home.depth + 1
    prefix_len = top_depth * STEPLEN
    # The window runs over the newest stories only, not the whole archive (0.7 s at 100,000
    # stories on PostgreSQL); a section with too few of them is filled by its own query.
    # Read from the page table alone so its first_published_at index gives the order.
    recent = list(
        Page.objects.live().type(ArticlePage).filter(path__startswith=home.path)
        .order_by("-first_published_at").values_list("pk", flat=True)[:HOME_RECENT_WINDOW]
    )
    ranked = (
        _for_listing(ArticlePage.objects.filter(pk__in=recent))
        .annotate(
            top_path=Substr("path", 1, prefix_len),
            rank=Window(
                RowNumber(),
                partition_by=[Substr("path", 1, prefix_len)],
                order_by=[F("first_published_at").desc(), F("id").desc()],
            ),
        )
        .filter(rank__lte=per_section)
    )
    sections = {
        ref.path: ref for ref in _sections().values() if len(ref.path) == prefix_len
    }
    grouped: dict[str, list] = {}
    for article in ranked:
        grouped.setdefault(article.top_path, []).append(article)
    if len(recent) == HOME_RECENT_WINDOW:  # older stories exist beyond the window
        for path in sections:
            if len(grouped.get(path, ())) < per_section:
                older = _for_listing(ArticlePage.objects.filter(path__startswith=path))
                grouped[path] = list(older[:per_section])
                for article in grouped[path]:
                    article.top_path = path
        grouped = {p: a for p, a in grouped.items() if a}
    menu_order = [ref.path for ref in menu_sections(home=home)]
    ordered = [p for p in menu_order if p in grouped] + sorted(
        p for p in grouped if p not in menu_order
    )
    return [SectionBlock(section=sections[p], articles=grouped[p]) for p in ordered if p in sections]


def menu_sections(*, home: Page) -> list[SectionRef]:
    """Top-level sections shown in the header, in the editors' order (the tree's order of
    children is their path), from the cached map: showing in menus changes on publish."""
    child_len = len(home.path) + STEPLEN
    return sorted(
        (ref for ref in _sections().values()
         if ref.in_menu and len(ref.path) == child_len and ref.path.startswith(home.path)),
        key=lambda ref: ref.path,
    )
