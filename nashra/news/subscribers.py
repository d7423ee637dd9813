"""What a change touches among news pages (nashra.core.changes has the events).

- the section map (every listing's card links) on a change of the tree;
- the full-page and front caches of exactly the pages that show a story (news.purge has the
  map, distribution adds its feeds), of a curated page or a story's thread, of the home page
  and a section's listings when the tree or the settings change;
- a published story's hero renditions, made by a task so no reader waits for an encoder;
- the images a published story shows (StoryImage), which the headless API lists.
"""

from django.conf import settings
from django_tasks import task

from nashra.core import changes, pagecache
from nashra.core.changes import (
    AUTHOR_CHANGED,
    CURATION_CHANGED,
    SETTINGS_CHANGED,
    STORY_CHANGED,
    STORY_GONE,
    THREAD_CHANGED,
    TREE_CHANGED,
)
from nashra.core.images import CARD_SPEC, HERO_SPEC, warm_renditions
from nashra.core.tasks import later

from . import purge, services
from .models import ArticlePage, HomePage
from .selectors import sections_changed

changes.pages_showing(purge.story_paths)


@changes.subscribe(TREE_CHANGED)
def section_map(change):
    sections_changed()


@changes.subscribe(STORY_CHANGED)
def story_pages(change):
    services.story_purge(article=change.page)


@changes.subscribe(STORY_CHANGED)
def story_images(change):
    # Before the API's cached answers are renewed (distribution subscribes after news).
    services.story_images_set(article=change.page)


@changes.subscribe(STORY_GONE)
def story_pages_dropped(change):
    services.story_purge(article=change.page, gone=True)


@changes.subscribe(TREE_CHANGED, SETTINGS_CHANGED)
def front_pages(change):
    private = change.reason in ("private", "unpublish", "delete")
    services.site_purge(page=change.page if change.event == TREE_CHANGED else None,
                        paths=change.paths)
    if private and change.page is not None:
        services.page_purge(page=change.page, drop=True)


@changes.subscribe(CURATION_CHANGED)
def curated_page(change):
    if change.page is not None:
        services.page_purge(page=change.page)


@changes.subscribe(THREAD_CHANGED)
def story_thread(change):
    # A busy thread refreshes its story's cached copies every few seconds, not after every
    # comment: each refresh renders the whole thread, and 50 comments a second would keep a
    # worker rendering instead of scoring them. The poster sees their own at once (?comment=).
    if change.page is not None:
        services.page_purge(page=change.page,
                            refresh_every=settings.NASHRA_COMMENT_REFRESH_SECONDS)


@changes.subscribe(AUTHOR_CHANGED)
def author_pages(change):
    home = HomePage.objects.first()
    if home is None:
        return
    paths = purge.route_paths(purge.page_path(home) or "/", "author",
                                        [change.slug])
    pagecache.urls_purge(paths, root_url=purge.site_root_url(home))


@changes.subscribe(STORY_CHANGED)
def hero_renditions(change):
    if change.reason == "publish" and getattr(change.page, "hero_image_id", None):
        later(renditions_make, change.page.pk)


@task()
def renditions_make(story_id: int) -> None:
    """The hero and card renditions of a story (AVIF where Pillow has it, WebP, JPEG)."""
    story = ArticlePage.objects.filter(pk=story_id).select_related("hero_image").first()
    if story is not None and story.hero_image is not None:
        warm_renditions(story.hero_image, HERO_SPEC)
        warm_renditions(story.hero_image, CARD_SPEC)
