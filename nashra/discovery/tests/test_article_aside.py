"""Beside a story: related news, picks and most read, their cards read once for all three."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nashra.conftest import article_maker, home_install, shared_rows
from nashra.discovery import selectors
from nashra.discovery.counters import current_hour
from nashra.discovery.models import (
    HourlyViews,
    PickItem,
    PicksList,
    RelatedCuration,
    RelatedExclusion,
    RelatedPin,
)
from nashra.news.demo import demo_image
from nashra.news.models import ArticlePage

pytestmark = pytest.mark.django_db


def _ids(articles):
    return [a.pk for a in articles]


def _aside_build():
    make_article = article_maker(home_install(), prefix="aside")
    subject = make_article(title="الخبر نفسه")
    a, b, c, d, gone = (make_article(title=f"خبر {n}") for n in "أبجده")
    gone.unpublish()
    a.hero_image = demo_image(title=a.title, alt="صورة", seed=1, size=(480, 270))
    a.save_revision().publish()
    curation = RelatedCuration.objects.create(article=subject)
    for order, story in enumerate((b, gone, a)):  # a story no longer live is left out
        RelatedPin.objects.create(curation=curation, story=story, sort_order=order)
    RelatedExclusion.objects.create(curation=curation, story=c)
    picks = PicksList.objects.create(name="اخترنا لكم", show_beside_articles=True)
    for order, story in enumerate((c, gone, b, d)):
        PickItem.objects.create(picks=picks, story=story, sort_order=order)
    PicksList.objects.create(name="قائمة فارغة", show_beside_articles=True)
    for story, reads in ((d, 90), (a, 40), (gone, 70)):
        HourlyViews.objects.create(article=story, hour=current_hour(), count=reads)
    return subject.pk, [a.pk, b.pk, c.pk, d.pk]


@pytest.fixture(scope="module")
def _aside_built(request, django_db_setup, django_db_blocker):
    """A story with related pins, picks and reads, built once for this module (each test's
    writes are still rolled back after it)."""
    with shared_rows(request, django_db_blocker, _aside_build) as pks:
        yield pks


@pytest.fixture
def aside(_aside_built):
    subject, others = _aside_built
    return (ArticlePage.objects.get(pk=subject),
            tuple(ArticlePage.objects.get(pk=pk) for pk in others))


def test_same_blocks_as_each_selector_alone(aside):
    subject, (a, b, c, d) = aside
    half_life = float(selectors.DEFAULT_HALF_LIFE_HOURS)
    together = selectors.article_aside(article=subject, half_life=half_life)
    assert _ids(together.related) == _ids(selectors.related_articles(article=subject))
    assert _ids(together.related) == [b.pk, a.pk]
    assert [(p.name, _ids(p.articles)) for p in together.picks] == [
        (p.name, _ids(p.articles)) for p in selectors.picks(placement="article")]
    assert [(p.name, _ids(p.articles)) for p in together.picks] == [
        ("اخترنا لكم", [c.pk, b.pk, d.pk])]
    for window in ("day", "week"):
        alone = selectors.most_read(window=window, half_life=half_life)
        assert _ids(together.most_read[window]) == _ids(alone) == [d.pk, a.pk]


def test_the_cards_of_all_three_cost_three_queries(aside):
    subject, _ = aside
    half_life = float(selectors.DEFAULT_HALF_LIFE_HOURS)
    selectors.article_aside(article=subject, half_life=half_life)  # most-read ids now cached
    with CaptureQueriesContext(connection) as ctx:
        selectors.article_aside(article=subject, half_life=half_life)
    # related: profile, pins, exclusions (the subject is curated); picks: lists, their items;
    # the cards: stories, renditions. (Whether any page has a view restriction, and which
    # stories are curated, were remembered by the first call.)
    assert len(ctx.captured_queries) == 7


def test_story_page_shows_the_three_blocks(client, aside, settings):
    settings.NASHRA_PAGE_CACHE = False
    subject, (a, b, c, d) = aside
    html = client.get(subject.url).content.decode()
    related = html[html.index('class="discovery-block related"'):]
    related = related[:related.index("</section>")]
    assert b.title in related and a.title in related and c.title not in related
    most_read = html[html.index("أهم الأخبار"):]
    assert d.title in most_read[:most_read.index("</section>")]
    picks = html[html.index('class="discovery-block picks"'):]
    picks = picks[:picks.index("</section>")]
    assert [t for t in (c.title, b.title, d.title) if t in picks] == [c.title, b.title, d.title]


def test_most_read_of_both_windows_shares_one_read_of_cards(aside):
    half_life = float(selectors.DEFAULT_HALF_LIFE_HOURS)
    selectors.most_read_by_window(half_life=half_life)  # ids now cached
    with CaptureQueriesContext(connection) as ctx:
        read = selectors.most_read_by_window(half_life=half_life)
    assert len(ctx.captured_queries) == 2  # stories, renditions (no view restriction exists)
    assert _ids(read["day"]) == _ids(read["week"]) == [aside[1][3].pk, aside[1][0].pk]
