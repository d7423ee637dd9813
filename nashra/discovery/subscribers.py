"""What a change touches in discovery (nashra.core.changes has the events): a published or
edited story's terms and related list, computed by a task; a story gone is forgotten at once
(it must never be offered beside another story again)."""

import logging

from django_tasks import task

from nashra.core import changes
from nashra.core.changes import STORY_CHANGED, STORY_GONE
from nashra.core.tasks import later
from nashra.news.models import ArticlePage

from . import related

logger = logging.getLogger("nashra.discovery")


@changes.subscribe(STORY_CHANGED)
def related_list(change):
    later(related_refresh, change.page_id)


@changes.subscribe(STORY_GONE)
def related_forget(change):
    related.profile_delete(article_id=change.page_id)


@task()
def related_refresh(story_id: int) -> None:
    """Profile a story's terms and compute its related list (skipped if it is no longer
    live: it went away before the worker got to it)."""
    story = ArticlePage.objects.live().filter(pk=story_id).specific().first()
    if story is not None:
        related.profile_update(story=related.story_text(story))
