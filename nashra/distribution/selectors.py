"""Reads for feeds, sitemaps and head tags. Each costs a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Prefetch, Q
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction

from nashra.core.models import NashraImage
from nashra.core.pages import public
from nashra.news import selectors as news_selectors
from nashra.news.models import ArticlePage, ArticlePageAuthor, ArticleTag, Author

# The 16:9 JPEG every story's hero gets at publish time (nashra.core.images.HERO_SPEC):
# the picture for OpenGraph, X cards, JSON-LD and feed enclosures.
SHARE_RENDITION = "format-jpeg|fill-1200x675-c80"
# The headless API's other renditions: a card of any image it lists, an author's photo. The
# API only shows renditions already made (subscribers.api_renditions_make makes these).
CARD_RENDITION = "format-jpeg|fill-640x360-c80"
AUTHOR_PHOTO_RENDITION = "fill-240x240-c80|format-jpeg"
NEWS_SITEMAP_HOURS = 48
NEWS_SITEMAP_MAX = 1000


def _with_people(queryset):
    """Authors (in byline order) and tags of each story, two queries for the whole list."""
    return queryset.prefetch_related(
        Prefetch(
            "article_authors",
            queryset=ArticlePageAuthor.objects.select_related("author").order_by("sort_order"),
            to_attr="byline",
        ),
        Prefetch("tags", to_attr="tag_list"),
    )


def feed_articles(*, scope: str, obj, limit: int, full_text: bool) -> list[ArticlePage]:
    """The newest stories of a feed: the site (obj = its root page) or a section; for a tag
    or an author, obj is (site root page, subquery of story ids from `tag_links`/`author_links`).
    """
    if scope in ("site", "section"):
        queryset = news_selectors.articles_in_section(section=obj)
    elif scope in ("tag", "author"):
        # The site's stories narrowed by a subquery on the link table, not a join: for a rare
        # tag PostgreSQL otherwise walks every story by date (75 ms at 100,000; now 7 ms).
        site_root, links = obj
        queryset = news_selectors.articles_in_section(section=site_root).filter(pk__in=links)
    else:  # pragma: no cover - a programming error, not input
        raise ValueError(scope)
    if full_text:
        # The listing selector loads only what a card shows; a full-text feed needs the body.
        queryset = queryset.defer(None)
    return list(_with_people(queryset)[:limit])


def tag_links(tag):
    return ArticleTag.objects.filter(tag=tag).values("content_object_id")


def author_links(author):
    return ArticlePageAuthor.objects.filter(author=author).values("page_id")


def body_images(articles) -> dict[int, NashraImage]:
    """Every image used inside the bodies of `articles`, with renditions, in two queries."""
    ids = {
        block["value"].get("image")
        for article in articles
        for block in article.body.raw_data
        if block["type"] == "image" and isinstance(block.get("value"), dict)
    }
    ids.discard(None)
    if not ids:
        return {}
    images = NashraImage.objects.filter(pk__in=ids).prefetch_related("renditions")
    return {image.pk: image for image in images}


def byline(article) -> list[Author]:
    rows = getattr(article, "byline", None)
    if rows is None:
        rows = ArticlePageAuthor.objects.filter(page=article).select_related("author").order_by(
            "sort_order"
        )
    return [row.author for row in rows]


# --- sitemaps --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    """One child sitemap of the archive: the live stories whose page id falls in a block."""

    number: int
    lastmod: dt.datetime | None
    count: int


def _live_articles():
    return public(ArticlePage.objects.live())


def article_buckets() -> list[Bucket]:
    """Every non-empty block of story ids, with its newest change, in one grouped query."""
    size = settings.NASHRA_SITEMAP_IDS_PER_FILE
    rows = (
        _live_articles()
        .annotate(bucket=F("id") / size)
        .values("bucket")
        .annotate(lastmod=Max("last_published_at"), n=Count("id"))
        .order_by("bucket")
    )
    return [Bucket(number=r["bucket"], lastmod=r["lastmod"], count=r["n"]) for r in rows]


def articles_in_bucket(number: int):
    """Rows, not model instances: a child sitemap lists up to 10,000 of them."""
    size = settings.NASHRA_SITEMAP_IDS_PER_FILE
    return (
        _live_articles()
        .filter(id__gte=number * size, id__lt=(number + 1) * size)
        .order_by("id")
        .values(
            "id", "url_path", "last_published_at", "latest_revision_created_at",
            "hero_image__file", "hero_image__title", "hero_image__description",
            "hero_image__caption",
        )
    )


def articles_for_news(*, now: dt.datetime | None = None):
    """Stories first published in the last 48 hours, newest first, at most 1,000."""
    since = (now or timezone.now()) - dt.timedelta(hours=NEWS_SITEMAP_HOURS)
    return (
        _live_articles()
        .filter(first_published_at__gte=since)
        .only("id", "title", "url_path", "first_published_at")
        .order_by("-first_published_at", "-id")[:NEWS_SITEMAP_MAX]
    )


def news_exist(*, now: dt.datetime | None = None) -> bool:
    """Whether the Google News sitemap has a story (one published in the last 48 hours)."""
    since = (now or timezone.now()) - dt.timedelta(hours=NEWS_SITEMAP_HOURS)
    return _live_articles().filter(first_published_at__gte=since).exists()


def authors_exist() -> bool:
    """Whether any live, public story has a byline (the authors sitemap has an entry)."""
    return ArticlePageAuthor.objects.filter(page_id__in=_live_public_ids()).exists()


def _live_public_ids():
    """Ids of live pages outside any view restriction, as a subquery.

    The aggregates below filter their link table by this subquery rather than joining the
    story for `live`: SQLite then takes 0.6 s instead of 1.9 s for the tags of 100,000
    stories (PostgreSQL 0.3 s either way).
    """
    q = Q(live=True)
    for path in PageViewRestriction.objects.values_list("page__path", flat=True):
        q &= ~Q(path__startswith=path)
    return Page.objects.filter(q).values("id")


def tags_in_use() -> list[Tag]:
    """Tags of live stories, by slug, with the time their newest story changed."""
    rows = (
        ArticleTag.objects.filter(content_object_id__in=_live_public_ids())
        .values("tag_id")
        .annotate(lastmod=Max("content_object__last_published_at"))
    )
    return _with_lastmod(Tag.objects.order_by("slug"), {r["tag_id"]: r["lastmod"] for r in rows})


def authors_in_use() -> list[Author]:
    """Authors of live stories with the time their newest story changed."""
    rows = (
        ArticlePageAuthor.objects.filter(page_id__in=_live_public_ids())
        .values("author_id")
        .annotate(lastmod=Max("page__last_published_at"))
    )
    return _with_lastmod(Author.objects.only("id", "slug", "name").order_by("slug"),
                         {r["author_id"]: r["lastmod"] for r in rows})


def _with_lastmod(queryset, lastmods: dict) -> list:
    objects = list(queryset.filter(pk__in=lastmods))
    for obj in objects:
        obj.lastmod = lastmods[obj.pk]
    return objects


def share_card(request, article):
    """The drawn share card of `article` (nashra.distribution.cards): site name, headline
    and brand colour of the site serving `request`."""
    from nashra.core.models import SiteSettings

    from .cards import Card

    site = SiteSettings.for_request(request)
    return Card(site_name=site.site_name, headline=article.title, colour=site.brand_colour)
