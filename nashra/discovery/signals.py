"""Publish-time work: profile a story and compute its related list; forget unpublished ones."""

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from nashra.core import fragments
from nashra.news.models import ArticlePage, HomePage
from nashra.news.services import page_purge

from . import related
from .models import (
    BreakingNews,
    DiscoverySettings,
    PickItem,
    PicksList,
    RelatedCuration,
    RelatedExclusion,
    RelatedPin,
)

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


# --- full-page and front caches ----------------------------------------------------------------

@receiver(post_save, sender=PicksList)
@receiver(post_delete, sender=PicksList)
@receiver(post_save, sender=DiscoverySettings)
def _home_front_changed(sender, created=False, **kwargs):
    """Picks and the lead story show on the home page (beside stories they come from a
    fragment, see discovery/live/picks/)."""
    home = HomePage.objects.first()
    if home is None or (created and sender is DiscoverySettings):
        return
    fragments.content_changed()
    page_purge(page=home)


@receiver(post_save, sender=RelatedCuration)
@receiver(post_delete, sender=RelatedCuration)
def _curation_changed(sender, instance, **kwargs):
    fragments.content_changed()
    story = ArticlePage.objects.filter(pk=instance.article_id).first()
    if story is not None:
        page_purge(page=story)


@receiver(post_save, sender=BreakingNews)
@receiver(post_delete, sender=BreakingNews)
@receiver(post_save, sender=PickItem)
@receiver(post_delete, sender=PickItem)
@receiver(post_save, sender=RelatedPin)
@receiver(post_delete, sender=RelatedPin)
@receiver(post_save, sender=RelatedExclusion)
@receiver(post_delete, sender=RelatedExclusion)
def _shown_everywhere_changed(sender, **kwargs):
    """The breaking bar on every page, picks and related lists beside stories: remembered
    between renders (nashra.core.fragments). An edit in the admin also saves the list or
    curation above, which purges the pages."""
    fragments.content_changed()
