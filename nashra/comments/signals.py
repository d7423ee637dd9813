"""Signals other apps may listen to (e.g. a full-page cache purging a story's URL)."""

from django.dispatch import Signal

# Sent with `page` (a wagtailcore Page) whenever what readers see under it may have changed:
# a comment published, unpublished, spammed, trashed, restored or erased.
comments_changed = Signal()


def _purge_story_page(sender, page, **kwargs):
    """A story's thread changed: its own page is purged, and nothing else."""
    from nashra.news.services import page_purge

    page_purge(page=page)


comments_changed.connect(_purge_story_page, dispatch_uid="nashra.comments.purge_story_page")
