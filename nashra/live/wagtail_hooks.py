"""Admin: the composer's URLs, its button on a live story's screens, and the permissions the
group settings show («نشر تحديثات التغطية المباشرة» is what lets reporters post)."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from . import admin_views, services
from .models import LiveStoryPage


@hooks.register("register_admin_urls")
def _composer_urls():
    return [
        path("live/<int:story_id>/", admin_views.ComposerView.as_view(), name="live_composer"),
        path("live/<int:story_id>/entries/", admin_views.admin_entries,
             name="live_admin_entries"),
        path("live/<int:story_id>/end/", admin_views.story_end, name="live_end"),
        path("live/entry/<int:entry_id>/correct/", admin_views.CorrectView.as_view(),
             name="live_correct"),
        path("live/entry/<int:entry_id>/delete/", admin_views.entry_delete,
             name="live_delete"),
        path("live/entry/<int:entry_id>/pin/", admin_views.entry_pin, name="live_pin"),
    ]


@hooks.register("register_permissions")
def _live_permissions():
    return Permission.objects.filter(content_type__app_label="live",
                                     codename__in=["post_entry", "moderate_entry"])


def _composer_button(page, user, priority):
    if page.specific_class is LiveStoryPage and services.can_post(user):
        yield Button("محرر التغطية المباشرة", reverse("live_composer", args=[page.pk]),
                     icon_name="radio-full", priority=priority)


@hooks.register("register_page_header_buttons")
def _header_button(page, user, view_name, next_url=None):
    yield from _composer_button(page, user, 5)


@hooks.register("register_page_listing_more_buttons")
def _listing_button(page, user, next_url=None):
    yield from _composer_button(page, user, 5)
