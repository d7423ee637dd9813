"""Sitemaps: the page tree, tag and author pages, the story archive and Google News.

Built on Wagtail's sitemap class (itself Django's), which makes every location from the
Wagtail Site rather than the request's Host. The archive is split by blocks of page ids
(`NASHRA_SITEMAP_IDS_PER_FILE`, 10,000 by default): a story stays in the same child sitemap
for life, each child holds fewer than 50,000 URLs whatever the archive size, and publishing a
story rebuilds only its own child (see cache.py).
"""

import zoneinfo

from django.conf import settings
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from nashra.core.models import SiteSettings
from nashra.news.models import HomePage, SectionPage

from . import links, selectors


def _w3c(value, zone) -> str | None:
    """W3C datetime in the site's zone, to the second."""
    if value is None:
        return None
    return value.astimezone(zone).isoformat(timespec="seconds")


class NashraSitemap(WagtailSitemap):
    limit = 10_000

    def __init__(self, request=None):
        super().__init__(request)
        self.zone = zoneinfo.ZoneInfo(SiteSettings.for_request(request).time_zone)

    def url_info(self, item) -> dict:
        raise NotImplementedError

    def _urls(self, page, protocol, domain):
        return [self.url_info(item) for item in self.paginator.page(page).object_list]


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

    def items(self):
        return selectors.articles_in_bucket(self.bucket)

    def url_info(self, item):
        info = {"location": item.get_full_url(self.request),
                "lastmod": _w3c(self.lastmod(item), self.zone), "images": []}
        image = item.hero_image
        if image is not None:
            info["images"].append({
                "loc": links.absolute(self.request, image.file.url),
                "caption": image.caption or image.description,
                "title": image.title,
            })
        return info


class NewsSitemap(NashraSitemap):
    """Google News: stories first published in the last 48 hours, at most 1,000."""

    def items(self):
        return selectors.articles_for_news()

    def url_info(self, item):
        return {"location": item.get_full_url(self.request), "title": item.title,
                "publication_date": _w3c(item.first_published_at, self.zone)}
