"""bench/relevance.py's measures: reciprocal ranks, MRR@10 and the per-query oracle."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import relevance  # noqa: E402  (bench/ is not a package)

QRELS = {"q1": {"a"}, "q2": {"b"}, "q3": {"c"}, "q4": {"d", "e"}}


def test_reciprocal_ranks_count_the_first_target_in_the_first_ten() -> None:
    ranked = {"q1": ["a", "x"], "q2": ["x", "y", "b"], "q3": [f"n{i}" for i in range(10)] + ["c"],
              "q4": ["x", "e", "d"]}
    assert relevance.reciprocal_ranks(ranked, QRELS) == {
        "q1": 1.0, "q2": 1 / 3, "q3": 0.0, "q4": 0.5}


def test_a_query_with_no_ranking_counts_zero() -> None:
    assert relevance.reciprocal_ranks({}, {"q1": {"a"}}) == {"q1": 0.0}


def test_mrr_is_the_mean_of_the_reciprocal_ranks() -> None:
    ranked = {"q1": ["a"], "q2": ["x", "b"], "q3": [], "q4": ["d"]}
    found = relevance.metrics(ranked, {}, QRELS)
    assert found["mrr@10"] == round((1 + 0.5 + 0 + 1) / 4, 4)
    assert found["recall@1"] == round((1 + 0 + 0 + 0.5) / 4, 4)
    assert found["queries"] == 4


def test_best_of_takes_the_better_ranking_of_each_query() -> None:
    first = {"q1": 1.0, "q2": 0.0, "q3": 0.5}
    second = {"q1": 0.5, "q2": 1 / 3, "q3": 0.5}
    assert relevance.best_of(first, second) == round((1 + 1 / 3 + 0.5) / 3, 4)
    assert relevance.best_of(first) == round(1.5 / 3, 4)
    assert relevance.best_of(first, second) >= max(relevance.best_of(first),
                                                   relevance.best_of(second))
