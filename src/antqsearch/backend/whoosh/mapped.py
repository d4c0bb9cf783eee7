"""Reading a Whoosh index through memory maps, without copying it and without seeking.

Whoosh reads an index with seek + read through layers of Python file objects: a term
looked up in a segment's hash table is about eight such reads, a posting block three more
(a cold query read 1.4 M of them, 40 % of its time). Its own mmap support copies each
mapped file into a ``BytesIO``: the whole index in every worker's memory.

:class:`MappedStorage` maps each file once (read-only; the pages are the page cache's,
shared by every process that maps them) and hands Whoosh :class:`MappedFile` objects:
``get`` (what the hash tables and stored fields use) and ``subset`` (a compound file's
parts) slice the map; sequential reads go through a small reader over the same map.
:func:`block_postings` reads a term's posting blocks straight from a map.

A generation's files are never changed once written (a new build writes a new folder), so
a map never sees a file shrink under it.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
import zlib
from collections.abc import Iterator
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.system import _INT_SIZE, unpack_int

# What the reader's ``peek`` gives at most: the unpickler asks for 128 KB ahead of every
# pickle, and a block's info tuple is about 30 bytes.
PEEK_BYTES = 256
# How much of a line ``readline`` looks at a time.
LINE_CHUNK = 4096


class _MemoryReader:
    """A read-only binary file over a memory view (read, readline, peek, seek, tell)."""

    def __init__(self, buffer: memoryview) -> None:
        self._buffer = buffer
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        data = bytes(self._buffer[start:] if size is None or size < 0
                     else self._buffer[start : start + size])
        self._position = start + len(data)
        return data

    def peek(self, size: int = 0) -> bytes:
        return bytes(self._buffer[self._position : self._position + PEEK_BYTES])

    def readline(self, size: int | None = -1) -> bytes:
        end = len(self._buffer)
        if size is not None and size >= 0:
            end = min(end, self._position + size)
        position = self._position
        while position < end:  # a chunk at a time: a mapped file may be hundreds of MB
            chunk = bytes(self._buffer[position : min(position + LINE_CHUNK, end)])
            found = chunk.find(b"\n")
            if found >= 0:
                return self.read(position + found + 1 - self._position)
            position += len(chunk)
        return self.read(end - self._position)

    def seek(self, position: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: len(self._buffer)}
        self._position = max(0, base[whence] + position)
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        """Nothing to release: the map is unmapped when no view of it is left."""


class MappedFile(BufferFile):  # type: ignore[misc]
    """Whoosh's structured file over a buffer (``get`` and ``get_array`` slice it), over
    (part of) a memory map: without the copy of the buffer that Whoosh's ``BufferFile``
    makes for its sequential reads, and with parts that are views of the same map."""

    def __init__(self, buffer: memoryview, name: str | None = None) -> None:
        StructFile.__init__(self, _MemoryReader(buffer), name=name)
        self._buf = buffer

    @property
    def buffer(self) -> memoryview:
        return self._buf

    def subset(self, position: int, length: int, name: str | None = None) -> MappedFile:
        return MappedFile(self._buf[position : position + length], name=name or self._name)

    def write(self, *args: Any, **kwargs: Any) -> None:
        raise io.UnsupportedOperation(f"{self._name} is read-only")


class MappedStorage(FileStorage):  # type: ignore[misc]
    """A folder of index files, read through memory maps (where a file cannot be mapped,
    on a file system without mmap say, it is read as Whoosh reads it: slower, not wrong)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, readonly=True, supports_mmap=False)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        handle = open(self._fpath(name), "rb")  # noqa: SIM115 (kept open when not mapped)
        try:
            empty = not os.fstat(handle.fileno()).st_size  # an empty file cannot be mapped
            mapped = b"" if empty else mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return StructFile(handle, name=name)
        handle.close()  # a map stays valid without the file handle
        return MappedFile(memoryview(mapped), name=name)


def block_postings(postfile: Any, position: int) -> Iterator[tuple[Any, Any, int, int]]:
    """(delta-coded ids, weights, count, last id) of each posting block from ``position``
    (just after the postings' header), as Whoosh's W3 leaf matcher reads them (``_goto``,
    ``_read_data``): a block is its length (negative for the last), its pickled info tuple
    and its (compressed) pickled data."""
    buffer = postfile.buffer
    while True:
        length = unpack_int(buffer[position : position + _INT_SIZE])[0]
        start = position + _INT_SIZE
        block = io.BytesIO(buffer[start : start + abs(length)])
        count, last, _, compression, _, _ = pickle.load(block)
        data = block.read()
        deltas, weights = pickle.loads(zlib.decompress(data) if compression else data)[:2]
        yield deltas, weights, count, last
        if length < 0:
            return
        position = start + length
