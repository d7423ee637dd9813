"""Polling at the service and command line: conditional GET, folders, versions, withdrawals,
embargoes, groups, failures that stay with their provider, retention."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from nashra.news.models import ArticlePage
from nashra.wire import services
from nashra.wire.models import IngestError, Provider, SubjectMapping, WireGroup, WireItem

from .conftest import fixture_bytes

pytestmark = pytest.mark.django_db
QUAKE_QNA = "urn:newsml:qna.org.qa:20261207:ar-quake-malatya"
VISIT_QNA = "urn:newsml:qna.org.qa:20261207:ar-erdogan-qatar-pm"


def provider(name, kind, source, **kw):
    defaults = {"section_path": "أخبار/عربية ودولية", "credit": name, "interval_seconds": 60}
    return services.provider_create(name=name, kind=kind, source=str(source), **{**defaults, **kw})


def item(guid) -> WireItem:
    return WireItem.objects.get(guid=guid)


def wire_list() -> list[dict]:
    out = StringIO()
    call_command("wire_list", json=True, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_rss_repoll_is_one_conditional_request_and_no_duplicate(home, feeds):
    feeds.files["/aa.xml"] = fixture_bytes("aa_rss.xml")
    aa = provider("الأناضول", "rss", feeds.url("/aa.xml"))
    first = services.provider_poll(provider=aa)
    assert (first.created, first.failed, first.error) == (3, 1, "")
    # The malformed item is recorded with its error and costs nothing else.
    assert IngestError.objects.get(provider=aa).message == "item without a title"
    quake = item("aa-3400101")
    # The same nh3 rules as import-articles: no script, no handler.
    assert "<script" not in quake.body_html and "onclick" not in quake.body_html
    assert quake.body_html.startswith("<p>أنقرة/ الأناضول")

    aa.refresh_from_db()
    again = services.provider_poll(provider=aa)
    assert again.not_modified and again.requests == 1 and again.created == 0
    assert feeds.requests_to("/aa.xml")[-1]["If-None-Match"] == aa.etag
    assert WireItem.objects.count() == 3

    # The feed changes: the same guid with new text is an update on its item, no duplicate.
    feeds.files["/aa.xml"] = fixture_bytes("aa_rss.xml").replace(
        "على عمق 7 كيلومترات".encode(), "على عمق 9 كيلومترات".encode())
    aa.refresh_from_db()
    third = services.provider_poll(provider=aa)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    quake = item("aa-3400101")
    assert (quake.version, quake.state) == (2, "updated")
    assert "9 كيلومترات" in quake.body_html and quake.history[0]["version"] == 1
    assert WireItem.objects.count() == 3


def test_newsml_folder_versions_cancel_and_files_moved_aside(home, drop):
    qna = provider("قنا", "newsml", drop.folder)
    drop("qna_message.xml")
    report = services.provider_poll(provider=qna)
    assert (report.created, report.files, report.error) == (2, 1, "")
    assert not (drop.folder / "qna_message.xml").exists()
    assert (drop.folder / ".taken" / "qna_message.xml").exists()
    assert (drop.folder / "quake.png").exists()  # pictures stay where the documents name them
    quake = item(QUAKE_QNA)
    assert (quake.version, quake.state, quake.located) == (1, "new", "أنقرة")

    # The same message again: nothing new.
    drop("qna_message.xml", "again.xml")
    assert services.provider_poll(provider=qna).unchanged == 2
    # Version 2 updates the item in place.
    drop("qna_update.xml")
    assert services.provider_poll(provider=qna).updated == 1
    quake = item(QUAKE_QNA)
    assert (quake.version, quake.state) == (2, "updated")
    assert quake.headline.endswith("وتسجيل إصابات طفيفة")
    # A late copy of version 1 does not take it back.
    drop("qna_message.xml", "late.xml")
    services.provider_poll(provider=qna)
    assert item(QUAKE_QNA).version == 2
    # The cancel withdraws it.
    drop("qna_cancel.xml")
    assert services.provider_poll(provider=qna).withdrawn == 1
    assert item(QUAKE_QNA).state == "canceled"
    assert WireItem.objects.filter(guid=QUAKE_QNA).count() == 1
    rows = {r["guid"]: r for r in wire_list()}
    assert rows[QUAKE_QNA]["state"] == "canceled" and rows[QUAKE_QNA]["version"] == 3
    assert rows[VISIT_QNA]["embargoed_until"] == "2099-12-08T09:00:00+00:00"


def test_garbage_file_is_moved_to_failed_and_the_rest_taken(home, drop):
    qna = provider("قنا", "newsml", drop.folder)
    drop("garbage.xml")
    drop("wafa_item.xml")
    report = services.provider_poll(provider=qna)
    assert report.created == 1
    assert (drop.folder / ".failed" / "garbage.xml").exists()
    assert (drop.folder / ".taken" / "wafa_item.xml").exists()
    qna.refresh_from_db()
    assert qna.failing and "garbage.xml" in qna.last_error


@override_settings(NASHRA_WIRE_TIMEOUT=0.5)
def test_a_hanging_or_garbage_provider_leaves_the_others_working(home, feeds, drop):
    feeds.files["/aa.xml"] = fixture_bytes("aa_rss.xml")
    feeds.files["/garbage.json"] = b"<html>502 Bad Gateway</html>"
    feeds.hang.add("/slow.xml")
    provider("بطيئة", "rss", feeds.url("/slow.xml"))
    provider("معطوبة", "ninjs", feeds.url("/garbage.json"))
    provider("مفقودة", "rss", feeds.url("/404.xml"))
    provider("الأناضول", "rss", feeds.url("/aa.xml"))
    drop("afp_ninjs2.json")
    provider("أ ف ب", "ninjs", drop.folder)

    out, err = StringIO(), StringIO()
    call_command("wire_poll", stdout=out, stderr=err)
    assert WireItem.objects.filter(provider__name="الأناضول").count() == 3
    assert WireItem.objects.filter(provider__name="أ ف ب").count() == 1
    errors = dict(Provider.objects.values_list("name", "last_error"))
    assert "no answer within 0.5 s" in errors["بطيئة"]
    assert errors["معطوبة"].startswith("not JSON")
    assert "HTTP 404" in errors["مفقودة"]
    assert errors["الأناضول"] == "" and errors["أ ف ب"] == ""
    assert "بطيئة: error" in err.getvalue() and "الأناضول: 3 new" in out.getvalue()
    assert Provider.objects.get(name="بطيئة").last_error_at is not None


def test_three_agencies_one_event_one_group_and_same_country_stories_apart(home, feeds, drop):
    feeds.files["/aa.xml"] = fixture_bytes("aa_rss.xml")
    services.provider_poll(provider=provider("الأناضول", "rss", feeds.url("/aa.xml")))
    qna_folder = drop.folder
    drop("qna_message.xml")
    services.provider_poll(provider=provider("قنا", "newsml", qna_folder))
    afp_folder = qna_folder.parent / "afp"
    afp_folder.mkdir()
    (afp_folder / "a.json").write_bytes(fixture_bytes("afp_ninjs2.json"))
    services.provider_poll(provider=provider("أ ف ب", "ninjs", afp_folder))

    aa, qna = item("aa-3400101"), item(QUAKE_QNA)
    afp = item("urn:afp.com:newsml:ar:20261207:TR-quake-malatya")
    assert aa.group_id == qna.group_id == afp.group_id
    assert WireGroup.objects.get(pk=aa.group_id).size == 3
    # Another earthquake in Turkey the same day, the central bank, the PM's visit: apart.
    for guid in ("aa-3400103", "aa-3400102", VISIT_QNA):
        assert item(guid).group_id != aa.group_id
        assert item(guid).group.size == 1
    assert {r["group"] for r in wire_list() if "quake-malatya" in r["guid"]
            or r["guid"] == "aa-3400101"} == {aa.group_id}


def test_auto_publish_publishes_and_a_cancel_unpublishes(home, drop):
    qna = provider("قنا", "newsml", drop.folder, auto_publish=True)
    drop("qna_message.xml")
    services.provider_poll(provider=qna)
    quake = item(QUAKE_QNA)
    story = ArticlePage.objects.get(pk=quake.story_id)
    assert story.live and story.source == "قنا" and quake.state == "used"
    # The embargoed one is scheduled at its embargo, not live.
    visit = ArticlePage.objects.get(pk=item(VISIT_QNA).story_id)
    assert not visit.live
    assert visit.get_latest_revision().approved_go_live_at == dt.datetime(2099, 12, 8, 9,
                                                                          tzinfo=dt.UTC)
    # Version 2 follows onto the published story.
    drop("qna_update.xml")
    services.provider_poll(provider=qna)
    story.refresh_from_db()
    assert story.title.endswith("وتسجيل إصابات طفيفة") and story.live
    # The cancel takes it down.
    drop("qna_cancel.xml")
    services.provider_poll(provider=qna)
    story.refresh_from_db()
    assert not story.live
    assert item(QUAKE_QNA).state == "canceled" and "أُلغي نشره" in item(QUAKE_QNA).alert


def test_use_makes_a_draft_with_credit_dateline_tags_and_pictures(home, drop):
    SubjectMapping.objects.create(subject="medtop:20000151", tag="زلازل")
    SubjectMapping.objects.create(subject="كوارث وحوادث", tag="كوارث")
    qna = provider("قنا", "newsml", drop.folder, credit="قنا")
    drop("qna_message.xml")
    services.provider_poll(provider=qna)
    story = services.item_use(item=item(QUAKE_QNA))
    story = ArticlePage.objects.get(pk=story.pk)
    assert not story.live and story.get_parent().title == "عربية ودولية"
    assert story.title == "زلزال بقوة 5.8 درجة يهز ولاية ملاطية التركية"
    assert story.source == "قنا"
    assert sorted(story.tags.names()) == ["زلازل", "كوارث"]
    first = story.body[0]
    assert first.block_type == "paragraph"
    # The copy carries its dateline already («أنقرة في 7 ديسمبر /قنا/»): not doubled.
    assert str(first.value).startswith("<p>أنقرة في 7 ديسمبر /قنا/ ضرب زلزال")
    assert story.hero_image.caption.startswith("فرق البحث والإنقاذ")
    assert story.hero_image.credit == "قنا / رويترز" and story.hero_image.width == 64
    used = item(QUAKE_QNA)
    assert (used.state, used.story_id, used.used_version) == ("used", story.pk, 1)
    # Using it again returns the same story.
    assert services.item_use(item=used).pk == story.pk
    row = next(r for r in wire_list() if r["guid"] == QUAKE_QNA)
    assert row["state"] == "used" and row["story"] == story.get_full_url()
    assert row["story"].startswith("http://localhost/")  # the site's configured address
    # A new version after use keeps the item used and tells its editors.
    drop("qna_update.xml")
    services.provider_poll(provider=qna)
    assert item(QUAKE_QNA).state == "used" and "نسخة أحدث" in item(QUAKE_QNA).alert
    # A cancel after use: the draft's editors are warned, nothing is unpublished for them.
    drop("qna_cancel.xml")
    services.provider_poll(provider=qna)
    assert "لا تنشره" in item(QUAKE_QNA).alert


def test_use_puts_the_dateline_from_located_before_copy_without_one(home, tmp_path):
    (tmp_path / "gaza.json").write_text(json.dumps({
        "uri": "urn:wafa:gaza-1", "version": "1", "language": "ar", "headline": "افتتاح مخبز",
        "place": [{"name": "غزة"}],
        "body_html": "<p>افتُتح اليوم مخبز جديد في حي الرمال.</p><p>ويعمل فيه عشرون عاملاً.</p>"}),
        encoding="utf-8")
    wafa = provider("وفا", "ninjs", tmp_path, credit="وفا")
    services.provider_poll(provider=wafa)
    story = services.item_use(item=item("urn:wafa:gaza-1"))
    assert str(story.body[0].value).startswith(
        "<p><strong>غزة (وفا)</strong> - افتُتح اليوم مخبز")


def test_a_withdrawn_item_cannot_be_used(home, drop):
    qna = provider("قنا", "newsml", drop.folder)
    drop("qna_message.xml")
    drop("qna_cancel.xml")
    services.provider_poll(provider=qna)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="ألغته"):
        services.item_use(item=item(QUAKE_QNA))
    assert not ArticlePage.objects.exists()


def test_retention_keeps_items_with_stories(home, drop):
    qna = provider("قنا", "newsml", drop.folder)
    drop("qna_message.xml")
    services.provider_poll(provider=qna)
    services.item_use(item=item(QUAKE_QNA))
    WireItem.objects.update(received_at=timezone.now() - dt.timedelta(days=31))
    assert services.items_expire() == 1
    assert list(WireItem.objects.values_list("guid", flat=True)) == [QUAKE_QNA]


def test_scheduler_job_polls_due_providers(home, feeds):
    feeds.files["/aa.xml"] = fixture_bytes("aa_rss.xml")
    aa = provider("الأناضول", "rss", feeds.url("/aa.xml"), interval_seconds=30)
    provider("موقوفة", "rss", feeds.url("/paused.xml"), active=False)
    services.scheduler_job()  # the test queue runs tasks at once
    assert WireItem.objects.count() == 3
    aa.refresh_from_db()
    assert aa.next_poll_at >= timezone.now() + dt.timedelta(seconds=59)
    assert feeds.requests_to("/paused.xml") == []


@pytest.mark.parametrize("args,error", [
    (["--kind", "rss", "--source", "ftp://x"], "مطلقاً"),  # neither http(s) nor a folder
    (["--kind", "atom", "--source", "https://x.test/f"], "invalid choice"),
    (["--kind", "rss", "--source", "https://x.test/f", "--section", "أخبار//رياضة"], "جزء فارغ"),
    (["--kind", "rss", "--source", "https://x.test/f", "--interval", "5"], "30"),
])
def test_provider_add_refuses_bad_input(db, args, error):
    base = {"--name": "الأناضول", "--section": "أخبار", "--credit": "الأناضول"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    argv = [part for pair in base.items() for part in pair]
    with pytest.raises((CommandError, SystemExit)) as caught:
        call_command("wire_provider_add", *argv, stdout=StringIO(), stderr=StringIO())
    if caught.type is CommandError:
        assert error in str(caught.value)
    assert not Provider.objects.exists()


def test_provider_add_and_poll_from_the_command_line(home, feeds):
    feeds.files["/aa.xml"] = fixture_bytes("aa_rss.xml")
    out = StringIO()
    call_command("wire_provider_add", "--name", "الأناضول", "--kind", "rss", "--source",
                 feeds.url("/aa.xml"), "--section", "أخبار/تركيا", "--credit", "الأناضول",
                 "--auto-publish", stdout=out)
    aa = Provider.objects.get()
    assert aa.auto_publish and aa.section_path == "أخبار/تركيا" and aa.interval_seconds == 120
    call_command("wire_poll", "--provider", "الأناضول", stdout=out)
    rows = wire_list()
    assert {r["state"] for r in rows} == {"used"}
    assert all(r["story"].startswith("http") and r["language"] == "ar" for r in rows)
    with pytest.raises(CommandError, match="لا وكالة"):
        call_command("wire_poll", "--provider", "رويترز", stdout=out)
