"""Reader endpoints of live stories: the poll answer open pages ask every few seconds, and
the entries feed. Both are the same for every reader, so the front caches keep them."""

from __future__ import annotations

import zoneinfo

from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.views.decorators.http import require_GET
from wagtail.models import Site

from nashra.core.inputs import whole_number
from nashra.core.models import SiteSettings
from nashra.core.pages import public

from . import selectors
from .models import LiveStoryPage

# The poll answer is kept this long by browsers and front caches (deploy/nginx keeps
# /live/ answers by their query string): 10,000 readers polling one page cost nashra one
# answer a second for each `after` they are at, and a new entry reaches them within
# POLL_SECONDS (live.js) + POLL_MAX_AGE + a render.
POLL_MAX_AGE = 1
FEED_MAX_AGE = 5
FEED_ITEMS = 50


def _answer(data: dict, *, status: int = 200, max_age: int = POLL_MAX_AGE) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=max_age, s_maxage=max_age)
    return response


@require_GET
def entries(request, story_id: str):
    """`/live/<id>/entries/?after=N`: the entries changed after change number N (new,
    corrected, pinned or deleted), oldest change first, as HTML ready to insert.

    `seq` in the answer is the number to ask after next time: that of the last change
    returned (never the head's alone, which may be ahead of what this database copy shows
    yet). `reload` says the page is too far behind to catch up by polling.
    """
    story_id = whole_number(story_id)
    after = whole_number(request.GET.get("after", ""))
    if after is None:
        return _answer({"error": "المعامل after يجب أن يكون رقماً صحيحاً غير سالب."},
                       status=400)
    head = selectors.head(story_id=story_id) if story_id is not None else None
    if head is None:
        return _answer({"error": "لا توجد تغطية مباشرة بهذا الرقم."}, status=404)
    seq, state = head
    data = {"seq": after, "state": state, "entries": [], "reload": False}
    if after >= seq:
        return _answer(data)  # nothing new: no query at all (the head is kept)
    changed = selectors.entries_changed(story_id=story_id, after=after)
    if len(changed) > selectors.POLL_MAX_ENTRIES:
        data["reload"] = True
        changed = changed[:selectors.POLL_MAX_ENTRIES]
    story = LiveStoryPage.objects.get(pk=story_id)
    context = {"page": story, "request": request}
    for entry in changed:
        data["entries"].append({
            "id": entry.pk,
            "seq": entry.seq,
            "deleted": entry.deleted,
            "pinned": entry.pinned,
            "html": "" if entry.deleted else render_to_string(
                "live/entry.html", {**context, "entry": entry}, request=request),
        })
    if changed:
        data["seq"] = changed[-1].seq
        data["highlights"] = render_to_string(
            "live/highlights.html",
            {**context, "highlights": selectors.highlights(story_id=story_id)}, request=request)
    return _answer(data)


class EntriesFeed(Feed):
    """RSS 2.0 of a live story's entries, newest first."""

    feed_type = Rss201rev2Feed
    language = "ar"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE, s_maxage=FEED_MAX_AGE)
        return response

    def get_object(self, request, story_id: str):
        pk = whole_number(story_id)
        story = (public(LiveStoryPage.objects.live()).filter(pk=pk).first()
                 if pk is not None else None)
        if story is None:
            raise Http404("لا توجد تغطية مباشرة بهذا الرقم")
        site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
        self.zone = zoneinfo.ZoneInfo(SiteSettings.for_site(site).time_zone) if site else None
        self.page_url = story.get_full_url(request) or ""
        return story

    def title(self, story):
        return f"{story.title} — تغطية مباشرة"

    def link(self, story):
        return self.page_url

    def description(self, story):
        return story.standfirst or story.title

    def items(self, story):
        return selectors.entries_shown(story=story)[:FEED_ITEMS]

    def item_title(self, entry):
        return selectors.entry_headline(entry)

    def item_description(self, entry):
        return render_to_string("live/entry_feed.html", {"entry": entry})

    def item_link(self, entry):
        return f"{self.page_url}#{entry.anchor}"

    def item_guid(self, entry):
        return f"{self.page_url}#{entry.anchor}"

    item_guid_is_permalink = True

    def item_pubdate(self, entry):
        return entry.posted_at

    def item_updateddate(self, entry):
        return entry.corrected_at or entry.posted_at

    def item_author_name(self, entry):
        return entry.author.name if entry.author else None


class EntriesAtomFeed(EntriesFeed):
    feed_type = Atom1Feed
    subtitle = EntriesFeed.description


def feed_rss(request, story_id: str):
    return EntriesFeed()(request, story_id=story_id)  # a feed object per request: it keeps state


def feed_atom(request, story_id: str):
    return EntriesAtomFeed()(request, story_id=story_id)
