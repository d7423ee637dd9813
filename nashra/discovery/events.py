"""The admin's hooks for discovery's snippets, told as change events (nashra.core.changes).

Picks and the lead story show on the home page; a related curation on its story; the breaking
bar, pick items and pins beside every story (kept between renders, nashra.core.fragments).
An edit in the admin saves the list or curation as well as its items, which purges the page.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from nashra.core import changes
from nashra.news.models import ArticlePage, HomePage

from .models import (
    BreakingNews,
    PickItem,
    PicksList,
    RelatedCuration,
    RelatedExclusion,
    RelatedPin,
)


@receiver(post_save, sender=PicksList)
@receiver(post_delete, sender=PicksList)
def _picks_changed(sender, **kwargs):
    changes.curation_changed(page=HomePage.objects.first(), reason="picks")


@receiver(post_save, sender=RelatedCuration)
@receiver(post_delete, sender=RelatedCuration)
def _curation_changed(sender, instance, **kwargs):
    story = ArticlePage.objects.filter(pk=instance.article_id).first()
    changes.curation_changed(page=story, reason="related")


@receiver(post_save, sender=BreakingNews)
@receiver(post_delete, sender=BreakingNews)
def _breaking_changed(sender, **kwargs):
    changes.curation_changed(reason="breaking")


@receiver(post_save, sender=PickItem)
@receiver(post_delete, sender=PickItem)
@receiver(post_save, sender=RelatedPin)
@receiver(post_delete, sender=RelatedPin)
@receiver(post_save, sender=RelatedExclusion)
@receiver(post_delete, sender=RelatedExclusion)
def _curated_item_changed(sender, **kwargs):
    changes.curation_changed(reason=f"item:{sender._meta.model_name}")
