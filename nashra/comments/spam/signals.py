"""Signals a spammer leaves besides words: links, phone numbers, hidden Unicode tricks.

Pure Python (no Django). Each signal is counted on the raw text, because normalization is
exactly what erases the tricks (zero-width characters, bidi overrides, presentation forms).
The reasons a moderator reads are written here, in Arabic, from the same counts.
"""

import re
import unicodedata
from dataclasses import dataclass

from nashra.arabic.charsets import BIDI_CONTROLS, ZERO_WIDTH
from nashra.arabic.digits import to_western_digits
from nashra.arabic.normalize import normalize
from nashra.arabic.plural import count_phrase

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
_PHONE_RE = re.compile(r"\+?\d(?:[\s\-.()/]{0,3}\d){7,}")
# A handle to write to (Telegram, Instagram, X): @ and a name of five or more characters.
_HANDLE_RE = re.compile(r"(?<![\w.])@[A-Za-z][A-Za-z0-9_]{4,}")
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
# Link shorteners and chat links: they hide where a link goes, or open a private chat.
_SHORTENER_RE = re.compile(
    r"\b(?:bit\.ly|t\.ly|tinyurl\.com|cutt\.ly|rb\.gy|goo\.gl|ow\.ly|is\.gd|shorturl\.at|"
    r"s\.id|wa\.me|t\.me|lnkd\.in|tiny\.cc|rebrand\.ly|bl\.ink|qrco\.de|linktr\.ee|"
    r"shorturl\.asia|v\.gd|urlz\.fr|chat\.whatsapp\.com)\b", re.IGNORECASE)
# Where a genuine reader links to: governments, the UN family, universities, encyclopaedias.
# A link there is a citation, not a contact (the site adds its own: NASHRA_COMMENT_TRUSTED_DOMAINS).
OFFICIAL_DOMAINS = (
    "gov", "gouv", "gob", "go", "mil", "edu", "ac", "int", "un.org", "who.int", "unicef.org",
    "unhcr.org", "unrwa.org", "wfp.org", "fao.org", "worldbank.org", "imf.org", "icrc.org",
    "ifrc.org", "redcross.org", "amnesty.org", "hrw.org", "wikipedia.org", "wikimedia.org",
)
_HOST_RE = re.compile(r"^(?:https?://)?(?:www\.)?([^/\s?#:]+)", re.IGNORECASE)
# A number in disguise: keycap digits, a letter O or l among digits, digit scripts mixed in one
# number, digits spaced out by symbols or emoji, or digits spelled as words one after another.
_KEYCAP_RE = re.compile("[0-9\u0660-\u0669]\ufe0f?\u20e3")
_LETTER_DIGIT_RE = re.compile(r"(?<![A-Za-z])(?:[Oo]\d{2,}|\d{2,}[Oo](?![A-Za-z])|\d+[Oo]\d+)")
_DIGIT_CHARS = "0-9\u0660-\u0669\u06f0-\u06f9"
_SEPARATED_DIGITS_RE = re.compile(
    f"[{_DIGIT_CHARS}](?:[^{_DIGIT_CHARS}\\w\\s]{{1,3}}[{_DIGIT_CHARS}]){{6,}}")
_DIGIT_WORDS = ("صفر", "واحد", "اثنين", "اثنان", "ثلاثه", "اربعه", "خمسه", "سته", "سبعه", "ثمانيه",
                "تسعه", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                "nine")
# Groups of digits joined by words («٠٥٥ ثم ٩ ثم ٤٠٢»).
_JOINED_DIGITS_RE = re.compile(r"\d+(?:\s*(?:ثم|بعدها|بعده|وبعدين|then)\s*\d+){2,}")
_DIGIT_WORDS_RE = re.compile(r"(?:\b(?:" + "|".join(_DIGIT_WORDS) + r")\b[\s\-.،,]*){4,}",
                             re.IGNORECASE)


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
    official_links: int = 0  # links to governments, the UN, universities (not in `links`)
    shorteners: int = 0
    hidden_numbers: int = 0  # numbers in disguise (keycaps, O for 0, digits spaced by symbols)
    handles: int = 0  # @names to write to
    offers: tuple[str, ...] = ()  # spam/patterns.py categories found (author and body)

    @property
    def contact(self) -> bool:
        """A way to reach someone privately: a link (not to an official site), an address,
        a phone number, WhatsApp or Telegram, a link or number as the name."""
        return bool(self.links or self.emails or self.phones or self.hidden_numbers
                    or self.whatsapp or self.telegram or self.shorteners or self.link_in_name
                    or self.handles or self.author_url)

    @property
    def disguise(self) -> bool:
        """Text dressed to slip past a filter: nobody types these by accident."""
        return bool(self.hidden_numbers or self.fancy or self.spaced or self.mixed_words
                    or self.presentation or self.bidi)

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
            math.log1p(self.official_links),
            float(self.shorteners > 0),
            float(self.hidden_numbers > 0),
            float(self.handles > 0),
            float(bool(set(self.offers) - {"call"})),
            float("call" in self.offers),
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


def official(link: str, extra: tuple[str, ...] = ()) -> bool:
    """Whether a link or bare domain goes to a government, the UN family, a university or an
    encyclopaedia (or one of `extra`, the site's own trusted domains)."""
    match = _HOST_RE.match(link.strip().lower())
    host = match.group(1).rstrip(".") if match else ""
    labels = host.split(".")
    if len(labels) < 2:
        return False
    if any(host == d or host.endswith("." + d) for d in (*OFFICIAL_DOMAINS, *extra) if "." in d):
        return True
    if labels[-1] in {"gov", "edu", "int", "mil"}:
        return True
    return labels[-2] in {"gov", "gouv", "gob", "go", "edu", "ac", "mil"} and len(labels[-1]) == 2


def _hidden_numbers(text: str, folded: str) -> int:
    return (len(_KEYCAP_RE.findall(text)) // 4 + len(_LETTER_DIGIT_RE.findall(text))
            + len(_JOINED_DIGITS_RE.findall(folded))
            + len(_SEPARATED_DIGITS_RE.findall(text)) + len(_DIGIT_WORDS_RE.findall(folded))
            + _mixed_digit_numbers(text))


_NUMBER_RUN_RE = re.compile(f"[{_DIGIT_CHARS}][{_DIGIT_CHARS}\\s\\-.]{{6,}}[{_DIGIT_CHARS}]")


def _mixed_digit_numbers(text: str) -> int:
    """Numbers that mix Western, Arabic-Indic and Persian digits (٠5٥…): no keyboard does."""
    n = 0
    for run in _NUMBER_RUN_RE.findall(text):
        scripts = {("w" if c.isascii() else "a" if "\u0660" <= c <= "\u0669" else "p")
                   for c in run if c.isdigit()}
        n += len(scripts) > 1
    return n


def signals_of(body: str, *, author: str = "", url: str = "",
               trusted_domains: tuple[str, ...] = ()) -> Signals:
    """Count every signal in a comment; total on any string."""
    from .patterns import categories_of

    nfkc = unicodedata.normalize("NFKC", body)
    digits = to_western_digits(nfkc)
    folded = normalize(body)
    latin, other = _letters_ratio(nfkc)
    name = normalize(author)
    found = _URL_RE.findall(folded)
    cited = [link for link in found if official(link, trusted_domains)]
    shorteners = len(_SHORTENER_RE.findall(folded))
    author_url = bool(url.strip()) and not official(url, trusted_domains)
    return Signals(
        links=len(found) - len(cited) + len(_SPELLED_DOT_RE.findall(folded)),
        official_links=len(cited),
        shorteners=shorteners,
        hidden_numbers=_hidden_numbers(body, folded),
        offers=categories_of(f"{name}\n{folded}"),
        emails=len(_EMAIL_RE.findall(folded)),
        phones=len(_PHONE_RE.findall(digits)),
        whatsapp=bool(_WHATSAPP_RE.search(folded)),
        telegram=bool(_TELEGRAM_RE.search(folded)),
        handles=len(_HANDLE_RE.findall(body)),
        author_url=author_url,
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


def reasons_of(s: Signals) -> list[str]:
    """What a moderator reads next to a held or spam comment."""
    from .patterns import reason_of

    reasons = [reason_of(category) for category in s.offers]
    if s.shorteners:
        reasons.append("رابط مختصر يخفي وجهته")
    if s.hidden_numbers:
        reasons.append("رقم مموّه (أرقام مفصولة برموز أو حروف)")
    if s.handles:
        reasons.append("حساب للمراسلة (@)")
    if s.links:
        reasons.append(count_phrase(s.links, "link"))
    if s.emails:
        reasons.append(count_phrase(s.emails, "email"))
    if s.whatsapp:
        reasons.append("رقم واتساب" if s.phones else "ذكر واتساب")
    if s.telegram:
        reasons.append("ذكر تيليجرام")
    if s.phones and not s.whatsapp:
        reasons.append(count_phrase(s.phones, "phone"))
    if s.link_in_name:
        reasons.append("رابط أو رقم في اسم الكاتب")
    if s.author_url:
        reasons.append("رابط في حقل الموقع")
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
