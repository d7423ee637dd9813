"""`nashra import-articles`: idempotent by external_id, line-numbered errors, nothing half-written."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from nashra.news.models import ArticlePage, Author, SectionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home


def _line(**fields) -> str:
    base = {
        "title": "الحكومة تعلن خطة جديدة للطاقة",
        "body": "الفقرة الأولى.\n\nالفقرة الثانية.",
        "section": "اقتصاد/طاقة",
        "published_at": "2025-03-01T10:00:00+02:00",
        "source": "وكالات",
        "authors": ["سلمى حداد"],
        "tags": ["الطاقة", "الاقتصاد"],
        "external_id": "wire:1",
    }
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not ...}, ensure_ascii=False)


def _run(tmp_path, lines: list[str]):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", str(path), stdout=out, stderr=err)
        failed = None
    except CommandError as exc:
        failed = str(exc)
    return out.getvalue(), err.getvalue(), failed


def test_import_creates_sections_authors_tags_and_publishes(home, client, tmp_path):
    out, err, failed = _run(tmp_path, [_line()])
    assert failed is None, err
    assert "أخبار جديدة 1، أخبار محدّثة 0، أسطر تعذّر استيرادها 0" in out
    article = ArticlePage.objects.get(external_id="wire:1")
    assert article.live
    assert article.first_published_at.isoformat() == "2025-03-01T08:00:00+00:00"
    assert [s.title for s in SectionPage.objects.order_by("depth")] == ["اقتصاد", "طاقة"]
    assert Author.objects.get().name == "سلمى حداد"
    assert sorted(t.name for t in article.tags.all()) == ["الاقتصاد", "الطاقة"]
    # it is on the site straight away: its page, its section, and the home page
    assert client.get(article.url).status_code == 200
    assert "الحكومة تعلن خطة جديدة للطاقة" in client.get("/").content.decode()


def test_reimport_updates_instead_of_duplicating(home, tmp_path):
    _run(tmp_path, [_line()])
    out, _, failed = _run(tmp_path, [_line(title="الحكومة تعدّل خطة الطاقة", section="اقتصاد")])
    assert failed is None
    assert "أخبار جديدة 0، أخبار محدّثة 1" in out
    article = ArticlePage.objects.get(external_id="wire:1")
    assert ArticlePage.objects.count() == 1
    assert article.title == "الحكومة تعدّل خطة الطاقة"
    # moved to the new section along with the update
    assert article.get_parent().title == "اقتصاد"


def test_html_body_is_sanitized_into_blocks(home, tmp_path):
    body = ('<p>نص <strong>مهم</strong><script>alert(1)</script></p>'
            '<h2>عنوان فرعي</h2><blockquote>قول مأثور</blockquote>'
            '<p><a href="javascript:alert(1)" onclick="x()">رابط</a></p>')
    _run(tmp_path, [_line(body=body)])
    article = ArticlePage.objects.get()
    kinds = [block.block_type for block in article.body]
    assert kinds == ["paragraph", "heading", "quote", "paragraph"]
    raw = json.dumps(list(article.body.raw_data), ensure_ascii=False)
    assert "<script" not in raw and "javascript:" not in raw and "onclick" not in raw
    assert "<strong>مهم</strong>" in raw


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # not JSON at all
        ("{this is not json", "ليس JSON صالحاً"),
        # a JSON array is not an article
        ("[1, 2]", "كائن JSON"),
        # required fields missing
        (_line(title=...), "حقول مطلوبة ناقصة: title"),
        # an over-long headline
        (_line(title="خبر " * 100), "العنوان أطول من 255"),
        # a section path with illegal characters
        (_line(section="أخبار/<script>"), "رموز غير مسموح بها"),
        # an empty level in a section path
        (_line(section="أخبار//دولية"), "جزء فارغ"),
        # a date without a time zone is ambiguous
        (_line(published_at="2025-03-01T10:00:00"), "بلا منطقة زمنية"),
        # a date that is not a date
        (_line(published_at="أمس"), "ISO 8601"),
        # tags must be strings
        (_line(tags=[1, 2]), "قائمة نصوص"),
    ],
)
def test_bad_line_is_reported_with_its_number_and_others_still_import(
    home, tmp_path, line, expected
):
    good_before = _line(external_id="ok:1", title="خبر سليم أول")
    good_after = _line(external_id="ok:2", title="خبر سليم ثان")
    pages_before = Page.objects.count()
    out, err, failed = _run(tmp_path, [good_before, line, good_after])
    assert failed is not None
    assert "السطر 2: " in err and expected in err
    assert "أخبار جديدة 2، أخبار محدّثة 0، أسطر تعذّر استيرادها 1" in out
    # the summary in Arabic, not «1 line(s) were not imported»
    assert failed == "لم يُستورد سطر واحد؛ انظر الأخطاء أعلاه."
    assert set(ArticlePage.objects.values_list("external_id", flat=True)) == {"ok:1", "ok:2"}
    # nothing half-written: only the two good stories (and their two sections) were added
    assert Page.objects.count() == pages_before + 2 + 2


def test_failed_line_leaves_no_section_behind(home, tmp_path):
    # The section is valid and would be created, but the headline is empty: the whole line
    # is rolled back, so no orphan section appears in the menu.
    _run(tmp_path, [_line(section="قسم جديد", title="   ")])
    assert not SectionPage.objects.filter(title="قسم جديد").exists()


def test_invalid_utf8_line_is_reported(home, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(_line().encode() + b"\n" + b'{"title": "\xff\xfe"}\n')
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=err)
    assert "السطر 2: ترميز السطر ليس UTF-8" in err.getvalue()
    assert ArticlePage.objects.count() == 1


def test_future_date_schedules_instead_of_publishing(home, tmp_path):
    _run(tmp_path, [_line(published_at="2099-01-01T00:00:00Z")])
    article = ArticlePage.objects.get()
    assert not article.live
    assert article.get_latest_revision().approved_go_live_at is not None


def test_stdin_and_missing_file(home, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(_line().encode())))
    out = StringIO()
    call_command("import_articles", "-", stdout=out)
    assert "أخبار جديدة 1" in out.getvalue()
    with pytest.raises(CommandError, match="تعذرت قراءة"):
        call_command("import_articles", "/nonexistent/file.jsonl")


def test_copying_an_imported_story_does_not_copy_its_external_id(home, tmp_path):
    _run(tmp_path, [_line()])
    article = ArticlePage.objects.get()
    copy = article.copy(update_attrs={"slug": "copy-of-story", "title": "نسخة"})
    assert copy.specific.external_id is None
    assert ArticlePage.objects.get(pk=article.pk).external_id == "wire:1"
