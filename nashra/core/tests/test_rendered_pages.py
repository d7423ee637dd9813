"""Every kind of page a reader can be sent, rendered once, and what none of them may contain.

- No template syntax (`{#`, `#}`, `{%`, `%}`): a `{# … #}` over several lines, or a tag
  broken across lines, prints as text (issue 16: the standalone error pages did).
- Nothing the Content-Security-Policy refuses: no inline script or event handler, no style
  attribute or element, no `javascript:` or `data:` address. JSON-LD
  (`<script type="application/ld+json">`) is data, which browsers never run, so the policy
  allows it (nashra/core/tests/test_e2e_csp.py shows no violation in a real browser).
- The readers' policy and Permissions-Policy on every answer.

The pages are built once for the module; each test walks them all.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client, RequestFactory

from nashra.conftest import article_maker, home_install, shared_rows

MARKERS = ("{#", "#}", "{%", "%}")
EMBED_URL = "https://www.youtube.com/watch?v=nashra-test"


def _build() -> dict:
    from django.utils import timezone
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed
    from wagtail.models import PageViewRestriction

    from nashra.comments import services as comments
    from nashra.discovery.models import BreakingNews
    from nashra.news.demo import demo_image
    from nashra.news.models import HomePage

    home = home_install()
    make = article_maker(home, prefix="rendered")
    story = make(title="قمة عربية في عمّان", tags=["غزة"], authors=["سلمى حداد"],
                 source="الأناضول", standfirst="مقدمة الخبر.",
                 body="فقرة أولى من الخبر.\n\nفقرة ثانية من الخبر.")
    image = demo_image(title="صورة", alt="صورة الخبر", seed=1, size=(640, 360))
    # An embed as Wagtail stores one after asking the provider: no network in the test.
    Embed.objects.create(
        url=EMBED_URL, max_width=None, hash=get_embed_hash(EMBED_URL, None, None), type="video",
        html='<iframe src="https://www.youtube-nocookie.com/embed/x" width="480" height="270" '
             'title="فيديو" allowfullscreen></iframe>',
        title="فيديو", width=480, height=270, last_updated=timezone.now())
    from wagtail.embeds.blocks import EmbedValue

    story.hero_image = image
    story.body.append(("heading", "عنوان فرعي"))
    story.body.append(("quote", {"text": "قول مأثور", "attribution": "قائله"}))
    story.body.append(("image", {"image": image, "caption": "تعليق", "credit": "نشرة"}))
    story.body.append(("embed", EmbedValue(EMBED_URL)))
    story.save_revision().publish()
    comment = comments.comment_create(page=story, author_name="سارة",
                                      author_email="sara@example.org", body="تعليق منشور.")
    comments.comment_moderate(comment=comment, action="approve")
    make(title="المنتخب يفوز", section="رياضة", authors=["عمر يوسف"])
    locked = make(title="خبر بكلمة سر", section="رياضة")
    PageViewRestriction.objects.create(page=locked, password="سر",
                                       restriction_type=PageViewRestriction.PASSWORD)
    BreakingNews.objects.create(text="خبر عاجل للاختبار")
    tag = HomePage.reverse_subpage_static("tag", "غزة")
    author = HomePage.reverse_subpage_static("author", "سلمى-حداد")
    return {
        "home": "/",
        "section": story.get_parent().url,
        "story": story.url,
        "story, own comment link": story.url + "?comment=1",
        "tag": f"/{tag}",
        "author": f"/{author}",
        "search": "/search/?q=" + "قمة",
        "search, empty": "/search/",
        "search, bad date": "/search/?q=x&from=yesterday",
        "password required": locked.url,
        "privacy": "/comments/privacy/",
        "comment reply, no JavaScript": f"/comments/reply/{comment.pk}/",
        "404": "/لا-توجد-صفحة/",
        "breaking fragment": "/discovery/live/breaking/",
        "most read fragment": "/discovery/live/most-read/",
        "picks fragment": "/discovery/live/picks/",
        "rss": "/feeds/rss/",
        "atom": "/feeds/atom/",
        "section rss": f"/feeds/section/{story.get_parent().pk}/rss/",
        "tag atom": "/feeds/tag/غزة/atom/",
        "author rss": "/feeds/author/سلمى-حداد/rss/",
        "sitemap index": "/sitemap.xml",
        "news sitemap": "/sitemaps/news.xml",
        "robots.txt": "/robots.txt",
        "api": "/api/v2/articles/",
    }


@pytest.fixture(scope="module")
def _pages_built(request, django_db_setup, django_db_blocker):
    with shared_rows(request, django_db_blocker, _build) as urls:
        yield urls


@pytest.fixture
def pages(_pages_built, db) -> dict[str, tuple[object, str]]:
    """name: (response, body) for every URL above, and the pages Django renders itself."""
    from django.views import csrf, defaults

    client = Client()
    found = {}
    for name, url in _pages_built.items():
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (name, url, response.status_code)
        found[name] = (response, response.content.decode())
    # A comment posted without JavaScript that fails: the Arabic error page.
    story = _pages_built["story"]
    from nashra.news.models import ArticlePage

    page_id = ArticlePage.objects.get(title="قمة عربية في عمّان").pk
    response = client.post(f"/comments/post/{page_id}/", {"body": ""})
    found["comment error"] = (response, response.content.decode())
    assert response.status_code >= 400, story
    # What Django renders on its own: bad requests, refusals, CSRF failures, crashes.
    request = RequestFactory().get("/")
    for name, response in {
        "400": defaults.bad_request(request, Exception("x")),
        "403": defaults.permission_denied(request, Exception("x")),
        "403 csrf": csrf.csrf_failure(request, reason="x"),
        "500": defaults.server_error(request),
    }.items():
        found[name] = (None, response.content.decode())
    from django.template.loader import render_to_string

    found["comments unavailable"] = (None, render_to_string(
        "comments/unavailable.html", {"message": "عطل مؤقت"}))
    return found


def test_every_kind_of_reader_page_is_rendered(pages):
    # The walk below is only as good as this list: a kind missing here is never checked.
    assert len(pages) >= 30
    statuses = {name: response.status_code for name, (response, _) in pages.items() if response}
    assert statuses["story"] == statuses["home"] == statuses["rss"] == 200
    assert statuses["404"] == 404
    assert "قمة عربية في عمّان" in pages["story"][1] and "تعليق منشور." in pages["story"][1]
    # The embed block is on the page, in its shape and without Wagtail's inline padding.
    assert 'class="responsive-object responsive-object--wide"' in pages["story"][1]
    assert "قمة عربية في عمّان" in pages["search"][1]


def test_no_page_shows_template_syntax(pages):
    shown = {name: [m for m in MARKERS if m in body] for name, (_, body) in pages.items()}
    assert {name: found for name, found in shown.items() if found} == {}


class _Inline(HTMLParser):
    """Everything in a document that a policy without 'unsafe-inline' refuses."""

    DATA_SCRIPTS = {"application/ld+json", "application/json"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action", "formaction", "srcset", "poster", "data"):
                address = (value or "").strip().lower()
                if address.startswith(("javascript:", "data:")):
                    self.found.append(f"<{tag} {name}={address[:40]!r}>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            kind = (attrs.get("type") or "").lower()
            self._script = None if "src" in attrs or kind in self.DATA_SCRIPTS else ""

    def handle_data(self, data):
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.found.append(f"<script>{self._script.strip()[:60]}</script>")
            self._script = None


def test_no_page_has_inline_script_or_style(pages):
    found = {}
    for name, (response, body) in pages.items():
        if response is not None and not response["Content-Type"].startswith("text/html"):
            continue
        parser = _Inline()
        parser.feed(body)
        if parser.found:
            found[name] = parser.found
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_answer_carries_the_readers_policy(pages):
    for name, (response, _) in pages.items():
        if response is None:
            continue
        assert "Permissions-Policy" in response, name
        policy = _policy(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], name
        for directive in ("script-src", "style-src"):
            assert policy[directive] == ["'self'"], (name, directive)
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
