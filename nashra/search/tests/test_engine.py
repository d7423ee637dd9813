"""The bounded top-K queries of nashra.search.engine, on SQLite FTS5 and, in CI, PostgreSQL:
coordination, exact and estimated counts, drafts and private stories, deep pages."""

import json

import pytest
from wagtail.models import PageViewRestriction

from nashra.arabic.analysis import analyse
from nashra.news.models import ArticlePage, SectionPage
from nashra.search import engine, selectors

pytestmark = pytest.mark.django_db


def _titles(ranked):
    titles = dict(ArticlePage.objects.filter(
        pk__in=[c.page_id for c in ranked.candidates]).values_list("pk", "title"))
    return [titles[c.page_id] for c in ranked.candidates]


def test_the_engine_is_used_on_both_databases():
    assert engine.direct_sql_supported()


def test_stories_with_every_word_come_before_stories_with_some(make_article):
    make_article(title="ميناء ميناء ميناء", body="ميناء ميناء ميناء ميناء.")
    both = make_article(title="خبر قصير", body="افتتاح ميناء جديد في مدينة الحديدة.")
    found = engine.ranked(analyse("ميناء الحديدة"), filters=engine.Filters(), limit=10)
    assert _titles(found)[0] == both.title
    assert found.total == 2 and not found.total_is_lower_bound
    # enough stories hold every word: those with some are counted, not read
    found = engine.ranked(analyse("ميناء الحديدة"), filters=engine.Filters(), limit=1)
    assert _titles(found) == [both.title] and found.total == 2


def test_drafts_and_private_stories_are_neither_found_nor_counted(make_article):
    public = make_article(title="زلزال يضرب المنطقة")
    draft = make_article(title="زلزال ثان في المنطقة")
    draft.unpublish()
    private = make_article(title="زلزال ثالث", section="داخلي")
    PageViewRestriction.objects.create(page=SectionPage.objects.get(title="داخلي"),
                                       restriction_type="password", password="x")
    found = engine.ranked(analyse("زلزال"), filters=engine.Filters(), limit=10)
    assert _titles(found) == [public.title]
    assert found.total == 1
    assert private.pk not in [c.page_id for c in found.candidates]


def test_a_count_past_the_limit_is_a_lower_bound(make_article, monkeypatch, client):
    for i in range(4):
        make_article(title=f"إعصار يقترب من الساحل {i}")
    found = engine.ranked(analyse("إعصار"), filters=engine.Filters(), limit=10)
    assert found.total == 4 and not found.total_is_lower_bound
    monkeypatch.setattr(engine, "WINDOW", 2)
    found = engine.ranked(analyse("إعصار"), filters=engine.Filters(), limit=1)
    assert found.total == 2 and found.total_is_lower_bound
    data = json.loads(client.get("/api/search/", {"q": "إعصار", "limit": 1}).content)
    assert data["total"] == 2 and data["total_is_lower_bound"] is True
    assert "نتيجتان أو أكثر" in client.get("/search/", {"q": "إعصار"}).content.decode()
    # filters are counted inside the same bound
    section = SectionPage.objects.get(title="عربية ودولية")
    found = engine.ranked(analyse("إعصار"), filters=engine.Filters(section_path=section.path),
                          limit=1)
    assert found.total == 2 and found.total_is_lower_bound


def test_ranking_window_keeps_the_most_recently_indexed_matches(make_article, monkeypatch):
    old = make_article(title="فيضان فيضان فيضان", body="فيضان فيضان.")
    newer = [make_article(title=f"تقرير عن فيضان {i}") for i in range(3)]
    monkeypatch.setattr(engine, "WINDOW", 3)
    found = engine.ranked(analyse("فيضان"), filters=engine.Filters(), limit=10)
    assert {c.page_id for c in found.candidates} == {s.pk for s in newer}
    assert old.pk not in {c.page_id for c in found.candidates}
    assert found.total == 3 and found.total_is_lower_bound  # "more than 3"


def test_pages_past_the_reranked_candidates_continue_the_same_list(make_article, monkeypatch):
    stories = [make_article(title=f"انتخابات بلدية في المدينة {i}") for i in range(7)]
    monkeypatch.setattr(selectors, "CANDIDATES", 3)
    seen = []
    for offset in range(0, 8, 2):
        hits = selectors.articles_search(query="انتخابات", offset=offset, limit=2).hits
        seen += [hit.article.pk for hit in hits]
    assert sorted(seen) == sorted(s.pk for s in stories)


def test_phrase_matches_read_the_analysed_text(make_article):
    together = make_article(title="التنسيق الأمني بين البلدين")
    apart = make_article(title="الأمني يتحدث عن التنسيق")
    found = engine.ranked(analyse("التنسيق الأمني"), filters=engine.Filters(), limit=10)
    assert engine.phrase_matches(analyse("التنسيق الأمني"), found.candidates) == {together.pk}
    assert apart.pk in {c.page_id for c in found.candidates}


def test_newest_slices_grow_until_the_window_fills(make_article, monkeypatch):
    matching = []
    for i in range(5):
        matching.append(make_article(title=f"قمة اقتصادية رقم {i}"))
        make_article(title=f"خبر رياضي رقم {i}")
        make_article(title=f"خبر ثقافي رقم {i}")
    monkeypatch.setattr(engine, "WINDOW", 3)
    monkeypatch.setattr(engine, "NEWEST_SLICE", 1)  # PostgreSQL: a slice far too small
    found = engine.ranked(analyse("قمة"), filters=engine.Filters(), limit=10)
    assert {c.page_id for c in found.candidates} == {s.pk for s in matching[-3:]}
    assert found.total == 3 and found.total_is_lower_bound
    monkeypatch.setattr(engine, "WINDOW", 10)  # every slice too small: the last reads all
    found = engine.ranked(analyse("قمة"), filters=engine.Filters(), limit=10)
    assert {c.page_id for c in found.candidates} == {s.pk for s in matching}
    assert found.total == 5 and not found.total_is_lower_bound


def test_alternatives_fill_in_only_where_the_readers_words_run_short(make_article):
    from nashra.search.expansion import expand

    petrol = make_article(title="وزارة البترول تعلن كشفا", body="نص.")
    oil = make_article(title="أسعار النفط ترتفع", body="نص.")
    query = expand(analyse("البترول"), [{("بترول",): [("نفط",)]}])
    found = engine.ranked(query, filters=engine.Filters(), limit=10)
    assert [c.page_id for c in found.candidates] == [petrol.pk, oil.pk]
    assert found.expanded_only == {oil.pk} and found.own_total == 1
    # one story holding the reader's word fills a list of one: no expanded pass
    found = engine.ranked(query, filters=engine.Filters(), limit=1)
    assert [c.page_id for c in found.candidates] == [petrol.pk] and found.own_total is None
