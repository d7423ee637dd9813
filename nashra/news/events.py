"""The admin's hooks: Wagtail's page signals and model saves, told as change events.

The one module that listens to Wagtail for news content. Each receiver names what happened
(nashra.core.changes) and nothing more; what a change touches is decided by the subscribers
(nashra/*/subscribers.py). Services and bulk writers announce their own changes.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from nashra.core import changes

from . import purge
from .models import ArticlePage, Author, HomePage, SectionPage

# Which write a Wagtail signal stands for.
_REASONS = {page_published: "publish", page_unpublished: "unpublish", post_delete: "delete",
            page_slug_changed: "rename"}


@receiver(page_published, sender=ArticlePage)
def _story_published(sender, instance, **kwargs):
    changes.story_changed(story=instance, reason="publish")


@receiver(page_unpublished, sender=ArticlePage)
@receiver(post_delete, sender=ArticlePage)
def _story_gone(sender, instance, signal, **kwargs):
    changes.story_gone(story=instance, reason=_REASONS[signal])


@receiver(post_page_move)
def _page_moved(sender, instance, **kwargs):
    page = instance.specific
    if isinstance(page, ArticlePage):
        changes.story_changed(story=page, reason="move")
    elif isinstance(page, SectionPage):
        old = purge.tree_path(page, kwargs.get("url_path_before", ""))
        changes.tree_changed(page=page, reason="move",
                             paths=purge.listing_paths(old) if old else [])


@receiver(page_published, sender=SectionPage)
@receiver(page_published, sender=HomePage)
@receiver(page_unpublished, sender=SectionPage)
@receiver(post_delete, sender=SectionPage)
@receiver(page_slug_changed, sender=SectionPage)
def _tree_changed(sender, instance, signal, **kwargs):
    changes.tree_changed(page=instance, reason=_REASONS[signal])


@receiver(post_save, sender=PageViewRestriction)
def _made_private(sender, instance, **kwargs):
    _privacy_changed(instance.page, private=True)


@receiver(post_delete, sender=PageViewRestriction)
def _made_public(sender, instance, **kwargs):
    try:
        page = instance.page
    except Page.DoesNotExist:  # the page itself is being deleted: its own events say so
        return
    _privacy_changed(page, private=False)


def _privacy_changed(page, *, private: bool) -> None:
    """A password, a sign-in or group restriction on a page hides it and everything below it
    (Wagtail's rule): each live story there goes (or comes back) at once, and a section's or
    the home page's own listings with it."""
    if PageViewRestriction.objects.filter(page__in=page.get_ancestors()).exists():
        return  # hidden by an ancestor's restriction before and after: readers see no change
    reason = "private" if private else "public"
    for story in ArticlePage.objects.live().descendant_of(page, inclusive=True).specific():
        if private:
            changes.story_gone(story=story, reason=reason)
        else:
            changes.story_changed(story=story, reason=reason)
    if not isinstance(page.specific, ArticlePage):
        changes.tree_changed(page=page, reason=reason)


@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
def _author_changed(sender, instance, **kwargs):
    changes.author_changed(slug=instance.slug, reason="author")


@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def _tag_changed(sender, created=False, **kwargs):
    if not created:  # a renamed tag shows on every story kept with it
        changes.settings_changed(reason="tag")
