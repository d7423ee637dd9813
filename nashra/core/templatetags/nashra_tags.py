"""Presentation helpers: Arabic dates and digits, breadcrumbs, responsive pictures."""

import zoneinfo

from django import template
from django.utils import timezone
from django.utils.html import format_html
from wagtail.images.models import Picture

from nashra.arabic.dates import display_datetime
from nashra.core import images
from nashra.core.models import SiteSettings
from nashra.core.numbers import site_count, site_number
from nashra.core.selectors import breadcrumb_pages

register = template.Library()


def _site_settings(context) -> SiteSettings | None:
    request = context.get("request")
    return SiteSettings.for_request(request) if request is not None else None


@register.simple_tag(takes_context=True)
def ar_datetime(context, value, css_class=""):
    """`<time datetime="ISO">٣٠ نوفمبر ٢٠٢٦ - ٠٧:٥٠</time>` in the site's zone, digits and calendar."""
    if not value:
        return ""
    site = _site_settings(context)
    zone = zoneinfo.ZoneInfo(site.time_zone) if site else timezone.get_current_timezone()
    local = timezone.localtime(value, zone)
    text = display_datetime(
        local,
        with_hijri=bool(site and site.show_hijri),
        arabic_digits=bool(site and site.uses_arabic_digits),
    )
    return format_html(
        '<time datetime="{}"{}>{}</time>',
        local.isoformat(timespec="minutes"),
        format_html(' class="{}"', css_class) if css_class else "",
        text,
    )


def _arabic_digits(context) -> bool:
    site = _site_settings(context)
    return bool(site and site.uses_arabic_digits)


@register.simple_tag(takes_context=True)
def num(context, value):
    """A number in the digits the site asked for."""
    return site_number(value, arabic_digits=_arabic_digits(context))


@register.simple_tag(takes_context=True)
def count(context, value, noun):
    """«نتيجة واحدة», «١١ نتيجة»: `value` things (a noun of nashra.arabic.plural.NOUNS) in
    the site's digits."""
    return site_count(context.get("request"), value, noun)


@register.inclusion_tag("includes/breadcrumb.html", takes_context=True)
def breadcrumb(context, page, extra_title=""):
    """الرئيسية › … › this page. Root (depth 1) is not a reader page."""
    crumbs = breadcrumb_pages(page=page, request=context.get("request"))
    if extra_title:
        return {"crumbs": crumbs, "current": extra_title, "request": context.get("request")}
    return {"crumbs": crumbs[:-1], "current": page.title, "request": context.get("request")}


def _picture(image, spec, sizes, alt, loading, css_class):
    if not image:
        return ""
    renditions = image.get_renditions(*images.expanded_filters(spec))
    attrs = {"sizes": sizes, "alt": alt if alt is not None else image.description,
             "decoding": "async"}
    if loading == "lazy":
        attrs["loading"] = "lazy"
    else:
        attrs["fetchpriority"] = "high"
    if css_class:
        attrs["class"] = css_class
    return Picture(renditions, attrs).__html__()


@register.simple_tag
def hero_picture(image, loading="eager", alt=None, css_class=""):
    return _picture(image, images.HERO_SPEC, images.HERO_SIZES, alt, loading, css_class)


@register.simple_tag
def card_picture(image, loading="lazy", alt="", css_class=""):
    # Cards repeat the headline beside the image, so the image is decorative there.
    return _picture(image, images.CARD_SPEC, images.CARD_SIZES, alt, loading, css_class)


# Player shapes site.css draws (height / width), for Wagtail's embed wrapper: a class in place
# of its inline padding, which the readers' Content-Security-Policy refuses.
EMBED_SHAPES = (("wide", 9 / 16), ("classic", 3 / 4), ("square", 1.0), ("tall", 16 / 9))


@register.filter
def embed_shape(embed) -> str:
    """The shape nearest to an embed's own proportions."""
    ratio = embed.ratio or EMBED_SHAPES[0][1]
    return min(EMBED_SHAPES, key=lambda shape: abs(shape[1] - ratio))[0]


@register.simple_tag(takes_context=True)
def site_name(context) -> str:
    """The publisher's name (admin › الإعدادات › إعدادات الموقع), for the admin's title and
    sign-in page too."""
    site = _site_settings(context)
    return site.site_name if site else ""
