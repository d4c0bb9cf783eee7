"""The seam between the search service and the index that stores the articles.

Two protocols, for two kinds of engines:

* :class:`PostingsSource` — an index that *stores* (postings, field lengths, lexicons,
  stored records, facet columns, live documents) while our numpy engine
  (:mod:`antqsearch.engine`) *ranks*. The facets (:mod:`antqsearch.facets`), the date
  filter, the suggestions (:mod:`antqsearch.suggest`) and the service read an index
  generation only through it. Implementations: :mod:`antqsearch.backend.whoosh` (the
  index on disk) and :mod:`antqsearch.backend.memory` (plain Python/numpy, for tests and
  as the proof that nothing else knows Whoosh).
* :class:`SearchBackend` — an engine that ranks for itself (OpenSearch/Elasticsearch,
  tantivy): it takes a query plan (:mod:`antqsearch.plan`) and facet selections and
  answers with ranked document ids and facet counts. No implementation runs here (no
  such server can); ``docs/scaling.md`` describes how one would map the same
  pre-analysed fields onto it.

Document numbers are dense integers ``0 .. doc_count_all() - 1`` for one generation;
deleted documents keep their number and are false in :meth:`PostingsSource.live`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from pathlib import Path
from typing import Protocol

import numpy as np

from ..plan import Node
from ..record import AnalysedArticle, ArticleRecord, ColumnValue


class PostingsSource(Protocol):
    """One index generation, read-only, as the numpy engine and the service read it.

    Every method is safe to call from several threads at once.
    """

    def doc_count_all(self) -> int:
        """Document numbers in use, deleted documents included."""

    def doc_count(self) -> int:
        """Live (not deleted) documents."""

    def live(self) -> np.ndarray:
        """A boolean mask, by document number, of the documents not deleted."""

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (int32, ascending) and term frequencies (float32) of an
        indexed term; empty arrays when absent. Deleted documents may be included."""

    def has_term(self, field: str, term: str) -> bool:
        """Whether the term is in the field's lexicon."""

    def field_lengths(self, field: str) -> np.ndarray:
        """Every document's length in a counted field (float32, by document number), as
        the index stores it (Whoosh: a one-byte approximation)."""

    def field_length_total(self, field: str) -> float:
        """The sum of the exact lengths of a field over every document."""

    def lexicon(self, field: str) -> Iterable[str]:
        """The field's indexed terms, in code point order."""

    def document_frequencies(self, field: str) -> Iterator[tuple[str, int]]:
        """``(term, documents having it)`` for every term of a field, in lexicon order."""

    def doc_frequency(self, field: str, term: str) -> int:
        """How many documents have the term (0 when absent)."""

    def column(self, name: str) -> Sequence[ColumnValue]:
        """Every document's value of a column field (see :data:`record.COLUMNS`), decoded:
        ``None`` when absent, a tuple for a multi-valued field."""

    def record(self, docnum: int) -> ArticleRecord:
        """The stored article of a document."""

    def document_number(self, article_id: str) -> int | None:
        """The live document of an article id, or None."""

    def key_terms(self, field: str, text: str, count: int) -> list[tuple[str, float]]:
        """The ``count`` terms of a space-separated text that best tell it apart from the
        field's collection (Bo1 divergence from randomness, normalised weights: Whoosh's
        ``key_terms_from_text``), best first."""

    def close(self) -> None:
        """Let the generation's files go."""


class IndexWriter(Protocol):
    """Writes analysed articles into one generation folder (one writer at a time)."""

    def add_document(self, article: AnalysedArticle) -> None:
        """Add an article (a full build: its id is not in the generation yet)."""

    def update_document(self, article: AnalysedArticle) -> None:
        """Add an article, replacing the one with the same id."""

    def delete_article(self, article_id: str) -> None:
        """Remove an article by id (nothing when absent)."""

    def commit(self, full: bool) -> None:
        """Make the writes durable (``full``: after a full build)."""

    def cancel(self) -> None:
        """Abandon the writes."""


class IndexBackend(Protocol):
    """How the indexer writes and the service opens generation folders."""

    def open(self, generation: Path) -> PostingsSource:
        """Open a generation; ``store.IndexNotReady`` with a Vietnamese reason if it
        cannot be read."""

    def writer(self, generation: Path, create: bool, flush_postings: int,
               expected: int = 0) -> IndexWriter:
        """A writer into a generation folder: a new, empty index (``create``), or the
        index there (an incremental build starts from the previous one's files);
        ``flush_postings`` bounds the postings held in memory; ``expected``: the articles
        that will be added, when known."""


class SearchBackend(Protocol):
    """An engine that ranks for itself, behind the same service (a sketch: see
    ``docs/scaling.md``; nothing implements it yet).

    It indexes the same analysed documents the Whoosh writer takes (counted ``head``,
    ``text``, ``pairs``, ``words`` fields, the record, the facet columns); it evaluates a
    plan (:mod:`antqsearch.plan`, ``Term.folded`` meaning the folded sub-field) within
    the facet selections and date range, and counts each facet without its own selection.
    """

    def search(self, plan: Node, selection: Mapping[str, Set[str]],
               dates: tuple[str | None, str | None], sort: str, start: int,
               stop: int) -> tuple[list[tuple[int, float]], int,
                                   dict[str, dict[str, int]]]:
        """``(ranked (document, score) pairs start..stop, total matches, facet counts)``."""

    def record(self, docnum: int) -> ArticleRecord:
        """The stored article of a document."""
