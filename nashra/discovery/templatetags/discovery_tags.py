"""One tag per place a discovery block appears: base, home, section and story pages."""

from django import template
from django.urls import reverse

from nashra.core import pagecache

from .. import selectors
from ..services import beacon_signature

register = template.Library()


PERIODS = (("day", "اليوم"), ("week", "هذا الأسبوع"))


def most_read_context(request, *, section_path: str = "", section_id="", read=None) -> dict:
    """`read` (window → stories) when the caller has them already."""
    if read is None:
        half_life = selectors.half_life_hours(selectors.discovery_settings(request))
        read = selectors.most_read_by_window(half_life=half_life, section_path=section_path)
    url = reverse("discovery:most_read")
    return {
        "periods": [(window, label, read[window]) for window, label in PERIODS],
        "live_src": f"{url}?section={section_id}" if section_id else url,
    }


@register.inclusion_tag("discovery/live.html", takes_context=True)
def discovery_live(context):
    """The breaking bar (fresh on cached pages through a short-lived fragment) and the script."""
    return {"items": selectors.breaking_now()}


@register.inclusion_tag("discovery/article_aside.html", takes_context=True)
def article_discovery(context, page):
    request = context.get("request")
    aside = selectors.article_aside(
        article=page, half_life=selectors.half_life_hours(selectors.discovery_settings(request)))
    return {
        "request": request,
        "related": aside.related,
        "picks": aside.picks,
        "picks_src": reverse("discovery:picks"),
        "beacon": reverse("discovery:beacon", args=[page.pk, beacon_signature(page.pk)]),
        **most_read_context(request, read=aside.most_read),
    }


@register.inclusion_tag("discovery/home_front.html", takes_context=True)
def home_front(context, latest):
    request = context.get("request")
    chosen = selectors.discovery_settings(request)
    lead = selectors.lead_story(chosen=chosen, latest=latest)
    rest = [a for a in latest if lead is None or a.pk != lead.pk][:4]
    picks, picks_change = selectors.picks_and_next_change(placement="home")
    # A cached home page ends when the lead's time runs out or a pick starts or ends.
    if chosen is not None and lead is not None and lead.pk == chosen.lead_story_id:
        pagecache.valid_until(request, chosen.lead_until)
    pagecache.valid_until(request, picks_change)
    return {
        "request": request,
        "lead": lead,
        "latest": rest,
        "picks": picks,
        **most_read_context(request),
    }


@register.inclusion_tag("discovery/section_most_read.html", takes_context=True)
def section_most_read(context, section):
    request = context.get("request")
    return {"request": request,
            **most_read_context(request, section_path=section.path, section_id=section.pk)}
