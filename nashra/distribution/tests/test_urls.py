"""Stable URLs: old addresses answer 301 after a slug, section or section-slug change; short links."""

from urllib.parse import quote

import pytest

from nashra.distribution.links import page_id_from_code, short_code
from nashra.news import services
from nashra.news.models import SectionPage

pytestmark = pytest.mark.django_db


def _moved_permanently(client, old_path, new_path):
    response = client.get(old_path)
    assert response.status_code == 301, old_path
    assert response["Location"] in (new_path, f"http://localhost{new_path}")
    assert client.get(new_path).status_code == 200


def test_headline_change_keeps_the_url(client, make_article):
    article = make_article(title="عنوان أول للخبر")
    path = article.url
    article.title = "عنوان معدّل تماماً"
    article.save_revision().publish()
    article.refresh_from_db()
    assert article.url == path
    assert "عنوان معدّل تماماً" in client.get(path).content.decode()


def test_slug_change_redirects_the_old_url(client, make_article,
                                           django_capture_on_commit_callbacks):
    article = make_article(title="خبر بعنوان قديم")
    old = article.url
    article.slug = "خبر-بعنوان-جديد"
    # Wagtail sends page_slug_changed once the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    article.refresh_from_db()
    assert article.url.endswith(quote("/خبر-بعنوان-جديد/"))
    _moved_permanently(client, old, article.url)


def test_section_change_redirects_the_old_url(client, make_article, home):
    article = make_article(title="خبر ينتقل بين الأقسام", section="أخبار/فلسطين",
                           external_id="wire:1")
    old = article.url
    # the importer moves a story whose section changed, as an editor's "move" does
    services.article_upsert(data=services.ArticleInput(
        title="خبر ينتقل بين الأقسام", body="نص", section="اقتصاد", external_id="wire:1"),
        home=home)
    article.refresh_from_db()
    assert article.get_parent().title == "اقتصاد" and article.url != old
    _moved_permanently(client, old, article.url)


def test_section_slug_change_redirects_its_stories(client, make_article,
                                                   django_capture_on_commit_callbacks):
    article = make_article(title="خبر في قسم يتغير اسمه", section="رياضة")
    old_article, section = article.url, SectionPage.objects.get(title="رياضة")
    old_section = section.url
    section.slug = "رياضة-عربية"
    with django_capture_on_commit_callbacks(execute=True):
        section.save_revision().publish()
    article.refresh_from_db()
    section.refresh_from_db()
    _moved_permanently(client, old_section, section.url)
    _moved_permanently(client, old_article, article.url)


def test_arabic_slug_is_served_percent_encoded(client, make_article):
    article = make_article(title="الأمطار تغمر شوارع عمّان")
    assert article.slug == "الأمطار-تغمر-شوارع-عمان"
    assert article.url.isascii() and quote(article.slug) in article.url
    assert client.get(article.url).status_code == 200


def test_short_link_follows_the_story(client, make_article, home):
    article = make_article(title="خبر له رابط مختصر", section="أخبار/فلسطين", external_id="w:2")
    short = f"/s/{short_code(article.pk)}/"
    _moved_permanently(client, short, article.url)
    services.article_upsert(data=services.ArticleInput(
        title="خبر له رابط مختصر", body="نص", section="ثقافة", external_id="w:2"), home=home)
    article.refresh_from_db()
    _moved_permanently(client, short, article.url)
    article.unpublish()
    assert client.get(short).status_code == 404


@pytest.mark.parametrize("code", ["", "!!", "zzzzzzzzzzzzzz", "%D8%A7"])
def test_bad_short_codes(client, home, code):
    assert client.get(f"/s/{code}/").status_code == 404


def test_short_code_round_trip():
    for number in (0, 1, 35, 36, 1295, 10**9):
        assert page_id_from_code(short_code(number)) == number
    assert short_code(1295) == "zz"
