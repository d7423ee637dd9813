"""Query expansion: the reader's words, and the other words that stand for them.

A query is a sequence of groups. Each group holds some of the reader's analysed terms and the
phrases that may stand in for them: a shipped equivalence (data/equivalences.tsv: synonyms,
dialect words, transliterations, broken plurals, paraphrases), an editor's synonym set
(nashra.search.models.SynonymSet), or a close spelling found in the index's vocabulary. A story
matches a group when it holds the reader's words or one of the alternatives; the engine ranks
stories holding the reader's own words above those found only through an alternative.

Pure functions over data: the database reads (editors' sets, the vocabulary) are in
`selectors` and `services`, and hand their rows in.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from nashra.arabic.analysis import analyse

DATA_FILE = Path(__file__).resolve().parent / "data" / "equivalences.tsv"
KINDS = ("synonym", "dialect", "transliteration", "plural", "paraphrase")
# The longest phrase (in analysed terms) an equivalence may have; longer ones are refused.
MAX_PHRASE_TERMS = 4
ONE_WAY = "=>"

Phrase = tuple[str, ...]
# A phrase → the phrases it brings in (not necessarily back).
Table = Mapping[Phrase, Sequence[Phrase]]


@dataclass(frozen=True)
class Group:
    """Some of the reader's terms (in order) and the phrases that may stand for them."""

    terms: Phrase
    alternatives: tuple[Phrase, ...] = ()

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        return (self.terms, *self.alternatives)


@dataclass(frozen=True)
class Expansion:
    groups: tuple[Group, ...]
    # the reader's term → the close spelling put in beside it (for «هل تقصد»)
    respelled: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def plain(cls, terms: Iterable[str]) -> Expansion:
        return cls(tuple(Group((term,)) for term in terms))

    @property
    def terms(self) -> list[str]:
        """The reader's own terms, in order."""
        return [term for group in self.groups for term in group.terms]

    @property
    def expanded(self) -> bool:
        return any(group.alternatives for group in self.groups)

    @property
    def all_terms(self) -> set[str]:
        """Every term a matching story may hold: the reader's and the alternatives'."""
        return {term for group in self.groups for phrase in group.phrases for term in phrase}

    def with_alternatives(self, extra: Mapping[str, Sequence[str]]) -> Expansion:
        """Single-term alternatives added to the groups holding one of the reader's terms."""
        groups = []
        for group in self.groups:
            added = tuple((alt,) for term in group.terms if len(group.terms) == 1
                          for alt in extra.get(term, ()) if (alt,) not in group.phrases)
            groups.append(replace(group, alternatives=group.alternatives + added))
        return Expansion(tuple(groups), self.respelled)


def parse_terms(text: str) -> tuple[list[str], bool]:
    """`a, b, c` (each finds the others) or `a => b, c` (a finds b and c): the phrases in
    order and whether the first leads one way. Newlines separate like commas."""
    one_way = ONE_WAY in text
    text = text.replace(ONE_WAY, ",").replace("\n", ",").replace("،", ",")
    return [part.strip() for part in text.split(",") if part.strip()], one_way


def analysed_phrases(phrases: Iterable[str]) -> list[Phrase]:
    """Each phrase's analysed terms, duplicates and empty ones dropped, order kept."""
    seen: dict[Phrase, None] = {}
    for phrase in phrases:
        terms = tuple(analyse(phrase))
        if terms:
            seen.setdefault(terms, None)
    return list(seen)


def table_add(table: dict[Phrase, list[Phrase]], phrases: Sequence[Phrase], *,
              one_way: bool) -> None:
    """Record one set: two-way, every phrase brings the others; one-way, the first brings
    the rest."""
    sources = phrases[:1] if one_way else phrases
    for source in sources:
        if len(source) > MAX_PHRASE_TERMS:
            continue
        targets = table.setdefault(source, [])
        targets += [p for p in phrases if p != source and p not in targets]


@dataclass(frozen=True)
class Entry:
    kind: str
    phrases: tuple[Phrase, ...]
    one_way: bool
    source: str


@cache
def shipped_entries() -> tuple[Entry, ...]:
    """data/equivalences.tsv, analysed; a malformed line is an error, not skipped."""
    entries = []
    with DATA_FILE.open(encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            kind, source = row["kind"], (row["source"] or "").strip()
            if kind not in KINDS or not source:
                raise ValueError(f"equivalences.tsv: bad kind or missing source in {row}")
            words, one_way = parse_terms(row["terms"])
            phrases = analysed_phrases(words)
            if len(phrases) > 1:
                entries.append(Entry(kind, tuple(phrases), one_way, source))
    return tuple(entries)


@cache
def shipped_table() -> dict[Phrase, list[Phrase]]:
    table: dict[Phrase, list[Phrase]] = {}
    for entry in shipped_entries():
        table_add(table, entry.phrases, one_way=entry.one_way)
    return table


def ngrams(terms: Sequence[str]) -> list[str]:
    """Every run of 1..MAX_PHRASE_TERMS consecutive terms, space-joined (editors' sets are
    looked up by these)."""
    return [" ".join(terms[i:i + n]) for n in range(1, MAX_PHRASE_TERMS + 1)
            for i in range(len(terms) - n + 1)]


def expand(terms: Sequence[str], tables: Sequence[Table]) -> Expansion:
    """Groups for `terms`: left to right, the longest run of terms that some table knows
    becomes one group with the table's phrases as alternatives; other terms stand alone."""
    groups, i = [], 0
    while i < len(terms):
        for n in range(min(MAX_PHRASE_TERMS, len(terms) - i), 0, -1):
            span = tuple(terms[i:i + n])
            alternatives: list[Phrase] = []
            for table in tables:
                alternatives += [p for p in table.get(span, ()) if p != span
                                 and p not in alternatives]
            if alternatives or n == 1:
                groups.append(Group(span, tuple(alternatives)))
                i += n
                break
    return Expansion(tuple(groups))


# --- close spellings ----------------------------------------------------------------------
# A SymSpell-style deletion index (Wolf Garbe, 2012): every vocabulary term is filed under
# itself and each form with one letter deleted; a query term's own deletions then find every
# term within one edit (insertion, deletion, substitution or swap of neighbours) with a few
# indexed lookups, whatever the vocabulary's size.

# Shorter terms have too many neighbours one edit away to guess from.
SPELLING_MIN_LENGTH = 4


def deletion_keys(term: str) -> set[str]:
    if len(term) < SPELLING_MIN_LENGTH:
        return set()
    return {term} | {term[:i] + term[i + 1:] for i in range(len(term))}


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus swaps of neighbouring letters)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def close_spellings(term: str, stories: int, candidates: Iterable[tuple[str, int]], *,
                    limit: int = 2) -> list[str]:
    """Of `candidates` (vocabulary terms sharing a deletion key with `term`, with the number
    of stories holding each), those one edit away and found in more stories than `term`
    itself, most used first."""
    close = {(other, count) for other, count in candidates
             if other != term and count > stories and edit_distance(term, other) == 1}
    return [other for other, _ in sorted(close, key=lambda pair: (-pair[1], pair[0]))][:limit]
