"""Digit shapes: readers' Arabic-Indic or Persian digits in, the site's choice out."""

from .charsets import ARABIC_INDIC_DIGITS, PERSIAN_DIGITS, WESTERN_DIGITS

_TO_WESTERN = str.maketrans(ARABIC_INDIC_DIGITS + PERSIAN_DIGITS, WESTERN_DIGITS * 2)
_TO_ARABIC_INDIC = str.maketrans(WESTERN_DIGITS, ARABIC_INDIC_DIGITS)


def to_western_digits(text: str) -> str:
    """٠-٩ and ۰-۹ become 0-9."""
    return text.translate(_TO_WESTERN)


def to_arabic_indic_digits(text: str) -> str:
    """0-9 become ٠-٩ (for display only; never store or compare this form)."""
    return text.translate(_TO_ARABIC_INDIC)
