"""Numbers as the site shows them: its digit setting (admin › الإعدادات › إعدادات الموقع),
thousands grouped, and counted nouns in Arabic agreement (nashra.arabic.plural)."""

from nashra.arabic.digits import to_arabic_indic_digits
from nashra.arabic.plural import Noun, count_phrase

ARABIC_THOUSANDS_SEPARATOR = "\u066c"  # ٬


def site_number(value, *, arabic_digits: bool) -> str:
    """A whole number grouped by thousands (12,500 or ١٢٬٥٠٠), in the site's digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:,}"
        if arabic_digits:
            return to_arabic_indic_digits(text).replace(",", ARABIC_THOUSANDS_SEPARATOR)
        return text
    return to_arabic_indic_digits(str(value)) if arabic_digits else str(value)


def uses_arabic_digits(request) -> bool:
    """The digit setting of the site serving `request` (the default site without one)."""
    from wagtail.models import Site

    from .models import SiteSettings

    if request is not None:
        return SiteSettings.for_request(request).uses_arabic_digits
    site = Site.objects.filter(is_default_site=True).first()
    return bool(site and SiteSettings.for_site(site).uses_arabic_digits)


def site_count(request, n: int, noun: Noun | str) -> str:
    """«نتيجة واحدة», «١١ نتيجة»: `n` things in the digits of the site serving `request`."""
    arabic = uses_arabic_digits(request)
    return count_phrase(int(n), noun, number=lambda v: site_number(v, arabic_digits=arabic))
