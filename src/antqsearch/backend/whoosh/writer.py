"""Writing a Whoosh generation: segments in turn, bounded memory, small merges only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import NO_MERGE

from ...record import AnalysedArticle
from .schema import build_schema, document_fields
from .segwriter import CountedWriter


class SegmentedWriter:
    """Whoosh writers in turn over one generation: the segment is committed whenever its
    counted postings reach ``flush_postings`` and a new one started, so that a build's
    memory does not grow with the corpus. Segments are not merged at the end (Whoosh's
    merge would hold every posting in memory again); an update merges small ones only."""

    def __init__(self, generation: Path, create: bool, flush_postings: int) -> None:
        """Write into ``generation``: a new, empty index (``create``) or the one there."""
        self.index = (whoosh_index.create_in(str(generation), build_schema()) if create
                      else whoosh_index.open_dir(str(generation)))
        self.flush_postings = flush_postings
        self.writer = CountedWriter(self.index, limitmb=64)
        self.segments = 0

    def add_document(self, article: AnalysedArticle) -> None:
        self.writer.add_document(**document_fields(article))
        self._maybe_flush()

    def update_document(self, article: AnalysedArticle) -> None:
        """Add an article, replacing the one with the same id."""
        self.writer.update_document(**document_fields(article))
        self._maybe_flush()

    def delete_article(self, article_id: str) -> None:
        self.writer.delete_by_term("id", article_id)

    def _maybe_flush(self) -> None:
        if self.writer.postings() >= self.flush_postings:
            self.writer.commit(merge=False)
            self.segments += 1
            self.writer = CountedWriter(self.index, limitmb=64)

    def commit(self, full: bool) -> None:
        """Commit: unmerged after a full build, small segments merged after an update."""
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
