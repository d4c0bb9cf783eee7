"""Whoosh analyzers for Vietnamese, and the abbreviation table.

Three analyses of the same text (design §3): syllables (with positions and character
offsets), folded syllables (no diacritics), and pyvi compounds. The compounds are computed
once by :mod:`antqsearch.segment` (in worker processes) and handed to Whoosh as a
space-separated string, so that pyvi never runs inside the index writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.analysis.tokenizers import SpaceSeparatedTokenizer

from .segment import compound_terms
from .text import fold_diacritics, index_term, iter_syllables, syllable_pairs, syllable_terms


class SyllableTokenizer(Tokenizer):
    """Yields one token per syllable, in matching form, with positions and offsets."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, syllable in enumerate(iter_syllables(value) if tokenize else []):
            token.text = index_term(syllable.text)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = syllable.text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + syllable.start
                token.endchar = start_char + syllable.end
            yield token
        if not tokenize:
            yield from _whole_value(token, value, positions, chars, start_pos, start_char)


def _whole_value(
    token: Token, value: str, positions: bool, chars: bool, start_pos: int, start_char: int
) -> Iterator[Token]:
    """The untokenized form of a value (Whoosh asks for it when parsing some queries)."""
    token.text = index_term(value)
    token.boost = 1.0
    token.stopped = False
    if positions:
        token.pos = start_pos
    if chars:
        token.startchar, token.endchar = start_char, start_char + len(value)
    yield token


class FoldingFilter(Filter):
    """Removes diacritics from each token (``đ`` → ``d``)."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold_diacritics(token.text)
            yield token


def syllable_analyzer() -> SyllableTokenizer:
    """Lower-cased syllables in one tone convention."""
    return SyllableTokenizer()


def folded_analyzer() -> Any:
    """Syllables without diacritics."""
    return SyllableTokenizer() | FoldingFilter()


class PairTokenizer(Tokenizer):
    """Yields adjacent syllable pairs (``an ninh``), folded or not: phrase matching and
    proximity scoring as plain term lookups, instead of position checks."""

    def __init__(self, folded: bool = False) -> None:
        self.folded = folded

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PairTokenizer) and other.folded == self.folded

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, self.folded))

    def __call__(  # type: ignore[override]
        self, value: str, positions: bool = False, chars: bool = False,
        removestops: bool = True, mode: str = "", **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, pair in enumerate(syllable_pairs(value, self.folded)):
            token.text, token.boost, token.stopped = pair, 1.0, False
            if positions:
                token.pos = pos
            yield token


def pair_analyzer(folded: bool = False) -> PairTokenizer:
    """Adjacent syllable pairs within a line."""
    return PairTokenizer(folded)


def compound_analyzer() -> SpaceSeparatedTokenizer:
    """Pre-segmented compounds (``an_ninh tổ_quốc``), as produced by :func:`compounds_field`."""
    return SpaceSeparatedTokenizer()


def compounds_field(text: str) -> str:
    """The value to index in the compounds field: pyvi's multi-syllable words of a text."""
    return " ".join(compound_terms(text))


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
    source = resources.files("antqsearch") / "data" / "abbreviations.tsv"
    pairs = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, _, long = line.partition("\t")
        pair = (tuple(syllable_terms(short)), tuple(syllable_terms(long)))
        if pair[0] and pair[1] and pair not in pairs:
            pairs.append(pair)
    return Abbreviations(tuple(pairs))
