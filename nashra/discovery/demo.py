"""Demo content for `nashra setup --demo`: an editors' picks list, so the demo site shows the
«اخترنا لكم» block of the reference page, and related lists brought up to date at once
(stories published early in the demo load would otherwise wait for the scheduler).
Called through settings.NASHRA_DEMO_HOOKS."""

from nashra.news.models import ArticlePage

from .models import PickItem, PicksList
from .related import related_refresh_stale

DEMO_PICKS = 4


def demo_ensure(*, home) -> None:
    related_refresh_stale()
    picks_demo_ensure(home=home)


def picks_demo_ensure(*, home) -> None:
    """One picks list of the newest demo stories beside the lead, unless editors made one."""
    if PicksList.objects.exists():
        return
    stories = list(ArticlePage.objects.live().descendant_of(home)
                   .order_by("-first_published_at")[1:DEMO_PICKS + 1])
    if not stories:
        return
    picks = PicksList.objects.create(name="اخترنا لكم")
    for order, story in enumerate(stories):
        PickItem.objects.create(picks=picks, story=story, sort_order=order)
