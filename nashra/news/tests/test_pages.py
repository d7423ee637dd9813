"""Reader pages over HTTP: breadcrumb, headline, body, direction, and query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nashra.news.demo import REFERENCE_SECTION, reference_article
from nashra.news.models import Author, SectionPage

pytestmark = pytest.mark.django_db


def test_reference_article_page(client, make_article):
    title, body = reference_article()
    article = make_article(title=title, body=body, section=REFERENCE_SECTION, source="الأناضول")
    response = client.get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert f'<h1 class="article__headline">{title}</h1>' in html
    # every paragraph of the reference body, typos included
    for paragraph in body.split("\n\n"):
        assert paragraph.strip().replace("&", "&amp;") in html
    assert "بالتننسيق" in html and "يدعور" in html
    assert "الأناضول" in html
    crumbs = html[html.index('class="breadcrumb"'):html.index("</nav>", html.index('class="breadcrumb"'))]
    assert [c for c in ("الرئيسية", "أخبار", "عربية ودولية") if c in crumbs] == ["الرئيسية", "أخبار", "عربية ودولية"]


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _with_image(article, seed):
    from nashra.news.demo import demo_image

    article.hero_image = demo_image(title=article.title, alt="صورة الخبر", seed=seed,
                                     size=(480, 270))
    article.save_revision().publish()
    return article


def test_query_count_does_not_grow_with_articles(client, make_article, settings):
    """Each listing and story page costs the same number of queries with 3 stories or 15
    (rendered: the full-page cache, which would answer with none, is off)."""
    settings.NASHRA_PAGE_CACHE = False

    def add(n, start):
        for i in range(start, start + n):
            article = make_article(
                section=["أخبار/عربية ودولية", "أخبار/فلسطين", "رياضة"][i % 3],
                authors=["سلمى حداد", "عمر يوسف"], tags=["غزة", "الاقتصاد"],
                title=f"خبر رقم {i}",
            )
            if i % 2 == 0:
                _with_image(article, i)
        return article

    first = add(3, 0)
    urls = {
        "home": "/",
        "section": first.get_parent().url,
        "article": first.url,
        "tag": "/tag/%D8%BA%D8%B2%D8%A9/",
        "author": f"/author/{first.article_authors.first().author.slug}/",
    }

    def measure():
        counts = {}
        for page, url in urls.items():
            _count_queries(client, url)  # warm per-process caches (site root, section map)
            counts[page] = _count_queries(client, url)
        return counts

    small = measure()
    add(12, 3)
    assert measure() == small


def test_home_groups_latest_by_section_and_links_articles(client, make_article):
    import datetime as dt

    from django.utils import timezone

    hours_ago = lambda h: timezone.now() - dt.timedelta(hours=h)  # noqa: E731
    make_article(title="خبر عن غزة", section="أخبار/فلسطين", published_at=hours_ago(30))
    make_article(title="نتيجة مباراة", section="رياضة", published_at=hours_ago(31))
    # Newer stories fill the lead block and the latest rail (1 + 3 + 6); the section bands
    # show what those leave out, so the two older ones are there and nothing shows twice
    # above most read (which lists the latest until reads are counted).
    newer = [make_article(title=f"خبر أحدث رقم {i}", section="أخبار/عربية ودولية",
                          published_at=hours_ago(i)) for i in range(10)]
    html = client.get("/").content.decode()
    bands = html[html.index('class="section-bands"'):]
    assert "خبر عن غزة" in bands and "نتيجة مباراة" in bands
    above_most_read = html[:html.index('class="home-band"')]
    assert all(above_most_read.count(f">{story.title}<") == 1 for story in newer)
    # top-level sections head their blocks; nested sections roll up into their parent
    assert 'class="block-title"><a href="/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/">أخبار</a>' in html
    assert "رياضة</a></h2>" in html


def test_section_page_lists_subsection_stories_and_paginates(client, make_article, settings):
    from nashra.news import selectors

    for i in range(selectors.PAGE_SIZE + 2):
        make_article(title=f"قصة {i}", section="أخبار/عربية ودولية")
    section = SectionPage.objects.get(title="أخبار")
    first = client.get(section.url).content.decode()
    assert "قصة 21" in first and "قصة 0<" not in first
    assert 'rel="next"' in first
    second = client.get(section.url + "?page=2").content.decode()
    assert "قصة 0<" in second
    assert client.get(section.url + "?page=99").status_code == 404
    assert client.get(section.url + "?page=abc").status_code == 404


def test_a_listing_counts_its_stories_once_per_change(client, make_article, settings,
                                                      monkeypatch):
    from nashra.news import selectors

    settings.NASHRA_PAGE_CACHE = False
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    for i in range(2):
        make_article(title=f"قصة القسم {i}", section="رياضة", tags=["كرة القدم"])
    section = SectionPage.objects.get(title="رياضة")

    def counts(url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return sum('"__count"' in q["sql"] for q in ctx.captured_queries)

    assert counts(section.url) == 1
    assert counts(section.url) == 0  # kept: no COUNT over the archive on every render
    assert client.get(section.url + "?page=3").status_code == 404
    make_article(title="قصة القسم الثالثة", section="رياضة", tags=["كرة القدم"])
    # A new story starts a new count at once: its page exists on the next render.
    assert "قصة القسم 0" in client.get(section.url + "?page=3").content.decode()
    from taggit.models import Tag

    tag = Tag.objects.get(name="كرة القدم")
    tag_url = section.get_parent().url + section.get_parent().specific.reverse_subpage(
        "tag", kwargs={"slug": tag.slug})
    assert counts(tag_url + "?page=3") == 1 and counts(tag_url + "?page=3") == 0


def test_a_restricted_section_leaves_the_listings_at_once(client, make_article, settings):
    from wagtail.models import PageViewRestriction

    settings.NASHRA_PAGE_CACHE = False
    make_article(title="خبر للمشتركين فقط", section="خاص")
    make_article(title="خبر للجميع", section="رياضة")
    for _ in range(2):  # what pages share is remembered: no restriction anywhere yet
        assert "خبر للمشتركين فقط" in client.get("/").content.decode()
    PageViewRestriction.objects.create(page=SectionPage.objects.get(title="خاص"),
                                       restriction_type=PageViewRestriction.LOGIN)
    home = client.get("/").content.decode()
    assert "خبر للمشتركين فقط" not in home and "خبر للجميع" in home


def test_tag_and_author_pages(client, make_article):
    article = make_article(title="خبر موسوم", tags=["غزة"], authors=["سلمى حداد"])
    author = Author.objects.get(name="سلمى حداد")
    tag_html = client.get("/tag/%D8%BA%D8%B2%D8%A9/").content.decode()
    assert "خبر موسوم" in tag_html and "وسم: غزة" in tag_html
    author_html = client.get(f"/author/{author.slug}/").content.decode()
    assert "خبر موسوم" in author_html and "<h1>سلمى حداد</h1>" in author_html
    article_html = client.get(article.url).content.decode()
    assert 'rel="author"' in article_html and 'rel="tag"' in article_html
    assert client.get("/tag/no-such-tag/").status_code == 404


def test_404_page_is_arabic(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html and "الصفحة غير موجودة" in html


def test_bad_request_and_failed_form_check_pages_are_arabic(client, home, rf, settings):
    from django.views.csrf import csrf_failure

    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="not-ours.example")  # a Host not in ALLOWED_HOSTS
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html and "طلب غير صالح" in html
    response = csrf_failure(rf.post("/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html and "لم يُحفظ شيء" in html


@pytest.mark.parametrize(
    ("show_hijri", "digits", "expected", "absent"),
    [
        # the default: Gregorian with Arabic month names, 0-9
        (False, "western", "1 مارس 2025", "هـ"),
        # Arabic-Indic digits when the site asks for them
        (False, "arabic_indic", "١ مارس ٢٠٢٥", "2025"),
        # Hijri beside the Gregorian (1 March 2025 = 1 Ramadan 1446)
        (True, "western", "1 رمضان 1446 هـ", "٢٠٢٥"),
    ],
)
def test_dates_follow_site_settings(client, make_article, show_hijri, digits, expected, absent):
    from nashra.core.models import SiteSettings

    article = make_article(published_at=dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC))
    site_settings = SiteSettings.for_site(article.get_site())
    site_settings.show_hijri, site_settings.digits = show_hijri, digits
    site_settings.time_zone = "Asia/Gaza"
    site_settings.save()
    html = client.get(article.url).content.decode()
    meta = html[html.index('class="article__dates"'):]
    meta = meta[:meta.index("</p>")]
    visible = re.sub(r"<[^>]+>", "", meta)
    assert expected in visible and absent not in visible
    assert 'datetime="2025-03-01T11:00+02:00"' in meta


def test_unpublished_article_disappears(client, make_article):
    article = make_article(title="خبر سيُسحب")
    assert "خبر سيُسحب" in client.get("/").content.decode()
    article.unpublish()
    assert "خبر سيُسحب" not in client.get("/").content.decode()
    assert client.get(article.url).status_code == 404


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()


def _breadcrumb(html: str) -> list[str]:
    start = html.index('class="breadcrumb"')
    nav = html[start:html.index("</nav>", start)]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", nav)]


def test_every_reader_page_has_a_breadcrumb_from_home(client, make_article):
    article = make_article(title="خبر للمسار", tags=["غزة"], authors=["سلمى حداد"])
    author = Author.objects.get()
    cases = [
        # (url, the breadcrumb a reader sees)
        ("/", ["الرئيسية"]),
        (SectionPage.objects.get(title="أخبار").url, ["الرئيسية", "أخبار"]),
        (article.get_parent().url, ["الرئيسية", "أخبار", "عربية ودولية"]),
        (article.url, ["الرئيسية", "أخبار", "عربية ودولية", "خبر للمسار"]),
        ("/tag/%D8%BA%D8%B2%D8%A9/", ["الرئيسية", "وسم: غزة"]),
        (f"/author/{author.slug}/", ["الرئيسية", "سلمى حداد"]),
    ]
    for url, expected in cases:
        assert _breadcrumb(client.get(url).content.decode()) == expected, url


def test_a_story_aliased_into_a_second_section_follows_its_source(client, make_article, home):
    from nashra.news import services
    from nashra.news.models import ArticlePage

    story = make_article(title="قمة عربية في الجزائر", external_id="wire:42")
    sport = services.section_ensure_path(path="رياضة", home=home)
    alias = story.create_alias(parent=sport, update_slug="قمة-عربية")
    alias = ArticlePage.objects.get(pk=alias.pk)
    # Only the source keeps the import identity (it is unique).
    assert (alias.external_id, ArticlePage.objects.get(pk=story.pk).external_id) == (None,
                                                                                   "wire:42")
    assert "قمة عربية في الجزائر" in client.get(alias.url).content.decode()

    story = ArticlePage.objects.get(pk=story.pk)
    story.title = "قمة عربية في الجزائر تختتم أعمالها"
    story.save_revision().publish()
    alias = ArticlePage.objects.get(pk=alias.pk)
    assert alias.title == story.title and alias.external_id is None
    html = client.get(alias.url).content.decode()
    assert "تختتم أعمالها" in html
