"""Finding a term in a segment's term table straight from its memory map.

Whoosh looks a term up through five layers of Python (``MultiReader`` → ``SegmentReader``
→ ``W3TermsReader`` → ``OrderedHashReader`` → the file), hashing the key with md5 again in
every segment, and builds a matcher that reads the first posting block before anything is
asked of it. A query without diacritics checks up to 256 spellings of each pair of
syllables in each of a dozen segments: in a worker's first searches, these look-ups were a
quarter of the time.

:class:`TermTable` reads the same table from the map: Whoosh's ``HashReader`` format, 256
hash tables of ``(hash, position)`` slots with open addressing, each entry a key length, a
value length, the key and the value (the term's ``W3TermInfo`` row). A key's hash is
computed once for all segments. Only Whoosh's md5 tables over mapped files are read this
way; anything else (a file that could not be mapped, postings stored inline in the row,
which whoosh 2.7 cannot write but reads) is left to Whoosh (:func:`term_table` or
:meth:`TermTable.postings_at` give None).
"""

from __future__ import annotations

import struct
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import md5_hash
from whoosh.system import pack_ushort

from .mapped import MappedFile

_POINTER = struct.Struct("!Iq")  # a slot: the key's hash, the entry's position (0: empty)
_LENGTHS = struct.Struct("!II")  # an entry's key and value lengths
_OFFSET = struct.Struct("!q")  # a W3TermInfo row's postings offset, after its fixed part
_DOC_FREQUENCY = struct.Struct("!I")  # a row's document frequency, after flags and weight
_DOC_FREQUENCY_AT = struct.calcsize("!Bf")
_ROW: int = W3TermInfo._struct.size


class TermTable:
    """One segment's term table and postings file, read from their maps."""

    def __init__(self, terms: Any) -> None:
        """``terms``: the segment's ``W3TermsReader`` (see :func:`term_table`)."""
        index = terms._tindex
        self._buffer: memoryview = index.dbfile.buffer
        self._tables: list[tuple[int, int]] = list(index.tables)
        self._fields = {name: pack_ushort(number) for name, number in terms._fieldmap.items()}
        self.postfile: MappedFile = terms._postfile

    def key(self, field: str, term: bytes) -> bytes | None:
        """The table's key of a term (the field's number, then the term); None when the
        segment has no such field."""
        prefix = self._fields.get(field)
        return None if prefix is None else prefix + term

    def find(self, key: bytes, keyhash: int) -> int:
        """Where the value of ``key`` starts in the table's file, or -1."""
        start, slots = self._tables[keyhash & 255]
        if not slots:
            return -1
        buffer, size = self._buffer, len(key)
        slot = (keyhash >> 8) % slots
        for _ in range(slots):
            slothash, position = _POINTER.unpack_from(buffer, start + slot * _POINTER.size)
            if not position:
                return -1
            if slothash == keyhash:
                keylen: int = _LENGTHS.unpack_from(buffer, position)[0]
                at: int = position + _LENGTHS.size
                if keylen == size and buffer[at : at + keylen] == key:
                    return at + keylen
            slot = slot + 1 if slot + 1 < slots else 0
        return -1

    def doc_frequency_at(self, value: int) -> int:
        """The document frequency in a term's row (deleted documents included, as Whoosh
        counts them), from the position of the row."""
        found: int = _DOC_FREQUENCY.unpack_from(self._buffer, value + _DOC_FREQUENCY_AT)[0]
        return found

    def postings_at(self, value: int) -> int | None:
        """Where a term's first posting block starts in the postings file, from the
        position of its row; None when its postings are not in blocks there (inline)."""
        buffer = self._buffer
        if buffer[value]:  # the row's flags: postings stored in the row itself
            return None
        offset: int = _OFFSET.unpack_from(buffer, value + _ROW)[0]
        magic = self.postfile.buffer[offset : offset + len(WHOOSH3_HEADER_MAGIC)]
        if magic != WHOOSH3_HEADER_MAGIC:
            raise ValueError(f"Block tag error {bytes(magic)!r} at {offset}")
        return offset + len(WHOOSH3_HEADER_MAGIC)


def term_table(leaf: Any) -> TermTable | None:
    """A segment reader's term table read from its maps; None when Whoosh must read it
    (not W3 with md5 hashes over mapped files)."""
    terms = getattr(leaf, "_terms", None)
    index = getattr(terms, "_tindex", None)
    if (index is None or getattr(index, "hashfn", None) is not md5_hash
            or not isinstance(getattr(index, "dbfile", None), MappedFile)
            or not isinstance(getattr(terms, "_postfile", None), MappedFile)
            or not hasattr(index, "tables") or not hasattr(terms, "_fieldmap")):
        return None
    return TermTable(terms)


def key_hash(key: bytes) -> int:
    """Whoosh's hash of a term table key (md5, its low 32 bits)."""
    return int(md5_hash(key))
