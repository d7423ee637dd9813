"""The admin's hooks for live stories: Wagtail sends a page's signals with its own class as
sender, so news.events (which listens for ArticlePage) does not hear a live story's publish.
Told here as the same change events; a move, a privacy change and a delete reach news.events
already (it checks isinstance, and Django's delete signals name the story's own row too)."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from nashra.core import changes

from .models import LiveStoryPage


@receiver(page_published, sender=LiveStoryPage)
def _live_story_published(sender, instance, **kwargs):
    changes.story_changed(story=instance, reason="publish")


@receiver(page_unpublished, sender=LiveStoryPage)
def _live_story_unpublished(sender, instance, **kwargs):
    changes.story_gone(story=instance, reason="unpublish")
