"""`nashra import-wordpress` on a hand-made export (tests/data/export.xml) of an Arabic site.

The export has nested categories, two authors, Gutenberg and classic posts, [caption],
[embed] and unknown shortcodes, a bare embeddable URL, threaded comments in all four
statuses and a pingback, attachments listed after the posts that use them, a post with
an Arabic slug cut at 200 encoded bytes, scheduled, draft, pending, private and trashed
posts, a WordPress page, a post with broken markup and one with nothing to show.
"""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Revision

from nashra.comments.models import Comment, TrainingExample
from nashra.core.models import NashraImage
from nashra.news.models import ArticlePage, Author, SectionPage
from nashra.wordpress import services
from nashra.wordpress.models import ImportedAuthor, ImportedComment, ImportedPost

EXPORT = Path(__file__).parent / "data" / "export.xml"
SITE = "akhbar.example.com"
# The WordPress slug of post 101, as the export and the old links carry it.
ARABIC_SLUG_ENCODED = (
    "%d9%85%d9%86%d8%ae%d9%81%d8%b6-%d8%ac%d9%88%d9%8a-%d9%8a%d8%b6%d8%b1%d8%a8-"
    "%d8%b9%d9%85%d9%91%d8%a7%d9%86-%d9%88%d8%a7%d9%84%d8%a3%d9%85%d8%b7%d8%a7%d8%b1-"
    "%d8%aa%d8%ba%d9%85%d8%b1-%d8%a7%d9%84%d8%b4"
)
ARABIC_SLUG = "منخفض-جوي-يضرب-عمّان-والأمطار-تغمر-الش"
UTC = dt.UTC


@pytest.fixture
def media_dir(tmp_path):
    """A copy of wp-content/uploads holding four of the five attachments (old-photo is gone)."""
    root = tmp_path / "uploads"
    for name, color in (("2024/03/rain.jpg", "gray"), ("2024/03/flood.jpg", "blue"),
                        ("2024/03/crowd.jpg", "green"), ("2024/03/IMG_2041.png", "red")):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (64, 48), color).save(path)
    return root


def _import(path=EXPORT, **kwargs):
    return services.wordpress_import(path=path, **kwargs)


def _article(wp_id: int) -> ArticlePage:
    row = ImportedPost.objects.get(site_url=SITE, wp_id=wp_id)
    return ArticlePage.objects.get(pk=row.page_id)


def _comment(wp_id: int) -> Comment:
    return Comment.objects.get(pk=ImportedComment.objects.get(wp_id=wp_id).comment_id)


def _snapshot():
    """Everything an import writes, with its modification stamps."""
    return {
        "pages": sorted(Page.objects.values_list("pk", "path", "title", "live",
                                                 "last_published_at", "latest_revision_id")),
        "revisions": Revision.objects.count(),
        "comments": sorted(Comment.objects.values_list("pk", "status", "parent_id", "body")),
        "redirects": sorted(Redirect.objects.values_list("old_path", "redirect_page_id")),
        "images": NashraImage.objects.count(),
        "authors": Author.objects.count(),
        "lessons": TrainingExample.objects.count(),
        "mapped": sorted(ImportedPost.objects.values_list("wp_id", "digest", "imported_at")),
    }


@pytest.mark.django_db
class TestImport:
    @pytest.fixture(autouse=True)
    def _imported(self, home, media_dir):
        self.home = home
        self.media_dir = media_dir
        self.report = _import(media_dir=media_dir)

    def test_categories_become_nested_sections(self):
        news = SectionPage.objects.child_of(self.home).get(title="أخبار")
        local = SectionPage.objects.child_of(news).get(title="محليات")
        # "عمّان &amp; ضواحيها": the entity is read, the ampersand kept; section names
        # take no diacritics.
        amman = SectionPage.objects.child_of(local).get()
        assert amman.title == "عمان & ضواحيها"
        assert SectionPage.objects.child_of(self.home).filter(title="رياضة").exists()
        # A post's first category is its section (a story has one place in the tree).
        assert _article(101).get_parent().pk == amman.pk
        assert _article(108).get_parent().pk == local.pk

    def test_published_post_fields(self):
        article = _article(101)
        assert article.title == ("منخفض جوي يضرب عمّان والأمطار تغمر الشوارع في وسط البلد "
                                 "& الأحياء الشرقية")
        assert article.live
        assert article.standfirst == "أمطار غزيرة تغمر شوارع وسط البلد في عمّان."
        # post_date 12:30 at +03:00 = 09:30 UTC; modified 14:05 = 11:05 UTC.
        assert article.first_published_at == dt.datetime(2024, 3, 10, 9, 30, tzinfo=UTC)
        assert article.last_published_at == dt.datetime(2024, 3, 10, 11, 5, tzinfo=UTC)
        assert sorted(t.name for t in article.tags.all()) == ["الطقس", "عمّان"]
        assert [a.author.name for a in article.article_authors.all()] == ["رنا حمدان"]
        assert article.hero_image.description == "غيوم داكنة فوق عمّان"
        assert article.external_id == f"wordpress:{SITE}:101"
        # Diacritics leave the slug, as for every nashra slug.
        assert article.slug == "منخفض-جوي-يضرب-عمان-والأمطار-تغمر-الش"

    def test_gutenberg_body(self):
        blocks = [(b.block_type, b.value) for b in _article(101).body]
        types = [t for t, _ in blocks]
        assert types == ["paragraph", "heading", "image", "quote", "paragraph", "embed",
                         "paragraph"]
        assert "<b>العاصمة عمّان</b>" in blocks[0][1].source or \
            "العاصمة عمّان" in blocks[0][1].source
        assert blocks[1][1] == "الدفاع المدني يستنفر"
        assert blocks[2][1]["image"].description == "سيارات عالقة في المياه"
        assert blocks[2][1]["caption"] == "مياه الأمطار في شارع الملك فيصل"
        assert blocks[3][1]["text"] == "نطلب من المواطنين عدم الخروج إلا للضرورة."
        assert blocks[3][1]["attribution"] == "مدير الدفاع المدني"
        assert "<li>إغلاق نفق الصحافة</li>" in blocks[4][1].source
        assert blocks[5][1].url == "https://www.youtube.com/watch?v=rain2024"
        # An unknown shortcode stays as the reader would have seen it with the plugin gone.
        assert '[contact-form-7 id="5" title="راسلنا"]' in blocks[6][1].source

    def test_classic_body_with_shortcodes_and_bare_line_breaks(self):
        blocks = [(b.block_type, b.value) for b in _article(102).body]
        assert [t for t, _ in blocks] == ["paragraph", "image", "paragraph", "embed", "embed",
                                          "paragraph", "heading", "paragraph"]
        # One newline is a line break; a blank line a new paragraph.
        assert blocks[0][1].source == ("<p>حسم الفيصلي قمة الدوري بفوزه على الوحدات بهدفين "
                                       "مقابل هدف.<br>وسجّل الهدف الأول في الدقيقة 12.</p>")
        assert blocks[1][1]["caption"] == "الجماهير في مدرجات ستاد عمّان"
        assert blocks[1][1]["image"].title == "crowd"
        assert blocks[3][1].url == "https://www.youtube.com/watch?v=match2024"
        assert blocks[4][1].url == "https://twitter.com/akhbar/status/1234567890"
        assert blocks[5][1].source == '<p>[adsense slot="top"]</p>'
        assert blocks[6][1] == "تصريحات المدرب"
        # An attachment without alt text gets its post's headline, not "IMG_2041".
        assert _article(102).hero_image.description == "الفيصلي يفوز على الوحدات في قمة الدوري"

    def test_invalid_markup_is_repaired(self):
        text = " ".join(str(b.value) for b in _article(108).body)
        for words in ("خطة طوارئ", "شاملة", "فرق الطوارئ", "وإزالة الأنقاض"):
            assert words in text

    def test_scheduled_draft_and_pending(self):
        scheduled = _article(103)
        assert not scheduled.live
        assert scheduled.go_live_at == dt.datetime(2099, 1, 1, 7, 0, tzinfo=UTC)
        assert scheduled.get_latest_revision().approved_go_live_at == scheduled.go_live_at
        for wp_id in (104, 105):
            draft = _article(wp_id)
            assert not draft.live and draft.go_live_at is None
            assert draft.get_latest_revision() is not None
        assert _article(104).title == "مسودة: تقرير عن أسعار الخضار"
        # A draft has no GMT date; its local time is read at the site's offset (+03:00).
        assert ImportedPost.objects.get(wp_id=104).status == "draft"
        # "Pending review" waits for an editor in the workflow; a draft does not.
        assert _article(105).workflow_in_progress
        assert not _article(104).workflow_in_progress

    def test_skipped_and_reported(self):
        report = self.report
        assert not ImportedPost.objects.filter(wp_id__in=[106, 107, 110]).exists()
        assert report.skipped["مقالات خاصة أو محمية بكلمة مرور"] == 1
        assert report.skipped["مقالات في سلة المحذوفات"] == 1
        assert report.skipped["نوع «page» (ليس مقالاً)"] == 1
        assert report.skipped["تعقيبات (pingback/trackback)"] == 1
        assert report.unknown_shortcodes == {"contact-form-7": 1, "adsense": 1}
        assert report.missing_media == ["2019/03/old-photo.jpg"]
        # The post with nothing to show: its line and why; its comment is not orphaned.
        [error] = report.errors
        assert (error.line, error.wp_id) == (396, 109)
        assert "فارغ" in error.message
        assert not ImportedComment.objects.filter(wp_id=1090).exists()
        assert report.counts["مقالات منشورة: جديدة"] == 3
        assert report.counts["مسودات: جديدة"] == 2
        assert report.counts["مقالات مجدولة: جديدة"] == 1
        assert report.counts["صور جديدة"] == 4

    def test_comments_threads_statuses_and_lessons(self):
        article = _article(101)
        first, reply, reply2, deep = (_comment(i) for i in (1001, 1002, 1003, 1004))
        assert first.page_id == article.pk and first.parent is None and first.depth == 0
        assert (reply.parent_id, reply.depth) == (first.pk, 1)
        assert (reply2.parent_id, reply2.depth) == (reply.pk, 2)
        # Nashra threads two replies deep; a deeper reply joins the last level.
        assert (deep.parent_id, deep.depth) == (reply.pk, 2)
        assert first.status == reply.status == Comment.Status.APPROVED
        assert first.created_at == dt.datetime(2024, 3, 10, 10, 0, tzinfo=UTC)
        assert first.body == "الله يستر، الشوارع صارت أنهار.\nنتمنى السلامة للجميع."
        assert reply.body == "صحيح، نفق الصحافة مغلق تماماً."
        assert first.author_url == "https://abumohammad.example.net"
        assert first.ip_key and first.email_key
        assert _comment(1005).status == Comment.Status.PENDING
        assert _comment(1005).email_key == ""  # no e-mail given: not one shared "empty" key
        assert _comment(1006).status == Comment.Status.SPAM
        trashed = _comment(1007)
        assert (trashed.status, trashed.status_before_trash) == (Comment.Status.TRASH,
                                                                  Comment.Status.APPROVED)
        # The spam verdict taught the filter as a moderator's decision, with one approval
        # beside it; the other approvals are withheld so the filter stays balanced.
        lessons = TrainingExample.objects.filter(source=TrainingExample.Source.MODERATOR)
        assert sorted(lessons.values_list("label", flat=True)) == ["ham", "spam"]
        assert _comment(1006).taught_label == "spam"
        assert _comment(1001).taught_label == "ham"
        assert _comment(1002).taught_label == ""
        assert self.report.counts["موافقات لم تُعلَّم للمرشح (موازنة)"] == 3

    def test_authors_keep_email_private(self):
        author = Author.objects.get(name="رنا حمدان")
        assert not hasattr(author, "email")
        assert ImportedAuthor.objects.get(login="rana").email == "rana@akhbar.example.com"
        response = self.client_get(f"/author/{author.slug}/")
        assert response.status_code == 200
        assert "rana@akhbar.example.com" not in response.content.decode()

    def client_get(self, path, **kwargs):
        from django.test import Client

        return Client().get(path, **kwargs)

    @pytest.mark.parametrize("old", [
        "/?p=101",
        "/?page_id=101",
        f"/2024/03/{ARABIC_SLUG_ENCODED}/",
        f"/2024/03/{ARABIC_SLUG_ENCODED.upper().replace('%D', '%d')}/",
        f"/2024/03/{ARABIC_SLUG}/",
        f"/{ARABIC_SLUG_ENCODED}/",
        f"/{ARABIC_SLUG}/",
        f"/2024/03/{ARABIC_SLUG_ENCODED}",
    ])
    def test_old_urls_of_an_arabic_post_redirect(self, old):
        response = self.client_get(old)
        assert response.status_code == 301, old
        assert response["Location"] == _article(101).url

    def test_other_redirects(self):
        assert self.client_get("/2024/03/match-report/")["Location"] == _article(102).url
        assert self.client_get("/match-report/")["Location"] == _article(102).url
        assert self.client_get("/?p=102").status_code == 301
        news = SectionPage.objects.get(title="أخبار")
        response = self.client_get("/category/news/")
        assert (response.status_code, response["Location"]) == (301, news.url)
        # Drafts and scheduled posts were never public: no old URL to keep.
        assert self.client_get("/?p=103").status_code == 200
        assert self.client_get("/?p=999").status_code == 200  # the home page, as WordPress
        assert self.client_get("/?p=abc").status_code == 200
        assert self.client_get("/?p=" + "9" * 5000).status_code == 200  # int() refuses it
        # The new address answers.
        assert self.client_get(_article(102).url).status_code == 200

    def test_second_import_changes_nothing(self):
        before = _snapshot()
        report = _import(media_dir=self.media_dir)
        assert _snapshot() == before
        assert report.counts["مقالات منشورة: بلا تغيير"] == 3
        assert report.counts["مسودات: بلا تغيير"] == 2
        assert report.counts["تعليقات: بلا تغيير"] == 7
        assert report.counts["صور موجودة"] == 4
        assert not any(k.endswith(("جديدة", "جدد", "محدّثة")) for k in report.counts)

    def test_second_import_updates_what_changed(self, tmp_path):
        changed = EXPORT.read_text().replace(
            "وقال تجار إن السبب قلة الوارد.", "وقال تجار إن السبب قلة الوارد من الأغوار."
        ).replace(
            "<wp:comment_approved><![CDATA[0]]></wp:comment_approved>",
            "<wp:comment_approved><![CDATA[1]]></wp:comment_approved>",
        ).replace("قال المدرب إن الفريق", "قال مدرب الفيصلي إن الفريق")
        path = tmp_path / "export.xml"
        path.write_text(changed)
        pages = Page.objects.count()
        before = _article(102).first_published_at
        report = _import(path=path, media_dir=self.media_dir)
        assert Page.objects.count() == pages
        assert report.counts["مسودات: محدّثة"] == 1
        assert report.counts["مقالات منشورة: محدّثة"] == 1
        assert report.counts["تعليقات: محدّثة"] == 1
        assert "من الأغوار" in str(_article(104).get_latest_revision_as_object().body)
        assert "مدرب الفيصلي" in str(_article(102).body)
        assert _article(102).first_published_at == before
        assert _comment(1005).status == Comment.Status.APPROVED
        # An approval with no spam verdict beside it is not taught.
        assert _comment(1005).taught_label == ""
        assert report.counts["موافقات لم تُعلَّم للمرشح (موازنة)"] == 1

    def test_deleted_in_nashra_stays_deleted(self):
        _article(108).delete()
        _comment(1006).delete()
        report = _import(media_dir=self.media_dir)
        assert not ArticlePage.objects.filter(title="بلدية عمّان تعلن خطة طوارئ").exists()
        assert not Comment.objects.filter(author_name="شركة نقل عفش بالرياض").exists()
        assert report.counts["مقالات حُذفت من نشرة فتُركت"] == 1
        assert report.counts["تعليقات حُذفت من نشرة فتُركت"] == 1


@pytest.mark.django_db
def test_dry_run_writes_nothing(home, media_dir):
    before = _snapshot()
    report = _import(media_dir=media_dir, dry_run=True)
    assert _snapshot() == before
    assert not SectionPage.objects.filter(title="رياضة").exists()
    assert report.dry_run
    assert report.counts["مقالات منشورة: جديدة"] == 3
    assert report.counts["صور ستُستورد"] == 4
    assert report.counts["تعليقات جديدة: منشور"] == 4


@pytest.mark.django_db
def test_truncated_file_keeps_whole_posts_before_the_break(home, tmp_path, media_dir):
    text = EXPORT.read_text()
    # Cut in the middle of post 103 (the scheduled one), as an interrupted download would.
    cut = text.index("تتقدم الساعة ستين دقيقة")
    path = tmp_path / "truncated.xml"
    path.write_text(text[:cut])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_wordpress", str(path), media_dir=str(media_dir), no_progress=True,
                     stdout=out, stderr=err)
    # lxml names the line where the unfinished part (the post's CDATA) began.
    assert "الملف مقطوع أو تالف عند السطر 257: CData section not finished" in err.getvalue()
    # Posts 101 and 102 are whole, each with all its comments; nothing of 103.
    assert set(ImportedPost.objects.values_list("wp_id", flat=True)) == {101, 102}
    assert Comment.objects.filter(page=_article(101)).count() == 7
    assert not ArticlePage.objects.filter(title__contains="التوقيت الصيفي").exists()
    # Attachments come after the break here: reported missing, the posts imported without them.
    assert _article(101).hero_image is None
    # The whole file later completes the import without duplicating anything.
    services.wordpress_import(path=EXPORT, media_dir=media_dir)
    assert ImportedPost.objects.count() == 6
    assert Comment.objects.filter(page=_article(101)).count() == 7


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "message"), [
    ('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>خلاصة</title>'
     "<item><title>خبر</title></item></channel></rss>", "ليست ملف تصدير ووردبريس"),
    ('{"title": "خبر", "body": "نص"}\n', "ليس XML صالحاً"),
    ('<?xml version="1.0"?>\n<html><body><p>صفحة</p></body></html>', "ليس <rss>"),
    ("", "ليس XML صالحاً"),
])
def test_not_wxr_is_refused_and_nothing_written(home, tmp_path, content, message):
    path = tmp_path / "export.xml"
    path.write_text(content)
    before = _snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_wordpress", str(path), no_progress=True, stdout=io.StringIO())
    assert message in str(excinfo.value)
    assert _snapshot() == before


@pytest.mark.django_db
def test_missing_file(home, tmp_path):
    with pytest.raises(CommandError, match="تعذرت قراءة الملف"):
        call_command("import_wordpress", str(tmp_path / "nope.xml"), stdout=io.StringIO())


@pytest.mark.django_db
def test_cli_report(home, media_dir):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):  # post 109 could not be imported
        call_command("import_wordpress", str(EXPORT), media_dir=str(media_dir),
                     no_progress=True, stdout=out, stderr=err)
    text = out.getvalue()
    assert f"تم الاستيراد — {SITE}، 15 عنصراً في الملف" in text
    assert "مقالات منشورة: جديدة: 3" in text
    assert "[contact-form-7]: 1 مقالاً" in text
    assert "وسائط مفقودة: 1" in text and "2019/03/old-photo.jpg" in text
    assert "السطر 396 (المقال 109): نص المقال فارغ بعد التنظيف" in err.getvalue()


@pytest.mark.django_db
def test_without_media_dir_every_attachment_is_reported(home):
    report = _import()
    assert report.missing_media_count == 5
    assert _article(101).hero_image is None
    assert "image" not in [b.block_type for b in _article(101).body]
    assert report.counts["مقالات منشورة: جديدة"] == 3


@pytest.mark.django_db
def test_media_dir_given_later_completes_the_stories(home, media_dir):
    _import()
    revisions = Revision.objects.count()
    report = _import(media_dir=media_dir)
    assert report.counts["صور جديدة"] == 4
    # Post 101 (hero and body image) and 102 (hero, caption) change; post 108 does not.
    assert report.counts["مقالات منشورة: محدّثة"] == 2
    assert report.counts["مقالات منشورة: بلا تغيير"] == 1
    assert _article(101).hero_image.description == "غيوم داكنة فوق عمّان"
    assert "image" in [b.block_type for b in _article(101).body]
    assert Revision.objects.count() > revisions
    assert ArticlePage.objects.count() == 6


@pytest.mark.django_db
def test_before_setup_says_so():
    with pytest.raises(CommandError, match="nashra setup"):
        call_command("import_wordpress", str(EXPORT), no_progress=True, stdout=io.StringIO())


def test_an_import_renews_the_cached_pages(client, home):
    """Bulk-written stories send no publish signals: the import renews every cached page."""
    from nashra.wordpress import services as wp

    for _ in range(3):
        client.get("/")
    assert client.get("/")["X-Page-Cache"] == "HIT"
    wp.wordpress_import(path=EXPORT)
    fresh = client.get("/")
    assert fresh.get("X-Page-Cache") != "HIT"


@pytest.mark.django_db
def test_pending_posts_wait_in_the_newsroom_workflow(home, media_dir):
    from nashra.news.services import WORKFLOW_NAME, newsroom_roles_ensure

    newsroom_roles_ensure(home=home)
    _import(media_dir=media_dir)
    pending = _article(105)
    state = pending.current_workflow_state
    assert state.workflow.name == WORKFLOW_NAME and state.requested_by is None
    assert state.current_task_state.revision_id == pending.latest_revision_id
    assert not pending.live
    # Imported again, unchanged: still one review waiting, not a second.
    _import(media_dir=media_dir)
    assert type(pending).objects.get(pk=pending.pk).workflow_states.count() == 1
