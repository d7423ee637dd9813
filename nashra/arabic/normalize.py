"""Normalization steps, one transformation per function, composed by `fold_invisibles`.

The search issue extends this module into the full analyser; the foundation needs only
what slugs and display use.
"""

import re

from .charsets import BIDI_CONTROLS, QURANIC_MARKS, TASHKEEL, TATWEEL, ZERO_WIDTH

_INVISIBLES_RE = re.compile("[" + "".join(sorted(ZERO_WIDTH | BIDI_CONTROLS)) + "]")
_TASHKEEL_RE = re.compile("[" + "".join(sorted(TASHKEEL | QURANIC_MARKS)) + "]")


def strip_invisibles(text: str) -> str:
    """Remove zero-width and bidi control characters."""
    return _INVISIBLES_RE.sub("", text)


def strip_tashkeel(text: str) -> str:
    """Remove diacritics, including superscript alef and Quranic annotation marks."""
    return _TASHKEEL_RE.sub("", text)


def strip_tatweel(text: str) -> str:
    """Remove the kashida used to stretch words."""
    return text.replace(TATWEEL, "")


def clean_for_slug(text: str) -> str:
    """The characters a URL should not carry: invisibles, diacritics, tatweel."""
    return strip_tatweel(strip_tashkeel(strip_invisibles(text)))
