"""Drop cached feeds and sitemaps when what they list changes (see cache.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from nashra.core import pagecache
from nashra.news import purge as news_purge
from nashra.news.models import ArticlePage, Author, HomePage, SectionPage

from . import cache, purge


@receiver(page_published, sender=ArticlePage)
@receiver(page_unpublished, sender=ArticlePage)
@receiver(page_slug_changed, sender=ArticlePage)
@receiver(post_delete, sender=ArticlePage)
def _article_changed(sender, instance, **kwargs):
    cache.content_changed(page_id=instance.pk)


@receiver(post_page_move)
def _page_moved(sender, instance, **kwargs):
    if isinstance(sender, type) and issubclass(sender, ArticlePage):
        cache.content_changed(page_id=instance.pk)
    else:
        cache.tree_changed()


@receiver(page_published, sender=SectionPage)
@receiver(page_unpublished, sender=SectionPage)
@receiver(page_slug_changed, sender=SectionPage)
@receiver(post_delete, sender=SectionPage)
def _section_changed(sender, **kwargs):
    cache.tree_changed()


@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
def _author_changed(sender, instance, **kwargs):
    cache.content_changed()
    home = HomePage.objects.first()
    if home is not None:
        pagecache.urls_purge(purge.author_paths(slug=instance.slug),
                             root_url=news_purge.site_root_url(home))
