"""Sitemaps: the page tree, tag and author pages, the story archive and Google News.

Built on Wagtail's sitemap class (itself Django's): items and one `url_info` per item,
locations from the Wagtail Site rather than the request's Host. The archive is split by blocks
of page ids (`NASHRA_SITEMAP_IDS_PER_FILE`, 10,000 by default): a story stays in the same child
sitemap for life, each child holds fewer than 50,000 URLs whatever the archive size, and
publishing a story rebuilds only its own child (see cache.py).

The <urlset> documents are written here rather than by a template: a child of 10,000 stories
spent most of its time in the template engine (0.8 s of 1.7 s at 5,000 URLs in a profile).
"""

import zoneinfo
from xml.sax.saxutils import escape

from django.conf import settings
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from nashra.core.models import NashraImage, SiteSettings
from nashra.news.models import HomePage, SectionPage

from . import links, selectors

NS = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
      'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
      'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"')


def _w3c(value, zone) -> str | None:
    """W3C datetime in the site's zone, to the second."""
    if value is None:
        return None
    return value.astimezone(zone).isoformat(timespec="seconds")


class NashraSitemap(WagtailSitemap):
    limit = 10_000

    def __init__(self, request=None):
        super().__init__(request)
        self.site_settings = SiteSettings.for_request(request)
        self.zone = zoneinfo.ZoneInfo(self.site_settings.time_zone)

    def url_info(self, item) -> dict:
        raise NotImplementedError

    def _urls(self, page, protocol, domain):
        return [self.url_info(item) for item in self.paginator.page(page).object_list]

    def write(self, urls) -> str:
        """The <urlset> document; every text escaped for XML."""
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n', f"<urlset {NS}>\n"]
        for url in urls:
            parts.append(f"<url><loc>{escape(url['location'])}</loc>")
            if url.get("lastmod"):
                parts.append(f"<lastmod>{url['lastmod']}</lastmod>")
            for image in url.get("images", ()):
                parts.append(f"<image:image><image:loc>{escape(image['loc'])}</image:loc>")
                if image.get("caption"):
                    parts.append(f"<image:caption>{escape(image['caption'])}</image:caption>")
                if image.get("title"):
                    parts.append(f"<image:title>{escape(image['title'])}</image:title>")
                parts.append("</image:image>")
            if url.get("news"):
                parts.append(self.write_news(url["news"]))
            parts.append("</url>\n")
        parts.append("</urlset>\n")
        return "".join(parts)

    def write_news(self, news) -> str:
        return (
            "<news:news><news:publication>"
            f"<news:name>{escape(self.site_settings.site_name)}</news:name>"
            "<news:language>ar</news:language></news:publication>"
            f"<news:publication_date>{news['publication_date']}</news:publication_date>"
            f"<news:title>{escape(news['title'])}</news:title></news:news>"
        )


class PagesSitemap(NashraSitemap):
    """The home page and every section."""

    def items(self):
        site = self.get_wagtail_site()
        return (
            site.root_page.get_descendants(inclusive=True).live().public()
            .type(HomePage, SectionPage)
            .only("id", "url_path", "last_published_at", "latest_revision_created_at")
            .order_by("path")
        )

    def url_info(self, item):
        return {"location": item.get_full_url(self.request),
                "lastmod": _w3c(self.lastmod(item), self.zone)}


class TagsSitemap(NashraSitemap):
    """Tag pages that list at least one live story."""

    def items(self):
        return selectors.tags_in_use()

    def url_info(self, item):
        return {"location": links.tag_url(self.request, item),
                "lastmod": _w3c(item.lastmod, self.zone)}


class AuthorsSitemap(NashraSitemap):
    """Author pages that list at least one live story."""

    def items(self):
        return selectors.authors_in_use()

    def url_info(self, item):
        return {"location": links.author_url(self.request, item),
                "lastmod": _w3c(item.lastmod, self.zone)}


class ArticlesSitemap(NashraSitemap):
    """One block of story ids, with each story's hero image."""

    def __init__(self, request=None, *, bucket: int):
        super().__init__(request)
        self.bucket = bucket
        self.limit = settings.NASHRA_SITEMAP_IDS_PER_FILE
        self.page_urls = links.PageUrls(request)
        self.image_storage = NashraImage._meta.get_field("file").storage

    def items(self):
        return selectors.articles_in_bucket(self.bucket)

    def url_info(self, row):
        info = {"location": self.page_urls(row["url_path"]),
                "lastmod": _w3c(row["last_published_at"] or row["latest_revision_created_at"],
                                self.zone)}
        if row["hero_image__file"]:
            info["images"] = [{
                "loc": links.absolute(self.request, self.image_storage.url(row["hero_image__file"])),
                "caption": row["hero_image__caption"] or row["hero_image__description"],
                "title": row["hero_image__title"],
            }]
        return info


class NewsSitemap(NashraSitemap):
    """Google News: stories first published in the last 48 hours, at most 1,000."""

    def items(self):
        return selectors.articles_for_news()

    def url_info(self, item):
        return {"location": item.get_full_url(self.request),
                "news": {"title": item.title,
                         "publication_date": _w3c(item.first_published_at, self.zone)}}
