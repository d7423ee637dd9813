"""Every format, from fixtures written like the agencies' own copy (Arabic)."""

import datetime as dt

import pytest

from nashra.wire import parsers

from .conftest import fixture_bytes

UTC = dt.UTC


def test_rss_items_and_a_malformed_one():
    parsed = parsers.parse("rss", fixture_bytes("aa_rss.xml"))
    assert [i.guid for i in parsed.items] == ["aa-3400101", "aa-3400102", "aa-3400103"]
    quake = parsed.items[0]
    assert quake.headline == "زلزال بقوة 5.8 درجات يضرب ملاطية شرقي تركيا"
    assert quake.version is None  # RSS has none: the content decides
    assert quake.language == "ar"
    assert quake.byline == "إسماعيل يلدز"
    assert quake.sent_at == dt.datetime(2026, 12, 7, 5, 12, tzinfo=UTC)
    assert quake.subjects == [{"code": "كوارث طبيعية", "name": "كوارث طبيعية"}]
    assert quake.pictures[0]["href"] == "quake.png"
    # The item without a title is an error of its own; the others are read.
    assert parsed.errors == [("aa-3400104", "item without a title")]


def test_newsml_message_with_several_items_nitf_xhtml_and_a_picture():
    parsed = parsers.parse("newsml", fixture_bytes("qna_message.xml"))
    assert parsed.errors == []
    quake, visit = parsed.items  # the picture item is not a story of its own
    assert quake.guid == "urn:newsml:qna.org.qa:20261207:ar-quake-malatya"
    assert quake.version == 1
    assert quake.pub_status == "usable"
    assert quake.located == "أنقرة"  # the Arabic name of the place, not the first one
    assert quake.byline == "مكتب قنا في أنقرة"
    assert quake.info_source == "إدارة الكوارث والطوارئ التركية (آفاد)"
    assert quake.subjects == [{"code": "medtop:03000000", "name": "كوارث وحوادث"},
                              {"code": "medtop:20000151", "name": "زلازل"}]
    assert quake.summary == "زلزال متوسط القوة في شرق تركيا دون تسجيل إصابات."
    assert quake.body_html.count("<p>") == 3 and "يشيل يورت" in quake.body_html
    assert "nitf" not in quake.body_html and "xmlns" not in quake.body_html
    assert quake.pictures == [{"href": "quake.png", "credit": "قنا / رويترز", "caption":
                               "فرق البحث والإنقاذ التركية تتفقد مبنى في ملاطية بعد الزلزال"}]
    # XHTML inlineXML; embargoed in itemMeta.
    assert visit.embargoed_until == dt.datetime(2099, 12, 8, 9, tzinfo=UTC)
    assert "<h2>تعاون اقتصادي</h2>" in visit.body_html
    assert "<title>" not in visit.body_html
    assert visit.pictures == []  # the message's picture is linked from the quake story only


def test_newsml_single_item_with_nitf_headings_and_blocks():
    (item,) = parsers.parse("newsml", fixture_bytes("wafa_item.xml")).items
    assert item.version == 4
    assert item.language == "ar"
    assert item.located == "جنين"
    assert item.info_source == "وزارة الزراعة الفلسطينية"
    assert item.sent_at == dt.datetime(2026, 12, 7, 6, 15, tzinfo=UTC)
    assert "<h2>أسباب التراجع</h2>" in item.body_html  # NITF hl2


def test_newsml_update_and_cancel_carry_version_and_status():
    (update,) = parsers.parse("newsml", fixture_bytes("qna_update.xml")).items
    (cancel,) = parsers.parse("newsml", fixture_bytes("qna_cancel.xml")).items
    assert (update.version, update.pub_status) == (2, "usable")
    assert (cancel.version, cancel.pub_status) == (3, "canceled")


def test_ninjs_2():
    (item,) = parsers.parse("ninjs", fixture_bytes("afp_ninjs2.json")).items
    assert item.headline.startswith("تركيا: زلزال بقوة 5,8 درجات")
    assert item.version == 1 and item.language == "ar"
    assert item.byline == "مكتب أنقرة" and item.located == "أنقرة"
    assert item.subjects[0]["name"] == "زلازل"
    # The original rendition, with its caption from the association's headline.
    assert item.pictures == [{"href": "quake.png", "credit": "أ ف ب",
                              "caption": "سكان يتجمعون في الشارع بعد الزلزال في ملاطية"}]


def test_ninjs_1_list_with_a_malformed_item():
    parsed = parsers.parse("ninjs", fixture_bytes("afp_ninjs1.json"))
    (item,) = parsed.items
    assert item.version == 2
    assert item.embargoed_until == dt.datetime(2026, 12, 7, 10, tzinfo=UTC)
    assert item.summary == "جلسة جديدة الأسبوع المقبل"
    assert item.located == "بيروت"
    assert item.pictures[0]["caption"] == "مبنى البرلمان في بيروت"
    assert parsed.errors == [("urn:afp.com:newsml:ar:20261207:broken", "item without a headline")]


@pytest.mark.parametrize("kind,data", [
    ("newsml", b"<?xml version='1.0'?><html><body>502 Bad Gateway <p>"),  # not well-formed
    ("newsml", b"<rss version='2.0'><channel/></rss>"),  # well-formed, not NewsML-G2
    ("ninjs", b"<html>502</html>"),  # not JSON
    ("ninjs", b"42"),  # JSON, not an item
    ("rss", b"\x00\x01 garbage"),
])
def test_garbage_is_a_format_error(kind, data):
    with pytest.raises(parsers.FormatError):
        parsers.parse(kind, data)


@pytest.mark.parametrize("payload,error", [
    # a version that is no number
    (b'{"uri": "u1", "headline": "\xd8\xae", "version": "abc"}', "not a version number"),
    # a status no agency sends
    (b'{"uri": "u1", "headline": "\xd8\xae", "pubstatus": "maybe"}', "unknown publishing status"),
    # an embargo that is no time
    (b'{"uri": "u1", "headline": "\xd8\xae", "embargoed": "tomorrow"}', "not a date and time"),
])
def test_bad_fields_fail_their_item_only(payload, error):
    parsed = parsers.parse("ninjs", b"[" + payload + b', {"uri": "u2", "headline": "ok"}]')
    assert [i.guid for i in parsed.items] == ["u2"]
    assert error in parsed.errors[0][1]


def test_no_external_entities_are_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    doc = f"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g" version="1">
<contentMeta><headline>&s;</headline></contentMeta></newsItem>""".encode()
    parsed = parsers.parse("newsml", doc)
    assert all("SECRET" not in i.headline for i in parsed.items)
