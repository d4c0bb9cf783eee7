"""Writing a Whoosh segment whose counted fields arrive as ``{term: frequency}`` mappings.

Whoosh's ``SegmentWriter`` handles every posting as a Python tuple: added to a sorting
pool, sorted, then written one call at a time, each call looking its document's field
length up again — about 7 µs a posting, as long as pyvi takes to segment the article.
:class:`CountedWriter` is that writer with the counted fields (:class:`schema.Counted`)
kept apart: their postings go to flat arrays (term number, document, frequency), are
sorted with numpy at commit and written a block at a time through Whoosh's own postings
writer. The files are Whoosh's W3 codec files, byte for byte what the stock writer writes
(the tests compare them); every other field, deletions and segment merges are Whoosh's.
"""

from __future__ import annotations

import itertools
import struct
import zlib
from array import array
from collections.abc import Mapping
from operator import itemgetter
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.filetables import _lengths as _LENGTHS
from whoosh.system import pack_int, pack_long, pack_uint
from whoosh.util.numeric import length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from .codec import TERMINFO, field_output, stored_lengths
from .schema import Counted

# Postings turned into Python lists at a time when writing (about 35 MB of lists).
CHUNK_POSTINGS = 250_000
_INT = struct.Struct("!i")


class _Postings:
    """The postings of one counted field, in the order they were added."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}  # term → its number, in order of appearance
        self.terms = array("I")
        self.docs = array("I")
        self.freqs = array("I")

    def add(self, docnum: int, counts: Mapping[str, int]) -> None:
        number = self.number
        for term in [t for t in counts if t not in number]:
            number[term] = len(number)
        self.terms.extend(map(number.__getitem__, counts))
        self.docs.extend([docnum] * len(counts))
        self.freqs.extend(counts.values())

    def in_term_order(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The terms and their postings in Whoosh's order: (the terms in order of
        appearance, their numbers in byte order, each one's first posting, and the postings
        sorted by term then document: documents, frequencies). Every term has a posting,
        so the n-th in byte order starts the n-th run of postings."""
        names = list(self.number)
        # Code point order is UTF-8 byte order, the order of Whoosh's term table.
        by_rank = np.array(sorted(range(len(names)), key=names.__getitem__), dtype=np.uint32)
        rank = np.empty(len(names), dtype=np.uint32)
        rank[by_rank] = np.arange(len(names), dtype=np.uint32)
        docs = np.frombuffer(self.docs, dtype=np.uint32)
        term_ranks = rank[np.frombuffer(self.terms, dtype=np.uint32)]
        del rank
        span = int(docs.max()) + 1
        order = np.argsort(term_ranks.astype(np.int64) * span + docs)
        term_ranks = term_ranks[order]
        starts = np.flatnonzero(np.diff(term_ranks)) + 1
        starts = np.concatenate((np.zeros(min(len(term_ranks), 1), dtype=starts.dtype), starts))
        del term_ranks
        freqs = np.frombuffer(self.freqs, dtype=np.uint32)[order]
        return names, by_rank, starts, docs[order], freqs


class _Bucket:
    """One of the 256 buckets of Whoosh's term table: its (hash, position) entries in two
    arrays, 12 bytes an entry where Whoosh's list of tuples takes about 120 (the pairs
    field of 5,000 real articles has over a million terms)."""

    __slots__ = ("hashes", "positions")

    def __init__(self) -> None:
        self.hashes = array("I")
        self.positions = array("q")

    def append(self, entry: tuple[int, int]) -> None:
        self.hashes.append(entry[0])
        self.positions.append(entry[1])

    def __len__(self) -> int:
        return len(self.hashes)


_SLOT = np.dtype([("hash", ">u4"), ("position", ">i8")])  # Whoosh's "!Iq" pointer


class _TermTable(OrderedHashWriter):  # type: ignore[misc]
    """Whoosh's term table writer with compact buckets (:class:`_Bucket`), writing the
    same hash tables (open addressing, in the order the terms were added) a bucket at a
    time instead of a write per slot."""

    def _write_hashes(self) -> None:
        dbfile = self.dbfile
        for bucket in self.buckets:
            slots = 2 * len(bucket)
            self.directory.append((dbfile.tell(), slots))
            if not slots:
                continue
            hashes, positions = [0] * slots, [0] * slots
            taken = bytearray(slots)
            for hashval, position in zip(bucket.hashes, bucket.positions, strict=True):
                slot = (hashval >> 8) % slots
                while taken[slot]:
                    slot = (slot + 1) % slots
                taken[slot] = 1
                hashes[slot], positions[slot] = hashval, position
            table = np.empty(slots, dtype=_SLOT)
            table["hash"], table["position"] = hashes, positions
            dbfile.write(table.tobytes())


def compact_term_table(fieldwriter: Any) -> None:
    """Give a W3 field writer's term table (still empty) compact buckets."""
    table = fieldwriter._tindex
    if not isinstance(table, OrderedHashWriter) or any(table.buckets):
        raise TypeError("a new Whoosh W3 term table is needed")
    table.__class__ = _TermTable
    table.buckets = [_Bucket() for _ in range(256)]


class _CountedPool(PostingPool):  # type: ignore[misc]  # whoosh ships no type hints
    """Whoosh's posting pool, with the counted fields' postings kept in arrays."""

    def __init__(self, counted: frozenset[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counted = {name: _Postings() for name in counted}

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting (from a segment being merged): counted fields go to the arrays."""
        fieldname, tbytes, docnum, weight, _ = item
        if fieldname in self.counted:
            self.counted[fieldname].add(docnum, {tbytes.decode("utf-8"): int(weight)})
        else:
            super().add(item)


class CountedWriter(SegmentWriter):  # type: ignore[misc]
    """A ``SegmentWriter`` whose counted fields are written in bulk (see the module)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        counted = frozenset(n for n in self.schema.names() if isinstance(self.schema[n], Counted))
        self.pool = _CountedPool(counted, self._tempstorage, self.newsegment,
                                 limitmb=kwargs.get("limitmb", 128))
        compact_term_table(self.fieldwriter)

    def postings(self) -> int:
        """Counted postings collected so far (what a segment's commit holds in memory)."""
        return sum(len(p.docs) for p in self.pool.counted.values())

    def add_document(self, **fields: Any) -> None:
        counted = self.pool.counted
        counts = {n: fields.pop(n) for n in list(fields) if n in counted}
        if any(not isinstance(c, Mapping) for c in counts.values()):
            raise TypeError("counted fields take {term: frequency} mappings")
        docnum = self.docnum
        super().add_document(**fields)
        for name, terms in counts.items():
            if terms:
                # The per-document writer still points at this document.
                self.perdocwriter.add_field(name, self.schema[name], None, sum(terms.values()))
                counted[name].add(docnum, terms)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            self._write_postings(lengths)
        finally:
            lengths.close()
        self.fieldwriter.close()

    def _write_postings(self, lengths: Any) -> None:
        """Every field's postings, fields in name order as Whoosh writes them."""
        counted = sorted(n for n, p in self.pool.counted.items() if p.number)
        fieldwriter = self.fieldwriter
        for name, items in itertools.groupby(self.pool.iter_postings(), key=itemgetter(0)):
            while counted and counted[0] < name:
                self._write_counted(counted.pop(0), lengths)
            # Whoosh looks a length up per posting (a stat() when the field keeps none).
            scorable = self.schema[name].scorable
            fieldwriter.add_postings(self.schema, lengths if scorable else None, items)
        for name in counted:
            self._write_counted(name, lengths)

    def _write_counted(self, name: str, lengths: Any) -> None:
        """Write a counted field's postings, term by term, a chunk of terms at a time (the
        block loop reads Python lists: 30-odd bytes an item, so not the whole field).

        Each chunk's posting blocks are assembled in one buffer and written at once, and
        each term's row of the term table is packed here, as Whoosh's ``start_term`` /
        ``finish_term`` would (same bytes), without its per-term method calls."""
        fieldwriter = self.fieldwriter
        fieldwriter.start_field(name, self.schema[name])
        output = field_output(fieldwriter)
        postfile, field_key = output.postfile, output.field_key
        limit, compression = output.block_limit, output.compression
        tindex = fieldwriter._tindex  # Whoosh's term table (an OrderedHashWriter)
        single: dict[tuple[int, float], tuple[bytes, bytes]] = {}
        names, by_rank, starts, docs, freqs = self.pool.counted[name].in_term_order()
        ends = np.append(starts[1:], len(docs))
        deltas = _block_deltas(docs, starts, ends, limit)
        doc_lengths = _field_lengths(lengths, name)[docs]
        packed = [pack_uint(n) for n in range(int(freqs.max()) + 1)]
        term = 0
        while term < len(starts):
            # The terms whose postings fit in a chunk (at least one term); their lists and
            # names are made a chunk at a time (a field can have a million terms).
            last = max(term, int(np.searchsorted(ends, starts[term] + CHUNK_POSTINGS,
                                                 side="right")) - 1)
            base = int(starts[term])
            first_of = (starts[term : last + 1] - base).tolist()
            end_of = (ends[term : last + 1] - base).tolist()
            terms = [names[n].encode("utf-8") for n in by_rank[term : last + 1].tolist()]
            chunk = slice(base, base + end_of[-1])
            lists = (docs[chunk].tolist(), deltas[chunk].tolist(),
                     freqs[chunk].astype(np.float64).tolist(),
                     b"".join([packed[n] for n in freqs[chunk].tolist()]),
                     doc_lengths[chunk].tolist())
            buffer = bytearray()
            offset = postfile.tell()
            rows = []
            for k, (first, stop) in enumerate(zip(first_of, end_of, strict=True)):
                start = len(buffer)
                if stop - first == 1:  # most terms of real text: one posting, one block
                    # Its bytes depend on its document and frequency only: encoded once.
                    key = (lists[0][first], lists[2][first])
                    if key not in single:
                        encoded = bytearray()
                        single[key] = (_one_posting(encoded, first, compression, *lists),
                                       bytes(encoded))
                    info, block = single[key]
                    buffer += WHOOSH3_HEADER_MAGIC
                    buffer += block
                else:
                    info = _term_blocks(buffer, (first, stop), limit, compression, *lists)
                rows.append((field_key + terms[k],
                             info + _pack_extent(offset + start, len(buffer) - start)))
            postfile.write(bytes(buffer))
            _add_rows(tindex, rows)
            term = last + 1
        fieldwriter.finish_field()


def _add_rows(table: Any, rows: list[tuple[bytes, bytes]]) -> None:
    """Add rows to Whoosh's term table (an ``OrderedHashWriter``) in one write: the bytes,
    hashes and positions of its ``add`` for each row, without its per-row calls."""
    dbfile, index, buckets, hashfn = table.dbfile, table.index, table.buckets, table.hashfn
    if rows and rows[0][0] <= table.lastkey:
        raise ValueError(f"Keys must increase: {table.lastkey!r}..{rows[0][0]!r}")
    position = dbfile.tell()
    out = bytearray()
    for key, value in rows:
        index.append(position + len(out))
        h = hashfn(key)
        buckets[h & 255].append((h, position + len(out)))
        out += _LENGTHS.pack(len(key), len(value))
        out += key
        out += value
    dbfile.write(bytes(out))
    if rows:
        table.lastkey = rows[-1][0]


def _block_deltas(docs: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                  limit: int) -> np.ndarray:
    """Each posting's document minus the previous one's; the first of every block of
    ``limit`` postings of a term keeps its document number (Whoosh's delta coding)."""
    deltas = np.diff(docs, prepend=0)
    counts = (ends - starts + limit - 1) // limit  # blocks per term
    firsts = np.repeat(starts, counts) + limit * (
        np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    deltas[firsts] = docs[firsts]
    return deltas


def _term_blocks(buffer: bytearray, term: tuple[int, int], limit: int, compression: int,
                 ids: list[int], deltas: list[int], weights: list[float], values: bytes,
                 lengths: list[int]) -> bytes:
    """Append the postings ``term[0]:term[1]`` of a field to ``buffer`` in blocks, as
    Whoosh's ``W3PostingsWriter._write_block`` writes them, and return the term's
    ``W3TermInfo`` bytes without its extent (same bytes as Whoosh's: the tests compare)."""
    buffer += WHOOSH3_HEADER_MAGIC
    first, stop = term
    if stop - first == 1:  # most terms of real text: one posting, one block
        return _one_posting(buffer, first, compression, ids, deltas, weights, values, lengths)
    total_weight, min_length, max_length, max_weight = 0.0, None, 0, 0.0
    for start in range(first, stop, limit):
        end = min(start + limit, stop)
        block_weights = weights[start:end]
        positive = [n for n in lengths[start:end] if n]
        block_min = min(positive) if positive else None
        block_max = max(positive, default=0)
        block_max_weight = max(block_weights)
        total_weight += sum(block_weights)
        if min_length is None:
            min_length = block_min
        elif block_min is not None:
            min_length = min(min_length, block_min)
        max_length = max(max_length, block_max)
        max_weight = max(max_weight, block_max_weight)
        size = end - start
        if block_weights.count(1.0) == size:
            mini_weights: float | tuple[float, ...] | None = None
        elif block_weights.count(block_weights[0]) == size:
            mini_weights = block_weights[0]
        else:
            mini_weights = tuple(block_weights)
        data = dumps((tuple(deltas[start:end]), mini_weights, values[4 * start : 4 * end]), 2)
        if compression:
            data = zlib.compress(data, compression)
        info = dumps((size, ids[end - 1], block_max_weight, compression,
                      length_to_byte(block_min), length_to_byte(block_max)), 2)
        length = len(info) + len(data)
        buffer += _INT.pack(-length if end == stop else length)
        buffer += info
        buffer += data
    packed: bytes = TERMINFO.pack(
        False, total_weight, stop - first,
        0 if min_length is None else length_to_byte(min_length), length_to_byte(max_length),
        max_weight, ids[first], ids[stop - 1])
    return packed


def _one_posting(buffer: bytearray, at: int, compression: int, ids: list[int],
                 deltas: list[int], weights: list[float], values: bytes,
                 lengths: list[int]) -> bytes:
    """:func:`_term_blocks` for a term with one posting (same bytes)."""
    weight, length, doc = weights[at], lengths[at], ids[at]
    data = dumps(((deltas[at],), None if weight == 1.0 else weight,
                  values[4 * at : 4 * at + 4]), 2)
    if compression:
        data = zlib.compress(data, compression)
    min_byte = length_to_byte(length if length else None)
    max_byte = length_to_byte(length if length else 0)
    info = dumps((1, doc, weight, compression, min_byte, max_byte), 2)
    buffer += _INT.pack(-(len(info) + len(data)))
    buffer += info
    buffer += data
    packed: bytes = TERMINFO.pack(False, weight, 1, min_byte if length else 0, max_byte,
                                   weight, doc, doc)
    return packed


def _pack_extent(offset: int, length: int) -> bytes:
    extent: bytes = pack_long(offset) + pack_int(length)
    return extent


def _field_lengths(lengths: Any, name: str) -> np.ndarray:
    """Each document's length in a field as Whoosh reads it back (its byte approximation)."""
    count = lengths.doc_count_all()
    found = stored_lengths(lengths, name, count)
    return np.zeros(count, dtype=np.int64) if found is None else found
