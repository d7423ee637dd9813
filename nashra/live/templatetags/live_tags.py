import zoneinfo

from django import template
from django.utils import timezone
from django.utils.html import format_html

from nashra.arabic.dates import clock_time, gregorian_date
from nashra.arabic.digits import to_arabic_indic_digits
from nashra.core.models import SiteSettings

from .. import selectors

register = template.Library()


def _site(context):
    request = context.get("request")
    return SiteSettings.for_request(request) if request is not None else None


def _digits(site, text: str) -> str:
    return to_arabic_indic_digits(text) if site and site.uses_arabic_digits else text


@register.simple_tag(takes_context=True)
def live_badge(context, article):
    """«مباشر» on the card of a story covered live now; nothing (and no query) otherwise."""
    if not selectors.is_live_now(article):
        return ""
    return format_html('<span class="live-badge">{}</span> ', "مباشر")


@register.simple_tag(takes_context=True)
def entry_time(context, value, css_class=""):
    """`<time datetime="ISO">07:50</time>` in the site's zone and digits; the day as well
    when it is not today's."""
    if not value:
        return ""
    site = _site(context)
    zone = zoneinfo.ZoneInfo(site.time_zone) if site else timezone.get_current_timezone()
    local = timezone.localtime(value, zone)
    text = clock_time(local)
    if local.date() != timezone.localtime(timezone.now(), zone).date():
        text = f"{gregorian_date(local.date())} - {text}"
    return format_html('<time datetime="{}"{}>{}</time>', local.isoformat(timespec="minutes"),
                       format_html(' class="{}"', css_class) if css_class else "",
                       _digits(site, text))


@register.simple_tag(takes_context=True)
def site_digits(context):
    site = _site(context)
    return "arabic" if site and site.uses_arabic_digits else "latin"


@register.filter
def entry_headline(entry):
    return selectors.entry_headline(entry)
