"""Admin: the inbox (الوكالات), providers and subject mappings as snippets, and the guards on
stories made from wire items (an embargo refuses publishing; a withdrawal warns the editors)."""

from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import services, views
from .models import Provider, SubjectMapping, WireItem


class ProviderViewSet(SnippetViewSet):
    model = Provider
    icon = "globe"
    menu_label = "الوكالات المصدر"
    list_display = ["name", "kind", "source", "active", "auto_publish", "last_polled_at",
                    "status"]
    search_fields = ["name", "credit"]


class SubjectMappingViewSet(SnippetViewSet):
    model = SubjectMapping
    icon = "tag"
    menu_label = "المواضيع والوسوم"
    list_display = ["subject", "tag"]


class WireSetupGroup(SnippetViewSetGroup):
    items = (ProviderViewSet, SubjectMappingViewSet)
    menu_icon = "cogs"
    menu_label = "إعداد الوكالات"
    menu_name = "wire-setup"


register_snippet(WireSetupGroup)


@hooks.register("register_admin_urls")
def _wire_urls():
    return [
        path("wire/", views.inbox_view, name="wire_inbox"),
        path("wire/<int:pk>/", views.item_view, name="wire_item"),
        path("wire/<int:pk>/use/", views.item_use_view, name="wire_item_use"),
        path("wire/schedule/<int:page_id>/", views.schedule_view, name="wire_schedule"),
    ]


@hooks.register("register_admin_menu_item")
def _wire_menu_item():
    return MenuItem("الوكالات", reverse("wire_inbox"), icon_name="globe", order=160)


@hooks.register("before_publish_page")
def _embargo_holds(request, page):
    """A story made from an embargoed item goes live no earlier than the embargo."""
    embargo = services.story_embargo(page=page)
    if embargo is None or (page.go_live_at and page.go_live_at >= embargo):
        return None
    messages.error(
        request,
        f"لا يُنشر هذا الخبر قبل رفع حظر الوكالة في {embargo:%Y-%m-%d %H:%M} UTC. "
        "حُفظت التعديلات مسودةً؛ يمكنك جدولة نشره عند رفع الحظر.",
        buttons=[messages.button(reverse("wire_schedule", args=[page.pk]),
                                 "جدولة النشر عند رفع الحظر")])
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_edit_page")
def _withdrawn_warning(request, page):
    if request.method != "GET":
        return None
    for alert, item_id in WireItem.objects.filter(story_id=page.pk).exclude(alert="").values_list(
            "alert", "pk"):
        messages.warning(request, alert, buttons=[
            messages.button(reverse("wire_item", args=[item_id]), "خبر الوكالة")])
    return None
