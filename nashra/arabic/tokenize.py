"""Words out of normalized text: runs of Arabic letters, of other letters, and of digits."""

import re

from .charsets import ARABIC_LETTER_RANGES
from .normalize import normalize

# An Arabic run, a run of other letters (Latin, …), or a run of digits: `كوفيد19` is two words.
_TOKEN_RE = re.compile(
    rf"[{ARABIC_LETTER_RANGES}]+|[^\W\d_{ARABIC_LETTER_RANGES}\u0600-\u06ff]+|\d+"
)

MAX_TOKEN_LENGTH = 40


def tokens(normalized: str) -> list[str]:
    """Tokens of already-normalized text, in order; over-long runs are cut, not dropped."""
    return [t[:MAX_TOKEN_LENGTH] for t in _TOKEN_RE.findall(normalized)]


def tokenize(text: str) -> list[str]:
    """Normalize, then split."""
    return tokens(normalize(text))
