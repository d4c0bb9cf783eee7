"""Analysis of an article into index terms, and the abbreviation table.

Three analyses of the same text (design §3): syllables, with adjacent pairs for phrases
and proximity, and pyvi compounds; the folded analysis (no diacritics) is derived from the
syllables at query time.
They are counted in the indexer's worker processes and handed to Whoosh as
``{term: frequency}`` mappings (see :class:`antqsearch.schema.Counted`), so that neither
pyvi nor the tokenizer runs in the single index-writing process.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .datafiles import data_lines
from .segment import compound_terms
from .text import fold_diacritics, syllable_terms, terms_and_joins

FIELDS = ("head", "text", "pairs", "words")
# Bump when analysis, extraction or a backend's schema changes: a build then re-analyses
# every article, and the search service refuses an index built by another version.
ANALYSIS_VERSION = 8


def _counts(terms: Iterable[str]) -> dict[str, int]:
    return dict(Counter(terms))


def field_counts(head: str, body: str) -> dict[str, dict[str, int]]:
    """Term frequencies of every analysed field of an article (runs in worker processes).

    ``head`` is the title and the metadata (places, officials, author), ``body`` the text.
    Syllables of each; adjacent syllable pairs (never across a line) and pyvi compounds
    over both. Forms without diacritics are not indexed: the engine finds them through the
    lexicon (see :mod:`antqsearch.engine`).
    """
    head_terms, head_joins = terms_and_joins(head)
    body_terms, body_joins = terms_and_joins(body)
    return {
        "head": _counts(head_terms),
        "text": _counts(body_terms),
        "pairs": _counts(_pairs(head_terms, head_joins) + _pairs(body_terms, body_joins)),
        "words": _counts(compound_terms(f"{head}\n{body}")),
    }


def _pairs(terms: list[str], joins: list[int]) -> list[str]:
    return [f"{terms[i - 1]} {terms[i]}" for i in joins]


@dataclass(frozen=True)
class Abbreviations:
    """Abbreviation ⇄ expansion table, as tuples of syllable terms."""

    pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]

    def alternatives(self, terms: tuple[str, ...], folded: bool = False) -> list[tuple[str, ...]]:
        """Every syllable sequence equivalent to ``terms`` (the other side of each pair).

        With ``folded``, sides are compared without diacritics (for queries typed without).
        """
        key = _folded if folded else tuple
        wanted, found = key(terms), []
        for short, long in self.pairs:
            if wanted == key(short):
                found.append(long)
            elif wanted == key(long):
                found.append(short)
        return found

    def lengths(self) -> set[int]:
        """Lengths (in syllables) of every side, longest first when sorted in reverse."""
        return {len(side) for pair in self.pairs for side in pair}


def _folded(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold_diacritics(t) for t in terms)


@cache
def abbreviations() -> Abbreviations:
    """The table in ``data/abbreviations.tsv``, read once."""
    pairs = []
    for line in data_lines("abbreviations.tsv"):
        short, _, long = line.partition("\t")
        pair = (tuple(syllable_terms(short)), tuple(syllable_terms(long)))
        if pair[0] and pair[1] and pair not in pairs:
            pairs.append(pair)
    return Abbreviations(tuple(pairs))
