"""What a change touches in feeds and sitemaps (nashra.core.changes has the events).

Cached feed and sitemap bodies are keyed by generations (cache.py): a story's change renews
the feeds and the one child sitemap that lists it; a change of the tree or the settings renews
them all. The feeds and sitemaps a story is listed in are purged from the front caches with
its pages (distribution.purge is registered as a page finder).
"""

from nashra.core import changes, pagecache
from nashra.core.changes import (
    AUTHOR_CHANGED,
    SETTINGS_CHANGED,
    STORY_CHANGED,
    STORY_GONE,
    TREE_CHANGED,
)
from nashra.news import purge as news_purge
from nashra.news.models import HomePage

from . import cache, purge

changes.pages_showing(purge.story_paths)


@changes.subscribe(STORY_CHANGED, STORY_GONE)
def story_listed(change):
    cache.content_changed(page_id=change.page_id)


@changes.subscribe(TREE_CHANGED, SETTINGS_CHANGED)
def everything_listed(change):
    cache.tree_changed()


@changes.subscribe(AUTHOR_CHANGED)
def author_feeds(change):
    cache.content_changed()
    home = HomePage.objects.first()
    if home is not None:
        pagecache.urls_purge(purge.author_paths(slug=change.slug),
                             root_url=news_purge.site_root_url(home))
