"""Writing a Whoosh generation: segments in turn, bounded memory, small merges only.

A full build of many articles on Linux writes each finished segment in a forked child
process while this one goes on collecting the next: sorting and writing the postings (a
third of the build's time in this process) overlaps the analysis, and the memory they take
is the child's, given back whole when it exits. The last segments are cut smaller (a
segment is cut once it holds three times what remains to add), so that the one written
after the last article is small (at 5,000 real articles: 3,750, 938 and 312 articles; 36 to
40 s against 42 to 44 s when cut at half of what remains, and 134 MB on disk against 159).
"""

from __future__ import annotations

import gc
import io
import os
import pickle
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import NO_MERGE

from ...record import AnalysedArticle
from .schema import build_schema, document_fields
from .segwriter import CountedWriter

# A full build of at least this many articles writes its segments in child processes.
BACKGROUND_MIN_ARTICLES = 1000
# The tail's segments are cut when they hold TAIL_RATIO times what remains to add, down to
# MIN_CUT_DOCS articles: a small last segment, and few segments (each repeats the lexicon).
TAIL_RATIO = 3
MIN_CUT_DOCS = 500


@dataclass
class _Child:
    """A child process writing one segment; it sends the pickled segment down ``pipe``."""

    pid: int
    pipe: int


class SegmentedWriter:
    """Whoosh writers in turn over one generation: the segment is committed whenever its
    counted postings reach ``flush_postings`` and a new one started, so that a build's
    memory does not grow with the corpus. Segments are not merged at the end (Whoosh's
    merge would hold every posting in memory again); an update merges small ones only.

    ``expected``: the articles a full build will add; from ``BACKGROUND_MIN_ARTICLES`` on
    (and where ``fork`` and ``/proc`` exist) segments are written in child processes."""

    def __init__(self, generation: Path, create: bool, flush_postings: int,
                 expected: int = 0) -> None:
        """Write into ``generation``: a new, empty index (``create``) or the one there."""
        self.generation = generation
        self.index = (whoosh_index.create_in(str(generation), build_schema()) if create
                      else whoosh_index.open_dir(str(generation)))
        self.flush_postings = flush_postings
        self.writer = CountedWriter(self.index, limitmb=64)
        self.background = (create and expected >= BACKGROUND_MIN_ARTICLES
                           and sys.platform == "linux")
        self.expected = expected
        self.added = 0
        self.written: list[Any] = []  # the segments the children wrote
        self.child: _Child | None = None

    def add_document(self, article: AnalysedArticle) -> None:
        self.writer.add_document(**document_fields(article))
        self.added += 1
        self._maybe_flush()

    def update_document(self, article: AnalysedArticle) -> None:
        """Add an article, replacing the one with the same id."""
        self.writer.update_document(**document_fields(article))
        self._maybe_flush()

    def delete_article(self, article_id: str) -> None:
        self.writer.delete_by_term("id", article_id)

    def _maybe_flush(self) -> None:
        postings = self.writer.postings()
        if not self.background:
            if postings >= self.flush_postings:
                self.writer.commit(merge=False)
                self.writer = CountedWriter(self.index, limitmb=64)
            return
        in_segment = self.writer.doc_count()
        remaining = self.expected - self.added
        if postings >= self.flush_postings or in_segment >= max(MIN_CUT_DOCS,
                                                                TAIL_RATIO * remaining):
            # A big segment's child is waited for at once: two of them at a time would
            # double the build's memory; a small one is written while the next is collected.
            self._write_in_child(wait=postings > self.flush_postings // 2)

    def _write_in_child(self, wait: bool) -> None:
        self._reap()
        old = self.writer
        read_end, write_end = os.pipe()
        gc.freeze()  # the child's garbage collector leaves the shared pages alone
        pid = os.fork()
        if pid == 0:  # the child: write the segment, send it, exit without clean-up
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent kills it
            os.close(read_end)
            code = 1
            try:
                data = pickle.dumps(old._finalize_segment())
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        gc.unfreeze()
        os.close(write_end)
        self.child = _Child(pid, read_end)
        # This process's copies of the segment's open files must never write into it (a
        # buffer flushed when they are collected): they are pointed at /dev/null.
        _silence_files_under(self.generation, keep=old.writelock)
        for file in _open_files(old):
            file.close()
        self.writer = CountedWriter(self.index, limitmb=64, _lk=False)
        self.writer.writelock, old.writelock = old.writelock, None
        del old
        if wait:
            self._reap()

    def _reap(self) -> None:
        """Wait for the child, take the segment it wrote; an error if it failed."""
        child, self.child = self.child, None
        if child is None:
            return
        with os.fdopen(child.pipe, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(child.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 or not data:
            raise RuntimeError(f"tiến trình con ghi phân đoạn chỉ mục bị lỗi (mã {code})")
        self.written.append(pickle.loads(data))

    def commit(self, full: bool) -> None:
        """Commit: unmerged after a full build, small segments merged after an update."""
        if not self.background:
            self.writer.commit(mergetype=NO_MERGE if full else merge_small_segments)
            return
        self._reap()
        written = self.written
        self.writer.commit(mergetype=lambda _writer, segments: list(segments) + written)

    def cancel(self) -> None:
        child, self.child = self.child, None
        if child is not None:
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
            os.close(child.pipe)
        self.writer.cancel()


def _silence_files_under(folder: Path, keep: Any) -> None:
    """Point this process's descriptors of files under ``folder`` at /dev/null, but the
    write lock's (``keep``): the files stay open, what is written to them is lost."""
    kept = getattr(keep, "fd", None)
    prefix = str(folder.resolve()) + os.sep
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd in (kept, null):
                continue
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:  # closed meanwhile (the listing's own descriptor)
                continue
            if target.startswith(prefix):
                os.dup2(null, fd)
    finally:
        os.close(null)


def _open_files(root: Any) -> list[io.IOBase]:
    """The open files a writer holds: those among the attributes of Whoosh's and our own
    objects reachable from ``root`` (not inside the big tables of terms)."""
    found: list[io.IOBase] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, io.IOBase):
            if not obj.closed:
                found.append(obj)
        elif type(obj).__module__.startswith(("whoosh", "antqsearch")):
            stack.extend(getattr(obj, "__dict__", {}).values())
            stack.extend(getattr(obj, s) for s in getattr(type(obj), "__slots__", ())
                         if hasattr(obj, s))
        elif isinstance(obj, (list, tuple, dict)) and len(obj) <= 64:
            stack.extend(obj.values() if isinstance(obj, dict) else obj)
    return found


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
