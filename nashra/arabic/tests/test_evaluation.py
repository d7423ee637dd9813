"""Ranking metrics against cases worked out by hand (gain 2^rel − 1, discount log2(rank + 1))."""

import math

import pytest

from nashra.arabic.evaluation import dcg, ndcg_at_k, recall_at_k, reciprocal_rank

LOG2_3 = math.log2(3)  # the discount at rank 2

JUDGED = {"a": 2, "b": 1, "z": 0}


@pytest.mark.parametrize(
    ("ranked", "judgments", "k", "expected"),
    [
        # best order: DCG equals the ideal
        (["a", "b"], JUDGED, 10, 1.0),
        # an unjudged id ahead of the best one: (3/log2 3) / (3 + 1/log2 3) ≈ 0.5213
        (["x", "a"], JUDGED, 10, (3 / LOG2_3) / (3 + 1 / LOG2_3)),
        # the two relevant ones swapped: (1 + 3/log2 3) / (3 + 1/log2 3) ≈ 0.7967
        (["b", "a"], JUDGED, 10, (1 + 3 / LOG2_3) / (3 + 1 / LOG2_3)),
        # a judged-irrelevant id costs the same as an unjudged one
        (["z", "a"], JUDGED, 10, (3 / LOG2_3) / (3 + 1 / LOG2_3)),
        # the cut-off: "a" at rank 3 is outside the first 2, the ideal keeps only 2 slots
        (["x", "y", "a"], JUDGED, 2, 0.0),
        (["b", "x", "a"], JUDGED, 2, 1 / (3 + 1 / LOG2_3)),
        # nothing relevant to find: 0, not a division by zero
        (["a"], {"a": 0}, 10, 0.0),
        ([], JUDGED, 10, 0.0),
    ],
)
def test_ndcg_at_k(ranked, judgments, k, expected):
    assert ndcg_at_k(ranked, judgments, k) == pytest.approx(expected)


def test_ndcg_worked_decimals():
    # the same cases as above in plain numbers, so a wrong formula cannot hide in both
    assert ndcg_at_k(["x", "a"], JUDGED) == pytest.approx(0.5213, abs=1e-4)
    assert ndcg_at_k(["b", "a"], JUDGED) == pytest.approx(0.7967, abs=1e-4)
    assert dcg([2, 1, 0, 2]) == pytest.approx(3 + 1 / LOG2_3 + 0 + 3 / math.log2(5))


FOUR_RELEVANT = {"a": 2, "b": 1, "c": 1, "d": 2, "z": 0}


@pytest.mark.parametrize(
    ("ranked", "k", "expected"),
    [
        # "z" is judged but not relevant: it neither counts as found nor as missing
        (["a", "z", "x", "c"], 10, 2 / 4),
        # "c" at rank 4 is past the cut-off
        (["a", "z", "x", "c"], 3, 1 / 4),
        (["d", "c", "b", "a"], 4, 1.0),
        ([], 10, 0.0),
    ],
)
def test_recall_at_k(ranked, k, expected):
    assert recall_at_k(ranked, FOUR_RELEVANT, k) == pytest.approx(expected)


def test_recall_with_nothing_relevant_is_zero():
    assert recall_at_k(["a"], {"a": 0}) == 0.0


@pytest.mark.parametrize(
    ("ranked", "k", "expected"),
    [
        (["x", "y", "a"], None, 1 / 3),
        # a partially relevant document ends the search too
        (["x", "b", "a"], None, 1 / 2),
        # judged 0 is not relevant
        (["z", "x"], None, 0.0),
        # first relevant at rank 3, cut-off at 2
        (["x", "y", "a"], 2, 0.0),
        ([], None, 0.0),
    ],
)
def test_reciprocal_rank(ranked, k, expected):
    assert reciprocal_rank(ranked, JUDGED, k) == pytest.approx(expected)


@pytest.mark.parametrize("metric", [ndcg_at_k, recall_at_k, reciprocal_rank])
def test_k_below_one_is_refused(metric):
    with pytest.raises(ValueError):
        metric(["a"], JUDGED, 0)
