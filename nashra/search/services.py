"""Search writes: an editor's synonym set filed for lookup, and the vocabulary of the index
(terms and their spelling keys) rebuilt or grown as stories are published."""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from . import engine
from .expansion import deletion_keys
from .models import SpellingKey, SynonymPhrase, SynonymSet, VocabularyTerm

BATCH = 5000
MAX_TERM_LENGTH = 40


def synonym_phrases_sync(*, synonym_set: SynonymSet) -> None:
    """File the set's phrases in analysed form (called in the set's save transaction)."""
    SynonymPhrase.objects.filter(synonym_set=synonym_set).delete()
    SynonymPhrase.objects.bulk_create(
        SynonymPhrase(synonym_set=synonym_set, position=i, analysed=" ".join(phrase))
        for i, phrase in enumerate(synonym_set.phrases()))


def _spellable(term: str) -> bool:
    return term.isalpha() and len(term) <= MAX_TERM_LENGTH


def _keys_create(terms: Iterable[VocabularyTerm]) -> None:
    SpellingKey.objects.bulk_create(
        (SpellingKey(key=key, term=term) for term in terms for key in deletion_keys(term.term)),
        batch_size=BATCH)


@transaction.atomic
def vocabulary_rebuild() -> int:
    """Count every indexed story's terms afresh from the search index and file each term's
    spelling keys. Returns the number of terms."""
    counts: Counter[str] = Counter()
    for terms in engine.indexed_terms():
        counts.update(term for term in terms if _spellable(term))
    SpellingKey.objects.all().delete()
    VocabularyTerm.objects.all().delete()
    VocabularyTerm.objects.bulk_create(
        (VocabularyTerm(term=term, stories=n) for term, n in counts.items()), batch_size=BATCH)
    for start in range(0, len(counts), BATCH):
        _keys_create(VocabularyTerm.objects.order_by("pk")[start:start + BATCH])
    return len(counts)


@transaction.atomic
def vocabulary_add(*, terms: Iterable[str]) -> None:
    """One more story holds `terms`: count it, and file the new terms' spelling keys."""
    terms = {term for term in terms if _spellable(term)}
    if not terms:
        return
    known = set(VocabularyTerm.objects.filter(term__in=terms).values_list("term", flat=True))
    VocabularyTerm.objects.filter(term__in=known).update(stories=F("stories") + 1)
    new = [VocabularyTerm(term=term, stories=1) for term in sorted(terms - known)]
    VocabularyTerm.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    _keys_create(VocabularyTerm.objects.filter(term__in=[t.term for t in new]))
