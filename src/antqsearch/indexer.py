"""Building the index: full and incremental builds, parallel analysis, atomic swap."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .analysis import ANALYSIS_VERSION, field_counts
from .backend import IndexBackend, IndexWriter
from .corpus import (
    SIDECAR_SUFFIX,
    CorpusMissing,
    RawArticle,
    Skipped,
    Unchanged,
    _link_problem,
    read_article,
)
from .metadata import extract_metadata
from .record import AnalysedArticle, article_metadata, article_record
from .segment import load_segmenter
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
# Articles analysed a window at a time, at most AHEAD_WINDOWS windows ahead of the writer:
# the analysed articles waiting in the main process are bounded (about 60 KB each).
WINDOW = 200
AHEAD_WINDOWS = 2
# A segment is written whenever its counted postings reach this many (12 bytes each while
# collected, about 60 while sorted at the commit): the build's memory bound. At 35,431 real
# articles, 4 M: 825 MB for the whole build tree, 9 segments, 754 MB; 3 M: 765 MB, 11
# segments, 813 MB, queries as fast (cached postings do not depend on the segments).
FLUSH_POSTINGS = 3_000_000
# A file modified less than this long before a build is hashed again by the next one.
STAT_SETTLE_NS = 2_000_000_000

Progress = Callable[[int, int], None]
# Loads every extractor's tables (gazetteer, titles, surnames) in the parent process.
WARM_UP_TEXT = "Tin bài\n\nSáng 19-8, xã Kim Quan, huyện Yên Sơn tổ chức ngày hội. " \
    "Phó Chủ tịch UBND tỉnh Nguyễn Văn An dự.\n\nMinh Anh"


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


def analyse(raw: RawArticle) -> AnalysedArticle | Skipped:
    """Extract metadata, segment and count the terms of one article (in a worker process)."""
    meta = article_metadata(raw)
    if isinstance(meta, Skipped):
        return meta
    record = article_record(raw, meta)
    counts = field_counts(f"{record.title}\n{record.meta_text()}", record.body)
    return AnalysedArticle(record, counts, tuple(f"{raw.path}: {w}" for w in meta.warnings))


def analyse_file(task: tuple[Path, Pending]) -> AnalysedArticle | Skipped:
    """Read and analyse one planned article (in a worker process)."""
    corpus_dir, pending = task
    raw = read_article(corpus_dir, Path(pending.path))
    if isinstance(raw, Skipped):
        return raw
    if isinstance(raw, Unchanged):  # not reached: no known hash is given
        raise AssertionError(raw)
    return analyse(raw)


def scan_articles(corpus_dir: Path) -> Iterator[tuple[str, str, list[int] | None] | Skipped]:
    """The articles of :func:`corpus.find_articles`, in its order, as (path, id, stat)
    (``stat``: size and mtime of the file and of its sidecar, -1, -1 without one; None
    when the file cannot be stat'ed: then it is read and the reason reported), or a Skipped
    for a bad link.

    One ``scandir`` a folder and one ``stat`` a file (a sidecar is stat'ed only when the
    listing has it), without a ``Path`` per file: a rebuild of a corpus where nothing
    changed is this walk and the manifest."""
    root = str(corpus_dir)
    resolved = corpus_dir.resolve()
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue  # as os.walk: a folder that cannot be listed is passed over
        names = {e.name for e in entries}
        subfolders = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not name.startswith(".") and not entry.is_symlink():
                    subfolders.append((entry.path, f"{prefix}{name}/"))
                continue
            if name.startswith(".") or not name.endswith(".txt"):
                continue
            if entry.is_symlink():
                problem = _link_problem(resolved, Path(entry.path))
                if problem:
                    yield Skipped(str(Path(entry.path)), problem)
                    continue
            yield entry.path, prefix + name[: -len(".txt")], _entry_stat(entry, names)
        pending.extend(reversed(subfolders))


def _entry_stat(entry: os.DirEntry[str], names: set[str]) -> list[int] | None:
    try:
        info = entry.stat()
    except OSError:
        return None
    sidecar = [-1, -1]
    side_name = entry.name[: -len(".txt")] + SIDECAR_SUFFIX
    if side_name in names:
        try:
            side = os.stat(os.path.join(os.path.dirname(entry.path), side_name))
            sidecar = [side.st_size, side.st_mtime_ns]
        except OSError:
            pass
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
    for item in scan_articles(corpus_dir):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        path, doc_id, stat = item
        known = old.get(doc_id) or (old_failed[doc_id][0] if doc_id in old_failed else None)
        if stat is not None and known is not None and old_stats.get(doc_id) == stat:
            result: RawArticle | Unchanged | Skipped = Unchanged(doc_id, known)
        else:
            result = read_article(corpus_dir, Path(path), known)
        if isinstance(result, Skipped):
            skipped.append(result)
            continue
        if stat is not None and _settled(stat, cutoff):
            stats[doc_id] = stat
        if doc_id in old_failed and old_failed[doc_id][0] == result.content_hash:
            failed[doc_id] = old_failed[doc_id]
            skipped.append(Skipped(str(Path(path)), f"{old_failed[doc_id][2]} (bài chưa đổi)"))
        elif isinstance(result, Unchanged):
            hashes[doc_id] = result.content_hash
            unchanged += 1
        else:
            hashes[doc_id] = result.content_hash
            to_analyse.append(Pending(doc_id, result.path, result.content_hash))
    to_remove = [doc_id for doc_id in old if doc_id not in hashes]
    return Plan(to_analyse, to_remove, hashes, unchanged, skipped, stats, failed)


def _analysed(corpus_dir: Path, articles: list[Pending],
              workers: int) -> Iterator[AnalysedArticle | Skipped]:
    tasks = [(corpus_dir, a) for a in articles]
    if len(articles) < PARALLEL_THRESHOLD or workers <= 1:
        yield from map(analyse_file, tasks)
        return
    load_segmenter()  # the model and the gazetteer once, before the fork: workers share them
    extract_metadata(WARM_UP_TEXT)
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=ignore_interrupts) as pool:
        # Pool.imap alone sends every task at once and keeps every result the writer has
        # not taken yet: while it writes a segment the results of the whole corpus could
        # pile up in this process. A window at a time, at most AHEAD_WINDOWS ahead of it.
        ahead: deque[Iterator[AnalysedArticle | Skipped]] = deque()
        for start in range(0, len(tasks), WINDOW):
            ahead.append(pool.imap(analyse_file, tasks[start : start + WINDOW], chunksize=8))
            if len(ahead) > AHEAD_WINDOWS:
                yield from ahead.popleft()
        while ahead:
            yield from ahead.popleft()


def ignore_interrupts() -> None:
    """In a worker or child process: Ctrl-C is the main process's to handle (it stops the
    pool and removes the unfinished generation); the workers print no traceback of theirs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _write(
    writer: IndexWriter,
    docs: Iterable[AnalysedArticle | Skipped],
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
                writer.delete_article(ids[doc.path])
        else:
            summary.warnings += doc.warnings
            add(doc)
        if progress:
            progress(done, len(ids))


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    full: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    backend: IndexBackend | None = None,
) -> BuildSummary:
    """Build or update the index of a corpus; swap it in atomically when something changed.

    ``backend``: how generations are written and opened (default: Whoosh, on disk)."""
    started = time.monotonic()
    if backend is None:
        from .backend.whoosh import WhooshBackend

        backend = WhooshBackend()
    with build_lock(index_dir):
        previous = current_generation(index_dir)
        manifest = _usable_manifest(index_dir, previous, backend)
        full = full or manifest is None or manifest.analysis_version != ANALYSIS_VERSION
        plan = plan_build(corpus_dir, None if full else manifest)
        summary = _summary_of(plan, manifest, full)
        if full or plan.to_analyse or plan.to_remove:
            generation = _build_generation(
                corpus_dir, index_dir, previous, plan, full, workers, progress, summary,
                backend)
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


def _usable_manifest(index_dir: Path, previous: Path | None,
                     backend: IndexBackend) -> Manifest | None:
    """The manifest of the current generation; None (a full build) if it does not open."""
    if previous is None:
        return None
    try:
        _, source = open_current(index_dir, backend.open)
    except IndexNotReady:
        return None
    source.close()
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
    backend: IndexBackend,
) -> Path:
    generation = new_generation(index_dir)
    create = full or previous is None
    if previous is not None and not create:
        # Segment files are never changed once written (deletions live in the table of
        # contents), so the new generation starts as hard links to the previous one's.
        shutil.copytree(previous, generation, dirs_exist_ok=True, ignore=_skip_locks,
                        copy_function=_link_or_copy)
    writer = backend.writer(generation, create, FLUSH_POSTINGS, len(plan.to_analyse))
    try:
        for doc_id in plan.to_remove:
            writer.delete_article(doc_id)
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
