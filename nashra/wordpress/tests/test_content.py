"""WordPress markup → body blocks, case by case (no database)."""

import pytest

from nashra.wordpress import content, wxr

IMAGES = {7: 70, 8: 80}


def _resolve(wp_id, src):
    if wp_id is None and "photo-8" in src:
        wp_id = 8
    return IMAGES.get(wp_id)


def _blocks(text):
    return [(b["type"], b["value"]) for b in content.convert(text, resolve=_resolve).blocks]


@pytest.mark.parametrize(("markup", "expected"), [
    # wpautop: a blank line parts paragraphs, a single newline is a line break.
    ("سطر أول\nسطر ثان\n\nفقرة ثانية",
     [("paragraph", "<p>سطر أول<br>سطر ثان</p>"), ("paragraph", "<p>فقرة ثانية</p>")]),
    # Inline markup survives inside a paragraph; a script does not.
    ("نص <strong>مهم</strong> <script>x()</script>و<em>مائل</em>",
     [("paragraph", "<p>نص <strong>مهم</strong> و<em>مائل</em></p>")]),
    # Gutenberg comments only delimit.
    ("<!-- wp:paragraph -->\n<p>فقرة</p>\n<!-- /wp:paragraph -->\n\n"
     '<!-- wp:heading {"level":2} -->\n<h2>عنوان</h2>\n<!-- /wp:heading -->',
     [("paragraph", "<p>فقرة</p>"), ("heading", "عنوان")]),
    # A block comment with broken JSON is only a comment.
    ('<!-- wp:paragraph {"align":"right" -->\n<p>نص</p>\n<!-- /wp:paragraph -->',
     [("paragraph", "<p>نص</p>")]),
    # An h1 and h5 are sub-headings too; empty ones disappear.
    ("<h1>أ</h1><h5>ب</h5><h2> </h2>", [("heading", "أ"), ("heading", "ب")]),
    # [caption] with the image inside a link, the caption after it.
    ('[caption id="attachment_7" width="300"]<a href="/x"><img class="wp-image-7" src="a.jpg"'
     " /></a> تعليق الصورة[/caption]",
     [("image", {"image": 70, "caption": "تعليق الصورة", "credit": ""})]),
    # Old-style caption attribute.
    ('[caption id="attachment_7" caption="من الخاصية"]<img src="a.jpg" />[/caption]',
     [("image", {"image": 70, "caption": "من الخاصية", "credit": ""})]),
    # An image known only by its URL (a resized copy of an attachment).
    ('<p><img src="https://s.example/wp-content/uploads/photo-8-300x200.jpg"> نص</p>',
     [("paragraph", "<p> نص</p>"), ("image", {"image": 80, "caption": "", "credit": ""})]),
    # [gallery] → its images.
    ('[gallery ids="7,8,9"]', [("image", {"image": 70, "caption": "", "credit": ""}),
                              ("image", {"image": 80, "caption": "", "credit": ""})]),
    ("[embed]https://vimeo.com/1[/embed]", [("embed", "https://vimeo.com/1")]),
    # A bare URL on its own line embeds only for known providers.
    ("https://youtu.be/x\n\nhttps://example.com/page",
     [("embed", "https://youtu.be/x"), ("paragraph", "<p>https://example.com/page</p>")]),
    ('<iframe src="https://www.youtube.com/embed/abc"></iframe>',
     [("embed", "https://www.youtube.com/embed/abc")]),
    ('<blockquote class="twitter-tweet"><p>تغريدة</p><a href="https://twitter.com/a/status/1">'
     "date</a></blockquote>", [("embed", "https://twitter.com/a/status/1")]),
    ("<blockquote><p>قول</p><cite>قائل</cite></blockquote>",
     [("quote", {"text": "قول", "attribution": "قائل"})]),
    ("<ol><li>أ</li><li>ب</li></ol>", [("paragraph", "<ol><li>أ</li><li>ب</li></ol>")]),
    # Nested containers are walked; a table's text is kept.
    ("<div><div><p>داخل</p></div></div><table><tr><td>خلية</td></tr></table>",
     [("paragraph", "<p>داخل</p>"), ("paragraph", "<p>خلية</p>")]),
    # Unclosed tags are repaired.
    ("<p>نص <b>عريض<p>تالية", [("paragraph", "<p>نص <b>عريض</b></p>"),
                              ("paragraph", "<p>تالية</p>")]),
])
def test_convert(markup, expected):
    assert _blocks(markup) == expected


def test_missing_image_is_listed_not_fatal():
    body = content.convert('<p>نص</p><img class="wp-image-99" src="gone.jpg">',
                           resolve=_resolve)
    assert [b["type"] for b in body.blocks] == ["paragraph"]
    assert body.missing_images == ["gone.jpg"]


@pytest.mark.parametrize(("markup", "unknown"), [
    ('[contact-form-7 id="5"] و [adsense] [contact-form-7 id="6"]', ["contact-form-7", "adsense"]),
    ("[caption]<img src='a'>[/caption] [embed]https://x.y[/embed]", []),
    # Arabic in brackets, a footnote, an escaped shortcode: none is a shortcode.
    ("[تحديث] [1] [[gallery]]", []),
])
def test_unknown_shortcodes(markup, unknown):
    assert content.convert(markup, resolve=_resolve).unknown_shortcodes == unknown


@pytest.mark.parametrize("markup", ["", "   \n", "<script>x</script>", "<!-- wp:spacer -->"])
def test_nothing_to_show_is_an_error(markup):
    with pytest.raises(content.ContentError):
        content.convert(markup, resolve=_resolve)


@pytest.mark.parametrize(("markup", "text"), [
    ("سطر\nسطر", "سطر\nسطر"),
    ("<p>أ</p><p>ب &amp; ج</p>", "أ\n\nب & ج"),
    ("أ<br />ب", "أ\nب"),
])
def test_plain_text(markup, text):
    assert content.plain_text(markup) == text


@pytest.mark.parametrize(("local", "gmt", "iso"), [
    ("2024-03-10 12:30:00", "2024-03-10 09:30:00", "2024-03-10T12:30:00+03:00"),
    ("2024-03-10 12:30:00", "0000-00-00 00:00:00", "2024-03-10T12:30:00+02:00"),
    ("0000-00-00 00:00:00", "2024-03-10 09:30:00", "2024-03-10T09:30:00+00:00"),
])
def test_dates_keep_their_offset(local, gmt, iso):
    import datetime as dt

    fallback = dt.timezone(dt.timedelta(hours=2))
    assert wxr.parse_dates(local, gmt, fallback).isoformat() == iso
