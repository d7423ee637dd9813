"""Arabic dates and digits, and the slug cleaner, as a table of cases."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nashra.arabic.dates import display_datetime, gregorian_date, hijri_date
from nashra.arabic.digits import to_arabic_indic_digits, to_western_digits
from nashra.arabic.normalize import clean_for_slug


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2015, 2, 23), "23 فبراير 2015"),
        (dt.date(2026, 1, 1), "1 يناير 2026"),
        (dt.date(2026, 12, 31), "31 ديسمبر 2026"),
    ],
)
def test_gregorian_date_uses_arabic_month_names(value, expected):
    assert gregorian_date(value) == expected


def test_gregorian_date_with_weekday():
    assert gregorian_date(dt.date(2026, 11, 30), weekday=True) == "الإثنين 30 نوفمبر 2026"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # 1 Ramadan 1446 by Umm al-Qura
        (dt.date(2025, 3, 1), "1 رمضان 1446 هـ"),
        # 1 Muharram 1447
        (dt.date(2025, 6, 26), "1 محرم 1447 هـ"),
        # outside the Umm al-Qura tables: no Hijri rather than a wrong one
        (dt.date(1800, 1, 1), None),
    ],
)
def test_hijri_date(value, expected):
    assert hijri_date(value) == expected


def test_display_datetime_combines_calendars_and_digits():
    stamp = dt.datetime(2025, 3, 1, 7, 50)
    assert display_datetime(stamp) == "1 مارس 2025 - 07:50"
    assert display_datetime(stamp, with_hijri=True) == "1 مارس 2025 - 07:50 | 1 رمضان 1446 هـ"
    assert display_datetime(stamp, arabic_digits=True) == "١ مارس ٢٠٢٥ - ٠٧:٥٠"


@pytest.mark.parametrize(
    ("text", "western"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),  # Arabic-Indic
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),  # Persian (Eastern Arabic-Indic)
        ("عام ٢٠١١", "عام 2011"),  # digits inside words keep the words
    ],
)
def test_to_western_digits(text, western):
    assert to_western_digits(text) == western


@given(st.text())
def test_digit_round_trip(text):
    # Western digits survive a trip through Arabic-Indic and back.
    assert to_western_digits(to_arabic_indic_digits(to_western_digits(text))) == \
        to_western_digits(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مُحَمَّد", "محمد"),  # harakat and shadda
        ("الرحمٰن", "الرحمن"),  # superscript alef
        ("عاجـــل", "عاجل"),  # tatweel
        ("غزة\u200f", "غزة"),  # right-to-left mark
        ("ليبيا\u200b", "ليبيا"),  # zero-width space
    ],
)
def test_clean_for_slug(text, expected):
    assert clean_for_slug(text) == expected


@given(st.text())
def test_clean_for_slug_is_idempotent(text):
    once = clean_for_slug(text)
    assert clean_for_slug(once) == once
