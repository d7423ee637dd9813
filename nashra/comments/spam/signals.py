"""Signals a spammer leaves besides words: links, phone numbers, hidden Unicode tricks.

Pure Python (no Django). Each signal is counted on the raw text, because normalization is
exactly what erases the tricks (zero-width characters, bidi overrides, presentation forms).
The reasons a moderator reads are written here, in Arabic, from the same counts.
"""

import re
import unicodedata
from dataclasses import dataclass

from nashra.arabic.charsets import BIDI_CONTROLS, ZERO_WIDTH
from nashra.arabic.digits import to_arabic_indic_digits, to_western_digits
from nashra.arabic.normalize import normalize

_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[a-z0-9-]{2,}(?:\.[a-z0-9-]{2,})*\.(?:com|net|org|info|biz|xyz|top|site|online|shop|store|"
    r"me|io|co|sa|ae|eg|ma|dz|tn|jo|lb|kw|qa|om|bh|ly|iq|ps|sy|ru|cn|link|club|live|ly|app|vip)\b"
    r"(?:/\S*)?",
    re.IGNORECASE,
)
# "dot com" spelled out to dodge link filters: نقطة كوم, dot com.
_SPELLED_DOT_RE = re.compile(r"(?:نقطه|نقطة|dot)\s*(?:كوم|com|net|نت)", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# A phone number: eight or more digits, allowing spaces, dashes, dots and a leading +.
_PHONE_RE = re.compile(r"\+?\d(?:[\s\-.()]{0,2}\d){7,}")
_WHATSAPP_RE = re.compile(r"واتس|وتساب|واتساب|whats\s*app|wa\.me|watsap|whatsap", re.IGNORECASE)
_TELEGRAM_RE = re.compile(r"تليجرام|تلجرام|تيليجرام|telegram|t\.me/", re.IGNORECASE)
# Four or more letters standing alone in a row: "ش ر ك ة", "c a s i n o".
_SPACED_RE = re.compile(r"(?:(?<![^\W\d_])[^\W\d_][\s.\-_*|]+){3,}[^\W\d_](?![^\W\d_])")
_ARABIC_LETTER_RE = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
# Letters from a script other than Arabic and Latin: Cyrillic, Greek, CJK, …
_OTHER_LETTER_RE = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u0900-\u097f]"
)
# One word that mixes Arabic and Latin or Cyrillic letters (homoglyph tricks).
_MIXED_WORD_RE = re.compile(
    r"(?:[\u0621-\u064a][A-Za-z\u0400-\u04ff]|[A-Za-z\u0400-\u04ff][\u0621-\u064a]"
    r"|[a-zA-Z][\u0400-\u04ff]|[\u0400-\u04ff][a-zA-Z])"
)
_PRESENTATION_RE = re.compile(r"[\ufb50-\ufdff\ufe70-\ufefe]")
# Mathematical bold/italic letters, fullwidth forms, circled and enclosed letters.
_FANCY_RE = re.compile(r"[\U0001d400-\U0001d7ff\uff01-\uff5e\u2460-\u24ff\U0001f130-\U0001f189]")
_BIDI_RE = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
_ZERO_WIDTH_RE = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + "]")
_EMOJI_RE = re.compile(r"[\U0001f300-\U0001faff\u2600-\u27bf]")
_REPEAT_RE = re.compile(r"(.)\1{5,}")


@dataclass(frozen=True)
class Signals:
    links: int = 0
    emails: int = 0
    phones: int = 0
    whatsapp: bool = False
    telegram: bool = False
    author_url: bool = False
    link_in_name: bool = False
    zero_width: int = 0
    bidi: int = 0
    presentation: int = 0
    fancy: int = 0
    spaced: int = 0
    mixed_words: int = 0
    latin_ratio: float = 0.0
    other_script_ratio: float = 0.0
    emoji: int = 0
    repeats: int = 0
    length: int = 0

    def vector(self) -> list[float]:
        """Dense features for the classifier, each roughly within 0..3."""
        import math

        return [
            math.log1p(self.links),
            math.log1p(self.emails),
            math.log1p(self.phones),
            float(self.whatsapp),
            float(self.telegram),
            float(self.author_url),
            float(self.link_in_name),
            float(self.zero_width > 0),
            float(self.bidi > 0),
            float(self.presentation > 0),
            float(self.fancy > 0),
            math.log1p(self.spaced),
            math.log1p(self.mixed_words),
            self.latin_ratio,
            self.other_script_ratio,
            math.log1p(self.emoji) / 2,
            float(self.repeats > 0),
            math.log1p(self.length) / 4,
        ]


VECTOR_SIZE = len(Signals().vector())


def _letters_ratio(text: str) -> tuple[float, float]:
    arabic = len(_ARABIC_LETTER_RE.findall(text))
    latin = len(_LATIN_LETTER_RE.findall(text))
    other = len(_OTHER_LETTER_RE.findall(text))
    total = arabic + latin + other
    if not total:
        return 0.0, 0.0
    return latin / total, other / total


def signals_of(body: str, *, author: str = "", url: str = "") -> Signals:
    """Count every signal in a comment; total on any string."""
    digits = to_western_digits(unicodedata.normalize("NFKC", body))
    folded = normalize(body)
    latin, other = _letters_ratio(unicodedata.normalize("NFKC", body))
    name = normalize(author)
    return Signals(
        links=len(_URL_RE.findall(folded)) + len(_SPELLED_DOT_RE.findall(folded)),
        emails=len(_EMAIL_RE.findall(folded)),
        phones=len(_PHONE_RE.findall(digits)),
        whatsapp=bool(_WHATSAPP_RE.search(folded)),
        telegram=bool(_TELEGRAM_RE.search(folded)),
        author_url=bool(url.strip()),
        link_in_name=bool(_URL_RE.search(name) or _PHONE_RE.search(to_western_digits(author))),
        zero_width=len(_ZERO_WIDTH_RE.findall(body)),
        bidi=len(_BIDI_RE.findall(body)),
        presentation=len(_PRESENTATION_RE.findall(body)),
        fancy=len(_FANCY_RE.findall(body)),
        spaced=len(_SPACED_RE.findall(unicodedata.normalize("NFKC", body))),
        mixed_words=len(_MIXED_WORD_RE.findall(body)),
        latin_ratio=latin,
        other_script_ratio=other,
        emoji=len(_EMOJI_RE.findall(body)),
        repeats=len(_REPEAT_RE.findall(body)),
        length=len(body),
    )


def count_phrase(n: int, one: str, two: str, few: str, many: str) -> str:
    """Arabic number agreement: 1, 2, 3–10 and 11+ take different forms."""
    if n == 1:
        return one
    if n == 2:
        return two
    word = few if 3 <= n % 100 <= 10 else many
    return f"{to_arabic_indic_digits(str(n))} {word}"


def reasons_of(s: Signals) -> list[str]:
    """What a moderator reads next to a held or spam comment."""
    reasons = []
    if s.links:
        reasons.append(count_phrase(s.links, "رابط", "رابطان", "روابط", "رابطًا"))
    if s.emails:
        reasons.append(count_phrase(s.emails, "بريد إلكتروني في النص", "عنوانا بريد في النص",
                              "عناوين بريد في النص", "عنوان بريد في النص"))
    if s.whatsapp:
        reasons.append("رقم واتساب" if s.phones else "ذكر واتساب")
    if s.telegram:
        reasons.append("ذكر تيليجرام")
    if s.phones and not s.whatsapp:
        reasons.append(count_phrase(s.phones, "رقم هاتف", "رقما هاتف", "أرقام هواتف", "رقم هاتف"))
    if s.link_in_name:
        reasons.append("رابط أو رقم في اسم الكاتب")
    if s.zero_width:
        reasons.append("محارف خفية بعرض صفري")
    if s.bidi:
        reasons.append("محارف تحكم باتجاه النص")
    if s.presentation:
        reasons.append("حروف بأشكال العرض")
    if s.fancy:
        reasons.append("حروف مزخرفة")
    if s.spaced:
        reasons.append("حروف متباعدة")
    if s.mixed_words:
        reasons.append("كلمات تخلط بين الأبجديات")
    if s.other_script_ratio > 0.3:
        reasons.append("نص بلغة غير متوقعة")
    return reasons
