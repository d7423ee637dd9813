"""Base page behaviour shared by nashra's page types."""

from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction

from . import fragments

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


def any_view_restriction() -> bool:
    """Whether any page has a view restriction: remembered until one is saved or deleted."""
    return fragments.remember(None, ("any-view-restriction",),
                              PageViewRestriction.objects.exists, per_site=False)


def public(queryset):
    """`queryset.public()` (Wagtail's: pages no view restriction hides), without reading the
    restrictions — a query of its own on every call — while no page has any."""
    return queryset.public() if any_view_restriction() else queryset


class ViewRestrictionsMixin:
    """Wagtail checks a page's view restrictions before serving it, in two queries (the
    ancestors, then their restrictions); this asks once, with the same answer."""

    def get_view_restrictions(self):
        # Most sites restrict nothing: then no query at all, until a restriction is saved.
        if not any_view_restriction():
            return _no_restrictions()
        # The page itself is read from the table, like its ancestors (Wagtail takes it from
        # the instance: the same on every request, where it was just read).
        steplen = Page.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        sql = _RESTRICTING_PAGES.format(table=Page._meta.db_table,
                                        paths=", ".join(["%s"] * len(paths)))
        return PageViewRestriction.objects.filter(page_id__in=RawSQL(sql, paths))


def _no_restrictions():
    # An empty QuerySet that is already evaluated: iterating it (Wagtail's serve hook does, on
    # every page) builds no SQL; .order_by(), .exists() and the like still work on a copy.
    none = PageViewRestriction.objects.none()
    none._result_cache, none._prefetch_done = [], True
    return none


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def _restrictions_changed(sender, **kwargs):
    fragments.content_changed()
