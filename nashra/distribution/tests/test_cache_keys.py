"""Cached feeds, sitemaps and API answers are keyed by the Wagtail Site that serves them, not by
the Host header: any Host (a port, an address, a name the site falls back from) passes
ALLOWED_HOSTS with its port, so a key built from it let anyone add entries without end."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    return shared_home


# Hosts a request may carry that all land on the one (default) site, "localhost".
OTHER_HOSTS = ["localhost:1234", "localhost:80", "127.0.0.1:9", "testserver", "LOCALHOST"]


class TestKeys:
    @pytest.mark.parametrize("url", [
        "/feeds/rss/", "/feeds/atom/",
        "/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/news.xml",
        "/api/v2/articles/", "/api/v2/sections/",
    ])
    def test_another_host_makes_no_new_entry(self, client, newsroom, url):
        first = client.get(url, HTTP_HOST="localhost")
        assert first.status_code == 200 and first["X-Cache"] == "miss"
        for host in OTHER_HOSTS:
            again = client.get(url, HTTP_HOST=host)
            assert again["X-Cache"] == "hit", host
            # Every link in them comes from the site, so one body is right for every Host.
            assert again.content == first.content, host

    @pytest.mark.parametrize(("url", "same"), [
        # feeds read no query parameter: any query is the feed itself
        ("/feeds/rss/", "/feeds/rss/?x=1"),
        ("/feeds/atom/", "/feeds/atom/?utm_source=a&utm_medium=b"),
        # sitemaps read only ?p=
        ("/sitemaps/pages.xml", "/sitemaps/pages.xml?cache-buster=12345"),
        # the API's parameters are the resource, in any order
        ("/api/v2/articles/?limit=2&offset=1", "/api/v2/articles/?offset=1&limit=2"),
    ])
    def test_a_query_the_view_does_not_read_makes_no_new_entry(self, client, newsroom, url,
                                                                same):
        first = client.get(url)
        assert first.status_code == 200 and first["X-Cache"] == "miss"
        again = client.get(same)
        assert again["X-Cache"] == "hit" and again.content == first.content

    def test_what_a_view_reads_still_makes_its_own_entry(self, client, newsroom):
        assert client.get("/api/v2/articles/?limit=1")["X-Cache"] == "miss"
        assert client.get("/api/v2/articles/?limit=2")["X-Cache"] == "miss"
        assert len(client.get("/api/v2/articles/?limit=2").json()["items"]) == 2


def test_the_page_cache_key_has_no_host_either(client, make_article):
    """Already so (the key is the path): here so that it stays so."""
    story = make_article(title="خبر تقرؤه كل العناوين من نسخة واحدة")
    for _ in range(3):  # the first answer after an empty cache only starts a generation
        if client.get(story.url, HTTP_HOST="localhost").get("X-Page-Cache") == "MISS":
            break
    for host in OTHER_HOSTS:
        assert client.get(story.url, HTTP_HOST=host)["X-Page-Cache"] == "HIT", host
