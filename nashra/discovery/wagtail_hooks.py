"""Admin: breaking news, picks and related-news curation as snippets; the newsroom dashboard."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .dashboard import NewsroomDashboard
from .models import BreakingNews, PicksList, RelatedCuration


class BreakingNewsViewSet(SnippetViewSet):
    model = BreakingNews
    icon = "warning"
    menu_label = "عاجل"
    list_display = ["headline", "starts_at", "expires_at"]
    ordering = ["-starts_at"]


class PicksListViewSet(SnippetViewSet):
    model = PicksList
    icon = "pick"
    menu_label = "اخترنا لكم"
    list_display = ["name", "show_on_home", "show_beside_articles", "sort_order"]


class RelatedCurationViewSet(SnippetViewSet):
    model = RelatedCuration
    icon = "link"
    menu_label = "أخبار ذات علاقة"
    list_display = ["article"]


class DiscoveryGroup(SnippetViewSetGroup):
    items = (BreakingNewsViewSet, PicksListViewSet, RelatedCurationViewSet)
    menu_icon = "pick"
    menu_label = "الواجهة"
    menu_name = "discovery"


register_snippet(DiscoveryGroup)


@hooks.register("register_admin_urls")
def _dashboard_urls():
    return [path("newsroom/", NewsroomDashboard.as_view(), name="discovery_dashboard")]


@hooks.register("register_admin_menu_item")
def _dashboard_menu_item():
    return MenuItem("غرفة الأخبار", reverse("discovery_dashboard"), icon_name="view", order=150)
