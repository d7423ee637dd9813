"""Feeds over HTTP, read back with feedparser: no bozo, right items, dates, enclosures."""

import calendar
import html

import feedparser
import pytest

from nashra.distribution.links import short_code
from nashra.distribution.models import DistributionSettings
from nashra.distribution.selectors import SHARE_RENDITION
from nashra.news.models import Author

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return response, parsed


def _feed_urls(newsroom):
    lead = newsroom["lead"]
    section = lead.get_parent()
    author = Author.objects.get(name="سلمى حداد")
    return {
        # scope: (path, titles expected, newest first)
        "site": ("/feeds/", [lead.title, newsroom["second"].title, newsroom["old"].title]),
        "section": (f"/feeds/section/{section.pk}/", [lead.title, newsroom["old"].title]),
        "tag": ("/feeds/tag/%D8%BA%D8%B2%D8%A9/", [lead.title]),  # غزة, percent-encoded
        "author": (f"/feeds/author/{author.slug}/", [lead.title]),
    }


class TestNewsroomFeeds:
    """On the shared newsroom, built once for the class."""

    def test_every_feed_parses_in_both_formats(self, client, newsroom):
        lead = newsroom["lead"]
        for scope, (path, titles) in _feed_urls(newsroom).items():
            for kind in ("rss", "atom"):
                response, parsed = _parse(client, f"{path}{kind}/")
                assert parsed.version == ("rss20" if kind == "rss" else "atom10"), scope
                assert parsed.feed.language == "ar", (scope, kind)
                assert [e.title for e in parsed.entries] == titles, (scope, kind)
                entry = parsed.entries[0]
                assert entry.link == lead.get_full_url()
                # the guid is the short link: it survives headline, slug and section changes
                assert entry.id == f"http://localhost/s/{short_code(lead.pk)}/"
                # the summary is HTML: "<وسط>" arrives escaped, as text a reader shows, not a tag
                assert "&lt;وسط&gt;" in entry.summary and html.unescape(entry.summary) == lead.standfirst
                assert calendar.timegm(entry.published_parsed) == int(lead.first_published_at.timestamp())
                if kind == "atom":  # RSS items have no update time
                    assert calendar.timegm(entry.updated_parsed) == int(
                        lead.last_published_at.timestamp())
                assert {t.term for t in entry.tags} == {"فلسطين", "غزة", "الصحة"}
                assert "سلمى حداد" in entry.author and "عمر يوسف" in entry.author
                enclosure = entry.enclosures[0]
                assert enclosure.type == "image/jpeg" and int(enclosure.length) > 0
                rendition = lead.hero_image.get_rendition(SHARE_RENDITION)
                assert enclosure.href == f"http://localhost{rendition.url}"
                assert enclosure.length == str(rendition.file.size)
                assert "content" not in entry  # summaries only unless the site asks for full text

    def test_rss_dates_are_in_the_site_time_zone(self, client, newsroom):
        body = client.get("/feeds/rss/").content.decode()
        # Asia/Amman is UTC+3 all year; RFC 822 dates carry the offset.
        assert "+0300</pubDate>" in body

    def test_full_text_is_a_site_setting(self, client, newsroom, home):
        settings = DistributionSettings.for_site(home.get_site())
        settings.feed_full_text = True
        settings.save()
        _, rss = _parse(client, "/feeds/rss/")
        _, atom = _parse(client, "/feeds/atom/")
        for parsed in (rss, atom):
            entry = parsed.entries[0]
            body = entry.content[0].value
            assert "<p>فقرة أولى عن المستشفى.</p>" in body and "فقرة ثانية عن الأطباء." in body
            assert html.unescape(entry.summary) == newsroom["lead"].standfirst

    def test_feed_cached_and_refreshed_on_publish_and_unpublish(self, client, newsroom, make_article):
        first = client.get("/feeds/rss/")
        assert first["X-Cache"] == "miss"
        again = client.get("/feeds/rss/")
        assert again["X-Cache"] == "hit" and again.content == first.content
        assert again["Content-Type"].startswith("application/rss+xml")

        fresh = make_article(title="خبر عاجل جديد", section="رياضة")
        response, parsed = _parse(client, "/feeds/rss/")
        assert response["X-Cache"] == "miss"
        assert parsed.entries[0].title == "خبر عاجل جديد"

        fresh.unpublish()
        _, parsed = _parse(client, "/feeds/rss/")
        assert "خبر عاجل جديد" not in [e.title for e in parsed.entries]


def test_feed_queries_do_not_grow_with_items(make_article, uncached_queries):
    for i in range(2):
        make_article(title=f"خبر {i}", authors=["كاتب أول"], tags=["وسم"])
    urls = ["/feeds/rss/", "/feeds/tag/%D9%88%D8%B3%D9%85/atom/"]  # وسم
    small = [uncached_queries(url) for url in urls]
    for i in range(2, 8):
        make_article(title=f"خبر {i}", authors=["كاتب أول", "كاتب ثان"], tags=["وسم", "آخر"])
    assert [uncached_queries(url) for url in urls] == small


@pytest.mark.parametrize("path", [
    "/feeds/section/999999/rss/",  # no such section
    "/feeds/tag/%D9%84%D8%A7-%D9%8A%D9%88%D8%AC%D8%AF/atom/",  # no such tag
    "/feeds/author/nobody/rss/",
])
def test_unknown_feed_subject_is_404(client, home, path):
    assert client.get(path).status_code == 404
