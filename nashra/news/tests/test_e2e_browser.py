"""A real browser against a live server: a reader opens the front page and reads the
reference article, on a desktop and on a phone.

Runs Debian's chromium (never a downloaded one); skipped only when it is not installed.
Screenshots land in artifacts/e2e/ (git-ignored). Select with `pytest -m e2e`.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import FileResponse, Http404
from django.urls import include, path

from nashra.news.demo import DEMO_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
]
BRAND_RGB = "rgb(138, 21, 56)"  # --brand in site.css: proves the stylesheet applied
PHONE = {"width": 360, "height": 740}

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is not installed (apt-get install chromium)"),
    # Transactional, because the live server reads the data from another thread; the
    # serialized rollback restores Wagtail's root page, which a flush before us removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _reference_text() -> tuple[str, list[str]]:
    """Headline and paragraphs, read straight from the file the demo is built from."""
    text = (DEMO_DIR / "reference-article.txt").read_text(encoding="utf-8")
    headline, _, body = text.partition("\n")
    return headline.strip(), [p.strip() for p in body.split("\n\n") if p.strip()]


HEADLINE, PARAGRAPHS = _reference_text()


def _media(request, path):
    # Test settings keep uploads in InMemoryStorage, which nashra.urls' disk-backed media
    # view cannot see; serve them from the storage itself so pictures load in the browser.
    # The storage the image fields hold, not default_storage: a test that overrides STORAGES
    # leaves default_storage a new, empty instance while the fields keep the one they were
    # given (the pictures are written there).
    from nashra.core.models import NashraRendition

    storage = NashraRendition._meta.get_field("file").storage
    if not storage.exists(path):
        raise Http404(path)
    return FileResponse(storage.open(path))


# This module doubles as the live server's URLconf: media first, then the site as shipped.
urlpatterns = [
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", _media),
    path("", include("nashra.urls")),
]


@pytest.fixture
def demo_site(settings):
    from nashra.news import services
    from nashra.news.demo import demo_load

    settings.ROOT_URLCONF = __name__
    home = services.site_install()
    services.newsroom_roles_ensure(home=home)
    demo_load(home=home)
    return home


@pytest.fixture
def browser(demo_site, monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; Django's ORM
    # (the db flush at teardown) would otherwise refuse to run beside it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts_dir():
    directory = Path(settings.BASE_DIR) / "artifacts" / "e2e"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


class Recorder:
    """Every request a page makes, and every response that failed."""

    def __init__(self, page):
        self.urls: list[str] = []
        self.failures: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("requestfailed", lambda request: self.failures.append(
            f"{request.url}: {request.failure}"))
        page.on("response", lambda response: response.status >= 400 and self.failures.append(
            f"{response.url}: HTTP {response.status}"))

    def assert_first_party_only(self, live_server_url: str):
        host = urlsplit(live_server_url).netloc
        network = [u for u in self.urls if urlsplit(u).scheme not in {"data", "blob"}]
        assert network, "the page made no requests at all"
        third_party = [u for u in network if urlsplit(u).netloc != host]
        assert third_party == [], f"requests left {host}: {third_party}"
        assert self.failures == []


def _assert_rtl_arabic(page):
    assert page.locator("html[lang=ar][dir=rtl]").count() == 1
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The stylesheet arrived and applied: the header wears the brand colour.
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    ) == BRAND_RGB


def _assert_no_horizontal_overflow(page):
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], f"page scrolls sideways: {widths}"


def _assert_images_loaded(page):
    # Lazy pictures below the fold would never load in a screenshot: ask for all of them,
    # wait until each has loaded or failed, and list the ones that came back empty.
    broken = page.evaluate("""async () => {
        const images = [...document.images];
        images.forEach(img => { img.loading = 'eager'; });
        await Promise.all(images.filter(img => !img.complete).map(img => new Promise(done => {
            img.addEventListener('load', done, {once: true});
            img.addEventListener('error', done, {once: true});
        })));
        return images.filter(img => img.naturalWidth === 0).map(img => img.currentSrc || img.src);
    }""")
    assert broken == []


def _assert_reference_article(page):
    from playwright.sync_api import expect

    crumbs = page.locator("nav.breadcrumb li")
    expect(crumbs).to_have_text(["الرئيسية", "أخبار", "عربية ودولية", HEADLINE])
    expect(crumbs.last).to_have_attribute("aria-current", "page")
    # The › between crumbs is drawn by CSS, after every item but the last.
    separators = page.evaluate("""[...document.querySelectorAll('nav.breadcrumb li')]
        .map(li => getComputedStyle(li, '::after').content)""")
    assert separators == ['"›"', '"›"', '"›"', "none"]
    assert page.locator("nav.breadcrumb a").all_inner_texts() == [
        "الرئيسية", "أخبار", "عربية ودولية"]

    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(HEADLINE)
    expect(page).to_have_title(f"{HEADLINE} | " + page.locator(".site-footer__name")
                                .inner_text())
    expect(page.locator(".article__source")).to_contain_text("الأناضول")
    expect(page.locator(".article__dates time")).to_have_count(1)

    paragraphs = page.locator(".article__body p")
    # The whole body, in order, typos included (بالتننسيق, يدعور).
    expect(paragraphs.first).to_have_text(PARAGRAPHS[0])
    expect(paragraphs.last).to_have_text(PARAGRAPHS[-1])
    assert [p.strip() for p in paragraphs.all_inner_texts()] == PARAGRAPHS


def test_reader_reaches_reference_article(live_server, browser, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    page = context.new_page()
    recorder = Recorder(page)

    response = page.goto(live_server.url + "/")
    assert response is not None and response.status == 200
    _assert_rtl_arabic(page)
    _assert_images_loaded(page)
    page.screenshot(path=artifacts_dir / "home.png", full_page=True)

    page.get_by_role("link", name=HEADLINE, exact=True).first.click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/")
    page.wait_for_load_state("load")
    path_ = urlsplit(page.url).path

    _assert_rtl_arabic(page)
    _assert_reference_article(page)
    _assert_images_loaded(page)
    page.screenshot(path=artifacts_dir / "reference-article.png", full_page=True)

    recorder.assert_first_party_only(live_server.url)
    context.close()

    # A small phone: same article, nothing wider than the screen.
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="ar")
    page = phone.new_page()
    recorder = Recorder(page)
    for url in ("/", path_):
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200
        _assert_rtl_arabic(page)
        _assert_no_horizontal_overflow(page)
        _assert_images_loaded(page)
    _assert_reference_article(page)
    page.screenshot(path=artifacts_dir / "reference-article-mobile.png", full_page=True)
    recorder.assert_first_party_only(live_server.url)
    phone.close()

