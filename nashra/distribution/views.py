"""robots.txt, the sitemap index and its children, short links and share cards."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sitemaps.views import x_robots_tag
from django.contrib.sites.requests import RequestSite
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page

from . import cards, links, selectors, sitemaps
from .cache import cached_response

ARTICLES_PREFIX = "articles-"
XML = "application/xml; charset=utf-8"


def sitemap_url(request, section: str, page: int = 1) -> str:
    url = links.absolute(request, reverse("distribution:sitemap", args=[section]))
    return url if page == 1 else f"{url}?p={page}"


@require_GET
@cache_control(public=True, max_age=60 * 60 * 24)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /documents/",
        "",
        f"Sitemap: {links.absolute(request, reverse('distribution:sitemap_index'))}",
        f"Sitemap: {sitemap_url(request, 'news')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@dataclass
class IndexEntry:
    location: str
    lastmod: str | None


def _w3c(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None


@require_GET
@x_robots_tag
@cached_response(timeout=settings.NASHRA_SITEMAP_CACHE_SECONDS, params=())
def sitemap_index(request):
    buckets = selectors.article_buckets()
    newest = max((b.lastmod for b in buckets if b.lastmod), default=None)
    tags = sitemaps.TagsSitemap(request)
    # Only children with an entry: an empty child answers 404 (an empty <urlset> is not
    # valid), which crawlers report as an error in the index.
    entries = [IndexEntry(sitemap_url(request, "pages"), _w3c(newest))]
    if tags.paginator.count:
        entries += [
            IndexEntry(sitemap_url(request, "tags", page), _w3c(newest))
            for page in range(1, tags.paginator.num_pages + 1)
        ]
    if selectors.authors_exist():
        entries.append(IndexEntry(sitemap_url(request, "authors"), _w3c(newest)))
    entries += [
        IndexEntry(sitemap_url(request, f"{ARTICLES_PREFIX}{b.number}"), _w3c(b.lastmod))
        for b in buckets
    ]
    if selectors.news_exist():
        entries.append(IndexEntry(sitemap_url(request, "news"), _w3c(newest)))
    headers = {"Last-Modified": http_date(newest.timestamp())} if newest else None
    return TemplateResponse(request, "distribution/sitemap_index.xml", {"sitemaps": entries},
                            content_type=XML, headers=headers)


def _bucket(section: str) -> int | None:
    if section.startswith(ARTICLES_PREFIX) and section[len(ARTICLES_PREFIX):].isdigit():
        return int(section[len(ARTICLES_PREFIX):])
    return None


def _sitemap_for(request, section: str):
    simple = {"pages": sitemaps.PagesSitemap, "tags": sitemaps.TagsSitemap,
              "authors": sitemaps.AuthorsSitemap, "news": sitemaps.NewsSitemap}
    if section in simple:
        return simple[section](request)
    bucket = _bucket(section)
    # Past any real page id; a bigger number would overflow the id column.
    if bucket is not None and bucket < 10**12:
        return sitemaps.ArticlesSitemap(request, bucket=bucket)
    raise Http404("لا توجد خريطة موقع بهذا الاسم")


@require_GET
@x_robots_tag
@cached_response(timeout=settings.NASHRA_SITEMAP_CACHE_SECONDS, params=("p",),
                 bucket=lambda section: _bucket(section))
def sitemap_section(request, section):
    sitemap = _sitemap_for(request, section)
    try:
        urls = sitemap.get_urls(page=request.GET.get("p", 1), site=RequestSite(request),
                                protocol=request.scheme)
    except (EmptyPage, PageNotAnInteger):
        raise Http404("لا توجد صفحة بهذا الرقم في خريطة الموقع") from None
    if not urls and section != "news":
        # An empty <urlset> is not valid; the index no longer lists this child anyway.
        raise Http404("خريطة الموقع هذه فارغة")
    return HttpResponse(sitemap.write(urls), content_type=XML)


@require_GET
def short_link(request, code):
    """/s/<base 36 id>/ → the story wherever it lives now."""
    page_id = links.page_id_from_code(code)
    if page_id is None:
        raise Http404("رابط مختصر غير صالح")
    page = get_object_or_404(Page.objects.live().public().only("id", "url_path"), pk=page_id)
    response = HttpResponsePermanentRedirect(page.get_url(request))
    # Permanent for crawlers, but let browsers ask again now and then: a story can move.
    response.headers["Cache-Control"] = f"public, max-age={60 * 60}"
    return response


CARD_CACHE_SECONDS = 60 * 60 * 24 * 30


@require_GET
def share_card(request, page_id, key):
    """/cards/<story id>/<hash>.png: the drawn share card of a story without a picture.

    The hash names what the card shows; an old one (the headline changed) moves to the new
    address, and the picture itself never changes at an address, so it may be kept a year.
    """
    from nashra.news.models import ArticlePage

    if page_id >= 2**63:
        raise Http404("لا توجد بطاقة بهذا الرقم")
    article = get_object_or_404(ArticlePage.objects.live().public().only("id", "title"),
                                pk=page_id)
    card = selectors.share_card(request, article)
    if card.key != key:
        return HttpResponsePermanentRedirect(links.card_path(article.pk, card.key))
    cache_key = f"nashra:card:{card.key}"
    body = cache.get(cache_key)
    if body is None:
        body = cards.render(card)
        cache.set(cache_key, body, CARD_CACHE_SECONDS)
    response = HttpResponse(body, content_type="image/png")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
