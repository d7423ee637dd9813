"""What a reader can see of a string, and the bidi controls that could reorder a page."""

import pytest

from nashra.arabic.normalize import has_visible, strip_bidi_scopes


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("سارة", True),
        ("ن", True),
        ("7", True),
        ("؟", True),  # punctuation is drawn
        ("😀", True),  # so is an emoji
        ("\u202bمحمد\u202c", True),  # letters inside an embedding
        ("", False),
        ("  \n\t", False),
        ("\u200b\u200c\u200d\u2060\ufeff", False),  # zero-width
        ("\u202e\u2066\u2069\u200f\u061c", False),  # bidi controls and marks
        ("\u3164\u115f\u1160\uffa0", False),  # Hangul fillers: letters drawn as nothing
        ("\u2800", False),  # the blank Braille pattern
        ("\u064e\u0651\u0670", False),  # harakat with no letter to sit on
        ("\u00ad\u034f\ufe0f", False),  # soft hyphen, grapheme joiner, variation selector
        ("\u00a0\u3000", False),  # no-break and ideographic spaces
    ],
)
def test_has_visible(text, visible):
    assert has_visible(text) is visible


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("\u202eسارة\u202c", "سارة"),  # override and its closing PDF
        ("a\u2066b\u2067c\u2068d\u2069", "abcd"),  # isolates
        ("\u202a\u202b\u202d", ""),
        ("١٢\u200f٣", "١٢\u200f٣"),  # marks open nothing: kept
        ("نص\u200cعادي", "نص\u200cعادي"),  # ZWNJ shapes Persian words: kept
    ],
)
def test_strip_bidi_scopes(text, kept):
    assert strip_bidi_scopes(text) == kept
