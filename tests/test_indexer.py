"""Full and incremental builds, atomic generations, the build lock."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from antqsearch.indexer import CorpusMissing, build_index
from antqsearch.search import SearchRequest, SearchService
from antqsearch.store import BuildInProgress, build_lock, current_generation


def test_incremental_builds(tmp_path: Path, seed_corpus: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(seed_corpus, corpus)
    first = build_index(corpus, index)
    assert (first.added, first.total, first.full) == (5, 5, True)
    generation = current_generation(index)

    again = build_index(corpus, index)
    assert not again.changed and again.unchanged == 5 and again.generation is None
    assert current_generation(index) == generation

    (corpus / "000_ae1a3d5dfa8173e5.txt").unlink()
    (corpus / "new").mkdir()
    (corpus / "new" / "bài mới.txt").write_text(
        "Xã Quỳnh Lưu ra mắt mô hình zebrafish an ninh\n\nNội dung ở Nghệ An.\n", "utf-8")
    with open(corpus / "004_00056c9aadf91c1d.txt", "a", encoding="utf-8") as handle:
        handle.write("\nBổ sung: mô hình kiwibird.\n")
    update = build_index(corpus, index)
    assert (update.added, update.updated, update.removed, update.unchanged) == (1, 1, 1, 3)
    assert update.total == 5 and current_generation(index) != generation

    service = SearchService(index)
    assert [h.id for h in service.search(SearchRequest("zebrafish")).hits] == ["new/bài mới"]
    assert [h.id for h in service.search(SearchRequest("kiwibird")).hits] == [
        "004_00056c9aadf91c1d"]
    assert service.search(SearchRequest("Nguyễn Văn Thi")).hits[0].id != "000_ae1a3d5dfa8173e5"
    assert len(list(index.glob("gen-*"))) <= 2


def test_missing_corpus_and_lock(tmp_path: Path) -> None:
    with pytest.raises(CorpusMissing):
        build_index(tmp_path / "nope", tmp_path / "index")
    (tmp_path / "corpus").mkdir()
    with build_lock(tmp_path / "index"), pytest.raises(BuildInProgress):
        build_index(tmp_path / "corpus", tmp_path / "index")
