"""Reading index files through memory maps (backend/whoosh/mapped.py)."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antqsearch.backend.whoosh import mapped as mapped_module
from antqsearch.backend.whoosh.mapped import MappedFile, MappedStorage

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("read"), st.integers(-1, 40)),
    st.tuples(st.just("readline"), st.integers(-1, 40)),
    st.tuples(st.just("seek"), st.integers(0, 80), st.sampled_from([0, 1, 2])),
    st.tuples(st.just("tell"))), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b"\n")), OPERATIONS)
def test_the_reader_reads_as_a_file_does(data: bytes, operations: list[tuple]) -> None:
    """Sequential reads (what Whoosh's StructFile does besides ``get``) give what reading
    the same bytes from a file gives."""
    mapped, plain = MappedFile(memoryview(data)).file, io.BytesIO(data)
    with patch.object(mapped_module, "LINE_CHUNK", 3):  # lines longer than a chunk
        for name, *args in operations:
            if name == "seek" and args[1] != 0:  # a file seeks only forward from here
                args[0] = min(args[0], 0) if args[1] == 2 else args[0]
            assert getattr(mapped, name)(*args) == getattr(plain, name)(*args), (name, args)


def test_a_mapped_file_slices_without_copying(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    payload = (pickle.dumps((1, 2.5, None), 2) + b"after").rjust(100, b"x")
    path.write_bytes(b"head" + payload)
    (tmp_path / "empty").write_bytes(b"")
    storage = MappedStorage(str(tmp_path))
    mapped = storage.open_file("f.bin")
    assert mapped.get(0, 4) == b"head" and mapped.get_int(0) == int.from_bytes(b"head", "big")
    part = mapped.subset(4, len(payload))
    assert part.buffer.obj is mapped.buffer.obj  # the same map, no copy
    part.seek(100 - len(pickle.dumps((1, 2.5, None), 2) + b"after"))
    assert part.read_pickle() == (1, 2.5, None) and part.read() == b"after"
    assert storage.open_file("empty").get(0, 10) == b""
    assert os.path.getsize(path) == 104


def test_a_file_that_cannot_be_mapped_is_read_as_whoosh_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system without mmap: the search still works, through Whoosh's own reads."""
    from antqsearch.indexer import build_index
    from antqsearch.search import SearchRequest, SearchService

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Ngày hội an ninh ở Thanh Hóa\n\nCông an xã ra quân.\n",
                                  encoding="utf-8")
    build_index(corpus, tmp_path / "index")

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(19, "No such device")

    monkeypatch.setattr(mapped_module.mmap, "mmap", refuse)
    service = SearchService(tmp_path / "index")
    assert [h.id for h in service.search(SearchRequest("công an")).hits] == ["a"]
    assert not isinstance(service.generation().source._leaves[0][0]._terms._postfile,
                          MappedFile)
