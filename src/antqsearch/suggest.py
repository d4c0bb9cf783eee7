"""“Có phải bạn muốn tìm …”: accented forms of accentless queries, and typo corrections.

The vocabulary is read from the index once per generation: for every folded syllable the
accented form found in most articles, and the same for pyvi compounds, so that
``thanh hoa`` becomes ``thanh hóa`` (the compound wins over the most frequent ``hóa``).
Typos are corrected within one edit of the folded syllable (symmetric deletions, as in
SymSpell), preferring the most frequent candidate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .text import (
    Syllable,
    fold_diacritics,
    has_diacritics,
    index_term,
    iter_syllables,
    syllable_terms,
)

MAX_COMPOUND = 3
MIN_CORRECTABLE = 3
LONG_SYLLABLE = 6


def _best_forms(pairs: Iterable[tuple[str, int]]) -> dict[str, tuple[str, int]]:
    """folded form → (the most frequent original form, its document frequency)."""
    best: dict[str, tuple[str, int]] = {}
    for term, freq in pairs:
        key = fold_diacritics(term)
        if key not in best or freq > best[key][1]:
            best[key] = (term, freq)
    return best


def _field_terms(reader: Any, fieldname: str) -> Iterator[tuple[str, int]]:
    for term, info in reader.iter_field(fieldname):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        yield text, info.doc_frequency()


def _deletions(word: str) -> set[str]:
    """The word and every form of it with one character deleted."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass(frozen=True)
class Vocabulary:
    """The index's syllables and compounds, keyed by their folded forms."""

    syllables: dict[str, tuple[str, int]]
    compounds: dict[str, tuple[str, int]]
    known: frozenset[str]
    neighbours: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls, reader: Any) -> Vocabulary:
        pairs = list(_field_terms(reader, "text")) + list(_field_terms(reader, "head"))
        syllables = _best_forms(p for p in pairs if p[0].isalpha())
        neighbours: dict[str, list[str]] = {}
        for key in syllables:
            if len(key) >= MIN_CORRECTABLE:
                for variant in _deletions(key):
                    neighbours.setdefault(variant, []).append(key)
        return cls(
            syllables,
            _best_forms(_field_terms(reader, "words")),
            frozenset(t for t, _ in pairs),
            {k: tuple(v) for k, v in neighbours.items()},
        )

    def correct(self, term: str, before: tuple[str, ...] = (), after: str = "") -> str | None:
        """The best indexed syllable close to ``term`` (compared without diacritics).

        Candidates are within one edit (two for long syllables); one that forms a known
        compound with its neighbours wins, then one with the same letters (only the
        diacritics differ), then the most frequent.
        """
        key = fold_diacritics(term)
        if len(key) < MIN_CORRECTABLE:
            return None
        limit = 1 if len(key) < LONG_SYLLABLE else 2
        candidates = {c for v in _deletions(key) for c in self.neighbours.get(v, ())
                      if edit_distance(key, c) <= limit}
        if not candidates:
            return None
        context = [fold_diacritics(t) for t in before]

        def rank(candidate: str) -> tuple[bool, bool, int, str]:
            keys = ["_".join([*context[-n:], candidate]) for n in (1, 2) if len(context) >= n]
            keys.append(f"{candidate}_{fold_diacritics(after)}")
            return (any(k in self.compounds for k in keys), candidate == key,
                    self.syllables[candidate][1], candidate)

        return self.syllables[max(candidates, key=rank)][0]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions.

    >>> edit_distance("quoc", "quco"), edit_distance("tau", "tuc"), edit_distance("thii", "thi")
    (1, 2, 1)
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _with_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _accented(syllables: list[Syllable], vocab: Vocabulary) -> list[str]:
    """Accented forms of accentless syllables, longest known compound first."""
    out: list[str] = []
    i = 0
    while i < len(syllables):
        for n in range(min(MAX_COMPOUND, len(syllables) - i), 0, -1):
            key = "_".join(fold_diacritics(index_term(s.text)) for s in syllables[i : i + n])
            found = vocab.compounds.get(key) if n > 1 else vocab.syllables.get(key)
            if found:
                out.extend(found[0].split("_"))
                i += n
                break
        else:
            out.append(_correct_at(syllables, i, vocab))
            i += 1
    return out


def _correct_at(syllables: list[Syllable], i: int, vocab: Vocabulary) -> str:
    before = tuple(index_term(s.text) for s in syllables[max(0, i - 2) : i])
    after = index_term(syllables[i + 1].text) if i + 1 < len(syllables) else ""
    return vocab.correct(index_term(syllables[i].text), before, after) or syllables[i].text


def _corrected(syllables: list[Syllable], vocab: Vocabulary) -> list[str]:
    """Known syllables as they are; unknown ones replaced by the closest indexed one."""
    out = []
    for i, s in enumerate(syllables):
        term = index_term(s.text)
        known = term in vocab.known or not term.isalpha()
        out.append(s.text if known else _correct_at(syllables, i, vocab))
    return out


def suggest(query: str, vocab: Vocabulary) -> str | None:
    """A better spelling of the query, or None when it is already as good as it gets."""
    syllables = list(iter_syllables(query))
    if not syllables:
        return None
    accented = has_diacritics(query)
    forms = _corrected(syllables, vocab) if accented else _accented(syllables, vocab)
    pieces, cursor = [], 0
    for s, form in zip(syllables, forms, strict=False):
        pieces.append(query[cursor : s.start] + _with_case(s.text, form))
        cursor = s.end
    suggestion = "".join(pieces) + query[cursor:]
    return suggestion if syllable_terms(suggestion) != syllable_terms(query) else None
