"""The ranking policy: which articles match a query's units, and in what order.

Every content unit of a short query, a share of a long one's information (idf-weighted
coverage), loosened when that leaves nothing; then BM25F scores, with articles where the
query's words stand side by side first for short queries. The parameters are
:class:`querybuild.Weights`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine import Engine, Evaluation
from .querybuild import BuiltQuery, Weights, min_should_match, unit_weight


@dataclass(frozen=True)
class Matched:
    mask: np.ndarray
    score: np.ndarray
    relaxed: bool
    order: np.ndarray  # the ranking key: adjacency tier first, then the score
    together: np.ndarray | None = None  # articles with all the words side by side
    unknown: bool = False  # a word of the query is in no article (a misspelling?)


def adjacency(engine: Engine, built: BuiltQuery, score: np.ndarray, content_units: int,
               weights: Weights) -> tuple[np.ndarray, np.ndarray | None]:
    """The ranking key and the articles with every pair. For a short query (a name, a
    place: at most ``adjacent_up_to`` content words), an article where more of its words
    stand together outranks any with fewer, whatever their scores."""
    if not built.pairs:
        return score, None
    masks = [engine.evaluate(p).mask for p in built.pairs]
    together = np.logical_and.reduce(masks) if built.one_run else None
    if content_units > weights.adjacent_up_to:
        return score, together
    tier = np.sum(masks, axis=0, dtype=np.float64)
    if weights.adjacent_rule == "any":
        tier = (tier > 0).astype(np.float64)
    elif weights.adjacent_rule == "all":
        tier = (tier == len(masks)).astype(np.float64)
    return tier * (float(score.max()) + 1.0) + score, together


def coverage(engine: Engine, units: list[Evaluation]) -> tuple[np.ndarray, float]:
    """How much of the query's information each article has: the idf of the units it
    matches, added up, and the idf of all (units found nowhere do not count)."""
    frequencies = [int(e.mask.sum()) for e in units]
    idf = [engine.idf(n) if n else 0.0 for n in frequencies]
    covered = np.zeros(engine.size, dtype=np.float64)
    for weight, unit in zip(idf, units, strict=True):
        covered += weight * unit.mask
    covered[~engine.live] = 0  # a deleted article's postings may remain (backend contract)
    return covered, float(sum(idf))


def gate(engine: Engine, counted: list[Evaluation], weights: Weights,
          accented: bool) -> np.ndarray:
    """Articles with enough content units: all of a short query; of a long one, a share of
    its units (``coverage`` off) or of its information (idf-weighted: ``coverage`` all, or
    folded for queries without diacritics only)."""
    need = min_should_match(len(counted), weights)
    weighted = weights.coverage == "all" or (weights.coverage == "folded" and not accented)
    if weighted and len(counted) > weights.all_up_to:
        covered, total = coverage(engine, counted)
        gate: np.ndarray = covered >= weights.should_match * total - 1e-9
        return gate
    gate = np.sum([e.mask for e in counted], axis=0) >= need
    return gate


def loosened(engine: Engine, units: list[Evaluation], weights: Weights) -> np.ndarray:
    """When no article has enough of the query: those with the most of its information
    (at least ``relax_share`` of it when any has that much), never every article with
    one common word of it (``relax_share`` 0: any unit, as before)."""
    if weights.relax_share <= 0:
        anything: np.ndarray = np.logical_or.reduce([e.mask for e in units])
        return anything
    covered, total = coverage(engine, units)
    threshold = min(weights.relax_share * total, float(covered.max()))
    return (covered >= threshold - 1e-9) & (covered > 0)


def matching(engine: Engine, built: BuiltQuery, weights: Weights) -> Matched:
    """Articles with every required unit and enough content units (loosened when that
    leaves nothing), none excluded; their scores and ranking key."""
    order: np.ndarray | None = None
    together = None
    unknown = False
    if built.empty:
        mask, score, relaxed = engine.live.copy(), engine.nothing().score, False
    else:
        units = {kind: [engine.evaluate(u.query) for u in built.units if u.kind == kind]
                 for kind in ("required", "content", "stop")}
        counted = units["content"] or units["stop"]
        unknown = any(not (e.mask & engine.live).any()
                      for e in units["content"] + units["required"])
        need = min_should_match(len(counted), weights)
        mask = engine.live.copy()
        if counted:
            mask &= gate(engine, counted, weights, built.accented)
        for required in units["required"]:
            mask &= required.mask
        relaxed = not mask.any() and (need > 1 or bool(units["required"]))
        every = [e for kind in units.values() for e in kind]
        if relaxed:
            informative = units["required"] + units["content"] or every
            informative = informative if weights.relax_share > 0 else every
            mask = loosened(engine, informative, weights) & engine.live
        content = len(units["content"])
        weighted = [e.score * unit_weight(kind, content, built.accented, weights)
                    for kind, found in units.items() for e in found]
        score = np.sum(weighted
                       + [engine.evaluate(b).score for b in built.boosts + built.pairs], axis=0)
        order, together = adjacency(engine, built, score, len(counted), weights)
    if built.negative is not None:
        mask &= ~engine.evaluate(built.negative).mask
    return Matched(mask, score, relaxed, score if order is None else order,
                    None if together is None else together & mask, unknown)


def phrase_total(matched: Matched, filtered: np.ndarray) -> int | None:
    if matched.together is None:
        return None
    return int((matched.together & filtered).sum()) or None
