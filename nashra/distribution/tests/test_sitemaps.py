"""Sitemaps validated with lxml against the published schemas (tests/data, see SOURCES.md)."""

import datetime as dt
import re
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home

DATA = Path(__file__).parent / "data"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "image": "http://www.google.com/schemas/sitemap-image/1.1",
      "news": "http://www.google.com/schemas/sitemap-news/0.9"}
INDEX_SCHEMA = etree.XMLSchema(etree.parse(str(DATA / "siteindex.xsd")))
URLSET_SCHEMA = etree.XMLSchema(etree.parse(str(DATA / "urlset.xsd")))


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "localhost", url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _get_xml(client, url, schema):
    response = client.get(_path(url) if url.startswith("http") else url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    doc = etree.fromstring(response.content)
    assert schema.validate(doc), (url, schema.error_log)
    return doc


def _index(client):
    doc = _get_xml(client, "/sitemap.xml", INDEX_SCHEMA)
    return {loc: lastmod for loc, lastmod in (
        (s.findtext("sm:loc", namespaces=NS), s.findtext("sm:lastmod", namespaces=NS))
        for s in doc.findall("sm:sitemap", NS))}


def _all_urls(client):
    """Every <url> of every child the index names, each child schema-checked."""
    urls = {}
    for loc in _index(client):
        doc = _get_xml(client, loc, URLSET_SCHEMA)
        for url in doc.findall("sm:url", NS):
            urls.setdefault(url.findtext("sm:loc", namespaces=NS), (loc, url))
    return urls


class TestNewsroomSitemaps:
    """On the shared newsroom, built once for the class."""

    def test_index_and_every_child_validate(self, client, newsroom):
        index = _index(client)
        names = {urlsplit(loc).path for loc in index}
        assert names == {"/sitemaps/pages.xml", "/sitemaps/tags.xml", "/sitemaps/authors.xml",
                         "/sitemaps/articles-0.xml", "/sitemaps/news.xml"}
        urls = _all_urls(client)
        lead = newsroom["lead"]
        # Arabic slugs appear percent-encoded, and the URL works
        assert "%D9%88%D8%B2%D9%8A%D8%B1" in lead.get_full_url()
        child, node = urls[lead.get_full_url()]
        assert client.get(_path(lead.get_full_url())).status_code == 200
        assert node.findtext("sm:lastmod", namespaces=NS) == lead.last_published_at.astimezone(
            _zone()).isoformat(timespec="seconds")
        assert node.findtext("image:image/image:loc", namespaces=NS).endswith(
            lead.hero_image.file.url)
        assert node.findtext("image:image/image:caption", namespaces=NS) == "مبنى المستشفى الجديد"
        for article in newsroom.values():
            assert article.get_full_url() in urls
        for path in ["/", "/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/",  # أخبار
                     "/tag/%D8%BA%D8%B2%D8%A9/", "/author/%D8%B9%D9%85%D8%B1-%D9%8A%D9%88%D8%B3%D9%81/"]:
            assert f"http://localhost{path}" in urls, path
        # the archive child's lastmod in the index is its newest story's change
        assert index["http://localhost/sitemaps/articles-0.xml"] == lead.last_published_at.astimezone(
            dt.UTC).isoformat(timespec="seconds")

    def test_google_news_sitemap(self, client, newsroom):
        doc = _get_xml(client, "/sitemaps/news.xml", URLSET_SCHEMA)
        entries = doc.findall("sm:url", NS)
        # the last 48 hours only: the 30-day-old story is left out, newest first
        assert [e.findtext("news:news/news:title", namespaces=NS) for e in entries] == [
            newsroom["lead"].title, newsroom["second"].title]
        first = entries[0]
        assert first.findtext("news:news/news:publication/news:name", namespaces=NS) == "نشرة"
        assert first.findtext("news:news/news:publication/news:language", namespaces=NS) == "ar"
        assert first.findtext("news:news/news:publication_date", namespaces=NS) == (
            newsroom["lead"].first_published_at.astimezone(_zone()).isoformat(timespec="seconds"))


def _zone():
    return zoneinfo.ZoneInfo("Asia/Amman")


def test_robots_txt_names_the_sitemaps(client, home):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert re.findall(r"^Sitemap: (\S+)$", body, re.M) == [
        "http://localhost/sitemap.xml", "http://localhost/sitemaps/news.xml"]


def test_archive_is_split_into_children_by_blocks_of_ids(client, make_article, settings):
    settings.NASHRA_SITEMAP_IDS_PER_FILE = 4
    articles = [make_article(title=f"خبر رقم {i}") for i in range(9)]
    index = _index(client)
    children = sorted(loc for loc in index if "/articles-" in loc)
    expected = sorted({f"http://localhost/sitemaps/articles-{a.pk // 4}.xml" for a in articles})
    assert children == expected and len(children) >= 3
    seen = []
    for loc in children:
        doc = _get_xml(client, loc, URLSET_SCHEMA)
        locs = [u.findtext("sm:loc", namespaces=NS) for u in doc.findall("sm:url", NS)]
        assert 0 < len(locs) <= 4
        seen += locs
    assert sorted(seen) == sorted(a.get_full_url() for a in articles)


def test_sitemaps_cached_and_only_the_touched_child_rebuilt(client, make_article, settings):
    settings.NASHRA_SITEMAP_IDS_PER_FILE = 4
    articles = [make_article(title=f"خبر رقم {i}") for i in range(9)]
    old_child = f"/sitemaps/articles-{articles[0].pk // 4}.xml"
    for url in ["/sitemap.xml", old_child, "/sitemaps/news.xml"]:
        assert client.get(url)["X-Cache"] == "miss"
        assert client.get(url)["X-Cache"] == "hit"

    fresh = make_article(title="خبر جديد يدخل الخريطة")
    assert fresh.pk // 4 != articles[0].pk // 4
    assert client.get(old_child)["X-Cache"] == "hit"  # untouched block stays cached
    assert client.get("/sitemap.xml")["X-Cache"] == "miss"
    news = client.get("/sitemaps/news.xml")
    assert news["X-Cache"] == "miss" and "خبر جديد يدخل الخريطة" in news.content.decode()

    # unpublish a story whose block keeps others (ids need not start at a block boundary)
    blocks = {}
    for article in articles:
        blocks.setdefault(article.pk // 4, []).append(article)
    gone = max(blocks.values(), key=len)[0]
    child = f"/sitemaps/articles-{gone.pk // 4}.xml"
    assert client.get(child)["X-Cache"] in ("miss", "hit")
    gone.unpublish()
    body = client.get(child)
    assert body["X-Cache"] == "miss"
    assert gone.get_full_url() not in body.content.decode()


def test_child_sitemap_queries_do_not_grow(make_article, uncached_queries):
    for i in range(2):
        make_article(title=f"خبر {i}")
    small = uncached_queries("/sitemaps/articles-0.xml")
    for i in range(2, 10):
        make_article(title=f"خبر {i}")
    assert uncached_queries("/sitemaps/articles-0.xml") == small


@pytest.mark.parametrize("path", [
    "/sitemaps/articles-999.xml",  # a block with no live story
    "/sitemaps/articles-99999999999999999999999.xml",  # past any id: 404, not a database error
    "/sitemaps/everything.xml",
    "/sitemaps/tags.xml?p=7",
    "/sitemaps/tags.xml?p=x",
])
def test_unknown_sitemaps_are_404(client, make_article, path):
    make_article()
    assert client.get(path).status_code == 404


def test_private_sections_stay_out(client, make_article):
    from wagtail.models import PageViewRestriction

    public = make_article(title="خبر للعموم", section="أخبار", tags=["عام"], authors=["كاتب عام"])
    hidden = make_article(title="خبر للمشتركين", section="خاص", tags=["سري"],
                          authors=["كاتب خاص"])
    PageViewRestriction.objects.create(page=hidden.get_parent(), restriction_type="password",
                                       password="x")
    urls = _all_urls(client)
    assert public.get_full_url() in urls and hidden.get_full_url() not in urls
    assert "http://localhost/tag/%D8%B9%D8%A7%D9%85/" in urls  # عام
    assert not any("%D8%B3%D8%B1%D9%8A" in url for url in urls)  # سري
    assert not any("%D8%AE%D8%A7%D8%B5" in url for url in urls)  # خاص (section and author)
