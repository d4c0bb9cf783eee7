"""One Whoosh index generation as a :class:`~antqsearch.backend.PostingsSource`.

A generation is read through memory maps (:mod:`.mapped`: Whoosh's own mmap support would
copy each mapped file into a BytesIO) and through one searcher, shared by every thread:
Whoosh's readers keep a position in shared files, so every read holds one lock. Terms are
looked up straight in the mapped term tables (:mod:`.termtable`) and their posting blocks
read from the mapped postings file; Whoosh reads what is not mapped.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.filedb.structfile import StructFile
from whoosh.reading import SegmentReader, TermNotFound

from ...record import ArticleRecord, ColumnValue
from ...store import IndexNotReady
from .codec import Block, decode_blocks, leaf_blocks, leaf_lengths, table_of_contents
from .mapped import MappedStorage, block_postings
from .schema import COLUMNS, decode_column, decode_record
from .termtable import key_hash, term_table

# What :meth:`WhooshSource._rows` gives for a segment besides a row's position.
NOT_FOUND = -1
ASK_WHOOSH = -2


class WhooshSource:
    """A Whoosh index generation, read-only, thread-safe."""

    def __init__(self, index: Any) -> None:
        self._searcher = index.searcher()
        self._reader = self._searcher.reader()
        self._lock = threading.RLock()
        self._leaves: list[tuple[Any, int]] = list(self._reader.leaf_readers())
        self._tables = [term_table(leaf) for leaf, _ in self._leaves]
        self._at_event: Sequence[ColumnValue] | None = None

    def doc_count_all(self) -> int:
        return int(self._reader.doc_count_all())

    def doc_count(self) -> int:
        return int(self._reader.doc_count())

    def live(self) -> np.ndarray:
        reader = self._reader
        live = np.ones(reader.doc_count_all(), dtype=bool)
        if reader.has_deletions():
            with self._lock:
                live[[d for d in range(len(live)) if reader.is_deleted(d)]] = False
        return live

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        segments: list[tuple[Iterator[Block], int]] = []  # decoded together, in order
        with self._lock:
            for (leaf, offset), table, row in zip(self._leaves, self._tables,
                                                  self._rows(field, term), strict=True):
                at = None if table is None or row < 0 else table.postings_at(row)
                if table is not None and at is not None:
                    segments.append((block_postings(table.postfile, at), offset))
                elif row != NOT_FOUND:  # read by Whoosh (one look-up, not ``in`` first)
                    with contextlib.suppress(TermNotFound):
                        segments.append((leaf_blocks(leaf.postings(field, term)), offset))
            return decode_blocks(segments)

    def has_term(self, field: str, term: str) -> bool:
        with self._lock:
            for (leaf, _), row in zip(self._leaves, self._rows(field, term), strict=True):
                if row >= 0 or (row == ASK_WHOOSH and (field, term) in leaf):
                    return True
            return False

    def doc_frequency(self, field: str, term: str) -> int:
        total = 0
        with self._lock:
            for (leaf, _), table, row in zip(self._leaves, self._tables,
                                             self._rows(field, term), strict=True):
                if table is not None and row >= 0:
                    total += table.doc_frequency_at(row)
                elif row == ASK_WHOOSH and (field, term) in leaf:
                    total += int(leaf.doc_frequency(field, term))
        return total

    def _rows(self, field: str, term: str) -> Iterator[int]:
        """For each segment in turn: where the term's row is in its mapped term table,
        NOT_FOUND, or ASK_WHOOSH (a table that only Whoosh reads). The key's hash is
        computed once for the segments that share the key."""
        schema = self._reader.schema
        if field not in schema:
            yield from (NOT_FOUND for _ in self._leaves)
            return
        tbytes = schema[field].to_bytes(term)
        hashes: dict[bytes, int] = {}
        for table in self._tables:
            if table is None:
                yield ASK_WHOOSH
                continue
            key = table.key(field, tbytes)
            if key is None:
                yield NOT_FOUND
                continue
            keyhash = hashes.get(key)
            if keyhash is None:
                keyhash = hashes[key] = key_hash(key)
            yield table.find(key, keyhash)

    def field_lengths(self, field: str) -> np.ndarray:
        with self._lock:
            parts = [leaf_lengths(leaf, field) for leaf, _ in self._leaves]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def field_length_total(self, field: str) -> float:
        with self._lock:
            return float(self._reader.field_length(field))

    def lexicon(self, field: str) -> list[str]:
        if field not in self._reader.schema:
            return []
        with self._lock:
            return [_text(raw) for raw in self._reader.lexicon(field)]

    def document_frequencies(self, field: str) -> Iterator[tuple[str, int]]:
        # Each segment's term table read in order, the counts added up: Whoosh's reader over
        # several segments looks every term up again in every segment's hash table (2.6 M
        # look-ups, 40 s of a server's start at 35,431 articles in 7 segments).
        counts: dict[bytes | str, int] = {}
        with self._lock:
            for leaf, _ in self._leaves:
                for term, info in leaf.iter_field(field):
                    counts[term] = counts.get(term, 0) + info.doc_frequency()
        return iter([(_text(term), count) for term, count in sorted(counts.items())])

    def column(self, name: str) -> Sequence[ColumnValue]:
        with self._lock:
            values = self._reader.column_reader(COLUMNS.get(name, name), translate=True)
            return [decode_column(name, values[d])
                    for d in range(self._reader.doc_count_all())]

    def record(self, docnum: int) -> ArticleRecord:
        if self._at_event is None:
            self._at_event = self.column("officials_at_event")
        at_event = self._at_event[docnum]
        with self._lock:
            stored = self._searcher.stored_fields(docnum)
        return decode_record(stored, at_event if isinstance(at_event, tuple) else ())

    def document_number(self, article_id: str) -> int | None:
        with self._lock:
            found: int | None = self._searcher.document_number(id=article_id)
            return found

    def key_terms(self, field: str, text: str, count: int) -> list[tuple[str, float]]:
        with self._lock:
            found: list[tuple[str, float]] = self._searcher.key_terms_from_text(
                field, text, numterms=count)
            return found

    def close(self) -> None:
        self._searcher.close()


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)


def open_generation(generation: Path) -> Any:
    """Open one generation folder as a Whoosh index; IndexNotReady with a clear reason."""
    try:
        index = MappedStorage(str(generation)).open_index()
        _check_segments(index)
        return index
    except Exception as exc:  # whoosh raises many kinds for a damaged folder
        _close_files(exc)
        raise IndexNotReady(
            f"Chỉ mục {generation} bị hỏng ({exc}): hãy chạy lại 'antqsearch index --full'."
        ) from None


def _check_segments(index: whoosh_index.FileIndex) -> None:
    """Open each segment once, so that a damaged or missing one fails here, not mid-search
    (one segment at a time and without ``Index.reader()``'s ten retries on an OSError)."""
    toc = table_of_contents(index)
    for segment in toc.segments:
        SegmentReader(index.storage, toc.schema, segment, generation=toc.generation).close()


def _close_files(exc: BaseException) -> None:
    """Close the files that whoosh's failed frames left open (a damaged segment or table of
    contents), instead of a ResourceWarning whenever the exception is freed."""
    trace = exc.__traceback__
    while trace is not None:
        for value in list(trace.tb_frame.f_locals.values()):
            if isinstance(value, (StructFile, io.IOBase)):
                with contextlib.suppress(Exception):
                    value.close()
        trace = trace.tb_next
