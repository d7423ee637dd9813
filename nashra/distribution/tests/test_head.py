"""JSON-LD, OpenGraph, X cards, canonical and feed links of every reader page, and the share row."""

import json

import pytest
from lxml import html as lxml_html

from nashra.distribution.links import short_code
from nashra.distribution.models import DistributionSettings
from nashra.news.models import Author

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home

NEWS_ARTICLE_REQUIRED = {
    "headline", "description", "image", "datePublished", "dateModified", "author", "publisher",
    "mainEntityOfPage", "articleSection", "keywords", "inLanguage", "isAccessibleForFree",
}


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    doc = lxml_html.fromstring(response.content)
    blocks = [json.loads(s.text) for s in doc.xpath('//script[@type="application/ld+json"]')]
    meta = {}
    for tag in doc.xpath("//head/meta[@property or @name]"):
        meta.setdefault(tag.get("property") or tag.get("name"), []).append(tag.get("content"))
    return doc, {b["@type"]: b for b in blocks}, meta


def _one(doc, xpath):
    found = doc.xpath(xpath)
    assert len(found) == 1, xpath
    return found[0]


def _crumbs(blocks):
    items = blocks["BreadcrumbList"]["itemListElement"]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))
    return [(i["name"], i["item"]) for i in items]


class TestNewsroomPages:
    """On the shared newsroom, built once for the class."""

    def test_article_page(self, client, newsroom):
        lead = newsroom["lead"]
        url = lead.get_full_url()
        doc, blocks, meta = _page(client, lead.url)
        assert _one(doc, '//link[@rel="canonical"]/@href') == url
        assert _one(doc, '//link[@rel="shortlink"]/@href') == f"http://localhost/s/{short_code(lead.pk)}/"

        article = blocks["NewsArticle"]
        assert blocks["NewsArticle"]["@context"] == "https://schema.org"
        assert NEWS_ARTICLE_REQUIRED <= article.keys()
        assert article["headline"] == lead.title
        assert article["description"] == lead.standfirst
        assert article["inLanguage"] == "ar" and article["isAccessibleForFree"] is True
        assert article["datePublished"] == meta["article:published_time"][0]
        assert article["datePublished"].endswith("+03:00")
        assert article["dateModified"] == meta["article:modified_time"][0]
        assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
        assert article["articleSection"] == "فلسطين"
        assert article["keywords"] == ["غزة", "الصحة"]
        assert [(a["@type"], a["name"]) for a in article["author"]] == [
            ("Person", "سلمى حداد"), ("Person", "عمر يوسف")]
        author = Author.objects.get(name="سلمى حداد")
        assert article["author"][0]["url"] == f"http://localhost/author/{_pct(author.slug)}/"
        publisher = article["publisher"]
        assert publisher["@type"] == "NewsMediaOrganization" and publisher["name"] == "نشرة"
        logo = publisher["logo"]
        assert logo["width"] >= 112 and client.get(logo["url"].removeprefix("http://localhost")).status_code == 200
        image = article["image"][0]
        assert image["url"].endswith(".jpg") and image["width"] == 640 and image["height"] == 360

        assert _crumbs(blocks) == [
            ("الرئيسية", "http://localhost/"),
            ("أخبار", "http://localhost/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/"),
            ("فلسطين", lead.get_parent().get_full_url()),
            (lead.title, url),
        ]

        assert meta["og:locale"] == ["ar_AR"] and meta["og:type"] == ["article"]
        assert meta["og:url"] == [url] and meta["og:title"] == [lead.title]
        assert meta["og:image"] == [image["url"]]
        assert meta["og:image:width"] == ["640"] and meta["og:image:height"] == ["360"]
        assert meta["og:image:alt"] == ["مبنى المستشفى الجديد"]
        assert meta["article:section"] == ["فلسطين"] and meta["article:tag"] == ["غزة", "الصحة"]
        assert meta["twitter:card"] == ["summary_large_image"]
        assert meta["twitter:image"] == [image["url"]]

        feeds = doc.xpath('//link[@rel="alternate"]/@href')
        section_id = lead.get_parent().pk
        assert feeds == ["http://localhost/feeds/rss/", "http://localhost/feeds/atom/",
                         f"http://localhost/feeds/section/{section_id}/rss/",
                         f"http://localhost/feeds/section/{section_id}/atom/"]
        assert _one(doc, '//link[@rel="stylesheet"][@media="print"]/@href').endswith("print.css")

    def test_article_without_byline_or_image(self, client, newsroom):
        old = newsroom["old"]
        _, blocks, meta = _page(client, old.url)
        article = blocks["NewsArticle"]
        # no author: the agency stands as an organisation, by name only (the publisher's
        # address is not the agency's); no tags: no keywords
        assert article["author"] == [{"@type": "Organization", "name": "وفا"}]
        assert "keywords" not in article
        # no standfirst: the first paragraph describes it, not the site's tagline
        assert article["description"] == "فقرة أولى من الخبر."
        assert meta["og:description"] == ["فقرة أولى من الخبر."]
        # no picture: the drawn card with the site's name and the headline
        card = meta["og:image"][0]
        assert card.startswith(f"http://localhost/cards/{old.pk}/") and card.endswith(".png")
        assert meta["og:image:type"] == ["image/png"]
        assert (meta["og:image:width"], meta["og:image:height"]) == (["1200"], ["630"])
        assert article["image"] == [{"@type": "ImageObject", "url": card, "width": 1200,
                                     "height": 630}]
        assert meta["twitter:card"] == ["summary_large_image"] and meta["twitter:image"] == [card]

    def test_home_page_has_website_with_search_action(self, client, newsroom):
        doc, blocks, meta = _page(client, "/")
        website = blocks["WebSite"]
        action = website["potentialAction"]
        assert website["url"] == "http://localhost/" and website["inLanguage"] == "ar"
        assert action["@type"] == "SearchAction"
        assert action["target"]["urlTemplate"] == "http://localhost/search/?q={search_term_string}"
        assert action["query-input"] == "required name=search_term_string"
        # the template really searches
        assert client.get("/search/?q=" + _pct("المستشفى")).status_code == 200
        assert _crumbs(blocks) == [("الرئيسية", "http://localhost/")]
        assert meta["og:type"] == ["website"] and meta["og:url"] == ["http://localhost/"]
        assert _one(doc, '//link[@rel="canonical"]/@href') == "http://localhost/"

    def test_section_tag_and_author_pages(self, client, newsroom, settings):
        lead = newsroom["lead"]
        section = lead.get_parent()
        author = Author.objects.get(name="عمر يوسف")
        cases = [
            # path, canonical, last crumb, feed paths
            (section.url, section.get_full_url(), "فلسطين", f"/feeds/section/{section.pk}/"),
            ("/tag/%D8%BA%D8%B2%D8%A9/", "http://localhost/tag/%D8%BA%D8%B2%D8%A9/", "وسم: غزة",
             "/feeds/tag/%D8%BA%D8%B2%D8%A9/"),
            (f"/author/{_pct(author.slug)}/", f"http://localhost/author/{_pct(author.slug)}/",
             "عمر يوسف", f"/feeds/author/{_pct(author.slug)}/"),
        ]
        for path, canonical, last, feed in cases:
            doc, blocks, meta = _page(client, path)
            assert _one(doc, '//link[@rel="canonical"]/@href') == canonical, path
            crumbs = _crumbs(blocks)
            assert crumbs[0] == ("الرئيسية", "http://localhost/") and crumbs[-1] == (last, canonical)
            assert meta["og:url"] == [canonical] and meta["og:locale"] == ["ar_AR"]
            hrefs = doc.xpath('//link[@rel="alternate"]/@href')
            assert f"http://localhost{feed}rss/" in hrefs and f"http://localhost{feed}atom/" in hrefs
            for href in hrefs:  # every advertised feed answers
                assert client.get(href.removeprefix("http://localhost")).status_code == 200

        settings.NASHRA_PAGE_SIZE = 1
        from nashra.news import selectors

        selectors.PAGE_SIZE = 1
        try:
            doc, _, _ = _page(client, section.url + "?page=2")
        finally:
            selectors.PAGE_SIZE = settings.NASHRA_PAGE_SIZE = 20
        assert _one(doc, '//link[@rel="canonical"]/@href') == section.get_full_url() + "?page=2"

    def test_x_handle_setting(self, client, newsroom, home):
        options = DistributionSettings.for_site(home.get_site())
        options.x_handle = "nashra_news"
        options.full_clean()
        options.save()
        _, _, meta = _page(client, newsroom["lead"].url)
        assert meta["twitter:site"] == ["@nashra_news"]

    def test_share_row_is_plain_links(self, client, newsroom):
        lead = newsroom["lead"]
        doc, _, _ = _page(client, lead.url)
        share = _one(doc, '//aside[@class="share"]')
        hrefs = share.xpath(".//a/@href")
        target = _pct(lead.get_full_url()).replace("/", "%2F")
        assert any(h.startswith("https://wa.me/?text=") and target in h for h in hrefs)
        assert any(h.startswith("https://t.me/share/url?url=" + target) for h in hrefs)
        assert any(h.startswith("https://x.com/intent/post?url=" + target) for h in hrefs)
        assert any(h == "https://www.facebook.com/sharer/sharer.php?u=" + target for h in hrefs)
        short = f"http://localhost/s/{short_code(lead.pk)}/"
        assert _one(share, './/a[@data-copy-link]/@href') == short
        assert _one(share, './/a[@data-copy-link]').text_content() == "نسخ الرابط"
        # no script from anyone else anywhere on the page
        for src in doc.xpath("//script/@src"):
            assert src.startswith("/static/"), src


def _pct(text):
    from urllib.parse import quote

    return quote(text)


