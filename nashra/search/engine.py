"""Ranked candidates straight from the full-text index that Wagtail keeps.

Wagtail's search framework keeps the index current (publish, edit, move, unpublish,
delete) and, through `nashra.core.search.AnalysedSearchField`, stores analysed Arabic
terms in it. Its database backends answer a query by scoring every matching entry in a
correlated subquery and then filtering pages with `pk IN (…)`: seconds for a common word
in a 100,000-story archive. This module reads the same index tables with a few bounded
queries instead — SQLite FTS5 `bm25()`, PostgreSQL `ts_rank` over the GIN-indexed
tsvectors — joined to the live pages, with the section and date filters inside.

Two rules keep every query's cost bounded, whatever the archive's size:
- Coordination first: stories holding every word of the query come before stories holding
  only some of them (the "or" set is read only when the "and" set runs short).
- A ranking window: BM25 ranks at most the WINDOW most recently indexed matches, as
  Twitter's Earlybird ranks the newest postings first — a news reader wants the recent
  stories, and a word found in 13,000 stories costs about what one found in 500 does.
- A bounded count: the window's own size is the count when the window is not full (most
  queries need no counting query); a full window means "more than WINDOW"
  (`total_is_lower_bound`), as search engines answer "about".

With any other search backend (Elasticsearch, OpenSearch) the backend's own query is used.

The index tables belong to `modelsearch` (the search package of Wagtail 8): their names and
columns are not a public API. This is the one module that reads them, and `_index_sql` the
one function that runs SQL on them; `INDEX_SCHEMA_READ` lists every table and column read,
which nashra/core/tests/test_framework_internals.py checks against the real schema, so an
upgrade that renames or drops one fails there rather than in a reader's search.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, router
from wagtail.models import Page, PageViewRestriction
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from nashra.core.pages import public
from nashra.news.models import ArticlePage

from .expansion import Expansion, Phrase

# A word of the headline counts this many times a word of the text.
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
WINDOW = 500
# PostgreSQL reads a common word's matches among this many newest index entries first.
NEWEST_SLICE = 10_000


@dataclass(frozen=True)
class Filters:
    section_path: str | None = None  # treebeard path of a section: its stories and subsections'
    published_from: dt.datetime | None = None  # inclusive
    published_before: dt.datetime | None = None  # exclusive

    def __bool__(self) -> bool:
        return any((self.section_path, self.published_from, self.published_before))


@dataclass(frozen=True)
class Candidate:
    page_id: int
    published_at: dt.datetime | None
    entry_id: int | None = None  # the row of the search index, where there is one


@dataclass(frozen=True)
class Window:
    """One pass over the index: the best stories among the newest WINDOW matches."""

    candidates: list[Candidate]
    size: int  # matching live stories that the window held
    full: bool  # the window was filled: more matches lie past it


@dataclass(frozen=True)
class Ranked:
    candidates: list[Candidate]  # best first
    total: int  # stories that hold any of the words, under the filters
    total_is_lower_bound: bool = False  # more than `total` match
    # pages found only through an alternative (a synonym, a close spelling …), not the
    # reader's own words
    expanded_only: frozenset[int] = frozenset()
    own_total: int | None = None  # stories found by the reader's own words (None: not expanded)
    complete: int | None = None  # how many leading candidates hold every word (None: all)

# A story found only through alternatives scores this share of its rank in the expanded list.
EXPANDED_WEIGHT = 0.5


def direct_sql_supported() -> bool:
    """True when search runs on the site's own database and this module can query it."""
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]
    return backend.endswith(".database") and connection.vendor in {"sqlite", "postgresql"}


def ranked(query: list[str] | Expansion, *, filters: Filters, limit: int) -> Ranked:
    """The `limit` best live stories for analysed terms (or an Expansion of them), and how
    many stories match. With alternatives, the reader's own words are searched first and,
    when fewer than `limit` stories hold them all, the expanded query second; a story found
    only by the second scores EXPANDED_WEIGHT of its rank there, so the reader's words keep
    the top places."""
    if not isinstance(query, Expansion):
        query = Expansion.plain(query)
    own = _ranked(Expansion.plain(query.terms), filters=filters, limit=limit)
    # Alternatives fill in where the reader's words run short: when `limit` stories hold
    # every word, the expanded pass would only place stories below them, at its own cost.
    if not query.expanded or own.complete is not None and own.complete >= limit:
        return own
    wide = _ranked(query, filters=filters, limit=limit)
    scores: dict[int, float] = {}
    complete: set[int] = set()
    by_page: dict[int, Candidate] = {}
    for found, weight in ((own, 1.0), (wide, EXPANDED_WEIGHT)):
        for rank, candidate in enumerate(found.candidates):
            pk = candidate.page_id
            scores[pk] = max(scores.get(pk, 0.0), weight / (rank + 2))
            by_page.setdefault(pk, candidate)
            if found.complete is None or rank < found.complete:
                complete.add(pk)
    # Coordination first, as in each list: a story holding every word (or an alternative for
    # it) comes before one holding only some.
    order = sorted(scores, key=lambda pk: (pk not in complete, -scores[pk], -pk))[:limit]
    own_pages = {c.page_id for c in own.candidates}
    return Ranked([by_page[pk] for pk in order], max(own.total, wide.total, len(order)),
                  own.total_is_lower_bound or wide.total_is_lower_bound,
                  frozenset(pk for pk in order if pk not in own_pages), own.total,
                  sum(pk in complete for pk in order))


def _ranked(query: Expansion, *, filters: Filters, limit: int) -> Ranked:
    if not direct_sql_supported():
        return _ranked_by_backend(query, filters=filters, limit=limit)
    sql = (_SQLite if connection.vendor == "sqlite" else _Postgres)(filters)
    every = sql.top(query, every=True, limit=limit)
    candidates, counted = every.candidates, every
    complete = len(candidates)
    several = len(query.groups) > 1 or len(query.terms) > 1
    if several and len(candidates) < limit:
        seen = {c.page_id for c in candidates}
        some = sql.top(query, every=False, limit=limit + len(seen))
        candidates += [c for c in some.candidates if c.page_id not in seen][: limit - len(candidates)]
        counted = some
    elif several and not every.full:
        # The stories with some of the words were not read: count them, up to the bound.
        counted = sql.count(query)
    # A full window means the matches go on past it: the count is a lower bound.
    total = WINDOW if counted.full else counted.size
    return Ranked(candidates, max(total, len(candidates)), counted.full, complete=complete)


def _clauses(query: Expansion, every: bool) -> list[list[list[Phrase]]]:
    """The query as AND of ORs of phrases (each phrase an AND of terms): every group must
    match (`every`), or any of the reader's terms or any alternative phrase may."""
    if every:
        return [[list(group.phrases)] for group in query.groups]
    phrases: list[Phrase] = [(term,) for term in query.terms]
    phrases += [alt for group in query.groups for alt in group.alternatives]
    return [[phrases]]


def indexed_terms():
    """Each indexed story's analysed terms (headline and text), read in id order in batches:
    the vocabulary that close spellings come from (nashra.search.services)."""
    text_columns = TEXT_COLUMNS[connection.vendor] if direct_sql_supported() else None
    if text_columns is None:
        return
    last = 0
    while True:
        rows = _index_sql(
            f"SELECT id, {text_columns[0]}, {text_columns[1]} FROM {ENTRY} "
            f"WHERE content_type_id = %s AND id > %s ORDER BY id LIMIT 2000",
            [_content_type_id(), last])
        if not rows:
            return
        for _, title, body in rows:
            yield set(f"{title or ''} {body or ''}".split())
        last = rows[-1][0]


def phrase_matches(terms: list[str], candidates: list[Candidate]) -> set[int]:
    """Pages among `candidates` that hold `terms` next to each other, in order."""
    if len(terms) < 2 or not candidates:
        return set()
    if not direct_sql_supported():
        from wagtail.search.query import Phrase

        found = ArticlePage.objects.filter(pk__in=[c.page_id for c in candidates]).only(
            "pk").search(Phrase(" ".join(terms)), order_by_relevance=False)
        return {page.pk for page in found}
    # The index stores each field as its analysed terms separated by spaces, so a phrase is
    # a substring; reading the candidates' rows beats asking the full-text index, which
    # walks every story that holds the words.
    text_columns = TEXT_COLUMNS[connection.vendor]
    entries = {c.entry_id: c.page_id for c in candidates}
    rows = _index_sql(
        f"SELECT id, {text_columns[0]}, {text_columns[1]} FROM {ENTRY} "
        f"WHERE id IN ({', '.join(str(int(pk)) for pk in entries)})", [],
    )
    phrase = f" {' '.join(terms)} "
    return {entries[entry] for entry, title, body in rows
            if phrase in f" {title or ''} " or phrase in f" {body or ''} "}


# --- SQL ---------------------------------------------------------------------------------

ENTRY = IndexEntry._meta.db_table
FTS = f"{ENTRY}_fts"
PAGE = Page._meta.db_table
# Each field's analysed terms as plain text, separated by spaces (what phrase_matches reads).
TEXT_COLUMNS = {"sqlite": ("title", "body"), "postgresql": ("title_text", "body_text")}

# Every table and column the SQL below reads, by database vendor. The FTS5 table's columns are
# listed in their order: bm25() takes its weights by position (autocomplete, body, title).
INDEX_SCHEMA_READ = {
    "sqlite": {
        ENTRY: ("id", "content_type_id", "object_id", *TEXT_COLUMNS["sqlite"]),
        FTS: ("autocomplete", "body", "title"),
        PAGE: ("id", "live", "path", "first_published_at"),
    },
    "postgresql": {
        # title and body are GIN-indexed tsvectors.
        ENTRY: ("id", "content_type_id", "object_id", "title", "body",
                *TEXT_COLUMNS["postgresql"]),
        PAGE: ("id", "live", "path", "first_published_at"),
    },
}


def _content_type_id() -> int:
    return ContentType.objects.get_for_model(ArticlePage).pk


def _restricted_paths() -> list[str]:
    """Paths of pages behind a password or login: their subtrees are not public."""
    restricted = PageViewRestriction.objects.values("page_id")
    return list(Page.objects.filter(pk__in=restricted).values_list("path", flat=True))


def _page_conditions(filters: Filters, true: str) -> tuple[str, list]:
    """SQL conditions on the page row `p`: live, public, and the reader's filters."""
    conditions, params = [f"p.live = {true}"], []
    if filters.section_path:
        conditions.append("p.path LIKE %s")
        params.append(filters.section_path + "%")
    for path in _restricted_paths():
        conditions.append("p.path NOT LIKE %s")
        params.append(path + "%")
    if filters.published_from:
        conditions.append("p.first_published_at >= %s")
        params.append(filters.published_from)
    if filters.published_before:
        conditions.append("p.first_published_at < %s")
        params.append(filters.published_before)
    return " AND ".join(conditions), params


def _index_sql(sql: str, params: list) -> list[tuple]:
    """The one place raw SQL on the search index's tables runs (see INDEX_SCHEMA_READ)."""
    # Raw SQL bypasses the database router: ask it, so a reader's search runs on a read
    # replica when there are some (nashra.core.db_router); the primary otherwise.
    with connections[router.db_for_read(IndexEntry)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _bounded_count(rows_sql: str, params: list, *, with_clause: str = "") -> Window:
    """How many rows `rows_sql` gives, counted up to WINDOW."""
    (size,), = _index_sql(
        f"{with_clause}SELECT COUNT(*) FROM ({rows_sql} LIMIT {WINDOW}) AS matches", params)
    return Window([], size, size >= WINDOW)


def _aware(value):
    if value is None or isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):  # SQLite hands raw cursors text
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC)


class _Dialect:
    """One reader's query on one database: the page conditions are worked out once."""

    true = "TRUE"

    def __init__(self, filters: Filters):
        self.filters = filters
        self.where, self.page_params = _page_conditions(filters, self.true)


class _SQLite(_Dialect):
    true = "1"

    @staticmethod
    def _match(query: Expansion, every: bool) -> str:
        def quoted(term: str) -> str:
            return '"' + term.replace('"', '""') + '"'

        def phrase(terms: Phrase) -> str:
            return quoted(terms[0]) if len(terms) == 1 else (
                "(" + " AND ".join(quoted(t) for t in terms) + ")")

        clauses = [" OR ".join(phrase(p) for p in ors) for ands in _clauses(query, every)
                   for ors in ands]
        return "{title body} : (" + " AND ".join(f"({c})" for c in clauses) + ")"

    def _joined(self) -> str:
        # CROSS JOIN keeps SQLite's join order: the FTS match drives, each row then costs two
        # primary-key lookups.
        return (
            f"FROM {FTS} CROSS JOIN {ENTRY} e CROSS JOIN {PAGE} p "
            f"WHERE {FTS} MATCH %s AND e.id = {FTS}.rowid AND e.content_type_id = %s "
            f"AND p.id = CAST(e.object_id AS INTEGER) AND {self.where}"
        )

    def top(self, query, *, every: bool, limit: int) -> Window:
        joined, params = self._joined(), self.page_params
        # bm25() is lower for better matches; FTS5 columns are (autocomplete, body, title).
        rows = _index_sql(
            f"SELECT page_id, published, entry_id, COUNT(*) OVER () FROM ("
            f"SELECT p.id AS page_id, p.first_published_at AS published, e.id AS entry_id, "
            f"bm25({FTS}, 0.0, {BODY_WEIGHT}, {TITLE_WEIGHT}) AS score "
            f"{joined} ORDER BY {FTS}.rowid DESC LIMIT {WINDOW}"
            f") ORDER BY score, page_id DESC LIMIT %s",
            [self._match(query, every), _content_type_id(), *params, limit],
        )
        size = rows[0][3] if rows else 0
        return Window([Candidate(pk, _aware(published), entry)
                       for pk, published, entry, _ in rows], size, size >= WINDOW)

    def count(self, query) -> Window:
        return _bounded_count(f"SELECT 1 {self._joined()}",
                              [self._match(query, False), _content_type_id(), *self.page_params])


class _Postgres(_Dialect):
    @staticmethod
    def _tsquery(query: Expansion, every: bool) -> tuple[str, list]:
        params: list[str] = []

        def phrase(terms: Phrase) -> str:
            params.extend(terms)
            return "(" + " && ".join(["plainto_tsquery('simple', %s)"] * len(terms)) + ")"

        clauses = ["(" + " || ".join(phrase(p) for p in ors) + ")"
                   for ands in _clauses(query, every) for ors in ands]
        return "(" + " && ".join(clauses) + ")", params

    def _joined(self) -> str:
        return (
            f"FROM {ENTRY} e JOIN {PAGE} p ON p.id = e.object_id::integer "
            f"WHERE (e.title @@ q.query OR e.body @@ q.query) AND e.content_type_id = %s "
            f"AND {self.where}"
        )

    def top(self, query, *, every: bool, limit: int) -> Window:
        tsquery, query_params = self._tsquery(query, every)
        with_q = f"WITH q(query) AS MATERIALIZED (SELECT {tsquery}) "
        where, page_params = self.where, self.page_params
        if self.filters:  # the window: matching stories that pass the filters, newest first
            joined = self._joined()
            entry_ids = [row[0] for row in _index_sql(
                f"{with_q}SELECT e.id FROM q, {joined.removeprefix('FROM ')} "
                f"ORDER BY e.id DESC LIMIT {WINDOW}",
                [*query_params, _content_type_id(), *page_params])]
        else:
            # Newest entries first: the GIN bitmap ANDed with a primary-key range, so a common
            # word costs a read of its matches among the newest entries, not of all of them.
            # The first slice's yield sizes the second; the last reads everything.
            matches = (f"{with_q}SELECT e.id FROM q, {ENTRY} e "
                       f"WHERE (e.title @@ q.query OR e.body @@ q.query) "
                       f"AND e.content_type_id = %s ")
            order = f"ORDER BY e.id DESC LIMIT {WINDOW}"
            params = [*query_params, _content_type_id()]
            (newest_id,), = _index_sql(f"SELECT COALESCE(MAX(id), 0) FROM {ENTRY}", [])
            span = NEWEST_SLICE
            while True:
                floor = newest_id - span
                sliced = f"AND e.id > {int(floor)} " if floor > 0 else ""
                entry_ids = [row[0] for row in _index_sql(matches + sliced + order, params)]
                if len(entry_ids) >= WINDOW or not sliced:
                    break
                span = span * 2 * WINDOW // len(entry_ids) if entry_ids else newest_id
        if not entry_ids:
            return Window([], 0, False)
        # ts_rank reads each body tsvector (TOASTed): only the window's rows pay for it.
        rows = _index_sql(
            f"{with_q}SELECT p.id, p.first_published_at, e.id, COUNT(*) OVER () "
            f"FROM q, {ENTRY} e JOIN {PAGE} p ON p.id = e.object_id::integer "
            f"WHERE e.id = ANY(%s) AND {where} "
            f"ORDER BY {TITLE_WEIGHT} * ts_rank(e.title, q.query) "
            f"+ {BODY_WEIGHT} * ts_rank(e.body, q.query) DESC, p.id DESC LIMIT %s",
            [*query_params, entry_ids, *page_params, limit],
        )
        size = rows[0][3] if rows else 0
        return Window([Candidate(pk, published, entry) for pk, published, entry, _ in rows],
                      size, len(entry_ids) >= WINDOW)

    def count(self, query) -> Window:
        tsquery, query_params = self._tsquery(query, False)
        joined, params = self._joined(), self.page_params
        # A materialized query hides the words from the planner, which then reads the GIN
        # indexes; seeing a common word it would scan the table and test every tsvector.
        return _bounded_count(
            f"SELECT 1 FROM q, {joined.removeprefix('FROM ')}",
            [*query_params, _content_type_id(), *params],
            with_clause=f"WITH q(query) AS MATERIALIZED (SELECT {tsquery}) ",
        )


# --- other backends (Elasticsearch, OpenSearch) -------------------------------------------

def _ranked_by_backend(query: Expansion, *, filters: Filters, limit: int) -> Ranked:
    base = public(ArticlePage.objects.live())
    if filters.section_path:
        base = base.filter(path__startswith=filters.section_path)
    if filters.published_from:
        base = base.filter(first_published_at__gte=filters.published_from)
    if filters.published_before:
        base = base.filter(first_published_at__lt=filters.published_before)
    terms = sorted(query.all_terms) if query.expanded else query.terms
    found = get_search_backend().search(
        " ".join(terms), base.only("pk", "first_published_at"), operator="or",
        order_by_relevance=True,
    )
    pages = list(found[:limit])
    return Ranked([Candidate(p.pk, p.first_published_at) for p in pages], found.count())
