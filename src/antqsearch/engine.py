"""Evaluating queries over the Whoosh index with numpy: BM25F scores for every document.

Whoosh stores the index (postings, field lengths, stored fields, columns) and its query
objects describe what to look for; this module evaluates those queries a posting block at
a time with numpy instead of Whoosh's per-document matchers, which score one document and
one term at a time in Python (about 100 times slower on common words). Fields without
diacritics are not indexed: ``text_f:hoa`` is evaluated as the union of ``text:hoa``,
``text:hòa``, ``text:hóa``… as found in the lexicon. Supported nodes:
``Term``, ``And``, ``Or``, ``Every`` and :class:`Fields` (one term in several fields, scored
as BM25F) — all that :mod:`antqsearch.querybuild` produces.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

from .text import fold_diacritics

# Suffix of a virtual field without diacritics, and the field of syllable pairs.
FOLDED = "_f"
PAIRS = "pairs"
# At most this many spellings of a pair without diacritics are looked up.
MAX_SPELLINGS = 256
# Postings kept in memory, per index generation (ids + term frequencies, 8 bytes each, so
# at most 160 MB): the 220 benchmark queries touch 16 M of them at 50,000 articles (once
# the working set outgrows an LRU cache, a cyclic pass misses every time: p95 72 ms at 16 M).
CACHE_POSTINGS = 20_000_000
_BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)


class Fields(Q.Query):  # type: ignore[misc]  # whoosh ships no type hints
    """One query term looked up in several fields, ``(field, text, weight)`` each, scored
    as BM25F: the weighted, length-normalised frequencies are added up *before* the
    saturation, so a word in the title adds to a word in the body instead of counting as
    a second, separately saturated match; the idf is that of the documents having it in
    any of the fields."""

    def __init__(self, parts: Sequence[tuple[str, str, float]], boost: float = 1.0) -> None:
        self.parts = tuple(parts)
        self.boost = boost

    def __repr__(self) -> str:
        return f"Fields({self.parts!r}, boost={self.boost})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fields) and (self.parts, self.boost) == (
            other.parts, other.boost)

    def __hash__(self) -> int:
        return hash((self.parts, self.boost))


@dataclass(frozen=True)
class Evaluation:
    """Which documents match a query, and their scores (0 where they do not)."""

    mask: np.ndarray
    score: np.ndarray


def _leaf_postings(matcher: Any, offset: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Document numbers and term frequencies of a leaf matcher, a block at a time.

    Each block's data tuple (delta-coded ids, weights) is decoded with numpy rather than
    Whoosh's per-posting generators. A segment with deletions wraps its matcher in a
    filter: it is unwrapped, because deleted documents are removed by the engine's
    ``live`` mask anyway.
    """
    while not hasattr(matcher, "_read_data") and hasattr(matcher, "child"):
        matcher = matcher.child
    if not hasattr(matcher, "_read_data"):  # another codec: the slow, public way
        items = list(matcher.items_as("weight"))
        return ([np.array([d for d, _ in items], dtype=np.int32) + offset],
                [np.array([w for _, w in items], dtype=np.float32)])
    ids, tfs = [], []
    while matcher.is_active():
        matcher._read_data()
        deltas, weights = matcher._data[0], matcher._data[1]
        count = matcher._blocklength
        ids.append(np.cumsum(np.asarray(deltas, dtype=np.int32)) + np.int32(offset))
        if weights is None or isinstance(weights, (int, float)):
            tfs.append(np.full(count, 1.0 if weights is None else weights, dtype=np.float32))
        else:
            tfs.append(np.asarray(weights, dtype=np.float32))
        matcher._next_block()
    return ids, tfs


def _leaf_lengths(leaf: Any, field: str) -> np.ndarray:
    """Field lengths of one segment, read from Whoosh's per-document length column."""
    count = leaf.doc_count_all()
    perdoc, column = getattr(leaf, "_perdoc", None), f"_{field}_len"
    if perdoc is not None and perdoc.has_column(column):
        raw = perdoc.column_reader(column, LENGTHS_COLUMN)
        return _BYTE_TO_LENGTH[np.fromiter(raw, dtype=np.uint8, count=count)]
    lengths = [leaf.doc_field_length(d, field) for d in range(count)]
    return np.asarray(lengths, dtype=np.float32)


class Engine:
    """BM25F over one index generation; thread-safe, postings cached with a size bound."""

    def __init__(self, reader: Any, k1: float, b: float, idf: str = "whoosh",
                 field_b: Mapping[str, float] | None = None) -> None:
        """``idf``: ``whoosh`` (log(N/(n+1)) + 1) or ``bm25`` (log(1 + (N−n+0.5)/(n+0.5)));
        ``field_b``: the length normalisation of named fields (``b`` for the others)."""
        self.reader = reader
        self.size = reader.doc_count_all()
        self.k1, self.b, self.idf_form = k1, b, idf
        self.field_b = dict(field_b or {})
        self._norms: dict[str, np.ndarray] = {}
        self.live = np.ones(self.size, dtype=bool)
        self.documents = reader.doc_count()
        if reader.has_deletions():
            self.live[[d for d in range(self.size) if reader.is_deleted(d)]] = False
        self._lengths: dict[str, np.ndarray] = {}
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._spelling_maps: dict[str, dict[str, tuple[str, ...]]] = {}
        # Whoosh readers seek shared files: every read through this reader holds the lock.
        self.lock = threading.RLock()

    def _leaves(self) -> list[tuple[Any, int]]:
        return list(self.reader.leaf_readers())

    def lengths(self, field: str) -> np.ndarray:
        """Every document's length in a field (Whoosh's byte approximation)."""
        found = self._lengths.get(field)
        if found is None:
            with self.lock:
                parts = [_leaf_lengths(leaf, field) for leaf, _ in self._leaves()]
            found = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
            self._lengths[field] = found
        return found

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and term frequencies of a term (empty when absent).

        A field named ``X_f`` is field ``X`` without diacritics: its postings are the union
        of the postings of every indexed spelling that folds to ``text``.
        """
        key = (field, text)
        with self.lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            if field.endswith(FOLDED):
                result = self._folded(field[: -len(FOLDED)], text)
            else:
                result = self._read(field, text)
            self._remember(key, result)
            return result

    def _read(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        ids: list[np.ndarray] = []
        tfs: list[np.ndarray] = []
        for leaf, offset in self._leaves():
            if (field, text) in leaf:
                more_ids, more_tfs = _leaf_postings(leaf.postings(field, text), offset)
                ids += more_ids
                tfs += more_tfs
        return (np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32),
                np.concatenate(tfs) if tfs else np.zeros(0, dtype=np.float32))

    def _folded(self, field: str, folded: str) -> tuple[np.ndarray, np.ndarray]:
        """Postings of every spelling of ``folded`` in ``field``, frequencies added up.

        The spellings are read, not cached (unless they already are): the union is what
        is cached, and caching its parts as well would take the room twice."""
        parts = [self._cache.get((field, term)) or self._read(field, term)
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
            return [c for c in combos[:MAX_SPELLINGS] if (field, c) in self.reader]
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
                for raw in self.reader.lexicon(field):
                    term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                    table.setdefault(fold_diacritics(term), []).append(term)
            found = self._spelling_maps[field] = {k: tuple(v) for k, v in table.items()}
        return found

    def _remember(self, key: tuple[str, str], value: tuple[np.ndarray, np.ndarray]) -> None:
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
        base = field[: -len(FOLDED)] if field.endswith(FOLDED) else field
        found = self._norms.get(base)
        if found is None:
            b = self.field_b.get(base, self.b)
            average = self.reader.field_length(base) / max(1, self.documents) or 1.0
            found = self._norms[base] = (1 - b + b * self.lengths(base) / average).astype(
                np.float32)
        return found

    def term(self, field: str, text: str, boost: float, idf: str | None = None) -> Evaluation:
        ids, tfs = self.postings(field, text)
        mask = np.zeros(self.size, dtype=bool)
        score = np.zeros(self.size, dtype=np.float32)
        if len(ids):
            mask[ids] = True
            norm = tfs + self.k1 * self.norms(field)[ids]
            score[ids] = boost * self.idf(len(ids), idf) * tfs * (self.k1 + 1) / norm
        return Evaluation(mask, score)

    def fields(self, query: Fields) -> Evaluation:
        """BM25F of one term over several fields (see :class:`Fields`)."""
        mask = np.zeros(self.size, dtype=bool)
        tf = np.zeros(self.size, dtype=np.float32)
        for field, text, weight in query.parts:
            ids, tfs = self.postings(field, text)
            if len(ids):
                mask[ids] = True
                tf[ids] += weight * tfs / self.norms(field)[ids]
        score = np.zeros(self.size, dtype=np.float32)
        if mask.any():
            idf = self.idf(int(mask.sum()))
            score[mask] = query.boost * idf * tf[mask] * (self.k1 + 1) / (tf[mask] + self.k1)
        return Evaluation(mask, score)

    def evaluate(self, query: Q.Query, idf: str | None = None) -> Evaluation:
        """Match and score a query made of Term, And, Or, Every and Fields nodes (``idf``:
        another idf form than the engine's for its Term nodes)."""
        if isinstance(query, Q.Term):
            return self.term(query.fieldname, query.text, query.boost, idf)
        if isinstance(query, Fields):
            return self.fields(query)
        if isinstance(query, Q.Every):
            return Evaluation(self.live.copy(), np.zeros(self.size, dtype=np.float32))
        if isinstance(query, (Q.And, Q.Or)):
            parts = [self.evaluate(q, idf) for q in query.subqueries]
            if not parts:
                return self.nothing()
            combine = np.logical_and if isinstance(query, Q.And) else np.logical_or
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
