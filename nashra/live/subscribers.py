"""What a change touches among live stories (nashra.core.changes has the events).

- `live_changed` (an entry posted, corrected, deleted, pinned; the coverage ended): the live
  page itself and its entries feed are refreshed in nashra's cache and the front caches (the
  one publish path's `urls_purge`, refreshed in place, at most once a second), and the poll
  endpoint's kept head is dropped, so every open page hears of it on its next poll. Nothing
  else shows entries: the home page, sections and site feeds are left alone.
- a story published, edited, unpublished or deleted: if it is a live story, the «مباشر» badge
  list and its poll head are dropped (a start, an end or a privacy change shows on cards).
"""

from django.db import transaction
from django.urls import reverse

from nashra.core import changes, pagecache
from nashra.core.changes import LIVE_CHANGED, STORY_CHANGED, STORY_GONE
from nashra.news import purge

from . import selectors

# An entry a second at the peak must not cost a render each at every front cache.
REFRESH_EVERY_SECONDS = 1.0


def feed_paths(story_id: int) -> list[str]:
    return [reverse("live:feed_rss", args=[story_id]), reverse("live:feed_atom", args=[story_id])]


def _forget_head(story_id: int) -> None:
    selectors.head_forget(story_id=story_id)
    # Again once the change is visible: a poll between the two read the old rows.
    transaction.on_commit(lambda: selectors.head_forget(story_id=story_id))


@changes.subscribe(LIVE_CHANGED)
def live_page(change):
    story = change.page
    _forget_head(story.pk)
    own = purge.page_path(story)
    pagecache.urls_purge([own, *feed_paths(story.pk)] if own else feed_paths(story.pk),
                         root_url=purge.site_root_url(story), drop=False,
                         refresh_every=REFRESH_EVERY_SECONDS)


@changes.subscribe(STORY_CHANGED, STORY_GONE)
def live_badge(change):
    page = change.page
    if page is None or getattr(page, "content_type_id", None) != selectors.live_type_id():
        return
    selectors.live_now_forget()
    transaction.on_commit(selectors.live_now_forget)
    _forget_head(page.pk)
