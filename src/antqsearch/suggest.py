"""“Có phải bạn muốn tìm …”: accented forms of accentless queries, and typo corrections.

The vocabulary is read from the index once per generation: for every folded syllable its
accented forms with the number of articles having each, the same for pyvi compounds, and
the names of the facets (provinces, places, officials, authors) as the articles spell them.
An accentless query gets the accented spelling whose adjacent syllables stand together in
most articles (``nguyen van thi`` → ``nguyễn văn thi``, not the more frequent ``thị``), a
known compound or the most frequent form where no pair decides, and names their
capitalisation (``thanh hoa`` → ``Thanh Hóa``). Typos are corrected within one edit of the
folded syllable (symmetric deletions, as in SymSpell), preferring the most frequent
candidate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
# Accented forms of one folded syllable weighed against their neighbours' (most frequent).
MAX_FORMS = 8
# Longest name (in syllables) whose capitalisation a suggestion takes.
MAX_NAME = 5
# Fields whose values are names, as the articles spell them.
NAME_FIELDS = ("province", "district", "ward", "official", "author")
# The fields whose terms are syllables (and what the engine preloads the frequent ones of).
SYLLABLE_FIELDS = ("text", "head")
if TYPE_CHECKING:
    from .backend import PostingsSource

# Articles having a pair of syllables side by side (0 when unknown).
PairFrequency = Callable[[str], int]


def _best_forms(pairs: Iterable[tuple[str, int]]) -> dict[str, tuple[str, int]]:
    """folded form → (the most frequent original form, its document frequency)."""
    best: dict[str, tuple[str, int]] = {}
    for term, freq in pairs:
        key = fold_diacritics(term)
        if key not in best or freq > best[key][1]:
            best[key] = (term, freq)
    return best


def _all_forms(pairs: Iterable[tuple[str, int]]) -> dict[str, tuple[str, ...]]:
    """folded form → its most frequent original forms, most frequent first."""
    found: dict[str, dict[str, int]] = {}
    for term, freq in pairs:
        forms = found.setdefault(fold_diacritics(term), {})
        forms[term] = forms.get(term, 0) + freq
    return {k: tuple(sorted(v, key=lambda t: (-v[t], t))[:MAX_FORMS]) for k, v in found.items()}


def _names(source: PostingsSource) -> dict[tuple[str, ...], str]:
    """Matching terms of a name → the name as the articles spell it (``Thanh Hóa``)."""
    names: dict[tuple[str, ...], str] = {}
    for fieldname in NAME_FIELDS:
        for name in source.lexicon(fieldname):
            terms = tuple(syllable_terms(name))
            if 1 < len(terms) <= MAX_NAME and name[:1].isupper():
                names.setdefault(terms, name)
    return names


def syllable_frequencies(source: PostingsSource) -> dict[str, list[tuple[str, int]]]:
    """Each syllable field's terms with their document frequencies: read once when a
    generation opens, for its vocabulary and for the terms its warm-up preloads."""
    return {f: list(source.document_frequencies(f)) for f in SYLLABLE_FIELDS}


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
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[tuple[str, ...], str] = field(default_factory=dict)

    @classmethod
    def load(cls, source: PostingsSource,
             frequencies: Mapping[str, Sequence[tuple[str, int]]]) -> Vocabulary:
        """The vocabulary of an index generation, from its :func:`syllable_frequencies`."""
        pairs = [p for f in SYLLABLE_FIELDS for p in frequencies[f]]
        syllables = _best_forms(p for p in pairs if p[0].isalpha())
        neighbours: dict[str, list[str]] = {}
        for key in syllables:
            if len(key) >= MIN_CORRECTABLE:
                for variant in _deletions(key):
                    neighbours.setdefault(variant, []).append(key)
        return cls(
            syllables,
            _best_forms(source.document_frequencies("words")),
            frozenset(t for t, _ in pairs),
            {k: tuple(v) for k, v in neighbours.items()},
            _all_forms(p for p in pairs if p[0].isalpha()),
            _names(source),
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


def _by_pairs(keys: list[str], vocab: Vocabulary, pairs: PairFrequency) -> list[str] | None:
    """The accented forms of folded syllables whose neighbours stand together in most
    articles (a Viterbi walk over each syllable's forms; the most frequent form where no
    pair decides); None when no pair of them is known."""
    options = [vocab.forms.get(k, ()) for k in keys]
    if len(keys) < 2 or not all(options):
        return None
    best = {f: (0.001 if i == 0 else 0.0, [f]) for i, f in enumerate(options[0])}
    evidence = False
    for forms in options[1:]:
        step: dict[str, tuple[float, list[str]]] = {}
        for rank, form in enumerate(forms):
            for previous, (score, path) in best.items():
                together = pairs(f"{previous} {form}")
                evidence = evidence or together > 0
                total = score + math.log1p(together) + (0.001 if rank == 0 else 0.0)
                if form not in step or total > step[form][0]:
                    step[form] = (total, [*path, form])
        best = step
    return max(best.values(), key=lambda item: item[0])[1] if evidence else None


def _accented(syllables: list[Syllable], vocab: Vocabulary,
              pairs: PairFrequency | None = None) -> list[str]:
    """Accented forms of accentless syllables: the spelling that stands together in the
    articles, else the longest known compound first."""
    keys = [fold_diacritics(index_term(s.text)) for s in syllables]
    together = _by_pairs(keys, vocab, pairs) if pairs is not None else None
    if together is not None:
        return together
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


def _capitalised(forms: list[str], vocab: Vocabulary) -> list[str | None]:
    """Each form's capitalisation when it is part of a known name (None elsewhere)."""
    out: list[str | None] = [None] * len(forms)
    terms = [index_term(f) for f in forms]
    i = 0
    while i < len(forms):
        for n in range(min(MAX_NAME, len(forms) - i), 1, -1):
            name = vocab.names.get(tuple(terms[i : i + n]))
            if name:
                out[i : i + n] = [s.text for s in iter_syllables(name)][:n]
                i += n
                break
        else:
            i += 1
    return out


def suggest(query: str, vocab: Vocabulary, pairs: PairFrequency | None = None) -> str | None:
    """A better spelling of the query, or None when it is already as good as it gets.

    ``pairs`` gives how many articles have two syllables side by side (the index's pairs).
    """
    syllables = list(iter_syllables(query))
    if not syllables:
        return None
    accented = has_diacritics(query)
    forms = _corrected(syllables, vocab) if accented else _accented(syllables, vocab, pairs)
    names = _capitalised(forms, vocab) if not accented else [None] * len(forms)
    pieces, cursor = [], 0
    for s, form, name in zip(syllables, forms, names, strict=False):
        pieces.append(query[cursor : s.start] + (name or _with_case(s.text, form)))
        cursor = s.end
    suggestion = "".join(pieces) + query[cursor:]
    return suggestion if syllable_terms(suggestion) != syllable_terms(query) else None
