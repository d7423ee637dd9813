"""Search reads: check the query, ask the backend for candidates, rank, and cut snippets.

`engine` asks the index (SQLite FTS5, PostgreSQL, or Elasticsearch) for the stories that
hold the analysed terms, ordered by a BM25-like score with the headline weighted above
the body, stories with every word before those with some. Here the top candidates are
re-ranked: a story whose text holds the query's words together as a phrase
rises, and newer stories get a gentle lift.
"""

import datetime as dt
import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.utils import timezone
from django.utils.html import strip_tags

from nashra.arabic.analysis import analyse
from nashra.arabic.normalize import QUICK_FOLD_EXACT_RE, quick_fold
from nashra.news.models import ArticlePage
from nashra.news.selectors import SectionRef, section_for_path

from . import engine
from .expansion import (
    SPELLING_MIN_LENGTH,
    Expansion,
    Phrase,
    close_spellings,
    deletion_keys,
    expand,
    ngrams,
    shipped_table,
    table_add,
)
from .models import SpellingKey, SynonymPhrase, VocabularyTerm

MAX_QUERY_LENGTH = 200
CANDIDATES = 100
PHRASE_BONUS = 1.0
RECENCY_WEIGHT = 0.3
RECENCY_HALF_LIFE_DAYS = 30
SNIPPET_CHARS = 240
SNIPPET_SCAN_CHARS = 6000
# A reader's term found in at most this many stories is a candidate for close spellings.
RARE_STORIES = 3

# Words as a reader sees them, marks and tatweel included, so a highlight covers the whole word.
_RAW_WORD_RE = re.compile(r"[\w\u0640\u064b-\u065f\u0670]+")


class SearchQueryError(ValueError):
    """A query that cannot be searched; the message is for the reader, in Arabic."""


@dataclass
class SearchHit:
    article: ArticlePage
    section: SectionRef | None
    snippet: str  # HTML: escaped text with <mark> around matched words


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    total: int
    hits: list[SearchHit]
    total_is_lower_bound: bool = False  # more than `total` stories match
    suggestion: str | None = None  # «هل تقصد»: the query respelled as the index spells it


def search_terms(raw: str | None) -> list[str]:
    """The analysed terms of a reader's query, or a SearchQueryError saying what is wrong."""
    text = (raw or "").strip()
    if not text:
        raise SearchQueryError("اكتب كلمة أو أكثر للبحث.")
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchQueryError(f"عبارة البحث أطول من {MAX_QUERY_LENGTH} حرف؛ اختصرها وأعد المحاولة.")
    terms = analyse(text)
    if not terms:
        raise SearchQueryError(
            "لم نجد في عبارة البحث كلمات يمكن البحث عنها؛ جرّب كلمات أوضح من الرموز وحروف الجر."
        )
    return terms


def editor_table(terms: list[str]) -> dict[Phrase, list[Phrase]]:
    """Editors' synonym sets that hold a run of the query's terms, read on every search (one
    query), so a set saved in the admin counts from the next search on."""
    wanted = SynonymPhrase.objects.filter(analysed__in=ngrams(terms)).values("synonym_set_id")
    rows = (SynonymPhrase.objects.filter(synonym_set_id__in=wanted)
            .order_by("synonym_set_id", "position")
            .values_list("synonym_set_id", "analysed", "synonym_set__one_way"))
    sets: dict[int, tuple[list[Phrase], bool]] = {}
    for set_id, analysed, one_way in rows:
        sets.setdefault(set_id, ([], one_way))[0].append(tuple(analysed.split()))
    table: dict[Phrase, list[Phrase]] = {}
    for phrases, one_way in sets.values():
        table_add(table, phrases, one_way=one_way)
    return table


def respellings(terms: list[str]) -> dict[str, list[str]]:
    """For each of the reader's terms that few or no stories hold, the terms of the index's
    vocabulary one edit away that more stories hold (two indexed reads at most)."""
    spellable = sorted({t for t in terms if len(t) >= SPELLING_MIN_LENGTH and t.isalpha()})
    if not spellable:
        return {}
    known = dict(VocabularyTerm.objects.filter(term__in=spellable).values_list("term", "stories"))
    owners: dict[str, set[str]] = defaultdict(set)
    for term in spellable:
        if known.get(term, 0) <= RARE_STORIES:
            for key in deletion_keys(term):
                owners[key].add(term)
    if not owners:
        return {}
    candidates: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for key, other, stories in SpellingKey.objects.filter(key__in=owners).values_list(
            "key", "term__term", "term__stories"):
        for term in owners[key]:
            candidates[term].add((other, stories))
    found = {term: close_spellings(term, known.get(term, 0), candidates[term])
             for term in candidates}
    return {term: others for term, others in found.items() if others}


def query_expansion(terms: list[str]) -> Expansion:
    """The reader's terms with the shipped equivalences, the editors' sets and the close
    spellings of rare terms as alternatives."""
    expansion = expand(terms, [editor_table(terms), shipped_table()])
    respelled = respellings(terms)
    if not respelled:
        return expansion
    expansion = expansion.with_alternatives(respelled)
    return Expansion(expansion.groups, {term: others[0] for term, others in respelled.items()})


def articles_search(*, query: str, section=None, date_from: dt.date | None = None,
                    date_to: dt.date | None = None, offset: int = 0,
                    limit: int = 10) -> SearchResults:
    terms = search_terms(query)
    filters = engine.Filters(
        section_path=section.path if section is not None else None,
        published_from=_start_of(date_from) if date_from else None,
        published_before=_start_of(date_to + dt.timedelta(days=1)) if date_to else None,
    )
    expansion = query_expansion(terms)
    found = engine.ranked(expansion, filters=filters, limit=max(CANDIDATES, offset + limit))
    # The re-ranking covers the first CANDIDATES; deeper pages keep the index's order, so
    # every page of results is cut from one and the same list.
    head, tail = found.candidates[:CANDIDATES], found.candidates[CANDIDATES:]
    phrase_ids = engine.phrase_matches(terms, head)
    now = timezone.now()
    head = [c for _, c in sorted(enumerate(head),
                                 key=lambda pair: -_score(pair[0], pair[1], phrase_ids, now))]
    shown = [c.page_id for c in (head + tail)[offset:offset + limit]]
    articles = ArticlePage.objects.in_bulk(shown)
    marked = expansion.all_terms
    hits = [
        SearchHit(article=a, section=section_for_path(a.path), snippet=snippet(a, marked))
        for a in (articles[pk] for pk in shown if pk in articles)
    ]
    suggestion = None
    if expansion.respelled and found.own_total is not None and found.total > found.own_total:
        suggestion = did_you_mean(query, expansion.respelled, [h.article for h in hits])
    return SearchResults(query=query, terms=terms, total=found.total, hits=hits,
                         total_is_lower_bound=found.total_is_lower_bound,
                         suggestion=suggestion)


def did_you_mean(query: str, respelled: dict[str, str], articles: list[ArticlePage]) -> str | None:
    """The reader's query with each respelled word written as the found stories write its
    close spelling (their most frequent form of it); None when no story shows one."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    wanted = {other: term for term, other in respelled.items()}
    for article in articles:
        text = f"{article.title} {article_text(article, limit=SNIPPET_SCAN_CHARS)}"
        for match in _RAW_WORD_RE.finditer(text):
            found = _word_terms(match.group()) & wanted.keys()
            for other in found:
                forms[wanted[other]][match.group()] += 1
    replaced, changed = [], False
    last = 0
    for match in _RAW_WORD_RE.finditer(query):
        terms = analyse(match.group())
        if len(terms) == 1 and forms.get(terms[0]):
            replaced += [query[last:match.start()], forms[terms[0]].most_common(1)[0][0]]
            last, changed = match.end(), True
    replaced.append(query[last:])
    return "".join(replaced).strip() if changed else None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _score(rank: int, candidate: engine.Candidate, phrase_ids: set, now: dt.datetime) -> float:
    """Index rank turned into a score (reciprocal rank), then phrase and recency lifts."""
    score = 1.0 / (rank + 2)
    if candidate.page_id in phrase_ids:
        score *= 1 + PHRASE_BONUS
    if candidate.published_at:
        age_days = max((now - candidate.published_at).total_seconds() / 86400, 0)
        score *= 1 + RECENCY_WEIGHT * 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
    return score


def article_text(article: ArticlePage, *, limit: int | None = None) -> str:
    """The story's readable text: standfirst, then the body blocks, without markup.

    Reads the body's raw JSON rather than building Wagtail's block values, and stops once
    `limit` characters are collected.
    """
    parts = [article.standfirst] if article.standfirst else []
    size = len(article.standfirst or "")
    for block in article.body.raw_data:
        if limit is not None and size >= limit:
            break
        value = block.get("value")
        if block.get("type") == "paragraph" and isinstance(value, str):
            text = html.unescape(strip_tags(value))
        elif block.get("type") == "heading" and isinstance(value, str):
            text = value
        elif block.get("type") == "quote" and isinstance(value, dict):
            text = str(value.get("text") or "")
        else:
            continue
        parts.append(text)
        size += len(text) + 1
    return "\n".join(p for p in parts if p)


@lru_cache(maxsize=100_000)
def _word_terms(word: str) -> frozenset[str]:
    return frozenset(analyse(word))


def _matches(word: str, terms: set[str]) -> bool:
    """Whether `word` analyses to a query term; most words are ruled out by a cheap fold."""
    if QUICK_FOLD_EXACT_RE.fullmatch(word):
        folded = quick_fold(word)
        if not any(term in folded for term in terms):
            return False
    return bool(_word_terms(word) & terms)


def highlight(text: str, terms: set[str]) -> str:
    """Escape `text` and wrap every word whose analysed form is a query term in <mark>."""
    out, last = [], 0
    for match in _RAW_WORD_RE.finditer(text):
        if _matches(match.group(), terms):
            out.append(html.escape(text[last:match.start()]))
            out.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(article: ArticlePage, terms: set[str]) -> str:
    """A window of the original text around the first matched word, matches highlighted."""
    text = " ".join(article_text(article, limit=SNIPPET_SCAN_CHARS)[:SNIPPET_SCAN_CHARS].split())
    start = 0
    for match in _RAW_WORD_RE.finditer(text):
        if _matches(match.group(), terms):
            start = max(0, match.start() - SNIPPET_CHARS // 4)
            break
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    window = text[start:start + SNIPPET_CHARS]
    if start + SNIPPET_CHARS < len(text):
        cut = window.rfind(" ")
        window = (window[:cut] if cut > SNIPPET_CHARS // 2 else window) + " …"
    return ("… " if start else "") + highlight(window, terms)
