"""Publish-time work: keep the cached section map right, render hero images once, and
purge the full-page and front caches of exactly the pages a change shows on."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from nashra.core import fragments, pagecache
from nashra.core.images import CARD_SPEC, HERO_SPEC, warm_renditions
from nashra.core.models import SiteSettings

from . import purge, services
from .models import ArticlePage, Author, HomePage, SectionPage
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


# --- full-page and front caches: purge exactly what changed (news.purge has the map) --------

@receiver(page_published, sender=ArticlePage)
def _story_published(sender, instance, **kwargs):
    services.story_purge(article=instance)


@receiver(page_unpublished, sender=ArticlePage)
@receiver(post_delete, sender=ArticlePage)
def _story_gone(sender, instance, **kwargs):
    services.story_purge(article=instance, gone=True)


@receiver(post_page_move)
def _page_moved(sender, instance, **kwargs):
    page = instance.specific
    if isinstance(page, ArticlePage):
        services.story_purge(article=page)
    elif isinstance(page, SectionPage):
        old = purge.tree_path(page, kwargs.get("url_path_before", ""))
        services.site_purge(page=page, paths=purge.listing_paths(old) if old else [])


@receiver(page_published, sender=SectionPage)
@receiver(page_unpublished, sender=SectionPage)
@receiver(post_delete, sender=SectionPage)
@receiver(page_published, sender=HomePage)
def _tree_changed(sender, instance, **kwargs):
    services.site_purge(page=instance)


@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
def _author_changed(sender, instance, **kwargs):
    fragments.content_changed()  # bylines kept with stories (article_page.html)
    home = HomePage.objects.first()
    if home is None:
        return
    paths = purge.route_paths(purge.page_path(home) or "/", "author", [instance.slug])
    pagecache.urls_purge(paths, root_url=purge.site_root_url(home))


@receiver(post_save, sender=SiteSettings)
def _site_settings_changed(sender, created=False, **kwargs):
    if not created:  # the first read of the settings makes the row: nothing shown changed
        services.site_purge()


@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def _tag_changed(sender, created=False, **kwargs):
    if not created:  # a renamed tag shows on every story kept with it
        fragments.content_changed()
