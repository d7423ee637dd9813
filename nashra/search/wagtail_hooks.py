"""Admin: editors' synonym sets under الإعدادات › المرادفات."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SynonymSet


class SynonymSetViewSet(SnippetViewSet):
    model = SynonymSet
    icon = "list-ul"
    menu_label = "المرادفات"
    menu_name = "synonyms"
    add_to_settings_menu = True
    list_display = ["__str__", "one_way", "note", "updated_at"]


register_snippet(SynonymSetViewSet)
