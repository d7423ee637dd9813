"""One tag per place a discovery block appears: base, home, section and story pages."""

from django import template
from django.urls import reverse

from .. import selectors
from ..services import beacon_signature

register = template.Library()


def most_read_context(request, *, section_path: str = "", section_id="") -> dict:
    half_life = selectors.half_life_hours(selectors.discovery_settings(request))
    url = reverse("discovery:most_read")
    return {
        "periods": [
            (window, label, selectors.most_read(window=window, half_life=half_life,
                                                section_path=section_path))
            for window, label in (("day", "اليوم"), ("week", "هذا الأسبوع"))
        ],
        "live_src": f"{url}?section={section_id}" if section_id else url,
    }


@register.inclusion_tag("discovery/live.html", takes_context=True)
def discovery_live(context):
    """The breaking bar (fresh on cached pages through a short-lived fragment) and the script."""
    return {"items": selectors.breaking_now()}


@register.inclusion_tag("discovery/article_aside.html", takes_context=True)
def article_discovery(context, page):
    request = context.get("request")
    return {
        "request": request,
        "related": selectors.related_articles(article=page),
        "picks": selectors.picks(placement="article"),
        "beacon": reverse("discovery:beacon", args=[page.pk, beacon_signature(page.pk)]),
        **most_read_context(request),
    }


@register.inclusion_tag("discovery/home_front.html", takes_context=True)
def home_front(context, latest):
    request = context.get("request")
    lead = selectors.lead_story(chosen=selectors.discovery_settings(request), latest=latest)
    rest = [a for a in latest if lead is None or a.pk != lead.pk][:4]
    return {
        "request": request,
        "lead": lead,
        "latest": rest,
        "picks": selectors.picks(placement="home"),
        **most_read_context(request),
    }


@register.inclusion_tag("discovery/section_most_read.html", takes_context=True)
def section_most_read(context, section):
    request = context.get("request")
    return {"request": request,
            **most_read_context(request, section_path=section.path, section_id=section.pk)}
