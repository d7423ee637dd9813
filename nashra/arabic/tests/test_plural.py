"""Counted nouns: the six Arabic plural categories, as a table of cases."""

import pytest

from nashra.arabic.plural import NOUNS, Noun, count_phrase, plural_category


@pytest.mark.parametrize(
    ("n", "category"),
    [
        (0, "zero"),
        (1, "one"),
        (2, "two"),
        (3, "few"),
        (10, "few"),
        (11, "many"),
        (99, "many"),
        # the hundreds start again: 100–102 are "other", 103 "few", 111 "many"
        (100, "other"),
        (101, "other"),
        (102, "other"),
        (103, "few"),
        (111, "many"),
        (1000, "other"),
        (1002, "other"),
        (1010, "few"),
    ],
)
def test_plural_category_follows_cldr(n, category):
    assert plural_category(n) == category


@pytest.mark.parametrize(
    ("n", "noun", "expected"),
    [
        (0, "result", "لا نتائج"),
        # one and two are said without a digit
        (1, "result", "نتيجة واحدة"),
        (2, "result", "نتيجتان"),
        # 3–10: the broken plural
        (3, "result", "٣ نتائج"),
        (10, "result", "١٠ نتائج"),
        # 11–99: the singular (tamyeez)
        (11, "result", "١١ نتيجة"),
        (100, "result", "١٠٠ نتيجة"),
        (1, "comment", "تعليق واحد"),
        (2, "comment", "تعليقان"),
        (5, "comment", "٥ تعليقات"),
        # accusative after 11–99, genitive after the hundreds
        (11, "comment", "١١ تعليقًا"),
        (100, "comment", "١٠٠ تعليق"),
        (105, "comment", "١٠٥ تعليقات"),
        (2, "line", "سطران"),
        (7, "line", "٧ أسطر"),
        (48, "read", "٤٨ قراءة"),
    ],
)
def test_count_phrase(n, noun, expected):
    assert count_phrase(n, noun) == expected


def test_western_digits_when_the_site_asks():
    assert count_phrase(11, "result", arabic_digits=False) == "11 نتيجة"
    assert count_phrase(3, NOUNS["comment"], arabic_digits=False) == "3 تعليقات"


def test_a_noun_without_a_zero_form_counts_zero_as_other():
    assert count_phrase(0, Noun("ملف واحد", "ملفان", "ملفات", "ملفًا", "ملف")) == "٠ ملف"


def test_number_formats_the_figure():
    assert count_phrase(12500, "read", number=lambda n: f"{n:,}") == "12,500 قراءة"


def test_every_noun_has_all_its_forms():
    for name, noun in NOUNS.items():
        for category in ("one", "two", "few", "many", "other"):
            assert noun.form(category), (name, category)
