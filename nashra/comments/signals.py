"""Signals other apps may listen to (e.g. a full-page cache purging a story's URL)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from nashra.core import fragments

from .models import ArticleComments

# Sent with `page` (a wagtailcore Page) whenever what readers see under it may have changed:
# a comment published, unpublished, spammed, trashed, restored or erased.
comments_changed = Signal()


def thread_version_name(page_id: int) -> str:
    """The version its rendered thread is kept under (nashra.core.fragments)."""
    return f"comments:{page_id}"


def _purge_story_page(sender, page, **kwargs):
    """A story's thread changed: its own page is purged, and nothing else."""
    from nashra.news.services import page_purge

    fragments.version_changed(thread_version_name(page.pk))
    page_purge(page=page)


comments_changed.connect(_purge_story_page, dispatch_uid="nashra.comments.purge_story_page")


@receiver(post_save, sender=ArticleComments)
@receiver(post_delete, sender=ArticleComments)
def _switch_changed(sender, instance, **kwargs):
    """An editor closed or reopened one story's comments: its page shows it at once."""
    comments_changed.send(sender=ArticleComments, page=instance.page)
