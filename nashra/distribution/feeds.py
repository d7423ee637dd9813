"""RSS 2.0 and Atom 1.0 feeds of the site, a section, a tag and an author.

Django's syndication framework does the XML; these classes only say what goes in it. A feed
object is made per request (`Feed.as_view()`), so the request and site settings can live on
it without leaking between threads.
"""

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, format_html
from taggit.models import Tag
from wagtail.rich_text import expand_db_html

from nashra.core.inputs import has_nul, whole_number
from nashra.core.models import SiteSettings
from nashra.news import selectors as news_selectors
from nashra.news.models import Author, SectionPage

from . import links, selectors
from .cache import cached_response
from .models import DistributionSettings

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


class NashraRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full text, when the site gives it, in `content:encoded`."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class NashraAtomFeed(Atom1Feed):
    """Atom with the full text, when the site gives it, in `<content type="html">`."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


@dataclass
class FeedSubject:
    scope: str  # site, section, tag, author
    obj: object
    title: str
    link: str
    description: str


def _body_html(article, images, absolute) -> str:
    """A story's body as plain HTML for feed readers, from the stored blocks.

    Rendered here rather than through the page templates: readers get no <picture> sources
    or lazy-loading attributes they would drop, embeds become links (an embed would need
    a request to the provider), and images come from one prefetch for the whole feed.
    """
    parts = []
    for block in article.body.raw_data:
        kind, value = block["type"], block.get("value")
        if kind == "paragraph":
            parts.append(expand_db_html(value))
        elif kind == "heading":
            parts.append(format_html("<h2>{}</h2>", value))
        elif kind == "quote":
            parts.append(format_html("<blockquote><p>{}</p>{}</blockquote>", value["text"],
                                     format_html("<footer>{}</footer>", value["attribution"])
                                     if value.get("attribution") else ""))
        elif kind == "image":
            image = images.get(value.get("image"))
            if image is not None:
                rendition = image.get_rendition(selectors.SHARE_RENDITION)
                caption = value.get("caption") or image.caption
                parts.append(format_html(
                    '<figure><img src="{}" width="{}" height="{}" alt="{}">{}</figure>',
                    absolute(rendition.url), rendition.width, rendition.height, image.description,
                    format_html("<figcaption>{}</figcaption>", caption) if caption else "",
                ))
        elif kind == "embed" and value:
            parts.append(format_html('<p><a href="{}">{}</a></p>', value, value))
    return "".join(str(p) for p in parts)


class ArticleFeed(Feed):
    feed_type = NashraRssFeed
    language = "ar"
    scope = "site"

    @classmethod
    def as_view(cls):
        def view(request, *args, **kwargs):
            return cls()(request, *args, **kwargs)

        view.__name__ = cls.__name__
        # A feed reads no query parameter.
        return cached_response(timeout=settings.NASHRA_FEED_CACHE_SECONDS, params=())(view)

    def __call__(self, request, *args, **kwargs):
        self.request = request
        self.site_settings = SiteSettings.for_request(request)
        self.options = DistributionSettings.for_request(request)
        self.zone = zoneinfo.ZoneInfo(self.site_settings.time_zone)
        self.page_urls = links.PageUrls(request)
        self.sections = {}
        return super().__call__(request, *args, **kwargs)

    def section_of(self, item):
        parent = item.path[: -news_selectors.STEPLEN]
        if parent not in self.sections:
            self.sections[parent] = news_selectors.section_for_path(item.path)
        return self.sections[parent]

    # --- the feed ---------------------------------------------------------------------

    def get_object(self, request, *args, **kwargs) -> FeedSubject:
        site = links.site_for(request)
        name = self.site_settings.site_name
        return FeedSubject(scope="site", obj=site.root_page if site else None, title=name,
                           link=links.home_url(request),
                           description=self.site_settings.tagline or name)

    def title(self, subject):
        return subject.title

    def link(self, subject):
        return subject.link

    def description(self, subject):
        return subject.description

    def feed_url(self):
        return links.absolute(self.request, self.request.path)

    def subtitle(self, subject):
        return subject.description

    def author_name(self):
        return self.site_settings.site_name

    def feed_copyright(self):
        return f"© {self.site_settings.site_name}"

    def items(self, subject):
        obj = subject.obj
        if subject.scope in ("tag", "author"):
            site = links.site_for(self.request)
            link_ids = (selectors.tag_links if subject.scope == "tag" else selectors.author_links)
            obj = (site.root_page, link_ids(subject.obj))
        articles = selectors.feed_articles(
            scope=subject.scope, obj=obj, limit=settings.NASHRA_FEED_ITEMS,
            full_text=self.options.feed_full_text,
        )
        self.body_images = selectors.body_images(articles) if self.options.feed_full_text else {}
        return articles

    # --- each story -------------------------------------------------------------------

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return escape(item.standfirst or item.title)

    def item_extra_kwargs(self, item):
        if not self.options.feed_full_text:
            return {}
        return {"content_html": _body_html(
            item, self.body_images, lambda path: links.absolute(self.request, path))}

    def item_link(self, item):
        return self.page_urls(item.url_path)

    def item_guid(self, item):
        # The short link: it stays the same when the headline, slug or section changes,
        # so readers never see a moved story as a new one.
        return links.short_url(self.request, item.pk)

    def item_guid_is_permalink(self, item):
        return True

    def item_pubdate(self, item):
        return timezone.localtime(item.first_published_at, self.zone)

    def item_updateddate(self, item):
        return timezone.localtime(item.last_published_at or item.first_published_at, self.zone)

    def item_author_name(self, item):
        names = [author.name for author in selectors.byline(item)]
        return "، ".join(names) or item.source or None

    def item_author_link(self, item):
        authors = selectors.byline(item)
        return links.author_url(self.request, authors[0]) if len(authors) == 1 else None

    def item_categories(self, item):
        section = self.section_of(item)
        return ([section.title] if section else []) + [tag.name for tag in item.tag_list]

    def item_enclosures(self, item):
        if not item.hero_image_id:
            return []
        rendition = item.hero_image.get_rendition(selectors.SHARE_RENDITION)
        try:
            length = rendition.file.size
        except OSError:
            return []
        return [Enclosure(links.absolute(self.request, rendition.url), str(length), "image/jpeg")]


class SectionFeed(ArticleFeed):
    def get_object(self, request, section_id):
        if whole_number(section_id) is None:  # past any id: the query would overflow
            raise Http404("لا يوجد قسم بهذا الرقم")
        section = get_object_or_404(SectionPage.objects.live().public(), pk=section_id)
        name = self.site_settings.site_name
        return FeedSubject(scope="section", obj=section, title=f"{section.title} | {name}",
                           link=links.page_url(section, request),
                           description=section.intro or f"آخر أخبار {section.title}")


def _by_slug_or_404(queryset, slug: str):
    if has_nul(slug):  # no slug has one; the query would fail rather than find nothing
        raise Http404("لا توجد خلاصة بهذا الاسم")
    return get_object_or_404(queryset, slug=slug)


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        tag = _by_slug_or_404(Tag, slug)
        name = self.site_settings.site_name
        return FeedSubject(scope="tag", obj=tag, title=f"وسم: {tag.name} | {name}",
                           link=links.tag_url(request, tag),
                           description=f"آخر الأخبار بوسم {tag.name}")


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        author = _by_slug_or_404(Author, slug)
        name = self.site_settings.site_name
        return FeedSubject(scope="author", obj=author, title=f"{author.name} | {name}",
                           link=links.author_url(request, author),
                           description=author.bio or f"آخر أخبار {author.name}")


def _atom(feed_class):
    return type(f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": NashraAtomFeed})


SiteAtomFeed = _atom(ArticleFeed)
SectionAtomFeed = _atom(SectionFeed)
TagAtomFeed = _atom(TagFeed)
AuthorAtomFeed = _atom(AuthorFeed)
