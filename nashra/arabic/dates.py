"""Dates in Arabic words, with the Hijri date (Umm al-Qura) beside the Gregorian."""

import datetime as dt

from hijridate import Gregorian

from .charsets import MONTHS_GREGORIAN, MONTHS_HIJRI, WEEKDAYS
from .digits import to_arabic_indic_digits


def gregorian_date(value: dt.date, *, weekday: bool = False) -> str:
    """`30 نوفمبر 2026`, or `الإثنين 30 نوفمبر 2026`."""
    text = f"{value.day} {MONTHS_GREGORIAN[value.month - 1]} {value.year}"
    return f"{WEEKDAYS[value.weekday()]} {text}" if weekday else text


def hijri_date(value: dt.date) -> str | None:
    """`19 جمادى الآخرة 1448 هـ`; None outside the range the Umm al-Qura tables cover."""
    try:
        hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    except (OverflowError, ValueError):
        return None
    return f"{hijri.day} {MONTHS_HIJRI[hijri.month - 1]} {hijri.year} هـ"


def clock_time(value: dt.time | dt.datetime) -> str:
    """24-hour `07:50`, as newsrooms in the region print it."""
    return f"{value.hour:02d}:{value.minute:02d}"


def display_datetime(
    value: dt.datetime, *, with_hijri: bool = False, arabic_digits: bool = False
) -> str:
    """The full byline stamp: `30 نوفمبر 2026 - 07:50`, Hijri appended when asked."""
    text = f"{gregorian_date(value.date())} - {clock_time(value)}"
    if with_hijri:
        hijri = hijri_date(value.date())
        if hijri:
            text = f"{text} | {hijri}"
    return to_arabic_indic_digits(text) if arabic_digits else text
