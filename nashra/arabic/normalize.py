"""Normalization: one transformation per function, composed by `normalize`.

`normalize` gives the form text is compared on (search, related news, spam); pages always
show the original.
"""

import re
import unicodedata

from .charsets import (
    ALEF,
    ALEF_MAQSURA,
    ALEF_VARIANTS,
    ARABIC_INDIC_DIGITS,
    BIDI_CONTROLS,
    BIDI_SCOPES,
    BLANK_GLYPHS,
    FARSI_YEH,
    HAMZA_SEATS,
    HEH,
    KAF,
    KEHEH,
    PERSIAN_DIGITS,
    QURANIC_MARKS,
    TASHKEEL,
    TATWEEL,
    TEH_MARBUTA,
    WESTERN_DIGITS,
    YEH,
    ZERO_WIDTH,
)
from .digits import to_western_digits

_INVISIBLES_RE = re.compile("[" + "".join(sorted(ZERO_WIDTH | BIDI_CONTROLS)) + "]")
_BIDI_SCOPES_RE = re.compile("[" + "".join(sorted(BIDI_SCOPES)) + "]")
# Unicode categories of what is drawn on its own: letters, numbers, punctuation, symbols.
# Marks (M), format characters (Cf), controls (Cc) and separators (Z) are not.
_DRAWN_CATEGORIES = frozenset("LNPS")
_TASHKEEL_RE = re.compile("[" + "".join(sorted(TASHKEEL | QURANIC_MARKS)) + "]")
_LETTER_FOLDS = str.maketrans(
    {
        **{variant: ALEF for variant in ALEF_VARIANTS},
        ALEF_MAQSURA: YEH,
        FARSI_YEH: YEH,
        KEHEH: KAF,
        TEH_MARBUTA: HEH,
        **{seat: YEH for seat in HAMZA_SEATS},
    }
)


def strip_invisibles(text: str) -> str:
    """Remove zero-width and bidi control characters."""
    return _INVISIBLES_RE.sub("", text)


def strip_bidi_scopes(text: str) -> str:
    """Remove the bidi controls that open or close a span (embeddings, overrides, isolates):
    shown inside a page, such a span can reorder the text around the string it came in."""
    return _BIDI_SCOPES_RE.sub("", text)


def has_visible(text: str) -> bool:
    """True when some character of `text` is drawn: a letter, digit, punctuation mark or symbol
    that is not a blank glyph. Zero-width and bidi characters, spaces and marks alone are not."""
    return any(ch not in BLANK_GLYPHS and unicodedata.category(ch)[0] in _DRAWN_CATEGORIES
               for ch in text)


def strip_tashkeel(text: str) -> str:
    """Remove diacritics, including superscript alef and Quranic annotation marks."""
    return _TASHKEEL_RE.sub("", text)


def strip_tatweel(text: str) -> str:
    """Remove the kashida used to stretch words."""
    return text.replace(TATWEEL, "")


def fold_letters(text: str) -> str:
    """أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ ئ → ي, and the Persian ی ک to their Arabic twins."""
    return text.translate(_LETTER_FOLDS)


def fold_compatibility(text: str) -> str:
    """NFKC with case folding: presentation forms (ﻻ → لا), ligatures, widths, case."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def clean_for_slug(text: str) -> str:
    """The characters a URL should not carry: invisibles, diacritics, tatweel."""
    return strip_tatweel(strip_tashkeel(strip_invisibles(text)))


def _normalize_once(text: str) -> str:
    text = fold_compatibility(text)
    text = strip_tatweel(strip_tashkeel(strip_invisibles(text)))
    text = fold_letters(to_western_digits(text))
    # Removing a mark can leave a Latin base and accent that NFKC now composes.
    return unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """The comparison form of `text`; idempotent, total on every string."""
    once = _normalize_once(text)
    twice = _normalize_once(once)
    # Case folding can expose a character whose NFKC form folds again (rare, non-Arabic);
    # a third pass reaches the fixed point in every case hypothesis has found.
    return twice if twice == once else _normalize_once(twice)


_QUICK_FOLDS = str.maketrans(
    {
        **_LETTER_FOLDS,
        **{mark: None for mark in TASHKEEL | QURANIC_MARKS | ZERO_WIDTH | BIDI_CONTROLS},
        TATWEEL: None,
        **dict(zip(ARABIC_INDIC_DIGITS, WESTERN_DIGITS, strict=True)),
        **dict(zip(PERSIAN_DIGITS, WESTERN_DIGITS, strict=True)),
    }
)
# Characters for which quick_fold agrees with normalize: ASCII and the Arabic block, less the
# four high-hamza letters (ٵ ٶ ٷ ٸ) that NFKC decomposes and the combining madda and hamza
# (U+0653–U+0655) that NFKC composes with the letter before them (و + ٔ → ؤ).
QUICK_FOLD_EXACT_RE = re.compile(
    "[\x00-\x7f\u0600-\u0652\u0656-\u0674\u0679-\u06ff"
    + "".join(sorted(ZERO_WIDTH | BIDI_CONTROLS)) + "]*"
)


def quick_fold(text: str) -> str:
    """`normalize` without NFKC, in one str.translate. For text that QUICK_FOLD_EXACT_RE
    matches whole, every analysed term of the text is a substring of this form, so it rules
    words out cheaply before the full analysis (the search snippet does this)."""
    return text.translate(_QUICK_FOLDS).lower()
