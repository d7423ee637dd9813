"""Feeds and sitemaps on a site with a real public address, checked as outside validators do.

The W3C feed validator cannot be reached from the test run, so its checks that failed on the
site are made here: every URL in a feed is a full URL on the site's public host (enclosures
included, the validator's only errors before), enclosures carry their real length and type,
and dates parse. Sitemaps are checked against the published XSDs (tests/data, SOURCES.md),
and the index lists only children that answer with entries.
"""

import datetime as dt
from urllib.parse import urlsplit

import feedparser
import pytest
from django.utils import timezone
from lxml import etree
from wagtail.models import Site

from nashra.distribution.selectors import SHARE_RENDITION
from nashra.distribution.tests.test_feeds import _feed_urls
from nashra.distribution.tests.test_sitemaps import DATA, INDEX_SCHEMA, NS, URLSET_SCHEMA

pytestmark = pytest.mark.django_db

HOST = "news.example.org"
PUBLIC = f"https://{HOST}"
ATOM = "http://www.w3.org/2005/Atom"


@pytest.fixture
def public_site(home):
    Site.objects.filter(is_default_site=True).update(hostname=HOST, port=443)
    return Site.objects.get(is_default_site=True)


def _local_path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _urls_in_feed(doc) -> list[str]:
    """Every URL an RSS or Atom document holds: links, ids, enclosures, self links."""
    urls = []
    for el in doc.iter():
        tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if tag in ("link", "guid", "id", "comments", "docs") and el.text and el.text.strip():
            if tag != "docs":
                urls.append(el.text.strip())
        for attr in ("href", "url"):
            if el.get(attr):
                urls.append(el.get(attr))
    return urls


class TestPublicFeeds:
    def test_every_url_is_full_and_on_the_public_host(self, client, newsroom, public_site):
        lead = newsroom["lead"]
        rendition = lead.hero_image.get_rendition(SHARE_RENDITION)
        for scope, (path, _titles) in _feed_urls(newsroom).items():
            for kind in ("rss", "atom"):
                response = client.get(f"{path}{kind}/", HTTP_HOST="localhost")
                assert response.status_code == 200, (scope, kind)
                parsed = feedparser.parse(response.content)
                assert not parsed.bozo, (scope, kind, parsed.get("bozo_exception"))
                doc = etree.fromstring(response.content)
                urls = _urls_in_feed(doc)
                assert urls, (scope, kind)
                for url in urls:
                    assert url.startswith(PUBLIC + "/"), (scope, kind, url)
                # a self link, as the validator asks of RSS too
                assert doc.find(f".//{{{ATOM}}}link[@rel='self']") is not None, (scope, kind)
                entry = parsed.entries[0]
                enclosure = entry.enclosures[0]
                assert enclosure.href == f"{PUBLIC}{rendition.url}"
                assert enclosure.type == "image/jpeg"
                assert int(enclosure.length) == rendition.file.size > 0
                assert entry.published_parsed is not None
                if kind == "rss":
                    assert parsed.feed.get("updated_parsed") or parsed.feed.get("published_parsed")
                else:
                    assert entry.updated_parsed is not None and parsed.feed.updated_parsed


class TestPublicSitemaps:
    def test_index_and_children_validate_on_the_public_host(self, client, newsroom, public_site):
        index = client.get("/sitemap.xml", HTTP_HOST="localhost")
        doc = etree.fromstring(index.content)
        assert INDEX_SCHEMA.validate(doc), INDEX_SCHEMA.error_log
        children = [loc.text for loc in doc.iterfind("sm:sitemap/sm:loc", NS)]
        assert {urlsplit(c).path for c in children} >= {
            "/sitemaps/pages.xml", "/sitemaps/tags.xml", "/sitemaps/authors.xml",
            "/sitemaps/news.xml"}
        for child in children:
            response = client.get(_local_path(child), HTTP_HOST="localhost")
            assert response.status_code == 200, child
            urlset = etree.fromstring(response.content)
            assert URLSET_SCHEMA.validate(urlset), (child, URLSET_SCHEMA.error_log)
            for loc in urlset.iterfind(".//sm:loc", NS):
                assert loc.text.startswith(PUBLIC + "/"), (child, loc.text)
            for loc in urlset.iterfind(".//image:loc", NS):
                assert loc.text.startswith(PUBLIC + "/"), (child, loc.text)
        robots = client.get("/robots.txt", HTTP_HOST="localhost").content.decode()
        assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots


def test_index_lists_only_children_with_entries(client, make_article, public_site):
    """A site without tags, bylines or a story of the last two days: tags.xml, authors.xml
    and news.xml answer 404 (an empty <urlset> is invalid), so the index leaves them out."""
    make_article(title="خبر قديم بلا وسوم ولا كاتب",
                 published_at=timezone.now() - dt.timedelta(days=10))
    doc = etree.fromstring(client.get("/sitemap.xml").content)
    assert INDEX_SCHEMA.validate(doc)
    paths = [urlsplit(loc.text).path for loc in doc.iterfind("sm:sitemap/sm:loc", NS)]
    assert "/sitemaps/tags.xml" not in paths and "/sitemaps/authors.xml" not in paths
    assert "/sitemaps/news.xml" not in paths
    assert "/sitemaps/pages.xml" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert URLSET_SCHEMA.validate(etree.fromstring(response.content)), path


def test_schema_files_are_the_vendored_copies():
    # The XSDs are read from tests/data, never fetched (SOURCES.md says where each is from).
    assert {p.name for p in DATA.glob("*.xsd")} >= {
        "sitemap.xsd", "siteindex.xsd", "sitemap-image.xsd", "sitemap-news.xsd", "urlset.xsd"}
