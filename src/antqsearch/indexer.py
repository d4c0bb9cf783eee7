"""Building the index: full and incremental builds, parallel analysis, atomic swap."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import NO_MERGE

from .analysis import field_counts
from .corpus import (
    SIDECAR_SUFFIX,
    RawArticle,
    Skipped,
    Unchanged,
    article_id,
    find_articles,
    read_article,
)
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
    prune,
    publish,
    read_manifest,
    write_manifest,
)

# Below this many articles to analyse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 40
# A segment is written whenever its counted postings reach this many (12 bytes each while
# collected, about 60 while sorted at the commit): the build's memory bound.
FLUSH_POSTINGS = 4_000_000
# A file modified less than this long before a build is hashed again by the next one.
STAT_SETTLE_NS = 2_000_000_000

Progress = Callable[[int, int], None]
# Not a Whoosh field: the metadata the extractor dropped (impossible dates), for the summary.
WARNINGS_KEY = "_warnings"
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
    warnings: list[str] = field(default_factory=list)  # "PATH: dòng N: …" (article indexed)
    failed: set[str] = field(default_factory=set)  # paths read but not analysable
    seconds: float = 0.0
    total: int = 0
    generation: str | None = None
    full: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class Pending:
    """An article to analyse: where it is and the content hash the plan read (its text is
    read again by the worker that analyses it, so that the plan holds no texts)."""

    id: str
    path: str
    content_hash: str


@dataclass(frozen=True)
class Plan:
    """What a build has to do, from the corpus and the current manifest.

    ``failed`` holds the articles whose analysis failed before and whose content has not
    changed since (id → ``[hash, path, reason]``): they are not analysed again.
    """

    to_analyse: list[Pending]
    to_remove: list[str]
    hashes: dict[str, str]
    unchanged: int
    skipped: list[Skipped]
    stats: dict[str, list[int]] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)


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
        "province_2025": meta.province_2025 or "",
        "province_legacy": meta.province_legacy or "",
        "district": meta.district or "",
        "ward": meta.ward or "",
        "year": meta.year if meta.year is not None else 0,
        "date": meta.date or "",
        "official": ",".join(meta.officials),
        # The facet counts the officials at the event (all of them when none is known).
        "officials_col": VALUE_SEPARATOR.join(
            meta.officials_at_event or meta.officials).encode("utf-8"),
        "lead_chars": meta.lead_chars,
        "author": meta.author or "",
        "source": raw.source or "",
        "source_url": raw.source_url or "",
        WARNINGS_KEY: [f"{raw.path}: {w}" for w in meta.warnings],
        **field_counts(f"{meta.title}\n{_meta_text(meta)}", meta.body),
    }


def article_metadata(raw: RawArticle) -> ArticleMeta | Skipped:
    """The extracted metadata with the operator's corrections, or why they do not apply."""
    try:
        meta = apply_overrides(extract_metadata(raw.text), raw.overrides)
    except ValueError as exc:
        return Skipped(raw.path, f"tệp sửa siêu dữ liệu không hợp lệ: {exc}")
    return replace(meta, warnings=raw.warnings + meta.warnings) if raw.warnings else meta


def analyse(raw: RawArticle) -> dict[str, Any] | Skipped:
    """Extract metadata, segment and count the terms of one article (in a worker process)."""
    meta = article_metadata(raw)
    return meta if isinstance(meta, Skipped) else document_fields(raw, meta)


def analyse_file(task: tuple[Path, Pending]) -> dict[str, Any] | Skipped:
    """Read and analyse one planned article (in a worker process)."""
    corpus_dir, pending = task
    raw = read_article(corpus_dir, Path(pending.path))
    if isinstance(raw, Skipped):
        return raw
    if isinstance(raw, Unchanged):  # not reached: no known hash is given
        raise AssertionError(raw)
    return analyse(raw)


def file_stat(path: Path) -> list[int] | None:
    """Size and mtime of an article file and of its sidecar (-1, -1 without one); None
    when the file cannot be stat'ed (then it is read, and the reason reported)."""
    try:
        info = path.stat()
    except OSError:
        return None
    try:
        side = path.with_name(path.name[: -len(".txt")] + SIDECAR_SUFFIX).stat()
        sidecar = [side.st_size, side.st_mtime_ns]
    except OSError:
        sidecar = [-1, -1]
    return [info.st_size, info.st_mtime_ns, *sidecar]


def _settled(stat: list[int], cutoff_ns: int) -> bool:
    """A stat that can be trusted next time: neither file was modified within the last
    seconds (a change in the same clock tick would keep size and mtime)."""
    return stat[1] < cutoff_ns and stat[3] < cutoff_ns


def plan_build(corpus_dir: Path, previous: Manifest | None) -> Plan:
    """Compare the corpus with the previous manifest: a file whose size and mtime (and its
    sidecar's) are the recorded ones is not read; the others are read and hashed."""
    if not corpus_dir.is_dir():
        raise CorpusMissing(f"Không tìm thấy thư mục bài viết: {corpus_dir}")
    old = previous.hashes if previous else {}
    old_stats = previous.stats if previous else {}
    old_failed = previous.failed if previous else {}
    cutoff = time.time_ns() - STAT_SETTLE_NS
    to_analyse, skipped, hashes, unchanged = [], [], {}, 0
    stats: dict[str, list[int]] = {}
    failed: dict[str, list[str]] = {}
    for item in find_articles(corpus_dir):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        doc_id = article_id(corpus_dir, item)
        stat = file_stat(item)
        known = old.get(doc_id) or (old_failed[doc_id][0] if doc_id in old_failed else None)
        if stat is not None and known is not None and old_stats.get(doc_id) == stat:
            result: RawArticle | Unchanged | Skipped = Unchanged(doc_id, known)
        else:
            result = read_article(corpus_dir, item, known)
        if isinstance(result, Skipped):
            skipped.append(result)
            continue
        if stat is not None and _settled(stat, cutoff):
            stats[doc_id] = stat
        if doc_id in old_failed and old_failed[doc_id][0] == result.content_hash:
            failed[doc_id] = old_failed[doc_id]
            skipped.append(Skipped(str(item), f"{old_failed[doc_id][2]} (bài chưa đổi)"))
        elif isinstance(result, Unchanged):
            hashes[doc_id] = result.content_hash
            unchanged += 1
        else:
            hashes[doc_id] = result.content_hash
            to_analyse.append(Pending(doc_id, result.path, result.content_hash))
    to_remove = [doc_id for doc_id in old if doc_id not in hashes]
    return Plan(to_analyse, to_remove, hashes, unchanged, skipped, stats, failed)


def _analysed(corpus_dir: Path, articles: list[Pending],
              workers: int) -> Iterator[dict[str, Any] | Skipped]:
    tasks = [(corpus_dir, a) for a in articles]
    if len(articles) < PARALLEL_THRESHOLD or workers <= 1:
        yield from map(analyse_file, tasks)
        return
    _pyvi()  # load the model and the gazetteer once, before the fork, so workers share them
    extract_metadata(WARM_UP_TEXT)
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(analyse_file, tasks, chunksize=8)


class SegmentedWriter:
    """Whoosh writers in turn over one generation: the segment is committed whenever its
    counted postings reach ``flush_postings`` and a new one started, so that a build's
    memory does not grow with the corpus. Segments are not merged at the end (Whoosh's
    merge would hold every posting in memory again); an update merges small ones only."""

    def __init__(self, index: Any, flush_postings: int) -> None:
        self.index, self.flush_postings = index, flush_postings
        self.writer = CountedWriter(index, limitmb=64)
        self.segments = 0

    def add_document(self, **fields: Any) -> None:
        self.writer.add_document(**fields)
        self._maybe_flush()

    def update_document(self, **fields: Any) -> None:
        self.writer.update_document(**fields)
        self._maybe_flush()

    def delete_by_term(self, field: str, text: str) -> None:
        self.writer.delete_by_term(field, text)

    def _maybe_flush(self) -> None:
        if self.writer.postings() >= self.flush_postings:
            self.writer.commit(merge=False)
            self.segments += 1
            self.writer = CountedWriter(self.index, limitmb=64)

    def commit(self, full: bool) -> None:
        self.writer.commit(mergetype=NO_MERGE if full else merge_small_segments)

    def cancel(self) -> None:
        self.writer.cancel()


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge the segments of under a quarter of the largest one's
    documents when there are several (the updates' segments), never the big ones of a
    full build (a merge holds its segments' postings in memory)."""
    largest = max((s.doc_count_all() for s in segments), default=0)
    small = [s for s in segments if s.doc_count_all() < largest / 4]
    if len(small) < 4:
        return segments
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in small]


def _write(
    writer: Any,
    docs: Iterable[dict[str, Any] | Skipped],
    summary: BuildSummary,
    ids: dict[str, str],
    progress: Progress | None,
) -> None:
    add = writer.add_document if summary.full else writer.update_document
    for done, doc in enumerate(docs, start=1):
        if isinstance(doc, Skipped):
            summary.skipped.append(doc)
            summary.failed.add(doc.path)
            if not summary.full:  # an older version of the article leaves the index
                writer.delete_by_term("id", ids[doc.path])
        else:
            summary.warnings += doc.pop(WARNINGS_KEY, [])
            add(**doc)
        if progress:
            progress(done, len(ids))


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
                corpus_dir, index_dir, previous, plan, full, workers, progress, summary
            )
            publish(index_dir, generation, _new_manifest(plan, summary), previous)
            summary.generation = generation.name
        elif manifest is not None and previous is not None \
                and (manifest.stats, manifest.failed) != (plan.stats, plan.failed):
            # Nothing to index, but files were touched: remember their new stats, so that
            # the next build does not read them again either (no new generation).
            write_manifest(previous, replace(manifest, stats=plan.stats, failed=plan.failed))
        if summary.generation is None and previous is not None:
            prune(index_dir, keep={previous})  # generations whose last reader has gone
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


def _new_manifest(plan: Plan, summary: BuildSummary) -> Manifest:
    """The manifest of a new generation: the articles whose analysis failed are kept apart
    with their content hash and reason (not analysed again until they change)."""
    reasons = {s.path: s.reason for s in summary.skipped}
    failed = dict(plan.failed)
    for article in plan.to_analyse:
        if article.path in summary.failed:
            failed[article.id] = [article.content_hash, article.path, reasons[article.path]]
    hashes = {i: h for i, h in plan.hashes.items() if i not in failed}
    return Manifest(hashes, time.time(), ANALYSIS_VERSION, plan.stats, failed)


def _build_generation(
    corpus_dir: Path,
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
        # Segment files are never changed once written (deletions live in the table of
        # contents), so the new generation starts as hard links to the previous one's.
        shutil.copytree(previous, generation, dirs_exist_ok=True, ignore=_skip_locks,
                        copy_function=_link_or_copy)
        index = whoosh_index.open_dir(str(generation))
    writer = SegmentedWriter(index, FLUSH_POSTINGS)
    try:
        for doc_id in plan.to_remove:
            writer.delete_by_term("id", doc_id)
        docs = _analysed(corpus_dir, plan.to_analyse, workers or os.cpu_count() or 1)
        _write(writer, docs, summary, {a.path: a.id for a in plan.to_analyse}, progress)
        writer.commit(full or previous is None)
    except BaseException:
        writer.cancel()
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return generation


def _skip_locks(_directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n.endswith((".lock", ".tmp")) or n == "manifest.json"]


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)
