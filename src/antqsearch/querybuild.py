"""From an analysed query (:mod:`antqsearch.queryanalysis`) to a query plan.

A query typed with diacritics matches exact syllables; one typed without them matches
folded syllables (exact ones count a little more). The query becomes *units*: one per
word (an abbreviation and its expansion, or ``OR`` alternatives, are one unit), each
marked ``required`` (quoted phrases, ``OR`` groups), ``content`` or ``stop`` (function
and question words from ``data/stopwords.txt``). The search service decides how many
content units an article must match (see :func:`min_should_match`); phrases, adjacent
words and pyvi compounds add to the score without being required.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .plan import All, Any, Fields, Node, Term
from .queryanalysis import QueryAnalysis, QueryUnit, Wording, pairs
from .text import fold_diacritics, pair_term


@dataclass(frozen=True)
class Weights:
    """Every parameter of the ranking, in one place (measured with ``make eval``; see the
    ablation table in bench/README.md).

    * ``head``, ``body``: field weights of the title + metadata and of the text, added up
      per word *before* saturation when ``bm25f`` (BM25F), else each field saturated apart;
      ``exact_in_folded``: how much the typed spelling counts within a query without
      diacritics; ``k1``, ``b`` (``b_head``, ``b_text`` per field); ``idf``: ``bm25``
      (log(1 + (N−n+0.5)/(n+0.5))) or ``whoosh`` (log(N/(n+1)) + 1).
    * ``bigram``: adjacent query syllables found side by side; ``compound``: pyvi words.
    * Matching: every content word of a query of up to ``all_up_to`` words; of a longer one
      ``should_match`` of its information (``coverage`` ``all``: the idf of the words an
      article has over the idf of all, ``folded``: so only without diacritics, ``off``: a
      share of the words' count). When nothing matches, the articles with the most of the
      query's information, at least ``relax_share`` of it if any has that much.
    * ``stop``: how much a function or question word counts in a long query (more than
      ``all_up_to`` content words) typed with diacritics (a folded one, ``co``, ``la``, is
      also a content word's spelling and always counts in full). 0.5 wins a little on
      questions and loses more on lead sentences, whose every word is the article's: 1.
    * Adjacent first: for queries of up to ``adjacent_up_to`` content words, articles with
      the words side by side come before the others (``adjacent_rule`` ``all``: every pair,
      i.e. the whole run; ``any``: one pair; ``count``: the more pairs the earlier).
    """

    head: float = 3.0
    body: float = 1.0
    exact_in_folded: float = 0.3
    bigram: float = 0.7
    compound: float = 0.1
    all_up_to: int = 3
    should_match: float = 0.3
    k1: float = 1.2
    b: float = 0.75
    b_head: float = 0.75
    b_text: float = 0.75
    idf: str = "bm25"
    bm25f: bool = True
    adjacent_up_to: int = 3
    adjacent_rule: str = "all"
    coverage: str = "all"
    relax_share: float = 0.5
    stop: float = 1.0

    def field_b(self) -> dict[str, float]:
        """Length normalisation per field (the others use ``b``)."""
        return {"head": self.b_head, "text": self.b_text}


@dataclass(frozen=True)
class Unit:
    """One word of the query as a plan; kind: required, content or stop."""

    query: Node
    kind: str


@dataclass(frozen=True)
class BuiltQuery:
    """The plans of a reader's query."""

    units: tuple[Unit, ...] = ()
    boosts: tuple[Node, ...] = ()
    negative: Node | None = None
    accented: bool = True
    # The adjacent pairs of the plain words (scored, and counted for "adjacent first");
    # ``one_run``: the query is one run of plain words (all its pairs = the words together).
    pairs: tuple[Node, ...] = ()
    one_run: bool = False

    @property
    def empty(self) -> bool:
        """Nothing to match: list every article (minus the excluded ones)."""
        return not self.units


def unit_weight(kind: str, content_units: int, accented: bool, weights: Weights) -> float:
    """How much a unit's score counts: function words count ``stop`` in a long query typed
    with diacritics, every other unit in full.

    >>> half = Weights(stop=0.5)
    >>> [unit_weight("stop", n, True, half) for n in (3, 4)]
    [1.0, 0.5]
    >>> unit_weight("stop", 4, False, half), unit_weight("content", 4, True, half)
    (1.0, 1.0)
    """
    long = content_units > weights.all_up_to
    return weights.stop if kind == "stop" and long and accented else 1.0


def min_should_match(content_units: int, weights: Weights) -> int:
    """How many content units an article must match: all of a short query, a share of a
    long one (questions carry words that the answer does not repeat).

    >>> [min_should_match(n, Weights()) for n in (1, 2, 3, 4, 6, 10)]
    [1, 2, 3, 2, 2, 3]
    """
    if content_units <= weights.all_up_to:
        return content_units
    return max(1, math.ceil(weights.should_match * content_units))


@dataclass(frozen=True)
class _Builder:
    accented: bool
    weights: Weights

    def fields(self) -> list[tuple[str, float, bool]]:
        """(field, boost, folded) triples searched in this mode."""
        w = self.weights
        exact = [("head", w.head, False), ("text", w.body, False)]
        if self.accented:
            return exact
        folded = [(name, boost, True) for name, boost, _ in exact]
        return folded + [(n, b * w.exact_in_folded, False) for n, b, _ in exact]

    @staticmethod
    def _form(term: str, folded: bool) -> str:
        return fold_diacritics(term) if folded else term

    def words(self, terms: Sequence[str], phrase: bool) -> Node:
        """All of ``terms`` (as a phrase when asked) in any searched field."""
        if len(terms) == 1:
            parts = tuple(Term(f, self._form(terms[0], fd), b, fd) for f, b, fd in self.fields())
            return Fields(parts) if self.weights.bm25f else Any(parts)
        if phrase:
            return All(tuple(self.pair(a, b, self.weights.body) for a, b in pairs(terms)))
        return All(tuple(self.words([t], False) for t in terms))

    def pair(self, first: str, second: str, boost: float) -> Node:
        """Two syllables side by side (the pairs fields hold every adjacent pair)."""
        exact = Term("pairs", pair_term(first, second), boost)
        if self.accented:
            return exact
        folded = Term("pairs", pair_term(first, second, folded=True), boost, folded=True)
        return Any((folded, exact.with_boost(boost * self.weights.exact_in_folded)))

    def wording(self, wording: Wording) -> Node:
        """The terms or any equivalent form from the abbreviation table."""
        own = self.words(wording.terms, wording.phrase)
        if not wording.alternatives:
            return own
        return Any((own, *(self.words(alt, True) for alt in wording.alternatives)))

    def unit(self, unit: QueryUnit) -> Node:
        options = [self.wording(w) for w in unit.options]
        return options[0] if len(options) == 1 else Any(tuple(options))


def build_query(analysis: QueryAnalysis, weights: Weights | None = None) -> BuiltQuery:
    """The units, boosts, pairs and exclusions of an analysed query."""
    builder = _Builder(analysis.accented, weights or Weights())
    w = builder.weights
    boosts: list[Node] = []
    pair_nodes: list[Node] = []
    for run in analysis.runs:
        if analysis.accented and len(run.terms) > 1:
            boosts.extend(Term("words", c, w.compound) for c in run.compounds)
        pair_nodes.extend(builder.pair(a, b, w.bigram) for a, b in pairs(run.terms))
    negative = [builder.unit(u) for u in analysis.negative]
    return BuiltQuery(tuple(Unit(builder.unit(u), u.kind) for u in analysis.units),
                      tuple(boosts), Any(tuple(negative)) if negative else None,
                      analysis.accented, tuple(pair_nodes), analysis.one_run)
