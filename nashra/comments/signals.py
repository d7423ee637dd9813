"""The admin's hook for a story's comment switch, and the thread's subscriber.

A comment published, unpublished, spammed, trashed, restored or erased (services) or the
switch closed or reopened here is announced as `thread_changed` (nashra.core.changes); the
story's own page is purged by the news subscribers, and its rendered thread, kept under a
version of its own (nashra.core.fragments), is renewed here.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from nashra.core import changes, fragments
from nashra.core.changes import THREAD_CHANGED

from .models import ArticleComments


def thread_version_name(page_id: int) -> str:
    """The version its rendered thread is kept under (nashra.core.fragments)."""
    return f"comments:{page_id}"


@changes.subscribe(THREAD_CHANGED)
def rendered_thread(change):
    fragments.version_changed(thread_version_name(change.page_id))


@receiver(post_save, sender=ArticleComments)
@receiver(post_delete, sender=ArticleComments)
def _switch_changed(sender, instance, **kwargs):
    """An editor closed or reopened one story's comments: its page shows it at once."""
    changes.thread_changed(story=instance.page, reason="switch")
