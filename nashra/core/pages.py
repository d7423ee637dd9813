"""Base page behaviour shared by nashra's page types."""

from django.db.models import Exists, F, OuterRef
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction

# This page and its ancestors, each alias followed to the page it copies (and that one's
# source, if it is an alias too), keeping the pages that are not aliases: the pages whose
# restrictions apply, by Wagtail's rule (Page.get_view_restrictions).
_RESTRICTING_PAGES = """
WITH RECURSIVE chain(id, alias_of_id) AS (
    SELECT id, alias_of_id FROM {table} WHERE path IN ({paths})
    UNION
    SELECT p.id, p.alias_of_id FROM {table} p JOIN chain c ON p.id = c.alias_of_id
)
SELECT id FROM chain WHERE alias_of_id IS NULL
"""


def public(queryset):
    """`queryset.public()` by Wagtail's rule (a restriction hides its page and every page
    below it), as one NOT EXISTS in the same SQL: Wagtail's reads every restriction in a query
    of its own on every call. Never a remembered answer: a restriction saved in another
    process counts from its commit."""
    restricted_above = (
        PageViewRestriction.objects
        .annotate(prefix=Substr(OuterRef("path"), 1, Length("page__path")))
        .filter(prefix=F("page__path"))
    )
    return queryset.exclude(Exists(restricted_above))


class ViewRestrictionsMixin:
    """Wagtail checks a page's view restrictions before serving it, in two queries (the
    ancestors, then their restrictions); this asks once, with the same answer, on every
    request (never a remembered "none exist": see public())."""

    def get_view_restrictions(self):
        # The page itself is read from the table, like its ancestors (Wagtail takes it from
        # the instance: the same on every request, where it was just read).
        steplen = Page.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        sql = _RESTRICTING_PAGES.format(table=Page._meta.db_table,
                                        paths=", ".join(["%s"] * len(paths)))
        return PageViewRestriction.objects.filter(page_id__in=RawSQL(sql, paths))
