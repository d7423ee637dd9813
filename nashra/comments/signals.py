"""Signals other apps may listen to (e.g. a full-page cache purging a story's URL)."""

from django.dispatch import Signal

# Sent with `page` (a wagtailcore Page) whenever what readers see under it may have changed:
# a comment published, unpublished, spammed, trashed, restored or erased.
comments_changed = Signal()
