"""Building the index: full and incremental builds, parallel analysis, atomic swap."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from .analysis import field_counts
from .corpus import RawArticle, Skipped, Unchanged, article_id, find_articles, read_article
from .metadata import ArticleMeta, apply_overrides, extract_metadata
from .schema import ANALYSIS_VERSION, VALUE_SEPARATOR, build_schema
from .segment import _pyvi
from .segwriter import CountedWriter
from .store import (
    IndexNotReady,
    Manifest,
    build_lock,
    current_generation,
    new_generation,
    open_current,
    publish,
    read_manifest,
)

# Below this many articles to analyse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 40

Progress = Callable[[int, int], None]
# Loads every extractor's tables (gazetteer, titles, surnames) in the parent process.
WARM_UP_TEXT = "Tin bài\n\nSáng 19-8, xã Kim Quan, huyện Yên Sơn tổ chức ngày hội. " \
    "Phó Chủ tịch UBND tỉnh Nguyễn Văn An dự.\n\nMinh Anh"


class CorpusMissing(FileNotFoundError):
    """The corpus folder does not exist."""


@dataclass
class BuildSummary:
    """What a build did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # paths read but not analysable
    seconds: float = 0.0
    total: int = 0
    generation: str | None = None
    full: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class Plan:
    """What a build has to do, from the corpus and the current manifest."""

    to_analyse: list[RawArticle]
    to_remove: list[str]
    hashes: dict[str, str]
    unchanged: int
    skipped: list[Skipped]


def _meta_text(meta: ArticleMeta) -> str:
    parts = [meta.province, meta.district, meta.ward, *meta.officials, meta.author]
    return "\n".join(p for p in parts if p)


def document_fields(raw: RawArticle, meta: ArticleMeta) -> dict[str, Any]:
    """The Whoosh fields of one article: stored values, facets and counted terms."""
    return {
        "id": raw.id,
        "path": raw.path,
        "content_hash": raw.content_hash,
        "title": meta.title,
        "body": meta.body,
        "province": meta.province or "",
        "district": meta.district or "",
        "ward": meta.ward or "",
        "year": meta.year if meta.year is not None else 0,
        "date": meta.date or "",
        "official": ",".join(meta.officials),
        "officials_col": VALUE_SEPARATOR.join(meta.officials).encode("utf-8"),
        "author": meta.author or "",
        "source": raw.source or "",
        "source_url": raw.source_url or "",
        **field_counts(f"{meta.title}\n{_meta_text(meta)}", meta.body),
    }


def article_metadata(raw: RawArticle) -> ArticleMeta | Skipped:
    """The extracted metadata with the operator's corrections, or why they do not apply."""
    try:
        return apply_overrides(extract_metadata(raw.text), raw.overrides)
    except ValueError as exc:
        return Skipped(raw.path, f"tệp sửa siêu dữ liệu không hợp lệ: {exc}")


def analyse(raw: RawArticle) -> dict[str, Any] | Skipped:
    """Extract metadata, segment and count the terms of one article (in a worker process)."""
    meta = article_metadata(raw)
    return meta if isinstance(meta, Skipped) else document_fields(raw, meta)


def plan_build(corpus_dir: Path, previous: Manifest | None) -> Plan:
    """Read the corpus and compare it with the previous manifest."""
    if not corpus_dir.is_dir():
        raise CorpusMissing(f"Không tìm thấy thư mục bài viết: {corpus_dir}")
    old = previous.hashes if previous else {}
    to_analyse, skipped, hashes, unchanged = [], [], {}, 0
    for item in find_articles(corpus_dir):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        result = read_article(corpus_dir, item, old.get(article_id(corpus_dir, item)))
        if isinstance(result, Skipped):
            skipped.append(result)
            continue
        hashes[result.id] = result.content_hash
        if isinstance(result, Unchanged):
            unchanged += 1
        else:
            to_analyse.append(result)
    to_remove = [doc_id for doc_id in old if doc_id not in hashes]
    return Plan(to_analyse, to_remove, hashes, unchanged, skipped)


def _analysed(articles: list[RawArticle], workers: int) -> Iterator[dict[str, Any] | Skipped]:
    if len(articles) < PARALLEL_THRESHOLD or workers <= 1:
        yield from map(analyse, articles)
        return
    _pyvi()  # load the model and the gazetteer once, before the fork, so workers share them
    extract_metadata(WARM_UP_TEXT)
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(analyse, articles, chunksize=8)


def _write(
    writer: Any,
    docs: Iterable[dict[str, Any] | Skipped],
    summary: BuildSummary,
    total: int,
    progress: Progress | None,
) -> None:
    add = writer.add_document if summary.full else writer.update_document
    for done, doc in enumerate(docs, start=1):
        if isinstance(doc, Skipped):
            summary.skipped.append(doc)
            summary.failed.add(doc.path)
        else:
            add(**doc)
        if progress:
            progress(done, total)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    full: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BuildSummary:
    """Build or update the index of a corpus; swap it in atomically when something changed."""
    started = time.monotonic()
    with build_lock(index_dir):
        previous = current_generation(index_dir)
        manifest = _usable_manifest(index_dir, previous)
        full = full or manifest is None or manifest.analysis_version != ANALYSIS_VERSION
        plan = plan_build(corpus_dir, None if full else manifest)
        summary = _summary_of(plan, manifest, full)
        if full or plan.to_analyse or plan.to_remove:
            generation = _build_generation(
                index_dir, previous, plan, full, workers, progress, summary
            )
            publish(
                index_dir,
                generation,
                Manifest(_kept_hashes(plan, summary.failed), time.time(), ANALYSIS_VERSION),
                previous,
            )
            summary.generation = generation.name
        summary.total = len(plan.hashes) - len(summary.failed)
        summary.seconds = time.monotonic() - started
        return summary


def _usable_manifest(index_dir: Path, previous: Path | None) -> Manifest | None:
    """The manifest of the current generation; None (a full build) if it does not open."""
    if previous is None:
        return None
    try:
        open_current(index_dir)
    except IndexNotReady:
        return None
    return read_manifest(previous)


def _summary_of(plan: Plan, manifest: Manifest | None, full: bool) -> BuildSummary:
    old = manifest.hashes if manifest and not full else {}
    updated = sum(1 for a in plan.to_analyse if a.id in old)
    return BuildSummary(
        added=len(plan.to_analyse) - updated,
        updated=updated,
        removed=len(plan.to_remove),
        unchanged=plan.unchanged,
        skipped=list(plan.skipped),
        full=full,
    )


def _kept_hashes(plan: Plan, failed: set[str]) -> dict[str, str]:
    """Hashes for the manifest, without the articles whose analysis failed (retried later)."""
    paths = {a.id: a.path for a in plan.to_analyse}
    return {i: h for i, h in plan.hashes.items() if paths.get(i) not in failed}


def _build_generation(
    index_dir: Path,
    previous: Path | None,
    plan: Plan,
    full: bool,
    workers: int | None,
    progress: Progress | None,
    summary: BuildSummary,
) -> Path:
    generation = new_generation(index_dir)
    if full or previous is None:
        index = whoosh_index.create_in(str(generation), build_schema())
    else:
        shutil.copytree(previous, generation, dirs_exist_ok=True, ignore=_skip_locks)
        index = whoosh_index.open_dir(str(generation))
    writer = CountedWriter(index, limitmb=256)
    try:
        for doc_id in plan.to_remove:
            writer.delete_by_term("id", doc_id)
        docs = _analysed(plan.to_analyse, workers or os.cpu_count() or 1)
        _write(writer, docs, summary, len(plan.to_analyse), progress)
        writer.commit(optimize=full)
    except BaseException:
        writer.cancel()
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return generation


def _skip_locks(_directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n.endswith(".lock") or n == "manifest.json"]
