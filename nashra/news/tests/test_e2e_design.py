"""The reader design judged in a real browser (issue 17): every reader page kind at 360, 768
and 1280 px over the demo content, with the checks a reviewer made by eye and with outside
validators (axe-core, the Nu Html Checker).

Debian's chromium drives the pages; axe-core and vnu.jar come from the pinned npm packages
(`make node`) and vnu runs on Debian's Java. Each is skipped only when missing, with the reason.
Screenshots land in artifacts/e2e/design/ (git-ignored). Select with `pytest -m e2e`.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings

# The demo site on a live server (its URLconf serves the test storage's pictures) and Debian's
# chromium, as the reader's walk through the site uses them.
from .test_e2e_browser import CHROMIUM, browser, demo_site  # noqa: F401

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = (1280, 768, 360)  # desktop first: the Nu checker reads its pages meanwhile
DESKTOP = 1280
HEADER_MAX_PX = 100  # at 360 px: the first news shows without scrolling past the masthead
HEADLINE_MIN_EM = 12  # a card headline box never narrower than 12 of its own characters
HEADLINE_MAX_LINES = 4
# Latin words a reader page may show: the feed's name. Addresses (the short link) are taken
# out before the check.
LATIN_ALLOWED = {"RSS"}
TEMPLATE_SYNTAX = ("{#", "#}", "{%", "%}")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def reader_pages(demo_site):  # noqa: F811
    """One address of every reader page kind on the demo site."""
    from nashra.news.models import ArticlePage, Author, SectionPage

    stories = ArticlePage.objects.live().order_by("-first_published_at")
    with_picture = stories.filter(hero_image__isnull=False).first()
    without_picture = stories.filter(hero_image__isnull=True).first()
    tag = stories.filter(tags__isnull=False).first().tags.first()
    author = Author.objects.filter(pk__in=ArticlePage.objects.values("article_authors__author")
                                   ).first()
    section = SectionPage.objects.live().filter(depth=demo_site.depth + 1).first()
    return {
        "home": "/",
        "section": section.url,
        "story-picture": with_picture.url,
        "story-text": without_picture.url,
        "tag": f"/tag/{quote(tag.slug)}/",
        "author": f"/author/{quote(author.slug)}/",
        "search": "/search/?q=" + quote("المياه"),
        "not-found": "/" + quote("صفحة-لا-توجد") + "/",
        "comment-form": with_picture.url + "#respond",
    }


MEASURE_JS = """() => {
  const px = v => parseFloat(v) || 0;
  const cards = [...document.querySelectorAll('.card__title')].filter(h => h.offsetParent)
    .map(h => {
      const cs = getComputedStyle(h);
      const a = h.querySelector('a') || h;
      const range = document.createRange(); range.selectNodeContents(a);
      // What shows: a clamped headline still lays out its hidden lines.
      const lines = Math.round(h.getBoundingClientRect().height / px(cs.lineHeight));
      return {text: h.textContent.trim().slice(0, 40), width: h.getBoundingClientRect().width,
              font: px(cs.fontSize), lines, height: h.getBoundingClientRect().height,
              lineHeight: px(cs.lineHeight)};
    });
  const main = document.querySelector('main');
  const mainCs = getComputedStyle(main);
  const lead = document.querySelector('.home-lead .card--lead img');
  const header = document.querySelector('.site-header');
  const body = document.querySelector('.article__body p');
  let measure = null;
  if (body) {
    const range = document.createRange(); range.selectNodeContents(body);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    measure = body.textContent.trim().length / Math.max(lines - 0.5, 1);
  }
  return {
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
    content: main.clientWidth - px(mainCs.paddingInlineStart) - px(mainCs.paddingInlineEnd),
    lead: lead ? lead.getBoundingClientRect().width : null,
    header: header.getBoundingClientRect().height,
    cards, measure,
    text: document.body.innerText,
    // aria-describedby, -labelledby and -controls naming an id the page does not have
    brokenRefs: [...document.querySelectorAll('[aria-describedby],[aria-labelledby],[aria-controls]')]
      .flatMap(el => ['aria-describedby', 'aria-labelledby', 'aria-controls']
        .flatMap(attr => (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)
          .filter(id => !document.getElementById(id)).map(id => attr + '=' + id))),
    fonts: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family),
    fontUrls: performance.getEntriesByType('resource').map(e => e.name)
      .filter(n => /\\.(woff2?|ttf|otf)(\\?|$)/.test(n)),
  };
}"""


def _latin_words(text: str) -> set[str]:
    text = re.sub(r"\S+://\S+", " ", text)  # addresses, such as the short link
    return set(re.findall(r"[A-Za-z]{2,}", text)) - LATIN_ALLOWED


def _run_axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => v.id + ': ' + v.help + ' @ ' +
                                v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    return result


def _start_vnu(sources: list[Path]):
    """The Nu Html Checker over the pages as served, in the background; None without it."""
    java = shutil.which("java")
    if not VNU.exists() or java is None:
        return None
    return subprocess.Popen(
        [java, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json",
         *map(str, sources)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_reader_pages_hold_the_design(live_server, browser, reader_pages, tmp_path):  # noqa: F811
    import urllib.request

    out = Path(settings.BASE_DIR) / "artifacts" / "e2e" / "design"
    out.mkdir(parents=True, exist_ok=True)
    host = urlsplit(live_server.url).netloc
    problems: list[str] = []
    sources: list[Path] = []
    axe_ready = AXE.exists()
    checker = None

    for width in WIDTHS:
        # bypass_csp lets the test add axe-core's script; the pages' own policy has its own
        # browser test (nashra/core/tests/test_e2e_csp.py).
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ar",
                                      bypass_csp=True)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        for name, url in reader_pages.items():
            where = f"{name} @ {width}px"
            response = page.goto(live_server.url + url)
            expected = 404 if name == "not-found" else 200
            assert response is not None and response.status == expected, where
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready.then(() => true)")
            html = page.content()
            for syntax in TEMPLATE_SYNTAX:
                if syntax in html:
                    problems.append(f"{where}: template syntax {syntax!r} in the page")
            m = page.evaluate(MEASURE_JS)
            if m["scroll"] > m["inner"]:
                problems.append(f"{where}: scrolls sideways ({m['scroll']} > {m['inner']})")
            if width == 360 and m["header"] > HEADER_MAX_PX:
                problems.append(f"{where}: header {m['header']:.0f} px > {HEADER_MAX_PX}")
            for card in m["cards"]:
                if card["lines"] > HEADLINE_MAX_LINES:
                    problems.append(f"{where}: headline «{card['text']}» on {card['lines']} lines")
                if width == DESKTOP and card["width"] < HEADLINE_MIN_EM * card["font"]:
                    problems.append(f"{where}: headline «{card['text']}» box {card['width']:.0f}"
                                    f" px < {HEADLINE_MIN_EM}em")
            if name == "home" and width == DESKTOP:
                assert m["lead"] is not None, "the home page has no lead picture"
                if m["lead"] < m["content"] / 2:
                    problems.append(f"{where}: lead picture {m['lead']:.0f} px < half of "
                                    f"{m['content']:.0f}")
            if name.startswith("story") and width == DESKTOP and m["measure"] is not None:
                if not 60 <= m["measure"] <= 75:
                    problems.append(f"{where}: {m['measure']:.0f} characters a line, not 60-75")
            if m["brokenRefs"]:
                problems.append(f"{where}: references to no element {m['brokenRefs']}")
            latin = _latin_words(m["text"])
            if latin:
                problems.append(f"{where}: Latin words {sorted(latin)}")
            if not m["fonts"]:
                problems.append(f"{where}: no web font loaded")
            foreign = [u for u in m["fontUrls"] if urlsplit(u).netloc != host]
            if foreign:
                problems.append(f"{where}: fonts from elsewhere {foreign}")
            if axe_ready:
                problems.extend(f"{where}: axe {v}" for v in _run_axe(page))
            target = page.locator("#respond") if name == "comment-form" else page
            target.screenshot(path=out / f"{name}-{width}.png",
                              **({} if name == "comment-form" else {"full_page": True}))
            if width == DESKTOP:
                source = tmp_path / f"{name}.html"
                try:
                    raw = urllib.request.urlopen(live_server.url + url).read()
                except urllib.error.HTTPError as error:
                    raw = error.read()
                source.write_bytes(raw)
                sources.append(source)
        if width == DESKTOP:
            checker = _start_vnu(sources)
        third_party = [u for u in requests
                       if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != host]
        if third_party:
            problems.append(f"{width}px: requests left {host}: {sorted(set(third_party))}")
        context.close()

    if checker is not None:
        stdout, stderr = checker.communicate(timeout=300)
        messages = json.loads(stderr or '{"messages": []}')["messages"]
        problems.extend(f"vnu {Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
                        for m in messages)

    assert not problems, "\n".join(problems)
    if not axe_ready or checker is None:
        pytest.skip("checked without axe-core or the Nu Html Checker: run `make node` "
                    "(and install default-jre-headless)")
