"""The bulk writer of counted fields writes what Whoosh's own writer writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from antqsearch.backend.whoosh import segwriter
from antqsearch.backend.whoosh.schema import build_schema, document_fields
from antqsearch.backend.whoosh.segwriter import CountedWriter
from antqsearch.record import AnalysedArticle

Writer = Callable[..., Any]
WRITERS: dict[str, Writer] = {"whoosh": SegmentWriter, "bulk": CountedWriter}


@pytest.fixture(scope="module")
def docs(analysed_articles: list[AnalysedArticle]) -> list[dict[str, Any]]:
    assert len(analysed_articles) >= 8
    return [document_fields(doc) for doc in analysed_articles]


def _commit(folder: Path, writer: Writer, work: Callable[[Any], None], **commit: Any) -> None:
    index = (whoosh_index.open_dir(str(folder)) if whoosh_index.exists_in(str(folder))
             else whoosh_index.create_in(str(folder), build_schema()))
    w = writer(index, compound=False)
    work(w)
    w.commit(**commit)


def _files(folder: Path) -> dict[str, bytes]:
    """Segment files by extension (their names carry a random segment id)."""
    return {p.suffix: p.read_bytes() for p in folder.iterdir() if p.suffix in (".trm", ".pst")}


def _dump(folder: Path) -> dict[str, Any]:
    """Everything a reader sees: lexicons, postings with weights and values, statistics."""
    index = whoosh_index.open_dir(str(folder))
    with index.reader() as reader:
        seen: dict[str, Any] = {"docs": sorted(
            (f["id"], f["title"]) for _, f in reader.iter_docs())}
        for field in ("head", "text", "pairs", "words", "province", "official"):
            seen[f"length {field}"] = reader.field_length(field)
            for term in reader.lexicon(field):
                info = reader.term_info(field, term)
                postings = reader.postings(field, term)
                items = [(reader.stored_fields(d)["id"], w, postings.value())
                         for d, w in postings.items_as("weight")]
                seen[f"{field}:{term.decode()}"] = (
                    sorted(items), info.weight(), info.doc_frequency(),
                    info.min_length(), info.max_length(), info.max_weight())
                for doc, _, _ in items:
                    seen[f"len {field} {doc}"] = reader.doc_field_length(
                        reader.first_id("id", doc), field)
    return seen


def test_one_commit_writes_the_same_files(docs: list[dict[str, Any]], tmp_path: Path) -> None:
    files = {}
    for name, writer in WRITERS.items():
        folder = tmp_path / name
        folder.mkdir()
        _commit(folder, writer, lambda w: [w.add_document(**d) for d in docs])
        files[name] = _files(folder)
    assert set(files["bulk"]) == {".trm", ".pst"}
    assert files["bulk"] == files["whoosh"]


def _many(count: int) -> list[dict[str, Any]]:
    """Documents whose terms span many posting blocks: frequencies all 1, all equal, mixed."""
    return [{"id": f"d{i}", "title": f"Bài {i}", "province": ["Hà Nội", "Huế"][i % 2],
             "text": {"an": 1, "ninh": 3, "trật": 1 + i % 7, f"riêng{i}": 2},
             "head": {"tiêu": 1 + i % 2}, "pairs": {"an ninh": 1 + (i % 3 == 0)},
             "words": {"an_ninh": 1} if i % 5 else {}} for i in range(count)]


@pytest.mark.parametrize("chunk", [1_000_000, 300, 1])
def test_long_posting_lists_write_the_same_files(
    tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(segwriter, "CHUNK_POSTINGS", chunk)
    files = {}
    for name, writer in WRITERS.items():
        folder = tmp_path / name
        folder.mkdir()
        _commit(folder, writer, lambda w: [w.add_document(**d) for d in _many(700)])
        files[name] = _files(folder)
    assert files["bulk"] == files["whoosh"]
    index = whoosh_index.open_dir(str(tmp_path / "bulk"))
    with index.reader() as reader:
        assert reader.doc_frequency("text", "an") == 700
        assert [w for _, w in reader.postings("text", "trật").items_as("weight")][:8] == [
            1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 1.0]


@pytest.mark.slow
def test_updates_deletions_and_merges_read_the_same(
    docs: list[dict[str, Any]], tmp_path: Path
) -> None:
    first, second = docs[: len(docs) // 2], docs[len(docs) // 2 :]
    changed = [dict(d, title=d["title"] + " (sửa)", text={"mới": 2, **d["text"]})
               for d in first[:2]]
    dumps = {}
    for name, writer in WRITERS.items():
        folder = tmp_path / name
        folder.mkdir()
        _commit(folder, writer, lambda w: [w.add_document(**d) for d in first])
        _commit(folder, writer, lambda w: [w.add_document(**d) for d in second[:2]])
        _commit(folder, writer, lambda w: (
            [w.update_document(**d) for d in changed],
            w.delete_by_term("id", first[-1]["id"]),
            [w.add_document(**d) for d in second[2:]]))
        dumps[name] = _dump(folder)
        _commit(folder, writer, lambda w: None, optimize=True)  # merges every segment
        dumps[f"{name} optimized"] = _dump(folder)
    assert dumps["bulk"] == dumps["whoosh"]
    assert dumps["bulk optimized"] == dumps["whoosh optimized"]
    assert dumps["bulk optimized"]["docs"] == dumps["bulk"]["docs"]
    assert any(key.startswith("text:") and "mới" in key for key in dumps["bulk"])


def test_counted_fields_take_mappings(tmp_path: Path) -> None:
    index = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = CountedWriter(index)
    with pytest.raises(TypeError):
        writer.add_document(id="x", text="an ninh")
    writer.cancel()
