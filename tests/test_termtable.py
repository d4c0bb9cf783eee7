"""Terms found straight in the mapped term tables (backend/whoosh/termtable.py) are the
terms Whoosh finds, with the same postings."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.filedb.filetables import HashReader, HashWriter, _pointer
from whoosh.filedb.structfile import StructFile
from whoosh.reading import TermNotFound
from whoosh.writing import SegmentWriter

from antqsearch.backend.whoosh.mapped import MappedStorage
from antqsearch.backend.whoosh.schema import build_schema
from antqsearch.backend.whoosh.segwriter import CountedWriter
from antqsearch.backend.whoosh.source import WhooshSource
from antqsearch.backend.whoosh.termtable import TermTable, key_hash, term_table

SYLLABLES = ["an", "ninh", "tổ", "quốc", "thanh", "hóa", "hòa", "hoa", "nguyễn", "văn",
             "thị", "thi", "ĐĂK", "ʼa", "x\u0301", "𝔸", "日本", "a_b", "1945", ""]
FIELDS = ("text", "head", "pairs")


def _vocabulary(rng: random.Random) -> list[str]:
    words = [w for w in SYLLABLES if w]
    words += [f"{a} {b}" for a in words for b in words]  # pairs of syllables
    words += [f"từ{i}" for i in range(3000)]  # enough terms for collisions in every table
    return words


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WhooshSource, object]]:
    """Three segments: two written in bulk (one without a ``head`` field at all), one
    written by Whoosh's own writer; then a deletion."""
    folder = tmp_path_factory.mktemp("terms")
    rng = random.Random(7)
    words = _vocabulary(rng)
    index = whoosh_index.create_in(str(folder), build_schema())
    doc = 0
    for fields in (FIELDS, ("text", "pairs")):
        writer = CountedWriter(index)
        for _ in range(400):
            writer.add_document(id=str(doc), **{
                f: {w: rng.randint(1, 4) for w in rng.sample(words, rng.randint(1, 60))}
                for f in fields})
            doc += 1
        writer.commit(merge=False)
    stock = SegmentWriter(index)
    for _ in range(50):
        stock.add_document(id=str(doc), text=" ".join(rng.sample(words[:40], 5)))
        doc += 1
    stock.commit(merge=False)
    deleting = CountedWriter(index)
    deleting.delete_by_term("id", "3")
    deleting.commit(merge=False)
    source = WhooshSource(MappedStorage(str(folder)).open_index())
    assert len(source._leaves) == 3 and all(t is not None for t in source._tables)
    yield source, words
    source.close()


def _whoosh_postings(source: WhooshSource, field: str, term: str) -> tuple[list, list]:
    """Whoosh's own per-posting reading, deleted documents included (as the source gives
    them: the engine removes them)."""
    ids, tfs = [], []
    for leaf, offset in source._leaves:
        try:
            matcher = leaf.postings(field, term)
        except TermNotFound:
            continue
        while not hasattr(matcher, "_read_data") and hasattr(matcher, "child"):
            matcher = matcher.child  # the deletion filter (which moved it past deleted ones)
        matcher.reset()
        for docnum, weight in matcher.items_as("weight"):
            ids.append(docnum + offset)
            tfs.append(float(weight))
    return ids, tfs


def _check(source: WhooshSource, field: str, term: str) -> None:
    assert source.has_term(field, term) == ((field, term) in source._reader), (field, term)
    assert source.doc_frequency(field, term) == source._reader.doc_frequency(field, term)
    ids, tfs = source.postings(field, term)
    assert ids.dtype == np.int32 and tfs.dtype == np.float32
    assert ([int(d) for d in ids], [float(w) for w in tfs]) == \
        _whoosh_postings(source, field, term), (field, term)


def test_every_term_and_its_neighbours(built) -> None:
    source, words = built
    found = 0
    for field in FIELDS:
        for word in words[:500] + [w + "x" for w in words[:100]]:
            _check(source, field, word)
            found += source.has_term(field, word)
    assert found > 500  # most of them are there: the test compares postings, not absences


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from((*FIELDS, "words", "id", "nofield")),
       term=st.one_of(st.sampled_from(SYLLABLES), st.text(max_size=8)))
def test_any_term_of_any_field(built, field: str, term: str) -> None:
    source, _ = built
    if field in ("id", "nofield"):  # not counted fields: only the look-up is compared
        assert source.has_term(field, term) == ((field, term) in source._reader)
        assert source.doc_frequency(field, term) == (  # Whoosh: TermNotFound for no field
            0 if field == "nofield" else source._reader.doc_frequency(field, term))
        return
    _check(source, field, term)


def test_rows_that_only_whoosh_reads(built, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row whose postings are not in blocks (Whoosh's inline postings, which whoosh 2.7
    cannot write: its W3TermInfo has no ``set_inline``) is read by Whoosh."""
    source, words = built
    monkeypatch.setattr(TermTable, "postings_at", lambda self, value: None)
    for word in words[:60]:
        _check(source, "text", word)


def test_a_table_that_is_not_mapped_is_read_by_whoosh(tmp_path: Path) -> None:
    index = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = CountedWriter(index)
    writer.add_document(id="a", text={"an": 2})
    writer.commit()
    source = WhooshSource(index)  # Whoosh's own files, not mapped
    assert source._tables == [None]
    assert source.has_term("text", "an") and not source.has_term("text", "ninh")
    assert (source.doc_frequency("text", "an"), source.doc_frequency("text", "ninh")) == (1, 0)
    assert [int(d) for d in source.postings("text", "an")[0]] == [0]
    assert term_table(object()) is None
    source.close()


def _colliding_keys(count: int = 200_000) -> list[bytes]:
    """Keys of different lengths whose 32-bit md5 hashes collide (a birthday search)."""
    seen: dict[int, bytes] = {}
    found: list[bytes] = []
    for i in range(count):
        key = b"x" * (i % 5) + str(i).encode()
        keyhash = key_hash(key)
        if keyhash in seen:
            found += [seen[keyhash], key]
        seen[keyhash] = key
    return found


class _FullTables(HashWriter):  # type: ignore[misc]
    """Tables with one slot per key, no empty slot: every probe may wrap around, and only
    the probe count ends a search for an absent key (Whoosh writes twice as many slots)."""

    def _write_hashes(self) -> None:
        for entries in self.buckets:
            self.directory.append((self.dbfile.tell(), len(entries)))
            table = [(0, 0)] * len(entries)
            for keyhash, position in entries:
                slot = (keyhash >> 8) % len(entries)
                while table[slot] != (0, 0):
                    slot = (slot + 1) % len(entries)
                table[slot] = (keyhash, position)
            for keyhash, position in table:
                self.dbfile.write(_pointer.pack(keyhash, position))


@pytest.mark.parametrize("writer", [HashWriter, _FullTables])
def test_colliding_hashes_and_wrapping_probes(tmp_path: Path, writer: type) -> None:
    """Keys whose 32-bit hashes collide, among thousands of others, in Whoosh's tables and
    in tables without an empty slot: the same answers as Whoosh's ``ranges_for_key``."""
    colliding = _colliding_keys()
    assert len(colliding) >= 4
    rng = random.Random(3)
    keys = list(dict.fromkeys(colliding + [rng.randbytes(rng.randint(0, 30))
                                           for _ in range(5000)]))
    table_file = writer(StructFile(open(tmp_path / "t.hsh", "wb")))  # noqa: SIM115
    for number, key in enumerate(keys):
        table_file.add(key, b"value %d" % number)
    table_file.close()
    mapped = MappedStorage(str(tmp_path)).open_file("t.hsh")
    reader = HashReader(mapped, (tmp_path / "t.hsh").stat().st_size)
    table = TermTable(SimpleNamespace(_tindex=reader, _fieldmap={}, _postfile=None))
    absent = [k + b"z" for k in keys[:2000]] + [k[:-1] for k in colliding] + [b"", b"\xff" * 300]
    for key in keys + absent:
        expected = next(iter(reader.ranges_for_key(key)), None)
        assert table.find(key, key_hash(key)) == (-1 if expected is None else expected[0]), key


def test_fields_that_are_not_indexed(built) -> None:
    """A stored-only field or a column has no terms: nothing found (Whoosh raised)."""
    source, _ = built
    for field in ("title", "officials_col", "body"):
        assert not source.has_term(field, "an")
        assert source.doc_frequency(field, "an") == 0
        assert len(source.postings(field, "an")[0]) == 0
