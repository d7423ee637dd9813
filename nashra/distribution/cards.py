"""Share cards: a 1200×630 picture with the site's name and a headline, for pages without one.

A story without a hero image would otherwise show no picture when shared. The card is drawn
with Pillow from the site's own font files (nashra/static/nashra/fonts, Noto Kufi Arabic,
OFL), so the same headline gives the same picture on every machine. Arabic is shaped by
Pillow's libraqm layout (HarfBuzz and FriBidi), which Pillow's wheels carry.

The web fonts are subset: the Arabic file has no Latin letters, digits 0-9 or ASCII
punctuation, the Latin file no Arabic. Each word is therefore cut into pieces by the file
that holds its letters; a line's words are placed from the right, and a run of Latin words
(a name, a figure) keeps its own left-to-right order, as the Unicode bidi algorithm places
words of a right-to-left paragraph. Brackets beside Arabic are mirrored.

Cards are addressed by a hash of what they show (`/cards/<hash>.png`): a new headline is a
new address, so social networks, front caches and browsers may keep a card for ever.
"""

import functools
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
CARD_VERSION = "1"  # bump when the drawing changes: every card gets a new address
FONT_DIR = Path(settings.PACKAGE_DIR) / "static" / "nashra" / "fonts"
FONT_FILES = {
    # (script, weight) → file; the Kufi face, as the site's headlines use it
    ("arabic", 700): "noto-kufi-arabic-arabic-700-normal.woff2",
    ("latin", 700): "noto-kufi-arabic-latin-700-normal.woff2",
    ("arabic", 400): "noto-kufi-arabic-arabic-400-normal.woff2",
    ("latin", 400): "noto-kufi-arabic-latin-400-normal.woff2",
}
HEADLINE_SIZE, HEADLINE_LINES, HEADLINE_LEADING = 64, 4, 1.55
NAME_SIZE = 40
MARGIN = 80
MIRRORED = str.maketrans("()[]{}«»<>", ")(][}{»«><")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN = re.compile(r"[A-Za-z0-9\u00C0-\u024F]")


@dataclass(frozen=True)
class Card:
    site_name: str
    headline: str
    colour: str = "#8a1538"

    @property
    def key(self) -> str:
        text = "\x1f".join((CARD_VERSION, self.site_name, self.headline, self.colour))
        return hashlib.sha256(text.encode()).hexdigest()[:24]


@functools.cache
def _font(script: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[(script, weight)]), size,
                              layout_engine=ImageFont.Layout.RAQM)


@functools.cache
def _arabic_has(char: str, weight: int) -> bool:
    """Whether the Arabic subset holds `char` (its glyph differs from the missing-glyph box)."""
    font = _font("arabic", weight, 24)
    return bytes(font.getmask(char)) != bytes(font.getmask("\U0010fffd"))


def _pieces(word: str, weight: int) -> list[tuple[str, str]]:
    """`word` cut into (script, text) pieces by the font file that draws them."""
    pieces: list[tuple[str, str]] = []
    for char in word:
        script = "arabic" if _arabic_has(char, weight) else "latin"
        if pieces and pieces[-1][0] == script:
            pieces[-1] = (script, pieces[-1][1] + char)
        else:
            pieces.append((script, char))
    return pieces


def _is_ltr(word: str) -> bool:
    return bool(_LATIN.search(word)) and not _ARABIC_LETTER.search(word)


def _draw_pieces(word: str, weight: int, size: int, rtl: bool):
    """[(font, text, direction, width)] of one word, in visual order from the left."""
    out = []
    for script, text in _pieces(word, weight):
        font = _font(script, weight, size)
        if rtl and script == "latin":
            text = text.translate(MIRRORED)
        direction = "rtl" if script == "arabic" else "ltr"
        out.append((font, text, direction, font.getlength(text, direction=direction)))
    return list(reversed(out)) if rtl else out


def _word_width(word: str, weight: int, size: int) -> float:
    return sum(p[3] for p in _draw_pieces(word, weight, size, not _is_ltr(word)))


def _space(weight: int, size: int) -> float:
    return _font("latin", weight, size).getlength(" ")


def wrap(text: str, *, width: float, weight: int, size: int, lines: int) -> list[list[str]]:
    """Words of `text` in at most `lines` lines no wider than `width`; the last one ends
    with «…» when the text is longer."""
    words = unicodedata.normalize("NFC", " ".join(text.split())).split(" ")
    space = _space(weight, size)
    out: list[list[str]] = [[]]
    used = 0.0
    for word in words:
        w = _word_width(word, weight, size)
        if out[-1] and used + space + w > width:
            if len(out) == lines:
                while out[-1] and used + space + _word_width("…", weight, size) > width:
                    used -= space + _word_width(out[-1].pop(), weight, size)
                out[-1].append("…")
                return out
            out.append([])
            used = 0.0
        used += (space if out[-1] else 0) + w
        out[-1].append(word)
    return out


def _runs(words: list[str]) -> list[tuple[bool, list[str]]]:
    """Consecutive left-to-right words held together, in logical order."""
    runs: list[tuple[bool, list[str]]] = []
    for word in words:
        ltr = _is_ltr(word)
        if runs and ltr and runs[-1][0]:
            runs[-1][1].append(word)
        else:
            runs.append((ltr, [word]))
    return runs


def draw_line(draw: ImageDraw.ImageDraw, words: list[str], *, right: float, top: float,
              weight: int, size: int, fill) -> None:
    """One right-to-left line ending at `right`: runs from the right, words of a Latin run
    from its left."""
    space = _space(weight, size)
    x = right
    for ltr, run in _runs(words):
        widths = [_word_width(w, weight, size) for w in run]
        run_width = sum(widths) + space * (len(run) - 1)
        left = x - run_width
        cursor = left  # a Latin run's words from its left; an Arabic run is one word
        for word in run:
            for font, text, direction, w in _draw_pieces(word, weight, size, not ltr):
                draw.text((cursor, top), text, font=font, fill=fill, direction=direction,
                          language="ar" if direction == "rtl" else "en")
                cursor += w
            cursor += space
        x = left - space


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour if re.fullmatch(r"#[0-9a-fA-F]{6}", colour or "") else "#8a1538"
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def render(card: Card) -> bytes:
    """The card as PNG bytes: the brand colour, the site's name above, the headline below."""
    background = _rgb(card.colour)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    right = WIDTH - MARGIN
    inner = WIDTH - 2 * MARGIN
    name = wrap(card.site_name, width=inner, weight=400, size=NAME_SIZE, lines=1)[0]
    draw_line(draw, name, right=right, top=MARGIN - 20, weight=400, size=NAME_SIZE,
              fill=(255, 255, 255))
    draw.rectangle((right - 120, MARGIN + 60, right, MARGIN + 66), fill=(255, 255, 255))
    lines = wrap(card.headline, width=inner, weight=700, size=HEADLINE_SIZE,
                 lines=HEADLINE_LINES)
    step = HEADLINE_SIZE * HEADLINE_LEADING
    top = MARGIN + 110 + max(0, (HEADLINE_LINES - len(lines))) * step / 2
    for words in lines:
        draw_line(draw, words, right=right, top=top, weight=700, size=HEADLINE_SIZE,
                  fill=(255, 255, 255))
        top += step
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
