"""One opened index generation: its source, engine, facet and date columns, vocabulary,
and the caches that live and die with it (decoded records, analysed queries).

A generation is opened once and shared by every thread; it stays open while a request
holds it, then its files are let go and, if a newer generation replaced it and no other
process reads it, removed (see :class:`store.ReaderLease`).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from . import settings
from .analysis import ANALYSIS_VERSION
from .backend import IndexBackend, PostingsSource
from .datefilter import DateColumn
from .engine import Engine, frequent_terms
from .facets import FacetColumns
from .plan import Any as AnyOf
from .plan import Term
from .queryanalysis import QueryAnalysis, analyse_query, is_accented
from .querybuild import Weights
from .querylang import ParsedQuery, parse_query
from .record import ArticleRecord
from .snippets import Marks
from .store import (
    IndexNotReady,
    Manifest,
    ReaderLease,
    current_generation,
    open_leased,
    read_manifest,
)
from .suggest import Vocabulary, suggest, syllable_frequencies

# Declared (with their help) in settings.py.
STORED_CACHE = settings.STORED_CACHE.default
ANALYSIS_CACHE = settings.ANALYSIS_CACHE.default
RELATED_ARTICLES = settings.RELATED_ARTICLES.default
RELATED_TERMS = settings.RELATED_TERMS.default


K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """The most recently used values, at most ``room`` of them (not locked: its owner locks).

    >>> recent: Recent[str, int] = Recent(2)
    >>> recent.put("a", 1); recent.put("b", 2); recent.get("a"); recent.put("c", 3)
    1
    >>> recent.get("b") is None, recent.get("a"), recent.get("c")
    (True, 1, 3)
    """

    def __init__(self, room: int) -> None:
        self.room = room
        self._values: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self._values.get(key)
        if found is not None:
            self._values.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> None:
        self._values[key] = value
        if len(self._values) > self.room:
            self._values.popitem(last=False)


@dataclass(frozen=True)
class Analysed:
    """A query as the service uses it: parsed, analysed, and its suggestion when the
    analysis needed it (a query without diacritics); None otherwise."""

    parsed: ParsedQuery
    analysis: QueryAnalysis
    hint: str | None


def marks_of(analysis: QueryAnalysis, loose: bool = False) -> Marks:
    """What the highlighter marks for an analysed query (``loose``: every content syllable
    alone as well, for results that have only part of the query)."""
    singles = analysis.singles | analysis.loose if loose else analysis.singles
    return Marks(analysis.phrases, singles, not analysis.accented)


@dataclass
class Generation:
    """One opened index generation, shared by every thread: one reader, one lock."""

    path: Path
    source: PostingsSource
    engine: Engine
    facets: FacetColumns
    date_rank: np.ndarray
    dates: DateColumn
    vocabulary: Vocabulary
    built_at: float | None
    doc_count: int
    frequent: list[tuple[int, str, str]]  # what the warm-up preloads (engine.frequent_terms)

    stored_cache: Recent[int, ArticleRecord] = field(
        default_factory=lambda: Recent(STORED_CACHE))
    analysis_cache: Recent[str, Analysed] = field(default_factory=lambda: Recent(ANALYSIS_CACHE))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def analysed(self, query: str) -> Analysed:
        """A reader's query parsed and analysed, with its accented form when it was typed
        without diacritics (the suggestion: it tells which words to mark together); the
        most recent ANALYSIS_CACHE kept."""
        with self.lock:
            found = self.analysis_cache.get(query)
        if found is not None:
            return found
        parsed = parse_query(query)
        hint = None if is_accented(parsed) else self.suggestion(parsed)
        found = Analysed(parsed, analyse_query(parsed, hint), hint)
        with self.lock:
            self.analysis_cache.put(query, found)
        return found

    def suggestion(self, parsed: ParsedQuery) -> str | None:
        """A better spelling of the query's words ("Có phải bạn muốn tìm"), or None."""
        if not parsed.positive or any(c.alternatives for c in parsed.clauses):
            return None
        return suggest(" ".join(c.text for c in parsed.positive), self.vocabulary,
                       self.pair_frequency)

    def stored(self, docnum: int) -> ArticleRecord:
        """A document's record (the most recent STORED_CACHE kept decoded)."""
        with self.lock:
            found = self.stored_cache.get(docnum)
            if found is None:
                found = self.source.record(docnum)
                self.stored_cache.put(docnum, found)
            return found

    def pair_frequency(self, pair: str) -> int:
        """How many articles have two syllables side by side (``"văn thi"``)."""
        return self.source.doc_frequency("pairs", pair)

    def document_number(self, article_id: str) -> int | None:
        return self.source.document_number(article_id)

    def related(self, docnum: int, terms: str) -> list[tuple[ArticleRecord, float]]:
        """Documents like this one: the key terms of the body's syllables (Bo1 model, as
        Whoosh's more-like-this), scored by the engine."""
        if not terms.strip():
            return []
        keys = self.source.key_terms("text", terms, RELATED_TERMS)
        if not keys:
            return []
        found = self.engine.evaluate(AnyOf(tuple(Term("text", t, w) for t, w in keys)),
                                     idf="whoosh")
        candidates = found.mask & self.engine.live
        candidates[docnum] = False
        docs = self.engine.top(found.score, candidates, 0, RELATED_ARTICLES)
        return [(self.stored(int(d)), float(found.score[d])) for d in docs]


def _date_rank(source: PostingsSource) -> np.ndarray:
    """Each document's position when sorted by date (a year alone sorts as that year)."""
    dates = source.column("date")
    keys = np.array([dates[d] or "" for d in range(source.doc_count_all())], dtype=object)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[np.argsort(keys, kind="stable")] = np.arange(len(keys))
    return rank


def _check_version(path: Path) -> Manifest:
    """The manifest of a generation built by this version; IndexNotReady otherwise."""
    manifest = read_manifest(path)
    if manifest is None or manifest.analysis_version != ANALYSIS_VERSION:
        raise IndexNotReady(f"Chỉ mục {path} được lập bằng phiên bản khác của antqsearch: "
                            "hãy chạy 'antqsearch index --full'.")
    return manifest


def open_generation(index_dir: Path, weights: Weights,
                     backend: IndexBackend) -> Generation:
    current = current_generation(index_dir)
    if current is not None and read_manifest(current) is not None:
        _check_version(current)  # before opening: another version's files may not open
    path, source, lease = open_leased(index_dir, backend.open)
    try:
        manifest = _check_version(path)
        engine = Engine(source, weights.k1, weights.b, weights.idf, weights.field_b())
        frequencies = syllable_frequencies(source)
        generation = Generation(
            path, source, engine, FacetColumns.load(source),
            _date_rank(source), DateColumn.load(source), Vocabulary.load(source, frequencies),
            manifest.built_at,
            source.doc_count(),
            frequent_terms(frequencies),
        )
    except BaseException:
        source.close()
        lease.release()
        raise
    # The segment files stay mapped while the generation is in use (backend/whoosh/mapped.py):
    # released when the last request holding it lets it go; then the lease is released and
    # the generation removed if a newer one replaced it and no other process reads it.
    weakref.finalize(generation, _release, source, lease, index_dir)
    return generation


def _release(source: PostingsSource, lease: ReaderLease, index_dir: Path) -> None:
    source.close()
    lease.release(index_dir)


def read_through(generation: Path) -> None:
    """Read a generation's files once, so that the first queries find them in the page
    cache (a mapped page not in it is read from disk when first touched)."""
    for path in generation.iterdir():
        try:
            with open(path, "rb", buffering=0) as handle:
                while handle.read(1 << 20):
                    pass
        except OSError:
            continue
