"""Query analysis: a parsed query as syllables, words and abbreviation alternatives.

One pure step, run once per query text, whose result two consumers read:
:func:`antqsearch.querybuild.build_query` turns it into a query plan, and the
highlighter (:mod:`antqsearch.snippets`) marks its ``phrases`` and ``singles`` in the
text. The query is analysed as the documents are (design §3): syllables in matching form,
pyvi words (pyvi runs once per run of plain words), folding when the query was typed
without diacritics.

>>> analysis = analyse_query(parse_query('camera "an ninh"'))
>>> [(u.kind, [o.terms for o in u.options]) for u in analysis.units]
[('content', [('camera',)]), ('required', [('an', 'ninh')])]
>>> sorted(analysis.phrases), sorted(analysis.singles)
([('an', 'ninh')], ['camera'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from .analysis import abbreviations
from .datafiles import data_lines
from .querylang import Clause, ParsedQuery, parse_query
from .segment import segment
from .text import fold_diacritics, has_diacritics, syllable_terms

# Shorter syllables without diacritics are too ambiguous to mark alone (van: văn, vân, vạn…).
MIN_FOLDED_SINGLE = 4


@cache
def stopwords() -> frozenset[str]:
    """Function and question words (matching form), from ``data/stopwords.txt``."""
    words = {term for line in data_lines("stopwords.txt") for term in syllable_terms(line)}
    return frozenset(words | {fold_diacritics(w) for w in words if w == fold_diacritics(w)})


@dataclass(frozen=True)
class Wording:
    """One way the reader said something: syllables (matching form, as typed), whether
    they must stand together, and the forms the abbreviation table makes equivalent."""

    terms: tuple[str, ...]
    phrase: bool
    alternatives: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class QueryUnit:
    """One word of the query (an abbreviation with its expansion, or an ``OR`` group):
    any of its wordings; kind ``required`` (phrases, OR groups), ``content`` or ``stop``."""

    kind: str
    options: tuple[Wording, ...]


@dataclass(frozen=True)
class Run:
    """Consecutive plain words: their syllables and pyvi's compounds (``an_ninh``)."""

    terms: tuple[str, ...]
    compounds: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryAnalysis:
    """A query analysed: its units, its plain runs, its exclusions, and what to mark."""

    accented: bool = True
    units: tuple[QueryUnit, ...] = ()
    runs: tuple[Run, ...] = ()  # the plain runs, for word pairs and compounds
    negative: tuple[QueryUnit, ...] = ()
    one_run: bool = False  # the query is one run of plain words (with a pair at least)
    # Syllable sequences to mark where adjacent, and syllables to mark alone (matching
    # form: folded when the query has no diacritics); ``loose``: every content syllable.
    phrases: frozenset[tuple[str, ...]] = frozenset()
    singles: frozenset[str] = frozenset()
    loose: frozenset[str] = frozenset()


def is_accented(parsed: ParsedQuery) -> bool:
    """Whether the query's words have diacritics (an empty query counts as accented)."""
    text = " ".join(c.text for c in parsed.positive)
    return has_diacritics(text) or not text


@dataclass
class _Marker:
    """Collects what to mark, in matching form."""

    accented: bool
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    singles: set[str] = field(default_factory=set)

    def mark(self, terms: Sequence[str]) -> None:
        """Mark ``terms`` in the text: alone if one syllable, else only where adjacent."""
        keys = tuple(terms if self.accented else (fold_diacritics(t) for t in terms))
        if len(keys) == 1:
            self.singles.add(keys[0])
        elif keys:
            self.phrases.add(keys)

    def mark_words(self, text: str) -> tuple[str, ...]:
        """Mark adjacent pairs of the text's syllables, and its words as pyvi segments them;
        the compounds' terms (pyvi runs once per query text).

        pyvi cannot segment text without diacritics: for such a query only the pairs (and a
        lone syllable) are marked, plus the words of the accented hint when there is one.
        """
        terms = syllable_terms(text)
        words = segment(text) if self.accented or len(terms) == 1 else []
        for word in words:
            self.mark(syllable_terms(word.text))
        for pair in pairs(terms):
            self.mark(pair)
        return tuple(w.term for w in words if w.syllables > 1)

    def mark_hint(self, hint: str) -> None:
        """Mark the words of the accented form of an accentless query."""
        for word in segment(hint):
            terms = syllable_terms(word.text)
            if len(terms) > 1 or len(terms[0]) >= MIN_FOLDED_SINGLE:
                self.mark(terms)

    def wording(self, terms: tuple[str, ...], phrase: bool, marked: bool = True) -> Wording:
        """``terms`` with their abbreviation alternatives (marked with them)."""
        alternatives = tuple(abbreviations().alternatives(terms, folded=not self.accented))
        if marked and (phrase or alternatives):
            self.mark(terms)
        for alternative in alternatives if marked else ():
            self.mark(alternative)
        return Wording(terms, phrase, alternatives)

    def clause(self, clause: Clause, marked: bool = True) -> QueryUnit | None:
        """A quoted phrase or an ``OR`` group as one required unit (None: no syllable)."""
        options = []
        for c in (clause, *clause.alternatives):
            terms = tuple(syllable_terms(c.text))
            if marked and not c.phrase:
                self.mark_words(c.text)
            if terms:
                options.append(self.wording(terms, c.phrase, marked))
        return QueryUnit("required", tuple(options)) if options else None

    def run(self, terms: list[str]) -> list[QueryUnit]:
        """Units of a run of plain words, abbreviations grouped with their expansions."""
        units, i = [], 0
        lengths = sorted(abbreviations().lengths(), reverse=True)
        while i < len(terms):
            for n in [n for n in lengths if n <= len(terms) - i] + [1]:
                span = tuple(terms[i : i + n])
                if n == 1 or abbreviations().alternatives(span, folded=not self.accented):
                    stop = n == 1 and span[0] in stopwords()
                    units.append(QueryUnit("stop" if stop else "content",
                                           (self.wording(span, False),)))
                    i += n
                    break
        return units


def pairs(terms: Sequence[str]) -> list[tuple[str, str]]:
    """Adjacent syllables of a sequence."""
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


def analyse_query(parsed: ParsedQuery, accented_hint: str | None = None) -> QueryAnalysis:
    """The units, runs, exclusions and marks of a parsed query.

    ``accented_hint``, the accented form of an accentless query (the suggestion), tells
    which words to mark together in the text (ignored when the query has diacritics).
    """
    text = " ".join(c.text for c in parsed.positive)
    accented = is_accented(parsed)
    marker = _Marker(accented)
    if accented_hint and not accented:
        marker.mark_hint(accented_hint)
    units: list[QueryUnit] = []
    runs: list[Run] = []
    grouped = _runs(parsed.positive)
    for group in grouped:
        if len(group) == 1 and (group[0].phrase or group[0].alternatives):
            unit = marker.clause(group[0])
            units.extend([unit] if unit else [])
            continue
        terms = syllable_terms(" ".join(c.text for c in group))
        compounds = marker.mark_words(" ".join(c.text for c in group))
        units.extend(marker.run(terms))
        runs.append(Run(tuple(terms), compounds))
    loose = {t if accented else fold_diacritics(t)
             for t in syllable_terms(text) if t not in stopwords()}
    excluded = [marker.clause(c, marked=False) for c in parsed.negative]
    return QueryAnalysis(
        accented, tuple(units), tuple(runs), tuple(u for u in excluded if u is not None),
        len(grouped) == 1 and any(len(r.terms) > 1 for r in runs),
        frozenset(marker.phrases), frozenset(marker.singles), frozenset(loose))


__all__ = ["QueryAnalysis", "QueryUnit", "Run", "Wording", "analyse_query", "is_accented",
           "pairs", "parse_query", "stopwords"]
