"""Publish-time work: profile a story and compute its related list; forget unpublished ones."""

import logging

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from nashra.news.models import ArticlePage

from . import related

logger = logging.getLogger("nashra.discovery")


@receiver(page_published, sender=ArticlePage)
def _story_published(sender, instance, **kwargs):
    try:
        related.profile_update(story=related.story_text(instance))
    except Exception:  # related news must never stop a story going out; a rebuild mends it
        logger.exception("related news failed for story %s", instance.pk)


@receiver(page_unpublished, sender=ArticlePage)
@receiver(post_delete, sender=ArticlePage)
def _story_gone(sender, instance, **kwargs):
    related.profile_delete(article_id=instance.pk)
