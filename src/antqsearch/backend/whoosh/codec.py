"""Whoosh's W3 codec below its public API: the one module that touches its internals.

* Reading: Whoosh's matchers decode a posting at a time in Python; the numpy engine
  needs a term's whole posting list as arrays. :func:`leaf_blocks` reads the blocks
  through the matcher's own block reader (``_read_data``, ``_data``, ``_blocklength``,
  ``_next_block``) and :func:`decode_blocks` decodes them with numpy (the blocks of a
  mapped file come straight from the map: :mod:`.termtable`); :func:`leaf_lengths` and
  :func:`stored_lengths` read a segment's per-document length column (``_perdoc``).
* Writing: :func:`field_output` gives the bulk writer (:mod:`.segwriter`) a field
  writer's postings file, term table and block parameters; :data:`TERMINFO` is the
  term-info row's struct.
* Opening: :func:`table_of_contents` (``Index._read_toc``), to check every segment.

All of it is pinned to whoosh-reloaded 2.7's W3 codec: ``tests/test_engine.py`` compares
the engine with Whoosh's own matchers, ``tests/test_segwriter.py`` the bulk writer's files
with Whoosh's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

from .mapped import MappedFile, block_postings

# A field length as Whoosh reads it back from its one-byte approximation.
BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.int64)
# The struct of a term's row in the term table (W3TermInfo without its extent).
TERMINFO = W3TermInfo._struct


@dataclass(frozen=True)
class FieldOutput:
    """Where a W3 field writer, between ``start_field`` and ``finish_field``, puts a
    field's posting blocks and term rows."""

    postfile: Any  # the postings file (a StructFile)
    add_row: Callable[[bytes, bytes], None]  # adds a term table row: key, value
    field_key: bytes  # the field's number, packed: the prefix of its term keys
    block_limit: int  # postings per block
    compression: int  # zlib level of the blocks (0: none)


def field_output(fieldwriter: Any) -> FieldOutput:
    """The postings file, term table and block parameters of a started field."""
    postwriter = fieldwriter._postwriter
    return FieldOutput(postwriter._postfile, fieldwriter._tindex.add,
                       pack_ushort(fieldwriter._fieldid), postwriter._blocklimit,
                       postwriter._compression)


def table_of_contents(index: Any) -> Any:
    """An index's table of contents (its schema, segments and generation)."""
    return index._read_toc()


def stored_lengths(perdoc: Any, field: str, count: int) -> np.ndarray | None:
    """Each document's length in a field as Whoosh reads it back (its byte approximation),
    from a segment's per-document reader; None when the field keeps no lengths there."""
    column = f"_{field}_len"
    if perdoc is None or not perdoc.has_column(column):
        return None
    raw = perdoc.column_reader(column, LENGTHS_COLUMN)
    found: np.ndarray = BYTE_TO_LENGTH[np.fromiter(raw, dtype=np.uint8, count=count)]
    return found


def leaf_lengths(leaf: Any, field: str) -> np.ndarray:
    """Field lengths of one segment (float32), from its length column when it has one."""
    count = leaf.doc_count_all()
    found = stored_lengths(getattr(leaf, "_perdoc", None), field, count)
    if found is not None:
        return found.astype(np.float32)
    lengths = [leaf.doc_field_length(d, field) for d in range(count)]
    return np.asarray(lengths, dtype=np.float32)


Block = tuple[Any, Any, int, int]  # delta-coded ids, weights, count, last id


def leaf_blocks(matcher: Any) -> Iterator[Block]:
    """A leaf matcher's posting blocks, as :func:`~.mapped.block_postings` gives them.

    A segment with deletions wraps its matcher in a filter: it is unwrapped, because deleted
    documents are removed by the engine's ``live`` mask anyway. Another codec's matcher is
    read the slow, public way, as one block."""
    while not hasattr(matcher, "_read_data") and hasattr(matcher, "child"):
        matcher = matcher.child
    if hasattr(matcher, "_read_data"):
        return _blocks(matcher)
    items = list(matcher.items_as("weight"))
    if not items:
        return iter(())
    ids = [d for d, _ in items]
    deltas = [ids[0]] + [b - a for a, b in zip(ids, ids[1:], strict=False)]
    return iter([(deltas, [w for _, w in items], len(items), ids[-1])])


def decode_blocks(segments: Iterable[tuple[Iterable[Block], int]]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (int32) and frequencies (float32) of a term's posting blocks in
    one or more segments, each given as its blocks and the number of its first document.

    Each block's ids are delta-coded from 0 and its info gives its last id: the ids of all
    blocks of all the segments are added up at once, then each block's start taken off and
    its segment's first document added (numpy calls per term, not per block of 128 or per
    segment)."""
    deltas: list[int] = []
    weights: list[float] = []
    counts: list[int] = []
    lasts: list[int] = [0]
    offsets: list[int] = []
    for blocks, offset in segments:
        for block_deltas, block_weights, count, last in blocks:
            deltas += block_deltas
            if block_weights is None or isinstance(block_weights, (int, float)):
                weights += [1.0 if block_weights is None else block_weights] * count
            else:
                weights += block_weights
            counts.append(count)
            lasts.append(last)
            offsets.append(offset)
    starts = np.cumsum(lasts[:-1], dtype=np.int64) - np.asarray(offsets, dtype=np.int64)
    ids = np.cumsum(np.asarray(deltas, dtype=np.int64)) - np.repeat(starts, counts)
    return ids.astype(np.int32), np.asarray(weights, dtype=np.float32)


def _blocks(matcher: Any) -> Iterator[Block]:
    """(delta-coded ids, weights, count, last id) of each of a leaf matcher's blocks:
    straight from the map when its postings file is mapped, else through the matcher's
    block reader."""
    if isinstance(matcher._postfile, MappedFile):
        yield from block_postings(matcher._postfile, matcher._baseoffset)
        return
    while matcher.is_active():
        matcher._read_data()
        yield matcher._data[0], matcher._data[1], matcher._blocklength, matcher._maxid
        matcher._next_block()
