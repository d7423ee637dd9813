"""Head tags and the share row: one tag each, so shared templates change by one line."""

from urllib.parse import quote

from django import template

from .. import head, links

register = template.Library()


@register.inclusion_tag("distribution/head.html", takes_context=True)
def distribution_head(context):
    """Canonical and short links, feed links, OpenGraph, X card and JSON-LD of this page."""
    return {"head": head.page_head(context)}


@register.inclusion_tag("distribution/share.html", takes_context=True)
def share_links(context, page):
    """WhatsApp, Telegram, X, Facebook and the short link: plain links, no scripts from others."""
    request = context.get("request")
    if request is None:
        return {}
    url = links.page_url(page, request)
    short = links.short_url(request, page.pk)
    text = quote(page.title, safe="")
    target = quote(url, safe="")
    return {
        "short_url": short,
        "networks": [
            ("واتساب", "whatsapp", f"https://wa.me/?text={text}%20{target}"),
            ("تيليغرام", "telegram", f"https://t.me/share/url?url={target}&text={text}"),
            ("إكس", "x", f"https://x.com/intent/post?url={target}&text={text}"),
            ("فيسبوك", "facebook", f"https://www.facebook.com/sharer/sharer.php?u={target}"),
        ],
    }
