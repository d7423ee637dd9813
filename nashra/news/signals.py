"""Publish-time work: keep the cached section map right and render hero images once."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from nashra.core.images import CARD_SPEC, HERO_SPEC, warm_renditions

from .models import ArticlePage, SectionPage
from .selectors import sections_changed


@receiver(page_published, sender=SectionPage)
@receiver(page_unpublished, sender=SectionPage)
@receiver(page_slug_changed, sender=SectionPage)
@receiver(post_delete, sender=SectionPage)
@receiver(post_page_move)
def _section_tree_changed(sender, **kwargs):
    sections_changed()


@receiver(page_published, sender=ArticlePage)
def _warm_article_images(sender, instance, **kwargs):
    if instance.hero_image_id:
        image = instance.hero_image
        warm_renditions(image, HERO_SPEC)
        warm_renditions(image, CARD_SPEC)
