"""From a parsed query to Whoosh queries, with the same analysis as the documents.

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
from dataclasses import dataclass, field, replace
from functools import cache

from whoosh import query as Q

from .analysis import abbreviations
from .datafiles import data_lines
from .engine import Fields
from .querylang import Clause, ParsedQuery
from .segment import Word, segment
from .snippets import Marks
from .text import fold_diacritics, has_diacritics, pair_term, syllable_terms

# Shorter syllables without diacritics are too ambiguous to mark alone (van: văn, vân, vạn…).
MIN_FOLDED_SINGLE = 4


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

    def field_b(self) -> dict[str, float]:
        """Length normalisation per field (the others use ``b``)."""
        return {"head": self.b_head, "text": self.b_text}


@dataclass(frozen=True)
class Unit:
    """One word of the query as a Whoosh query; kind: required, content or stop."""

    query: Q.Query
    kind: str


@dataclass(frozen=True)
class BuiltQuery:
    """The Whoosh queries of a reader's query, and what to mark in the text."""

    units: tuple[Unit, ...] = ()
    boosts: tuple[Q.Query, ...] = ()
    negative: Q.Query | None = None
    marks: Marks = field(default_factory=Marks)
    accented: bool = True
    loose_marks: frozenset[str] = frozenset()
    # The adjacent pairs of the plain words (scored, and counted for "adjacent first");
    # ``one_run``: the query is one run of plain words (all its pairs = the words together).
    pairs: tuple[Q.Query, ...] = ()
    one_run: bool = False

    def loosened(self) -> BuiltQuery:
        """The same query, marking every content syllable alone (for relaxed results)."""
        marks = Marks(self.marks.phrases, self.marks.singles | self.loose_marks,
                      self.marks.folded)
        return replace(self, marks=marks)

    @property
    def empty(self) -> bool:
        """Nothing to match: list every article (minus the excluded ones)."""
        return not self.units


def min_should_match(content_units: int, weights: Weights) -> int:
    """How many content units an article must match: all of a short query, a share of a
    long one (questions carry words that the answer does not repeat).

    >>> [min_should_match(n, Weights()) for n in (1, 2, 3, 4, 6, 10)]
    [1, 2, 3, 2, 2, 3]
    """
    if content_units <= weights.all_up_to:
        return content_units
    return max(1, math.ceil(weights.should_match * content_units))


@cache
def stopwords() -> frozenset[str]:
    """Function and question words (matching form), from ``data/stopwords.txt``."""
    words = {term for line in data_lines("stopwords.txt") for term in syllable_terms(line)}
    return frozenset(words | {fold_diacritics(w) for w in words if w == fold_diacritics(w)})


@dataclass
class _Builder:
    accented: bool
    weights: Weights
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    singles: set[str] = field(default_factory=set)

    def fields(self) -> list[tuple[str, float, bool]]:
        """(field, boost, folded) triples searched in this mode."""
        w = self.weights
        exact = [("head", w.head, False), ("text", w.body, False)]
        if self.accented:
            return exact
        folded = [(f"{name}_f", boost, True) for name, boost, _ in exact]
        return folded + [(n, b * w.exact_in_folded, False) for n, b, _ in exact]

    def mark(self, terms: Sequence[str]) -> None:
        """Mark ``terms`` in the text: alone if one syllable, else only where adjacent."""
        keys = tuple(terms if self.accented else (fold_diacritics(t) for t in terms))
        if len(keys) == 1:
            self.singles.add(keys[0])
        elif keys:
            self.phrases.add(keys)

    def mark_words(self, text: str) -> list[Word]:
        """Mark adjacent pairs of the text's syllables, and its words as pyvi segments them;
        returns those words (pyvi runs once per query text).

        pyvi cannot segment text without diacritics: for such a query only the pairs (and a
        lone syllable) are marked, plus the words of the accented hint when there is one.
        """
        terms = syllable_terms(text)
        words = segment(text) if self.accented or len(terms) == 1 else []
        for word in words:
            self.mark(syllable_terms(word.text))
        for pair in _pairs(terms):
            self.mark(pair)
        return words

    def marks(self) -> Marks:
        return Marks(frozenset(self.phrases), frozenset(self.singles), not self.accented)

    @staticmethod
    def _form(term: str, folded: bool) -> str:
        return fold_diacritics(term) if folded else term

    def words(self, terms: Sequence[str], phrase: bool) -> Q.Query:
        """All of ``terms`` (as a phrase when asked) in any searched field."""
        if len(terms) == 1 and self.weights.bm25f:
            return Fields([(f, self._form(terms[0], fd), b) for f, b, fd in self.fields()])
        if len(terms) == 1:
            return Q.Or([Q.Term(f, self._form(terms[0], fd), boost=b)
                         for f, b, fd in self.fields()])
        if phrase:
            return Q.And([self.pair(a, b, self.weights.body) for a, b in _pairs(terms)])
        return Q.And([self.words([t], False) for t in terms])

    def pair(self, first: str, second: str, boost: float) -> Q.Query:
        """Two syllables side by side (the pairs fields hold every adjacent pair)."""
        exact = Q.Term("pairs", pair_term(first, second), boost=boost)
        if self.accented:
            return exact
        folded = Q.Term("pairs_f", pair_term(first, second, folded=True), boost=boost)
        return Q.Or([folded, exact.with_boost(boost * self.weights.exact_in_folded)])

    def with_synonyms(self, terms: tuple[str, ...], phrase: bool) -> Q.Query:
        """``terms`` or any equivalent form from the abbreviation table."""
        alternatives = abbreviations().alternatives(terms, folded=not self.accented)
        own = self.words(terms, phrase)
        if phrase or alternatives:
            self.mark(terms)
        for alternative in alternatives:
            self.mark(alternative)
        if not alternatives:
            return own
        return Q.Or([own, *(self.words(alt, True) for alt in alternatives)])

    def run(self, terms: list[str]) -> list[Unit]:
        """Units of a run of plain words, abbreviations grouped with their expansions."""
        units, i = [], 0
        lengths = sorted(abbreviations().lengths(), reverse=True)
        while i < len(terms):
            for n in [n for n in lengths if n <= len(terms) - i] + [1]:
                span = tuple(terms[i : i + n])
                if n == 1 or abbreviations().alternatives(span, folded=not self.accented):
                    stop = n == 1 and span[0] in stopwords()
                    units.append(Unit(self.with_synonyms(span, False),
                                      "stop" if stop else "content"))
                    i += n
                    break
        return units

    def boosts(self, terms: list[str], words: list[Word]) -> list[Q.Query]:
        """Optional clauses: the run's pyvi compounds."""
        if not (self.accented and len(terms) > 1):
            return []
        return [Q.Term("words", word.term, boost=self.weights.compound)
                for word in words if word.syllables > 1]

    def clause(self, clause: Clause) -> Q.Query | None:
        """A quoted phrase or an ``OR`` group, as one query (None if it has no syllable)."""
        options = []
        for c in (clause, *clause.alternatives):
            terms = tuple(syllable_terms(c.text))
            if not c.phrase:
                self.mark_words(c.text)
            if terms:
                options.append(self.with_synonyms(terms, phrase=c.phrase))
        if not options:
            return None
        return options[0] if len(options) == 1 else Q.Or(options)


def _pairs(terms: Sequence[str]) -> list[tuple[str, str]]:
    return list(zip(terms, terms[1:], strict=False))


def _runs(clauses: Sequence[Clause]) -> list[list[Clause]]:
    """Group consecutive plain clauses (no phrase, no OR) into runs."""
    runs: list[list[Clause]] = []
    for clause in clauses:
        plain = not clause.phrase and not clause.alternatives
        if plain and runs and not runs[-1][-1].phrase and not runs[-1][-1].alternatives:
            runs[-1].append(clause)
        else:
            runs.append([clause])
    return runs


def _mark_hint(builder: _Builder, hint: str) -> None:
    for word in segment(hint):
        terms = syllable_terms(word.text)
        if len(terms) > 1 or len(terms[0]) >= MIN_FOLDED_SINGLE:
            builder.mark(terms)


def build_query(
    parsed: ParsedQuery, weights: Weights | None = None, accented_hint: str | None = None
) -> BuiltQuery:
    """The units, boosts and exclusions of a parsed query.

    ``accented_hint``, the accented form of an accentless query (the suggestion), tells
    which words to mark together in the text.
    """
    text = " ".join(c.text for c in parsed.positive)
    accented = has_diacritics(text) or not text
    builder = _Builder(accented, weights or Weights())
    if accented_hint and not accented:
        _mark_hint(builder, accented_hint)
    units: list[Unit] = []
    boosts: list[Q.Query] = []
    pairs: list[Q.Query] = []
    runs = _runs(parsed.positive)
    for run in runs:
        if len(run) == 1 and (run[0].phrase or run[0].alternatives):
            query = builder.clause(run[0])
            units.extend([Unit(query, "required")] if query else [])
            continue
        run_text = " ".join(c.text for c in run)
        terms = syllable_terms(run_text)
        words = builder.mark_words(run_text)
        units.extend(builder.run(terms))
        boosts.extend(builder.boosts(terms, words))
        pairs.extend(builder.pair(a, b, builder.weights.bigram) for a, b in _pairs(terms))
    loose = {t if accented else fold_diacritics(t)
             for t in syllable_terms(text) if t not in stopwords()}
    excluder = _Builder(accented, builder.weights)
    negative = [q for q in map(excluder.clause, parsed.negative) if q is not None]
    return BuiltQuery(tuple(units), tuple(boosts), Q.Or(negative) if negative else None,
                      builder.marks(), accented, frozenset(loose), tuple(pairs),
                      len(runs) == 1 and bool(pairs))
