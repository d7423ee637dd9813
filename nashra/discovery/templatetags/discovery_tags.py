"""One tag per place a discovery block appears: base, home, section and story pages."""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse

from nashra.core import fragments, pagecache

from .. import selectors
from ..services import beacon_token

register = template.Library()


PERIODS = (("day", "اليوم"), ("week", "هذا الأسبوع"))


def most_read_context(request, *, section_path: str = "", section_id="", read=None,
                      fallback=()) -> dict:
    """`read` (window → stories) when the caller has them already. Until any read is counted
    the block shows `fallback` (the latest stories, on the home page) or nothing at all."""
    if read is None:
        half_life = selectors.half_life_hours(selectors.discovery_settings(request))
        read = selectors.most_read_by_window(half_life=half_life, section_path=section_path)
    url = reverse("discovery:most_read")
    has_reads = any(read[window] for window, _ in PERIODS)
    return {
        "periods": [(window, label, read[window]) for window, label in PERIODS],
        "has_reads": has_reads,
        "fallback": [] if has_reads else list(fallback),
        "live_src": f"{url}?section={section_id}" if section_id else url,
    }


BREAKING_SECONDS = 30  # as often as the bar refreshes itself in the browser (live.html)


@register.simple_tag(takes_context=True)
def discovery_live(context):
    """The breaking bar (fresh on cached pages through a short-lived fragment) and the script,
    rendered once for every page until an item is saved or ends, or BREAKING_SECONDS pass (an
    item scheduled to start)."""
    request = context.get("request")

    def bar():
        items = selectors.breaking_now()
        html = render_to_string("discovery/live.html", {"items": items}, request)
        return fragments.Expiring(html, min((i.expires_at for i in items), default=None))

    return fragments.remember(request, ("breaking-bar",), bar, seconds=BREAKING_SECONDS)


@register.inclusion_tag("discovery/article_aside.html", takes_context=True)
def article_discovery(context, page):
    """Related news, most read and picks beside a story. The blocks are rendered HTML kept
    between renders under the story ids they show (nashra.core.fragments): related cards per
    list, most read and picks once for every story."""
    request = context.get("request")
    half_life = selectors.half_life_hours(selectors.discovery_settings(request))
    related, lists, read = selectors.aside_ids(request=request, article=page,
                                               half_life=half_life)
    picks_key = tuple((lst.pk, lst.name, tuple(i.story_id for i in lst.live_items))
                      for lst in lists)
    read_key = tuple((window, tuple(ids)) for window, ids in read.items())

    def related_html():
        cards = selectors.aside_cards(related=related, lists=[], read={})
        return render_to_string("discovery/aside_related.html",
                                {"related": cards.related}, request)

    def shared_html():
        cards = selectors.aside_cards(related=[], lists=lists, read=read)
        return render_to_string("discovery/aside_shared.html", {
            "picks": cards.picks, "picks_src": reverse("discovery:picks"),
            **most_read_context(request, read=cards.most_read)}, request)

    return {
        "related_html": fragments.remember(request, ("aside-related", tuple(related)),
                                           related_html),
        "shared_html": fragments.remember(request, ("aside-shared", picks_key, read_key),
                                          shared_html),
        # The render's hour is in the token: a page from a cache carries the hour it was made.
        "beacon": reverse("discovery:beacon", args=[page.pk, *beacon_token(page.pk)]),
    }


SECONDARY = 3  # stories under the lead, with their pictures
RAIL = 6  # headlines in the latest rail
SECTION_STORIES = 4  # per section band: one with its picture, the rest as headlines


@register.inclusion_tag("discovery/home_front.html", takes_context=True)
def home_front(context, latest, section_blocks=()):
    """The front page from the lead down. No story shows twice on the first screens: the
    latest rail and the section bands leave out what the lead block already shows."""
    request = context.get("request")
    chosen = selectors.discovery_settings(request)
    lead = selectors.lead_story(chosen=chosen, latest=latest)
    rest = [a for a in latest if lead is None or a.pk != lead.pk]
    secondary, rail = rest[:SECONDARY], rest[SECONDARY:SECONDARY + RAIL]
    on_top = {a.pk for a in (lead, *secondary, *rail) if a is not None}
    sections = []
    for block in section_blocks:
        stories = [a for a in block.articles if a.pk not in on_top][:SECTION_STORIES]
        if stories:
            sections.append({"section": block.section, "first": stories[0],
                             "more": stories[1:]})
    picks, picks_change = selectors.picks_and_next_change(placement="home")
    # A cached home page ends when the lead's time runs out or a pick starts or ends.
    if chosen is not None and lead is not None and lead.pk == chosen.lead_story_id:
        pagecache.valid_until(request, chosen.lead_until)
    pagecache.valid_until(request, picks_change)
    return {
        "request": request,
        "top_story": lead,
        "secondary": secondary,
        "latest": rail,
        "sections": sections,
        "picks": picks,
        **most_read_context(request, fallback=latest[:5]),
    }


@register.inclusion_tag("discovery/section_most_read.html", takes_context=True)
def section_most_read(context, section):
    request = context.get("request")
    return {"request": request,
            **most_read_context(request, section_path=section.path, section_id=section.pk)}
