"""What a change touches in feeds and sitemaps (nashra.core.changes has the events).

Cached feed and sitemap bodies are keyed by generations (cache.py): a story's change renews
the feeds and the one child sitemap that lists it; a change of the tree or the settings renews
them all. The feeds and sitemaps a story is listed in are purged from the front caches with
its pages (distribution.purge is registered as a page finder). The headless API's renditions
of a story's images and an author's photo are made here too, by a task.
"""

from django_tasks import task

from nashra.core import changes, pagecache
from nashra.core.changes import (
    AUTHOR_CHANGED,
    SETTINGS_CHANGED,
    STORY_CHANGED,
    STORY_GONE,
    TREE_CHANGED,
)
from nashra.core.models import NashraImage
from nashra.core.tasks import later
from nashra.news import purge as news_purge
from nashra.news.models import ArticlePage, Author, HomePage

from . import cache, purge, selectors

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


# --- the API's renditions, made where an editor's change is, never on an API request -------

@changes.subscribe(STORY_CHANGED)
def story_renditions(change):
    # The hero's (SHARE_RENDITION and CARD_RENDITION among them) come from news at publish.
    if change.page is not None and change.page.shown_image_ids() - {change.page.hero_image_id}:
        later(api_renditions_make, story_id=change.page_id)


@changes.subscribe(AUTHOR_CHANGED)
def author_renditions(change):
    later(api_renditions_make, author_slug=change.slug)


@task()
def api_renditions_make(*, story_id: int | None = None, author_slug: str = "") -> None:
    """The API's card and large JPEGs of a story's body images, or an author's photo."""
    if story_id is not None:
        story = ArticlePage.objects.filter(pk=story_id).first()
        shown = story.shown_image_ids() - {story.hero_image_id} if story is not None else ()
        for image in NashraImage.objects.filter(pk__in=shown).prefetch_related("renditions"):
            image.get_renditions(selectors.CARD_RENDITION, selectors.SHARE_RENDITION)
    if author_slug:
        author = Author.objects.filter(slug=author_slug).select_related("photo").first()
        if author is not None and author.photo is not None:
            author.photo.get_renditions(selectors.AUTHOR_PHOTO_RENDITION)
