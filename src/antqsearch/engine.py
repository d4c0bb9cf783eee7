"""Evaluating query plans with numpy: BM25F scores for every document.

The index (a :class:`~antqsearch.backend.PostingsSource`) stores postings, field lengths,
stored records and columns; this module evaluates a plan (:mod:`antqsearch.plan`) over
whole posting lists with numpy instead of a search library's per-document matchers,
which score one document and one term at a time in Python (about 100 times slower on
common words). Forms without diacritics are not indexed: a ``folded`` term ``text:hoa``
is evaluated as the union of ``text:hoa``, ``text:hòa``, ``text:hóa``… as found in the
lexicon.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .backend import PostingsSource
from .plan import All, Any, Everything, Fields, Node, Term
from .text import fold_diacritics

# The field of syllable pairs.
PAIRS = "pairs"
# At most this many spellings of a pair without diacritics are looked up.
MAX_SPELLINGS = 256
# Postings kept in memory, per index generation (ids + term frequencies, 8 bytes each, so
# at most 160 MB): the 220 benchmark queries touch 16 M of them at 50,000 articles (once
# the working set outgrows an LRU cache, a cyclic pass misses every time: p95 72 ms at 16 M).
CACHE_POSTINGS = 20_000_000
# Postings of the most frequent syllables read before a server reports ready (see
# Engine.preload): at most half of the cache, the other half for the rest. At 35,431 real
# articles: 8.8 M postings of 4,264 syllables in 7 s; two workers then served 88–112 req/s
# (p95 194–238 ms), against 55–58 req/s (p95 370–394 ms) without.
PRELOAD_POSTINGS = CACHE_POSTINGS // 2
# Only terms of more articles than one posting block holds (Whoosh's W3 blocks: 128): a
# rarer term costs little more than its look-up, and there are tens of thousands of them.
PRELOAD_MIN_ARTICLES = 129


@dataclass(frozen=True)
class Evaluation:
    """Which documents match a query, and their scores (0 where they do not)."""

    mask: np.ndarray
    score: np.ndarray


class Engine:
    """BM25F over one index generation; thread-safe, postings cached with a size bound."""

    def __init__(self, source: PostingsSource, k1: float, b: float, idf: str = "whoosh",
                 field_b: Mapping[str, float] | None = None) -> None:
        """``idf``: ``whoosh`` (log(N/(n+1)) + 1) or ``bm25`` (log(1 + (N−n+0.5)/(n+0.5)));
        ``field_b``: the length normalisation of named fields (``b`` for the others)."""
        self.source = source
        self.size = source.doc_count_all()
        self.k1, self.b, self.idf_form = k1, b, idf
        self.field_b = dict(field_b or {})
        self._norms: dict[str, np.ndarray] = {}
        self.live = source.live()
        self.documents = source.doc_count()
        self._lengths: dict[str, np.ndarray] = {}
        self._cache: OrderedDict[tuple[str, str, bool],
                                 tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._spelling_maps: dict[str, dict[str, tuple[str, ...]]] = {}
        # Guards the caches (the source guards its own reads).
        self.lock = threading.RLock()

    def lengths(self, field: str) -> np.ndarray:
        """Every document's length in a field (as the index stores it)."""
        found = self._lengths.get(field)
        if found is None:
            found = self._lengths[field] = self.source.field_lengths(field)
        return found

    def postings(self, field: str, text: str,
                 folded: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and term frequencies of a term (empty when absent).

        ``folded``: the union of the postings of every indexed spelling of the field that
        folds to ``text``.
        """
        key = (field, text, folded)
        with self.lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            result = self._folded(field, text) if folded else self.source.postings(field, text)
            self._remember(key, result)
            return result

    def _folded(self, field: str, folded: str) -> tuple[np.ndarray, np.ndarray]:
        """Postings of every spelling of ``folded`` in ``field``, frequencies added up.

        The spellings are read, not cached (unless they already are): the union is what
        is cached, and caching its parts as well would take the room twice."""
        parts = [self._cache.get((field, term, False)) or self.source.postings(field, term)
                 for term in self.spellings(field, folded)]
        parts = [p for p in parts if len(p[0])]
        if not parts:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        if len(parts) == 1:
            return parts[0]
        summed = np.bincount(np.concatenate([p[0] for p in parts]),
                             weights=np.concatenate([p[1] for p in parts]), minlength=self.size)
        ids = np.flatnonzero(summed)
        return ids.astype(np.int32), summed[ids].astype(np.float32)

    def spellings(self, field: str, folded: str) -> list[str]:
        """The indexed terms of a field that fold to ``folded`` (pairs: each syllable's)."""
        if field == PAIRS:
            first, _, second = folded.partition(" ")
            combos = [f"{a} {b}" for a in self._syllables(first) for b in self._syllables(second)]
            return [c for c in combos[:MAX_SPELLINGS] if self.source.has_term(field, c)]
        return list(self._spellings_of(field).get(folded, ()))

    def _syllables(self, folded: str) -> list[str]:
        found = dict.fromkeys(self._spellings_of("text").get(folded, ()))
        found.update(dict.fromkeys(self._spellings_of("head").get(folded, ())))
        return list(found)

    def _spellings_of(self, field: str) -> dict[str, tuple[str, ...]]:
        """folded term → indexed terms of a field, read from its lexicon once."""
        found = self._spelling_maps.get(field)
        if found is None:
            table: dict[str, list[str]] = {}
            with self.lock:
                for term in self.source.lexicon(field):
                    table.setdefault(fold_diacritics(term), []).append(term)
            found = self._spelling_maps[field] = {k: tuple(v) for k, v in table.items()}
        return found

    def preload(self, terms: Iterable[tuple[int, str, str]],
                budget: int = PRELOAD_POSTINGS) -> int:
        """Read the postings of ``terms`` (:func:`frequent_terms`) into the cache, in their
        order, until the next one does not fit ``budget`` postings; how many were read.
        Decoding a posting list costs in proportion to its length, and common words are in
        most queries: a cold search of them read hundreds of blocks."""
        read = 0
        for frequency, field, term in terms:
            if read + frequency > budget:
                break
            read += len(self.postings(field, term)[0])
        return read

    def _remember(self, key: tuple[str, str, bool], value: tuple[np.ndarray, np.ndarray]) -> None:
        with self.lock:
            self._cache[key] = value
            self._cached += len(value[0])
            while self._cached > CACHE_POSTINGS and len(self._cache) > 1:
                _, (old, _) = self._cache.popitem(last=False)
                self._cached -= len(old)

    def idf(self, frequency: int, form: str | None = None) -> float:
        """Inverse document frequency of a term found in ``frequency`` documents."""
        n = self.documents
        if (form or self.idf_form) == "bm25":
            return math.log(1 + (n - frequency + 0.5) / (frequency + 0.5))
        return math.log(n / (frequency + 1)) + 1  # Whoosh's

    def norms(self, field: str) -> np.ndarray:
        """Every document's length normalisation in a field: 1 − b + b·length/average."""
        found = self._norms.get(field)
        if found is None:
            b = self.field_b.get(field, self.b)
            average = self.source.field_length_total(field) / max(1, self.documents) or 1.0
            found = self._norms[field] = (1 - b + b * self.lengths(field) / average).astype(
                np.float32)
        return found

    def term(self, term: Term, idf: str | None = None) -> Evaluation:
        """BM25 of one term in one field (``idf``: another form than the engine's)."""
        ids, tfs = self.postings(term.field, term.text, term.folded)
        mask = np.zeros(self.size, dtype=bool)
        score = np.zeros(self.size, dtype=np.float32)
        if len(ids):
            mask[ids] = True
            norm = tfs + self.k1 * self.norms(term.field)[ids]
            score[ids] = term.boost * self.idf(len(ids), idf) * tfs * (self.k1 + 1) / norm
        return Evaluation(mask, score)

    def fields(self, query: Fields) -> Evaluation:
        """BM25F of one term over several fields (see :class:`plan.Fields`)."""
        mask = np.zeros(self.size, dtype=bool)
        tf = np.zeros(self.size, dtype=np.float32)
        for part in query.parts:
            ids, tfs = self.postings(part.field, part.text, part.folded)
            if len(ids):
                mask[ids] = True
                tf[ids] += part.boost * tfs / self.norms(part.field)[ids]
        score = np.zeros(self.size, dtype=np.float32)
        matched = np.flatnonzero(mask)  # once: each boolean index scans the whole corpus
        if len(matched):
            idf = self.idf(len(matched))
            weights = tf[matched]
            score[matched] = (query.boost * idf * weights * (self.k1 + 1)
                              / (weights + self.k1))
        return Evaluation(mask, score)

    def evaluate(self, query: Node, idf: str | None = None) -> Evaluation:
        """Match and score a plan (``idf``: another idf form than the engine's for its
        Term nodes)."""
        if isinstance(query, Term):
            return self.term(query, idf)
        if isinstance(query, Fields):
            return self.fields(query)
        if isinstance(query, Everything):
            return Evaluation(self.live.copy(), np.zeros(self.size, dtype=np.float32))
        if isinstance(query, (All, Any)):
            parts = [self.evaluate(q, idf) for q in query.parts]
            if not parts:
                return self.nothing()
            combine = np.logical_and if isinstance(query, All) else np.logical_or
            mask = combine.reduce([p.mask for p in parts])
            score = np.sum([p.score for p in parts], axis=0) * query.boost
            return Evaluation(mask, np.where(mask, score, 0).astype(np.float32))
        raise TypeError(f"unsupported query node: {type(query).__name__}")

    def nothing(self) -> Evaluation:
        return Evaluation(np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=np.float32))

    def top(self, score: np.ndarray, candidates: np.ndarray, start: int, stop: int) -> np.ndarray:
        """Document numbers ranked start..stop among the candidates, best first."""
        docs = np.flatnonzero(candidates)
        if stop < len(docs):
            keep = np.argpartition(-score[docs], stop - 1)[:stop]
            docs = docs[keep]
        order = np.lexsort((docs, -score[docs]))
        return docs[order][start:stop]


def frequent_terms(frequencies: Mapping[str, Iterable[tuple[str, int]]],
                   least: int = PRELOAD_MIN_ARTICLES) -> list[tuple[int, str, str]]:
    """(frequency, field, term) of the terms of at least ``least`` articles, most frequent
    first (ties in field and term order): what :meth:`Engine.preload` reads, from each
    field's document frequencies."""
    found = [(frequency, field, term) for field, counts in frequencies.items()
             for term, frequency in counts if frequency >= least]
    found.sort(key=lambda item: -item[0])
    return found
