"""An in-memory backend: the analysed articles in Python dicts and numpy arrays.

It proves the seam (the service, facets, snippets and suggestions run on it unchanged,
and ``tests/test_backend_contract.py`` checks that it answers as the Whoosh backend does)
and it makes tests that need a small index fast: :meth:`MemorySource.from_articles`
needs no files. As a backend of the indexer, a generation is one pickle file
(``memory.pickle``) of the analysed articles, rewritten whole by each build.

Field lengths are kept in the same one-byte approximation as Whoosh's (a length is read
back as the first length of the table ``round((1.033**i - 1) * 27)`` not below it), so
that both backends score alike.
"""

from __future__ import annotations

import math
import os
import pickle
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..record import AnalysedArticle, ArticleRecord, ColumnValue
from ..store import IndexNotReady

FILE = "memory.pickle"
# Lengths a field length is rounded to (Whoosh's table, from the same formula).
_LENGTHS = [int(round((1.033 ** i - 1) * 27)) for i in range(256)]
_MAX_LENGTH = 106374


def approximate_length(length: int) -> int:
    """A field length as a one-byte code reads it back.

    >>> [approximate_length(n) for n in (0, 1, 2, 30, 31, 200, 10**6)]
    [0, 1, 2, 30, 32, 203, 106374]
    """
    code = 255 if length >= _MAX_LENGTH else bisect_left(_LENGTHS, length)
    return _LENGTHS[code]


@dataclass(frozen=True)
class _Field:
    """One counted field: each term's postings, and each document's length."""

    postings: dict[str, tuple[np.ndarray, np.ndarray]]
    lengths: np.ndarray  # approximated, float32
    total: float  # exact
    frequencies: dict[str, float]  # term → total frequency


def _field(name: str, articles: Sequence[AnalysedArticle]) -> _Field:
    docs: dict[str, list[int]] = {}
    tfs: dict[str, list[int]] = {}
    lengths = np.zeros(len(articles), dtype=np.float32)
    total = 0
    for docnum, article in enumerate(articles):
        counts = article.counts.get(name) or {}
        for term, n in counts.items():
            docs.setdefault(term, []).append(docnum)
            tfs.setdefault(term, []).append(n)
        length = sum(counts.values())
        total += length
        lengths[docnum] = approximate_length(length)
    postings = {t: (np.asarray(d, dtype=np.int32), np.asarray(tfs[t], dtype=np.float32))
                for t, d in sorted(docs.items())}
    return _Field(postings, lengths, float(total),
                  {t: float(sum(tfs[t])) for t in postings})


class MemorySource:
    """An index generation held in memory (see the module); read-only, thread-safe."""

    def __init__(self, articles: Sequence[AnalysedArticle], live: Sequence[bool]) -> None:
        self._articles = list(articles)
        self._live = np.asarray(live, dtype=bool)
        names = {name for a in self._articles for name in a.counts}
        self._fields = {name: _field(name, self._articles) for name in sorted(names)}
        self._names = {name: _names(self._articles, name)
                       for name in ("province", "district", "ward", "official", "author")}
        self._ids = {a.record.id: d for d, a in enumerate(self._articles) if self._live[d]}

    @classmethod
    def from_articles(cls, articles: Sequence[AnalysedArticle]) -> MemorySource:
        """A generation of these articles, numbered in this order, none deleted."""
        return cls(articles, [True] * len(articles))

    def doc_count_all(self) -> int:
        return len(self._articles)

    def doc_count(self) -> int:
        return int(self._live.sum())

    def live(self) -> np.ndarray:
        return self._live.copy()

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        found = self._fields.get(field)
        if found is None or term not in found.postings:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        return found.postings[term]

    def has_term(self, field: str, term: str) -> bool:
        if field in self._names:
            return term in self._names[field]
        found = self._fields.get(field)
        return found is not None and term in found.postings

    def field_lengths(self, field: str) -> np.ndarray:
        found = self._fields.get(field)
        return found.lengths if found is not None else np.zeros(len(self._articles),
                                                                dtype=np.float32)

    def field_length_total(self, field: str) -> float:
        found = self._fields.get(field)
        return found.total if found is not None else 0.0

    def lexicon(self, field: str) -> list[str]:
        if field in self._names:
            return sorted(self._names[field])
        found = self._fields.get(field)
        return list(found.postings) if found is not None else []

    def document_frequencies(self, field: str) -> Iterator[tuple[str, int]]:
        found = self._fields.get(field)
        return iter([(t, len(ids)) for t, (ids, _) in found.postings.items()]
                    if found is not None else [])

    def doc_frequency(self, field: str, term: str) -> int:
        return len(self.postings(field, term)[0])

    def column(self, name: str) -> Sequence[ColumnValue]:
        values: list[ColumnValue] = []
        for article in self._articles:
            value = getattr(article.record, name)
            values.append(value if value not in ("", 0) else None)
        return values

    def record(self, docnum: int) -> ArticleRecord:
        return self._articles[docnum].record

    def document_number(self, article_id: str) -> int | None:
        return self._ids.get(article_id)

    def key_terms(self, field: str, text: str, count: int) -> list[tuple[str, float]]:
        """Bo1 key terms, computed as Whoosh's ``key_terms_from_text`` computes them."""
        found = self._fields.get(field)
        weights = Counter(text.split())
        if found is None or not weights:
            return []
        documents = len(self._articles)
        scored, best = [], 0.0
        for word, weight in weights.items():
            if word in found.frequencies:
                f = found.frequencies[word] / documents
                score = weight * math.log((1.0 + f) / f, 2) + math.log(1.0 + f, 2)
                best = max(best, score)
                scored.append((score, word))
        norm = best
        if best:
            f = best / documents
            norm = (best * math.log((1.0 + f) / f) + math.log(1.0 + f)) / math.log(2.0)
        ranked = sorted(((s / norm, w) for s, w in scored), key=lambda x: (-x[0], x[1]))
        return [(w, s) for s, w in ranked[:count]]

    def close(self) -> None:
        """Nothing to let go."""


def _names(articles: Sequence[AnalysedArticle], name: str) -> set[str]:
    """Values of a name field (officials: each one), as a lexicon of whole names."""
    found: set[str] = set()
    for article in articles:
        value = article.record.officials if name == "official" else getattr(article.record, name)
        for one in (value if isinstance(value, tuple) else (value,)):
            if one:
                found.add(one)
    return found


class MemoryWriter:
    """Writes a generation's analysed articles as one pickle, in the order added."""

    def __init__(self, generation: Path, create: bool) -> None:
        self.path = generation / FILE
        self.articles: list[AnalysedArticle] = []
        self.live: list[bool] = []
        if not create and self.path.exists():
            self.articles, self.live = _load(self.path)

    def add_document(self, article: AnalysedArticle) -> None:
        self.articles.append(article)
        self.live.append(True)

    def update_document(self, article: AnalysedArticle) -> None:
        self.delete_article(article.record.id)
        self.add_document(article)

    def delete_article(self, article_id: str) -> None:
        for docnum, article in enumerate(self.articles):
            if article.record.id == article_id:
                self.live[docnum] = False

    def commit(self, full: bool) -> None:
        """Write the file anew (never in place: the previous generation links to it)."""
        tmp = self.path.with_name(f".{FILE}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump((self.articles, self.live), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)

    def cancel(self) -> None:
        """Nothing was written."""


def _load(path: Path) -> tuple[list[AnalysedArticle], list[bool]]:
    with open(path, "rb") as handle:
        articles, live = pickle.load(handle)
    return list(articles), list(live)


class MemoryBackend:
    """Generation folders holding one pickle, opened into memory."""

    def open(self, generation: Path) -> MemorySource:
        try:
            return MemorySource(*_load(generation / FILE))
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            raise IndexNotReady(f"Chỉ mục {generation} bị hỏng ({exc}): "
                                "hãy chạy lại 'antqsearch index --full'.") from None

    def writer(self, generation: Path, create: bool, flush_postings: int,
               expected: int = 0) -> MemoryWriter:
        return MemoryWriter(generation, create)
