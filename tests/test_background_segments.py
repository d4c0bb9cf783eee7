"""A big full build writes its segments in child processes: same index, nothing lost."""

from __future__ import annotations

import dataclasses
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from antqsearch.backend.whoosh import writer as writer_module
from antqsearch.backend.whoosh.segwriter import CountedWriter
from antqsearch.backend.whoosh.writer import SegmentedWriter
from antqsearch.indexer import build_index
from antqsearch.record import AnalysedArticle
from antqsearch.search import SearchRequest, SearchService
from antqsearch.store import current_generation

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork and /proc: Linux only")

COUNT = 60


@pytest.fixture(scope="module")
def articles(analysed_articles: list[AnalysedArticle]) -> list[AnalysedArticle]:
    """COUNT articles: the test corpus's, again and again under new ids."""
    found = analysed_articles
    return [_renamed(found[i % len(found)], i) for i in range(COUNT)]


def _renamed(doc: AnalysedArticle, copy: int) -> AnalysedArticle:
    record = dataclasses.replace(doc.record, id=f"{doc.record.id}-{copy}")
    return dataclasses.replace(doc, record=record)


@pytest.fixture
def small_cuts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_module, "BACKGROUND_MIN_ARTICLES", 10)
    monkeypatch.setattr(writer_module, "MIN_CUT_DOCS", 6)


def _build(folder: Path, docs: list[AnalysedArticle], flush: int, expected: int) -> SegmentedWriter:
    folder.mkdir()
    writer = SegmentedWriter(folder, True, flush, expected)
    for doc in docs:
        writer.add_document(doc)
    writer.commit(full=True)
    return writer


def _seen(folder: Path) -> tuple[list[int], dict[str, Any]]:
    """Segment sizes, and what a reader sees: every posting and length by article id."""
    index = whoosh_index.open_dir(str(folder))
    sizes = [s.doc_count_all() for s in index._read_toc().segments]
    seen: dict[str, Any] = {}
    with index.reader() as reader:
        ids = {n: f["id"] for n, f in reader.iter_docs()}
        seen["stored"] = sorted((f["id"], f["title"], f.get("year")) for _, f in reader.iter_docs())
        for field in ("head", "text", "pairs", "words", "province", "official", "year"):
            seen[f"length {field}"] = reader.field_length(field)
            for term in reader.lexicon(field):
                postings = reader.postings(field, term)
                seen[f"{field}:{term!r}"] = sorted(
                    (ids[d], w, reader.doc_field_length(d, field))
                    for d, w in postings.items_as("weight"))
    return sizes, seen


@pytest.mark.usefixtures("small_cuts")
@pytest.mark.parametrize("flush", [10**9, 900])
def test_segments_written_by_children_read_the_same(
    articles: list[AnalysedArticle], tmp_path: Path, flush: int
) -> None:
    serial = _build(tmp_path / "serial", articles, flush, expected=0)
    background = _build(tmp_path / "background", articles, flush, expected=COUNT)
    assert not serial.background and background.background
    serial_sizes, serial_seen = _seen(tmp_path / "serial")
    sizes, seen = _seen(tmp_path / "background")
    assert seen == serial_seen
    assert sum(sizes) == COUNT
    if flush == 10**9:  # cut at three times what remains: the last segment is the smallest
        assert serial_sizes == [COUNT] and sizes == [45, 12, 3]
    else:  # cut by postings too (each child waited for at once)
        assert len(sizes) >= len(serial_sizes) > 1
    leftovers = [p.name for p in (tmp_path / "background").iterdir()
                 if p.name.endswith((".tmp", ".lock")) or p.is_dir()]
    assert leftovers == []


def _broken_finalize(self: CountedWriter) -> None:
    raise OSError("đĩa đầy (giả lập)")


@pytest.mark.usefixtures("small_cuts")
def test_a_failing_child_stops_the_build(
    articles: list[AnalysedArticle], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CountedWriter, "_finalize_segment", _broken_finalize)
    writer = SegmentedWriter(tmp_path, True, 10**9, COUNT)
    with pytest.raises(RuntimeError, match="tiến trình con ghi phân đoạn"):
        for doc in articles:
            writer.add_document(doc)
    assert writer.added == 57  # the first child's failure is seen when the second would start
    writer.cancel()
    assert not whoosh_index.open_dir(str(tmp_path))._read_toc().segments


@pytest.mark.usefixtures("small_cuts")
def test_a_failing_child_publishes_nothing(
    test_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(test_corpus, corpus)
    first = build_index(corpus, index, workers=1)
    generation = current_generation(index)
    assert generation is not None
    monkeypatch.setattr(writer_module, "BACKGROUND_MIN_ARTICLES", 2)
    monkeypatch.setattr(writer_module, "MIN_CUT_DOCS", 1)
    monkeypatch.setattr(CountedWriter, "_finalize_segment", _broken_finalize)
    with pytest.raises(RuntimeError, match="tiến trình con ghi phân đoạn"):
        build_index(corpus, index, full=True, workers=1)
    assert current_generation(index) == generation
    assert [p.name for p in index.glob("gen-*")] == [generation.name]
    monkeypatch.undo()
    hits = SearchService(index).search(SearchRequest("an ninh")).total
    assert hits > 0 and first.total >= 8
