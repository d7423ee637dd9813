"""The admin's hooks for what core owns: site settings and images, told as change events."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.images.models import AbstractImage

from . import changes
from .models import SharedSiteSetting


@receiver(post_save)
@receiver(post_delete)
def _settings_or_image_changed(sender, created=False, **kwargs):
    """A settings row made by the first read holds the defaults the pages already showed; a
    new image is on no page yet. An edited image shows in the stories and cards kept beside
    others (a fragment change, not every page's)."""
    if created or not isinstance(sender, type):
        return
    if issubclass(sender, SharedSiteSetting):
        changes.settings_changed(reason=f"settings:{sender._meta.label_lower}")
    elif issubclass(sender, AbstractImage):
        changes.curation_changed(reason="image")
