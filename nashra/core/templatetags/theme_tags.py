from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from ..theme import DEFAULT_BRAND

register = template.Library()


@register.simple_tag
def brand_stylesheet(site) -> str:
    """The brand colour's stylesheet (nashra.core.theme), or nothing for the default colour."""
    colour = (getattr(site, "brand_colour", "") or "").lstrip("#").lower()
    if len(colour) != 6 or colour == DEFAULT_BRAND:
        return ""
    try:
        url = reverse("theme", args=[colour])
    except NoReverseMatch:  # not #RRGGBB after all (a row written around the form's check)
        return ""
    return format_html('<link rel="stylesheet" href="{}">', url)
