"""Precompiled queries give what the QuerySet gives, field for field, with one statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from nashra.core.queries import Precompiled
from nashra.news.models import ArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home


def _at_path(slug, url_path, depth):
    return ArticlePage.objects.filter(slug=slug, url_path=url_path, depth=depth)[:2]


AT_PATH = Precompiled("test_at_path", ArticlePage, _at_path, slug=str, url_path=str, depth=int)


def test_rows_match_the_querysets_field_for_field(make_article):
    story = make_article(title="اتفاق على زيادة التنسيق", source="وكالة الأنباء")
    make_article(title="خبر آخر")
    where = {"slug": story.slug, "url_path": story.url_path, "depth": story.depth}
    with CaptureQueriesContext(connection) as queries:
        found = AT_PATH.fetch(**where)
    assert len(queries) == 1
    expected = list(_at_path(**where))
    assert [type(p) for p in found] == [ArticlePage]
    for field in ArticlePage._meta.concrete_fields:
        # Converted like the ORM's own rows: dates as aware datetimes, the body as a StreamValue.
        assert getattr(found[0], field.attname) == getattr(expected[0], field.attname), field
    assert found[0].first_published_at.tzinfo is not None
    assert [b.block_type for b in found[0].body] == [b.block_type for b in expected[0].body]
    assert found[0]._state.adding is False and found[0]._state.db == "default"


def test_other_values_run_the_same_sql(make_article):
    first, second = make_article(title="الأول"), make_article(title="الثاني")
    for story in (first, second, first):
        found = AT_PATH.fetch(slug=story.slug, url_path=story.url_path, depth=story.depth)
        assert [p.pk for p in found] == [story.pk]
    assert AT_PATH.fetch(slug="لا-يوجد", url_path="/لا-يوجد/", depth=3) == []


def test_a_value_that_is_not_a_parameter_is_refused(make_article):
    make_article()
    # A lookup that rewrites its value (contains → %value%) cannot be run again by swapping.
    rewritten = Precompiled("test_rewritten", ArticlePage,
                            lambda title: ArticlePage.objects.filter(title__contains=title),
                            title=str)
    with pytest.raises(ValueError, match="not a stand-in"):
        rewritten.fetch(title="خبر")
    joined = Precompiled("test_joined", Page,
                         lambda pk: Page.objects.filter(pk=pk).select_related("owner"), pk=int)
    with pytest.raises(ValueError, match="joined columns"):
        joined.fetch(pk=1)


def test_values_list_queries_give_the_same_tuples(make_article):
    from nashra.news.models import ArticlePageAuthor

    story = make_article(authors=["سلمى حداد", "عمر الخطيب"])

    def byline(page_id):
        return (ArticlePageAuthor.objects.filter(page_id=page_id).order_by("sort_order")
                .values_list("author_id", "author__name", "author__slug"))

    precompiled = Precompiled("test_byline", ArticlePageAuthor, byline, page_id=int)
    found = precompiled.fetch(page_id=story.pk)
    assert found == list(byline(story.pk))
    assert [name for _, name, _ in found] == ["سلمى حداد", "عمر الخطيب"]
