"""Ranking metrics for judging search against a relevance set: pure functions, no Django.

`ranked` is a result list of document ids, best first. `judgments` maps a document id to
its graded relevance for one query (2 = highly relevant, 1 = partially, 0 = not); an id
that is not judged counts as 0. bench/relevance_eval.py averages these over the queries.
"""

import math
from collections.abc import Mapping, Sequence


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")


def _gain(grade: int) -> float:
    # Exponential gain: a highly relevant document (2 → 3) is worth three partial ones (1 → 1).
    return 2.0**grade - 1.0


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in rank order (rank 1 is not discounted)."""
    return sum(_gain(grade) / math.log2(rank + 1) for rank, grade in enumerate(grades, start=1))


def ndcg_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """DCG of the first k results over the DCG of the best possible k from the judged set.

    0.0 when nothing is judged relevant: there is no ranking to reward.
    """
    _check_k(k)
    ideal = dcg(sorted((g for g in judgments.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(doc_id, 0) for doc_id in ranked[:k]]) / ideal


def recall_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """Share of the relevant documents (grade > 0) found in the first k results.

    Cannot reach 1.0 when more than k documents are relevant; 0.0 when none is.
    """
    _check_k(k)
    relevant = {doc_id for doc_id, grade in judgments.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(
    ranked: Sequence[str], judgments: Mapping[str, int], k: int | None = None
) -> float:
    """1 / rank of the first relevant result (within the first k if k is given), else 0.0."""
    if k is not None:
        _check_k(k)
        ranked = ranked[:k]
    for rank, doc_id in enumerate(ranked, start=1):
        if judgments.get(doc_id, 0) > 0:
            return 1.0 / rank
    return 0.0
