"""What a page tells machines about itself: canonical URL, feeds, OpenGraph, X card, JSON-LD.

`page_head(context)` reads the template context of a reader page and returns plain data for
`distribution/head.html`. The JSON-LD follows schema.org's NewsArticle, BreadcrumbList and
WebSite types as Google documents them for news publishers.
"""

import html
import json
import zoneinfo
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from nashra.core.models import SiteSettings
from nashra.core.selectors import breadcrumb_pages
from nashra.news import selectors as news_selectors
from nashra.news.models import ArticlePage, HomePage, SectionPage

from . import links, selectors
from .models import DistributionSettings

# JSON inside <script> must not be able to close the element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
HEADLINE_MAX = 110
PUBLISHER_LOGO = "distribution/publisher-logo.png"
PUBLISHER_LOGO_SIZE = (112, 112)


@dataclass
class Feed:
    title: str
    rss: str
    atom: str


@dataclass
class Head:
    canonical: str = ""
    short_link: str = ""
    feeds: list[Feed] = field(default_factory=list)
    og: list[tuple[str, str]] = field(default_factory=list)
    twitter: list[tuple[str, str]] = field(default_factory=list)
    json_ld: list[str] = field(default_factory=list)


def json_ld(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def _iso(value, zone) -> str:
    return timezone.localtime(value, zone).isoformat(timespec="seconds") if value else ""


def _feed(request, title: str, name: str, *args) -> Feed:
    return Feed(
        title=title,
        rss=links.absolute(request, reverse(f"distribution:{name}_rss", args=args)),
        atom=links.absolute(request, reverse(f"distribution:{name}_atom", args=args)),
    )


def _page_number(context) -> int:
    articles = context.get("articles")
    number = getattr(articles, "number", 1)
    return number if isinstance(number, int) else 1


def publisher(request, site: SiteSettings) -> dict:
    from django.templatetags.static import static

    if site.logo:
        rendition = site.logo.get_rendition("height-60|format-png")
        logo = {"@type": "ImageObject", "url": links.absolute(request, rendition.url),
                "width": rendition.width, "height": rendition.height}
    else:
        width, height = PUBLISHER_LOGO_SIZE
        logo = {"@type": "ImageObject", "url": links.absolute(request, static(PUBLISHER_LOGO)),
                "width": width, "height": height}
    return {"@type": "NewsMediaOrganization", "name": site.site_name,
            "url": links.home_url(request), "logo": logo}


def breadcrumb(crumbs: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def _crumbs(request, page) -> list[tuple[str, str]]:
    """الرئيسية › sections › the page, as the on-page breadcrumb shows them."""
    ancestors = breadcrumb_pages(page=page, request=request)
    return [
        ("الرئيسية" if p.depth == 2 else p.title, links.page_url(p, request)) for p in ancestors
    ]


def _share_image(request, image) -> dict | None:
    if image is None:
        return None
    rendition = image.get_rendition(selectors.SHARE_RENDITION)
    return {"url": links.absolute(request, rendition.url), "width": rendition.width,
            "height": rendition.height, "alt": image.description, "type": "image/jpeg"}


def _card_image(request, article, site: SiteSettings) -> dict:
    """The drawn card (site name and headline) of a story without a picture."""
    from .cards import HEIGHT, WIDTH

    card = selectors.share_card(request, article)
    return {"url": links.absolute(request, links.card_path(article.pk, card.key)),
            "width": WIDTH, "height": HEIGHT, "alt": f"{site.site_name}: {article.title}",
            "type": "image/png"}


def first_paragraph(article) -> str:
    """The text of a story's first paragraph block, from the body's raw JSON."""
    for block in article.body.raw_data or ():
        if block.get("type") == "paragraph" and isinstance(block.get("value"), str):
            text = " ".join(html.unescape(strip_tags(block["value"])).split())
            if text:
                return text
    return ""


def page_head(context) -> Head | None:
    request = context.get("request")
    page = context.get("page")
    if request is None or page is None or not hasattr(page, "get_url_parts"):
        return None
    site = SiteSettings.for_request(request)
    options = DistributionSettings.for_request(request)
    zone = zoneinfo.ZoneInfo(site.time_zone)
    head = Head()
    head.feeds.append(_feed(request, site.site_name, "feed_site"))
    specific = page  # Wagtail renders a page with its specific instance
    description = (
        getattr(page, "search_description", "") or getattr(specific, "standfirst", "")
        or getattr(specific, "intro", "")
        or (first_paragraph(specific) if isinstance(specific, ArticlePage) else "")
        or site.tagline or site.site_name
    )
    title = context.get("title") or getattr(page, "seo_title", "") or page.title
    og_type = "website"
    image = None
    crumbs = _crumbs(request, page)
    blocks: list[dict] = []

    tag, author = context.get("tag"), context.get("author")
    if isinstance(specific, HomePage) and (tag is not None or author is not None):
        if tag is not None:
            head.canonical = links.tag_url(request, tag)
            head.feeds.append(_feed(request, f"وسم: {tag.name}", "feed_tag", tag.slug))
            description = f"آخر الأخبار بوسم {tag.name}"
        else:
            head.canonical = links.author_url(request, author)
            head.feeds.append(_feed(request, author.name, "feed_author", author.slug))
            description = author.bio or author.name
            og_type = "profile"
            image = _share_image(request, author.photo)
        crumbs.append((title, head.canonical))
    else:
        head.canonical = links.page_url(page, request)

    if isinstance(specific, HomePage) and tag is None and author is None:
        home = links.home_url(request)
        blocks.append({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": site.site_name,
            "url": home,
            "inLanguage": "ar",
            "potentialAction": {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint",
                           "urlTemplate": links.absolute(request, reverse("search"))
                           + "?q={search_term_string}"},
                "query-input": "required name=search_term_string",
            },
        })
        title = site.site_name
    elif isinstance(specific, SectionPage):
        head.feeds.append(_feed(request, specific.title, "feed_section", specific.pk))
    elif isinstance(specific, ArticlePage):
        og_type = "article"
        section = news_selectors.section_for_path(specific.path)
        if section:
            head.feeds.append(_feed(request, section.title, "feed_section", section.id))
        head.short_link = links.short_url(request, specific.pk)
        image = (_share_image(request, specific.hero_image)
                 or _card_image(request, specific, site))
        # ArticlePage.get_context has read both already; ask again only without it.
        authors = context["authors"] if "authors" in context else selectors.byline(specific)
        tags = list(context["tags"]) if "tags" in context else list(specific.tags.all())
        published = _iso(specific.first_published_at, zone)
        modified = _iso(specific.last_published_at or specific.first_published_at, zone)
        org = publisher(request, site)
        article = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": Truncator(specific.title).chars(HEADLINE_MAX),
            "description": description,
            "datePublished": published,
            "dateModified": modified,
            "author": [
                {"@type": "Person", "name": a.name, "url": links.author_url(request, a)}
                for a in authors
            ] or [_credit(request, specific, site)],
            "publisher": org,
            "mainEntityOfPage": {"@type": "WebPage", "@id": head.canonical},
            "url": head.canonical,
            "inLanguage": "ar",
            "isAccessibleForFree": True,
        }
        if image:
            article["image"] = [{"@type": "ImageObject", "url": image["url"],
                                 "width": image["width"], "height": image["height"]}]
        if section:
            article["articleSection"] = section.title
        if tags:
            article["keywords"] = [t.name for t in tags]
        # A page type built on the story adds its own (a live story: LiveBlogPosting).
        if hasattr(specific, "json_ld_update"):
            article.update(specific.json_ld_update(canonical=head.canonical, zone=zone))
        blocks.append(article)
        head.og += [("article:published_time", published), ("article:modified_time", modified)]
        if section:
            head.og.append(("article:section", section.title))
        head.og += [("article:tag", t.name) for t in tags]
        head.og += [("article:author", links.author_url(request, a)) for a in authors]

    if image is None:
        image = _share_image(request, site.default_social_image)
    number = _page_number(context)
    if number > 1:
        head.canonical += f"?page={number}"
    blocks.append(breadcrumb(crumbs))
    description = Truncator(strip_tags(description)).chars(200)

    head.og = [
        ("og:site_name", site.site_name), ("og:locale", "ar_AR"), ("og:type", og_type),
        ("og:title", title), ("og:description", description), ("og:url", head.canonical),
        *_og_image(image), *head.og,
    ]
    head.twitter = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", title), ("twitter:description", description),
    ]
    if image:
        head.twitter += [("twitter:image", image["url"]), ("twitter:image:alt", image["alt"])]
    if options.x_handle:
        head.twitter.append(("twitter:site", f"@{options.x_handle}"))
    head.json_ld = [json_ld(block) for block in blocks]
    return head


def _credit(request, article, site: SiteSettings) -> dict:
    """A story without a byline: the agency it credits (a name only: the publisher's own
    address would say the agency lives there), else the publisher."""
    if article.source:
        return {"@type": "Organization", "name": article.source}
    return {"@type": "Organization", "name": site.site_name, "url": links.home_url(request)}


def _og_image(image) -> list[tuple[str, str]]:
    if not image:
        return []
    return [("og:image", image["url"]), ("og:image:type", image["type"]),
            ("og:image:width", str(image["width"])), ("og:image:height", str(image["height"])),
            ("og:image:alt", image["alt"])]
