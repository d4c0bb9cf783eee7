"""Cheap rebuilds: stat before hash, remembered failures, no needless generation, and old
generations removed once no process reads them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from antqsearch import indexer
from antqsearch.backend.whoosh import open_generation
from antqsearch.corpus import Skipped, find_articles
from antqsearch.indexer import build_index
from antqsearch.search import SearchRequest, SearchService
from antqsearch.store import READERS, ReaderLease, current_generation, read_manifest

ARTICLE = "Xã {n} tổ chức ngày hội an ninh\n\nSáng nay người dân xã {n} dự ngày hội {n}.\n"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The article files the planner reads; stats count as settled at once."""
    seen: list[str] = []
    real = indexer.read_article

    def counting(corpus_dir: Path, path: Path, known: str | None = None) -> object:
        seen.append(path.name)
        return real(corpus_dir, path, known)

    monkeypatch.setattr(indexer, "read_article", counting)
    monkeypatch.setattr(indexer, "STAT_SETTLE_NS", 0)
    return seen


def _corpus(tmp_path: Path, count: int = 4) -> tuple[Path, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for n in range(count):
        (corpus / f"bai{n}.txt").write_text(ARTICLE.format(n=f"Alpha{n}"), encoding="utf-8")
    return corpus, index


def test_unchanged_files_are_not_read(tmp_path: Path, reads: list[str]) -> None:
    corpus, index = _corpus(tmp_path)
    build_index(corpus, index, workers=1)
    assert len(reads) == 8  # the plan hashes each file, the analysis reads it again
    reads.clear()
    again = build_index(corpus, index, workers=1)
    assert reads == [] and again.generation is None and again.unchanged == 4

    touched = corpus / "bai1.txt"
    os.utime(touched, ns=(10**18, 10**18))  # same bytes, new mtime: read, hashed, same
    generation = current_generation(index)
    again = build_index(corpus, index, workers=1)
    assert reads == ["bai1.txt"] and again.generation is None
    assert current_generation(index) == generation
    reads.clear()
    build_index(corpus, index, workers=1)  # its new stat was remembered
    assert reads == []

    (corpus / "bai2.meta.json").write_text('{"author": "Lan Anh"}', encoding="utf-8")
    update = build_index(corpus, index, workers=1)
    assert reads == ["bai2.txt", "bai2.txt"] and update.updated == 1


def test_recently_modified_files_are_hashed_again(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, index = _corpus(tmp_path)
    build_index(corpus, index, workers=1)  # written just now: stats not trusted yet
    manifest = read_manifest(current_generation(index) or Path())
    assert manifest is not None and manifest.stats == {}
    path = corpus / "bai0.txt"
    before = path.stat()
    path.write_text(ARTICLE.format(n="Omega0"), encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    update = build_index(corpus, index, workers=1)
    assert update.updated == 1


def test_failed_article_is_remembered_until_it_changes(tmp_path: Path,
                                                       reads: list[str]) -> None:
    corpus, index = _corpus(tmp_path)
    build_index(corpus, index, workers=1)
    sidecar = corpus / "bai3.meta.json"
    sidecar.write_text('{"province": "Không Có Tỉnh Này"}', encoding="utf-8")
    first = build_index(corpus, index, workers=1)
    assert first.generation is not None and [s.path for s in first.skipped] == [
        str(corpus / "bai3.txt")]
    service = SearchService(index)
    assert "bai3" not in {h.id for h in service.search(SearchRequest("Alpha3")).hits}
    generation = current_generation(index)
    reads.clear()
    again = build_index(corpus, index, workers=1)
    assert again.generation is None and current_generation(index) == generation
    assert reads == [] and "tỉnh" in again.skipped[0].reason
    sidecar.write_text('{"province": "Nghệ An"}', encoding="utf-8")
    fixed = build_index(corpus, index, workers=1)
    assert fixed.generation is not None and not fixed.skipped
    assert [h.province for h in service.search(SearchRequest("Alpha3")).hits] == ["Nghệ An"]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest()
            for p in folder.iterdir() if p.is_file() and p.name != READERS}


def test_incremental_generation_shares_files_and_leaves_the_old_one_intact(
        tmp_path: Path) -> None:
    corpus, index = _corpus(tmp_path, 6)
    build_index(corpus, index, workers=1)
    old = current_generation(index)
    assert old is not None
    lease = ReaderLease.take(old)  # a reader keeps it
    assert lease is not None
    before = _digests(old)
    (corpus / "bai0.txt").write_text(ARTICLE.format(n="Beta"), encoding="utf-8")
    (corpus / "bai5.txt").unlink()
    build_index(corpus, index, workers=1)
    new = current_generation(index)
    assert new != old and old.is_dir() and _digests(old) == before
    shared = {p.name for p in old.iterdir() if p.is_file() and p.name != READERS
              and (new / p.name).exists() and (new / p.name).stat().st_ino == p.stat().st_ino}
    assert any(name.endswith(".seg") for name in shared)  # hard links, not copies
    lease.release(index)
    assert not old.exists()


def test_generation_in_use_by_a_service_is_kept_then_removed(tmp_path: Path) -> None:
    corpus, index = _corpus(tmp_path)
    build_index(corpus, index, workers=1)
    old = current_generation(index)
    service = SearchService(index)
    assert service.search(SearchRequest("Alpha1")).total == 1
    (corpus / "bai1.txt").write_text(ARTICLE.format(n="Gamma"), encoding="utf-8")
    build_index(corpus, index, workers=1)
    assert old is not None and old.is_dir()  # the service still has it open
    assert service.search(SearchRequest("Gamma")).total == 1  # switches, lets the old go
    assert not old.exists()
    assert [p.name for p in index.glob("gen-*")] == [current_generation(index).name]  # type: ignore[union-attr]


READER = textwrap.dedent("""
    import sys
    from antqsearch.search import SearchRequest, SearchService
    service = SearchService(sys.argv[1])
    print(service.search(SearchRequest("Alpha1")).total, flush=True)
    sys.stdin.readline()
""")


@pytest.mark.slow
def test_generation_read_by_another_process_is_kept_until_it_exits(tmp_path: Path) -> None:
    corpus, index = _corpus(tmp_path)
    build_index(corpus, index, workers=1)
    old = current_generation(index)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(index)], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "1"
        for n in range(2):
            (corpus / "bai1.txt").write_text(ARTICLE.format(n=f"Delta{n}"), encoding="utf-8")
            build_index(corpus, index, workers=1)
        assert old is not None and old.is_dir()
        assert len(list(index.glob("gen-*"))) == 2  # the one in between had no reader
    finally:
        reader.communicate("\n", timeout=60)
    build_index(corpus, index, workers=1)  # nothing changed: no generation, old one pruned
    assert [p.name for p in index.glob("gen-*")] == [current_generation(index).name]  # type: ignore[union-attr]


def test_manifest_records_stats_and_failures(tmp_path: Path, reads: list[str]) -> None:
    corpus, index = _corpus(tmp_path, 2)
    (corpus / "bai1.meta.json").write_text("[]", encoding="utf-8")  # unreadable sidecar
    (corpus / "bai0.meta.json").write_text('{"year": "x"}', encoding="utf-8")
    summary = build_index(corpus, index, workers=1)
    data = json.loads((current_generation(index) / "manifest.json").read_text("utf-8"))  # type: ignore[operator]
    assert set(data["stats"]) == {"bai0"} and set(data["failed"]) == {"bai0"}
    assert len(summary.skipped) == 2
    shutil.rmtree(index)


def test_segments_flushed_by_postings_give_the_same_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, _ = _corpus(tmp_path, 12)
    one, many = tmp_path / "one", tmp_path / "many"
    build_index(corpus, one, workers=1)
    monkeypatch.setattr(indexer, "FLUSH_POSTINGS", 40)  # a segment every article or two
    build_index(corpus, many, workers=1)
    gen = current_generation(many)
    assert gen is not None and len(list(gen.glob("*.seg"))) >= 6
    a, b = SearchService(one), SearchService(many)
    for query in ("ngày hội", "Alpha3", "xa alpha7", '"người dân"', ""):
        left, right = a.search(SearchRequest(query)), b.search(SearchRequest(query))
        assert [(h.id, h.score) for h in left.hits] == [(h.id, h.score) for h in right.hits]
        assert left.total == right.total
    assert a.article("bai5").related and [h.id for h in a.article("bai5").related] == [
        h.id for h in b.article("bai5").related]
    # updates add small segments, merged among themselves only
    for n in range(6):
        (corpus / f"bai{n}.txt").write_text(ARTICLE.format(n=f"Zeta{n}"), encoding="utf-8")
        build_index(corpus, many, workers=1)
    service = SearchService(many)
    assert service.search(SearchRequest("Zeta4")).total == 1
    assert service.search(SearchRequest("Alpha4")).total == 0
    assert service.search(SearchRequest("Alpha9")).total == 1


def test_updates_merge_their_small_segments_only(tmp_path: Path) -> None:
    corpus, index = _corpus(tmp_path, 12)
    build_index(corpus, index, workers=1)
    counts = []
    for n in range(6):
        (corpus / f"bai{n}.txt").write_text(ARTICLE.format(n=f"Eta{n}"), encoding="utf-8")
        build_index(corpus, index, workers=1)
        service = SearchService(index)
        with open_generation(service.generation().path).reader() as reader:
            counts.append(sorted(leaf.doc_count_all() for leaf, _ in reader.leaf_readers()))
        assert service.search(SearchRequest(f"Eta{n}")).total == 1
    assert counts[3] == [1, 1, 1, 1, 12]  # four small segments beside the big one
    assert counts[4] == [5, 12]  # the next update merged the small ones, not the big
    assert service.search(SearchRequest("Alpha0")).total == 0
    assert service.search(SearchRequest("Alpha11")).total == 1


def test_scan_finds_what_find_articles_finds(tmp_path: Path) -> None:
    """The planner's walk (one scandir a folder) gives find_articles's files, order and
    skipped links, with each file's and sidecar's size and mtime."""
    corpus = tmp_path / "corpus"
    for folder in ("", "b", "a", "a/z", ".git", "a/.cache"):
        (corpus / folder).mkdir(parents=True, exist_ok=True)
        for name in ("m.txt", "c.txt", ".h.txt", "note.md", "x.y.txt"):
            (corpus / folder / name).write_text(ARTICLE.format(n=name), encoding="utf-8")
    (corpus / "a" / "c.meta.json").write_text('{"province": "Nghệ An"}', encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text(ARTICLE.format(n="x"), encoding="utf-8")
    os.symlink(outside, corpus / "link.txt")
    os.symlink(corpus / "b" / "c.txt", corpus / "a" / "inside.txt")
    os.symlink(corpus / "gone.txt", corpus / "broken.txt")
    os.symlink(corpus / "b", corpus / "a" / "loop")
    scanned = list(indexer.scan_articles(corpus))
    expected = list(find_articles(corpus))
    assert len(scanned) == len(expected) == 15  # 3 files in 4 folders, 3 links
    for got, want in zip(scanned, expected, strict=True):
        if isinstance(want, Skipped):
            assert got == want
            continue
        assert not isinstance(got, Skipped)
        path, doc_id, stat = got
        assert Path(path) == want and doc_id == want.relative_to(corpus).with_suffix("").as_posix()
        info = want.stat()
        side = want.with_name(want.name[:-4] + ".meta.json")
        sidecar = [side.stat().st_size, side.stat().st_mtime_ns] if side.exists() else [-1, -1]
        assert stat == [info.st_size, info.st_mtime_ns, *sidecar]
    stats = [got[2] for got in scanned if not isinstance(got, Skipped)]
    assert sum(1 for stat in stats if stat is not None and stat[2] > 0) == 1  # a/c's sidecar
