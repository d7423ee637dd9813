"""The headless API (Wagtail API v2): articles with filters, sections, authors, images; read-only."""

import pytest

from nashra.news.models import Author

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home


def _items(client, query=""):
    response = client.get(f"/api/v2/articles/{query}")
    assert response.status_code == 200, (query, response.content[:300])
    return [item["title"] for item in response.json()["items"]]


class TestNewsroomApi:
    """On the shared newsroom, built once for the class."""

    def test_article_listing_filters_and_order(self, client, newsroom):
        lead, second, old = newsroom["lead"], newsroom["second"], newsroom["old"]
        palestine = lead.get_parent()
        author = Author.objects.get(name="عمر يوسف")
        cases = [
            # query, titles expected (newest first unless ordered otherwise)
            ("", [lead.title, second.title, old.title]),
            (f"?section={palestine.pk}", [lead.title, old.title]),
            (f"?section={palestine.get_parent().pk}", [lead.title, old.title]),  # أخبار: subsections too
            ("?tag=%D8%BA%D8%B2%D8%A9", [lead.title]),  # غزة
            (f"?author={author.slug}", [lead.title, second.title]),
            (f"?published_after={old.first_published_at.date().isoformat()}&published_before="
             f"{(old.first_published_at.date().replace(day=1)).isoformat()}", []),
            (f"?published_before={lead.first_published_at.date().isoformat()}", [old.title]),
            ("?order=title", sorted([lead.title, second.title, old.title])),
            ("?limit=1&offset=1", [second.title]),
        ]
        for query, titles in cases:
            assert _items(client, query) == titles, query

    def test_article_detail(self, client, newsroom):
        lead = newsroom["lead"]
        data = client.get(f"/api/v2/articles/{lead.pk}/").json()
        assert data["title"] == lead.title and data["source"] == "الأناضول"
        assert [b["type"] for b in data["body"]] == ["paragraph", "paragraph"]
        assert data["section"]["title"] == "فلسطين"
        assert [a["name"] for a in data["authors"]] == ["سلمى حداد", "عمر يوسف"]
        assert [t["name"] for t in data["tags"]] == ["غزة", "الصحة"]
        assert data["meta"]["html_url"] == lead.get_full_url()
        assert data["meta"]["short_url"].startswith("http://localhost/s/")
        hero = data["hero_image"]
        assert (hero["width"], hero["height"], hero["alt"]) == (640, 360, "مبنى المستشفى الجديد")
        assert hero["full_url"] == "http://localhost" + hero["url"]

    def test_sections_authors_images(self, client, newsroom):
        sections = client.get("/api/v2/sections/").json()["items"]
        assert [s["title"] for s in sections] == ["أخبار", "فلسطين", "رياضة"]
        authors = client.get("/api/v2/authors/").json()["items"]
        assert [a["name"] for a in authors] == ["سلمى حداد", "عمر يوسف"]
        assert authors[0]["meta"]["html_url"].startswith("http://localhost/author/")
        images = client.get("/api/v2/images/?fields=card,large").json()["items"]
        assert images[0]["card"]["width"] == 640 and images[0]["large"]["url"].endswith(".jpg")

    def test_only_live_pages_and_read_only(self, client, newsroom):
        newsroom["second"].unpublish()
        assert newsroom["second"].title not in _items(client)
        assert client.get(f"/api/v2/articles/{newsroom['second'].pk}/").status_code == 404
        assert client.post("/api/v2/articles/", {"title": "x"}).status_code == 405
        assert client.delete(f"/api/v2/articles/{newsroom['lead'].pk}/").status_code == 405

    def test_api_is_cached_and_refreshed_on_publish(self, client, newsroom, make_article):
        assert client.get("/api/v2/articles/")["X-Cache"] == "miss"
        assert client.get("/api/v2/articles/")["X-Cache"] == "hit"
        make_article(title="خبر يصل إلى التطبيق")
        assert _items(client)[0] == "خبر يصل إلى التطبيق"


@pytest.mark.parametrize("query", [
    "?section=abc", "?section=999999", "?published_after=yesterday", "?order=password",
    "?unknown=1",
])
def test_bad_filters_are_400_with_a_message(client, home, query):
    response = client.get(f"/api/v2/articles/{query}")
    assert response.status_code == 400
    assert response.json()["message"]


def test_listing_queries_do_not_grow(make_article, uncached_queries):
    make_article(title="خبر 1", authors=["أ"], tags=["و"])
    small = uncached_queries("/api/v2/articles/")
    for i in range(2, 7):
        make_article(title=f"خبر {i}", authors=["أ", "ب"], tags=["و", "ز"])
    assert uncached_queries("/api/v2/articles/") == small
