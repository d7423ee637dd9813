"""Share pictures (issue 17, item 4): the drawn card of a story without a picture, served from
the site's own origin, and the site's default social image for other pages."""

import io

import pytest
from lxml import html as lxml_html
from PIL import Image

from nashra.distribution import cards

pytestmark = pytest.mark.django_db


def _meta(client, path) -> dict[str, list[str]]:
    doc = lxml_html.fromstring(client.get(path).content)
    meta: dict[str, list[str]] = {}
    for tag in doc.xpath("//head/meta[@property or @name]"):
        meta.setdefault(tag.get("property") or tag.get("name"), []).append(tag.get("content"))
    return meta


def _path(url: str) -> str:
    assert url.startswith("http://localhost/"), url
    return url.removeprefix("http://localhost")


def test_story_without_picture_gets_its_card(client, make_article):
    story = make_article(title="وزير الصحة يفتتح مستشفى جديداً في غزة بسعة 100 سرير")
    card_url = _meta(client, story.url)["og:image"][0]
    response = client.get(_path(card_url))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    picture = Image.open(io.BytesIO(response.content))
    assert picture.size == (1200, 630) and picture.format == "PNG"
    # The headline is drawn: white text on the brand colour fills part of the lower area.
    lower = picture.convert("RGB").crop((80, 190, 1120, 600))
    white = sum(1 for px in lower.get_flattened_data() if px == (255, 255, 255))
    assert white > 5000
    # drawn once, then served from the cache: the same bytes
    assert client.get(_path(card_url)).content == response.content

    # A new headline is a new address; the old one moves there.
    story.title = "عنوان جديد للخبر"
    story.save_revision().publish()
    new_url = _meta(client, story.url)["og:image"][0]
    assert new_url != card_url
    moved = client.get(_path(card_url))
    assert moved.status_code == 301 and moved["Location"] == _path(new_url)


def test_card_of_a_story_with_a_picture_or_none_is_404(client, make_article):
    story = make_article(title="خبر")
    key = "0" * 24
    assert client.get(f"/cards/{story.pk + 1000}/{key}.png").status_code == 404
    assert client.get(f"/cards/{2**63}/{key}.png").status_code == 404
    story.unpublish()
    assert client.get(f"/cards/{story.pk}/{key}.png").status_code == 404


def test_default_social_image_for_pages_without_one(client, make_article, home):
    from nashra.core.models import SiteSettings
    from nashra.news.demo import demo_image

    assert "og:image" not in _meta(client, "/")
    options = SiteSettings.for_site(home.get_site())
    options.default_social_image = demo_image(title="شعار", alt="شعار الموقع", seed=5,
                                              size=(1200, 700))
    options.save()
    meta = _meta(client, "/")
    assert meta["og:image"][0].startswith("http://localhost/")
    assert meta["og:image:type"] == ["image/jpeg"] and meta["og:image:alt"] == ["شعار الموقع"]
    assert meta["twitter:card"] == ["summary_large_image"]
    # a story without a picture keeps its own card, which names it
    story = make_article(title="خبر بلا صورة")
    assert "/cards/" in _meta(client, story.url)["og:image"][0]


@pytest.mark.parametrize(
    ("word", "pieces"),
    [
        ("غزة", [("arabic", "غزة")]),
        # ASCII punctuation is only in the Latin file
        ("غزة:", [("arabic", "غزة"), ("latin", ":")]),
        ("(غزة)", [("latin", "("), ("arabic", "غزة"), ("latin", ")")]),
        ("2026", [("latin", "2026")]),
        ("٢٠٢٦", [("arabic", "٢٠٢٦")]),
        ("WHO", [("latin", "WHO")]),
    ],
)
def test_words_are_cut_by_the_font_that_draws_them(word, pieces):
    assert cards._pieces(word, 700) == pieces


@pytest.mark.parametrize(
    ("words", "runs"),
    [
        (["وزير", "الصحة"], [(False, ["وزير"]), (False, ["الصحة"])]),
        # a run of Latin words keeps its own order inside the right-to-left line
        (["يلتقي", "Joe", "Biden", "اليوم"],
         [(False, ["يلتقي"]), (True, ["Joe", "Biden"]), (False, ["اليوم"])]),
        (["بسعة", "100", "سرير"], [(False, ["بسعة"]), (True, ["100"]), (False, ["سرير"])]),
    ],
)
def test_latin_runs_hold_together(words, runs):
    assert cards._runs(words) == runs


def test_long_headlines_wrap_and_end_with_an_ellipsis():
    text = " ".join(["كلمة"] * 200)
    lines = cards.wrap(text, width=1040, weight=700, size=64, lines=4)
    assert len(lines) == 4 and lines[-1][-1] == "…"
    assert all(cards._word_width(" ".join(line), 700, 64) <= 1040 for line in lines[:-1])


def test_drawing_is_reproducible_and_depends_on_what_it_shows():
    card = cards.Card(site_name="نشرة", headline="انتخابات بلدية في 12 مدينة")
    assert cards.render(card) == cards.render(card)
    other = cards.Card(site_name="نشرة", headline="انتخابات بلدية في 13 مدينة")
    assert cards.render(other) != cards.render(card) and other.key != card.key
