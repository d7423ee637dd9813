"""The Content-Security-Policy in a real browser: no page a reader or an editor opens breaks it.

Chromium reports every refused script, style, image, frame or connection as a
`securitypolicyviolation` event and a console error; both are gathered from the moment a page
starts and must stay empty, on reader pages (the strict policy) and on the Wagtail admin's
pages an editor uses, with their scripts run (the admin's policy).

Debian's chromium (never a downloaded one); skipped when it is not installed.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import FileResponse, Http404
from django.urls import include, path

from nashra.core import pagecache

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _media(request, path):
    # Uploads live in InMemoryStorage under the test settings: served from there.
    # The storage the image fields hold, not default_storage: a test that overrides STORAGES
    # leaves default_storage a new, empty instance while the fields keep the one they were
    # given (the pictures are written there).
    from nashra.core.models import NashraRendition

    storage = NashraRendition._meta.get_field("file").storage
    if not storage.exists(path):
        raise Http404(path)
    return FileResponse(storage.open(path))


urlpatterns = [
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", _media),
    path("", include("nashra.urls")),
]

# Gathered in the page before any of its own scripts run.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    `${e.effectiveDirective} refused ${e.blockedURI || 'inline'} at ` +
    `${(e.sourceFile || '').split('/').pop()}:${e.lineNumber} ${e.sample || ''}`));
"""
_CSP_CONSOLE = re.compile(r"Content.Security.Policy", re.I)


class Watcher:
    """Violations and console errors of one page, across its navigations."""

    def __init__(self, page, host: str):
        self.page, self.host = page, host
        self.console: list[str] = []
        self.violations: list[str] = []
        self.third_party: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", lambda m: m.type == "error" and self.console.append(
            f"{urlsplit(page.url).path}: {m.text}"))
        page.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https")
                and urlsplit(r.url).netloc != host and self.third_party.append(r.url))

    def visit(self, url: str, *, status: int = 200):
        response = self.page.goto(url)
        assert response is not None and response.status == status, (url, response.status)
        assert "default-src 'self'" in response.headers["content-security-policy"], url
        self.settle()

    def settle(self):
        self.page.wait_for_load_state("networkidle")
        where = urlsplit(self.page.url)
        self.violations += [f"{where.path}{'?' if where.query else ''}{where.query}: {v}"
                            for v in self.page.evaluate("window.__violations.splice(0)")]

    def assert_clean(self, where: str):
        csp_console = [m for m in self.console if _CSP_CONSOLE.search(m)]
        assert self.violations == [], f"{where}:\n" + "\n".join(self.violations)
        assert csp_console == [], f"{where}:\n" + "\n".join(csp_console)
        assert self.third_party == [], (where, self.third_party)


@pytest.fixture
def site(settings):
    from wagtail.models import Site

    from nashra.comments import services as comments
    from nashra.comments.models import CommentSettings
    from nashra.conftest import article_maker, home_install
    from nashra.discovery.models import BreakingNews
    from nashra.news.demo import demo_image

    settings.ROOT_URLCONF = __name__
    home = home_install()
    make = article_maker(home, prefix="csp")
    story = make(title="قمة عربية في عمّان", tags=["غزة"], authors=["سلمى حداد"])
    story.hero_image = demo_image(title="صورة", alt="صورة الخبر", seed=2, size=(640, 360))
    story.save_revision().publish()
    make(title="المنتخب يفوز", section="رياضة")
    config = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    config.min_fill_seconds = 0
    config.save()
    comment = comments.comment_create(page=story, author_name="سارة",
                                      author_email="sara@example.org", body="تعليق منشور.")
    comments.comment_moderate(comment=comment, action="approve")
    BreakingNews.objects.create(text="خبر عاجل للاختبار")
    return {"home": home, "story": story, "comment": comment}


@pytest.fixture
def browser(site, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_reader_pages_break_no_policy(live_server, site, browser):
    story = site["story"]
    page = browser.new_context(locale="ar").new_page()
    watch = Watcher(page, urlsplit(live_server.url).netloc)
    for url in ["/", story.url, story.get_parent().url, "/tag/غزة/", "/author/سلمى-حداد/",
                "/search/?q=قمة", "/comments/privacy/", f"/comments/reply/{site['comment'].pk}/"]:
        watch.visit(live_server.url + url)
    watch.visit(live_server.url + "/لا-توجد-صفحة/", status=404)
    # The story's scripts at work: the comment form fetches its token on first focus, the
    # live bar and the read beacon call home.
    watch.visit(live_server.url + story.url)
    page.locator("[data-comment-form] textarea[name=body]").click()
    page.wait_for_function(
        "document.querySelector('[data-comment-form] [name=csrfmiddlewaretoken]').value !== ''")
    watch.settle()
    # JSON-LD is there, and is not refused: a data block is never run.
    assert page.locator("script[type='application/ld+json']").count() >= 1
    watch.assert_clean("reader pages")


def _sign_in(page, base: str, user):
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-123")
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_admin_pages_break_no_policy(live_server, site, browser, django_user_model):
    from nashra.core.models import NashraImage
    from nashra.discovery.models import BreakingNews

    base, story = live_server.url, site["story"]
    editor = django_user_model.objects.create_superuser(
        "editor", "editor@example.org", "secret-pass-123")
    page = browser.new_context(locale="ar", viewport={"width": 1280, "height": 900}).new_page()
    watch = Watcher(page, urlsplit(base).netloc)
    # Where a password is typed, the readers' strict policy: no inline script at all.
    watch.visit(base + "/admin/login/")
    login_policy = page.evaluate("""async () => (await fetch(location.href))
        .headers.get('content-security-policy')""")
    assert "'unsafe-inline'" not in login_policy
    _sign_in(page, base, editor)
    watch.settle()
    image = NashraImage.objects.first()
    breaking = BreakingNews.objects.first()
    section = story.get_parent()
    for url in [
        "/admin/",
        f"/admin/pages/{section.pk}/",
        f"/admin/pages/{story.pk}/edit/",
        f"/admin/pages/add/news/articlepage/{section.pk}/",
        f"/admin/pages/{story.pk}/history/",
        "/admin/images/", f"/admin/images/{image.pk}/", "/admin/images/multiple/add/",
        "/admin/documents/",
        "/admin/snippets/",
        f"/admin/snippets/discovery/breakingnews/edit/{breaking.pk}/",
        "/admin/snippets/comments/comment/",
        "/admin/reports/site-history/",
        "/admin/users/", "/admin/groups/",
        "/admin/sites/", "/admin/redirects/",
        "/admin/account/", "/admin/two-factor/",
        "/admin/newsroom/",
        f"/admin/nashra-comments/{site['comment'].pk}/spam/",
        "/admin/pages/search/?q=قمة",
    ]:
        watch.visit(base + url)
    # The editor at work on a story: the preview panel (a frame of the page being edited),
    # then the image chooser (a modal its scripts load and fill).
    watch.visit(base + f"/admin/pages/{story.pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").first.click()
    page.wait_for_selector("iframe[title]", state="attached")
    watch.settle()
    # (its button sits in a menu that only a hover shows: clicked from a script)
    page.evaluate("""document.querySelector('#id_hero_image-chooser [data-chooser-action-choose]')
        .click()""")
    page.wait_for_selector(".modal-content form, .modal-content table", state="attached")
    watch.settle()
    # An upload: the picture is sent by the page's script and shown back as a thumbnail.
    watch.visit(base + "/admin/images/multiple/add/")
    page.set_input_files("input[type=file]", files=[{
        "name": "picture.png", "mimeType": "image/png", "buffer": _png()}])
    page.wait_for_selector(".upload-list .upload-success, .upload-list form", state="attached")
    watch.settle()
    watch.assert_clean("admin pages")


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (138, 21, 56)).save(buffer, "PNG")
    return buffer.getvalue()


PLAYER = "https://www.youtube-nocookie.com"


def test_an_embedded_player_is_framed_only_when_its_origin_is_named(live_server, site, browser,
                                                                     settings):
    """A story's embed block is a frame from another site: refused by default (the readers'
    policy names no other site), shown once NASHRA_CSP_FRAME_SRC names its origin. The
    player's own address is answered here, never fetched."""
    from django.utils import timezone
    from wagtail.embeds.blocks import EmbedValue
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    url = "https://www.youtube.com/watch?v=nashra"
    Embed.objects.create(
        url=url, max_width=None, hash=get_embed_hash(url, None, None), type="video",
        html=f'<iframe src="{PLAYER}/embed/nashra" width="480" height="270" title="فيديو">'
             "</iframe>", width=480, height=270, last_updated=timezone.now())
    story = site["story"]
    story.body.append(("embed", EmbedValue(url)))
    story.save_revision().publish()

    page = browser.new_context(locale="ar").new_page()
    page.route(f"{PLAYER}/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><p>player</p>"))
    watch = Watcher(page, urlsplit(live_server.url).netloc)
    watch.visit(live_server.url + story.url)
    assert [v.split(": ", 1)[1].split(" at ")[0] for v in watch.violations] == [
        f"frame-src refused {PLAYER}"]  # (a browser names only another site's origin)

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
        **directives, "frame-src": [*directives["frame-src"], PLAYER]}}
    pagecache.everything_purge()  # the page was stored with the policy it was rendered under
    watch.violations, watch.console = [], []
    watch.visit(live_server.url + story.url)
    assert page.frame_locator(".responsive-object iframe").locator("p").inner_text() == "player"
    assert watch.violations == []
