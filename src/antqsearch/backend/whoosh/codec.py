"""Reading Whoosh's W3 codec a block at a time: the one place that knows its internals.

Whoosh's matchers decode a posting at a time in Python; the numpy engine needs a term's
whole posting list as arrays. :func:`leaf_postings` reads the blocks through the
matcher's own block reader (``_read_data``, ``_data``, ``_blocklength``,
``_next_block``) and decodes each with numpy; :func:`stored_lengths` reads a segment's
per-document length column. Both are pinned to whoosh-reloaded 2.7's W3 codec (see
``tests/test_engine.py`` and ``tests/test_segwriter.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

# A field length as Whoosh reads it back from its one-byte approximation.
BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.int64)


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


def leaf_postings(matcher: Any, offset: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
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
