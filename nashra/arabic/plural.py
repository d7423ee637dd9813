"""Counted nouns in Arabic: «نتيجة واحدة»، «نتيجتان»، «٣ نتائج»، «١١ نتيجة»، «١٠٠ نتيجة».

Arabic agrees the noun with the number in six ways (the CLDR plural categories for `ar`):
zero (0), one (1), two (2), few (3–10 after the hundreds), many (11–99 after the hundreds)
and other (100, 101, 102, 200, …). One and two are said by the noun alone, without a
digit; few takes the broken plural (نتائج، تعليقات); many takes the singular as a tamyeez in
the accusative (تعليقًا), and other the singular in the genitive (تعليق).

gettext's ngettext reads a `.po` file's plural rule and cannot take a noun that a caller names
at run time, so this is a plain table of forms instead.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .digits import to_arabic_indic_digits

ZERO, ONE, TWO, FEW, MANY, OTHER = "zero", "one", "two", "few", "many", "other"


def plural_category(n: int) -> str:
    """CLDR's plural category of a whole number for Arabic."""
    n = abs(int(n))
    if n == 0:
        return ZERO
    if n == 1:
        return ONE
    if n == 2:
        return TWO
    rest = n % 100
    if 3 <= rest <= 10:
        return FEW
    if 11 <= rest <= 99:
        return MANY
    return OTHER


@dataclass(frozen=True)
class Noun:
    """The forms of one counted noun. `one` and `two` are whole phrases (نتيجة واحدة،
    نتيجتان); `few`, `many` and `other` follow the number (٣ نتائج، ١١ تعليقًا، ١٠٠ تعليق).
    `other` defaults to `many` (nouns whose tamyeez is written without tanween: نتيجة);
    `zero` is a whole phrase (لا نتائج) and defaults to the number and `other`."""

    one: str
    two: str
    few: str
    many: str
    other: str = ""
    zero: str = ""

    def form(self, category: str) -> str:
        if category in (ZERO, OTHER):
            return self.other or self.many
        return getattr(self, category)


# The nouns the site counts, named so that templates and messages share one spelling.
NOUNS: dict[str, Noun] = {
    "result": Noun("نتيجة واحدة", "نتيجتان", "نتائج", "نتيجة", zero="لا نتائج"),
    "comment": Noun("تعليق واحد", "تعليقان", "تعليقات", "تعليقًا", "تعليق",
                    zero="لا تعليقات"),
    "read": Noun("قراءة واحدة", "قراءتان", "قراءات", "قراءة", zero="لا قراءات"),
    "story": Noun("خبر واحد", "خبران", "أخبار", "خبرًا", "خبر", zero="لا أخبار"),
    "line": Noun("سطر واحد", "سطران", "أسطر", "سطرًا", "سطر"),
    "day": Noun("يوم واحد", "يومان", "أيام", "يومًا", "يوم"),
    "minute": Noun("دقيقة واحدة", "دقيقتان", "دقائق", "دقيقة"),
    "hour": Noun("ساعة واحدة", "ساعتان", "ساعات", "ساعة"),
    "link": Noun("رابط", "رابطان", "روابط", "رابطًا", "رابط"),
    "email": Noun("بريد إلكتروني في النص", "عنوانا بريد في النص", "عناوين بريد في النص",
                  "عنوان بريد في النص"),
    "phone": Noun("رقم هاتف", "رقما هاتف", "أرقام هواتف", "رقم هاتف"),
    "page": Noun("صفحة واحدة", "صفحتان", "صفحات", "صفحة"),
    "file": Noun("ملف واحد", "ملفان", "ملفات", "ملفًا", "ملف"),
}


def _number(n: int, arabic_digits: bool) -> str:
    text = str(n)
    return to_arabic_indic_digits(text) if arabic_digits else text


def count_phrase(n: int, noun: Noun | str, *, arabic_digits: bool = True,
                 number: Callable[[int], str] | None = None) -> str:
    """`n` things in words: count_phrase(11, "result") → «١١ نتيجة».

    `noun` is a Noun or a name in NOUNS. Digits are Arabic-Indic unless `arabic_digits` is
    False (the site's digit setting); `number` formats the figure itself when given
    (thousands separators).
    """
    forms = NOUNS[noun] if isinstance(noun, str) else noun
    category = plural_category(n)
    if category == ZERO and forms.zero:
        return forms.zero
    if category in (ONE, TWO):
        return forms.form(category)
    figure = number(n) if number is not None else _number(n, arabic_digits)
    return f"{figure} {forms.form(category)}"
