"""The Whoosh backend: every import of Whoosh, and every use of its internals.

* :mod:`.schema` — the schema; the record encoded into fields and decoded back.
* :mod:`.segwriter` — the bulk writer of counted fields (same bytes as Whoosh's).
* :mod:`.writer` — segments written in turn (in child processes for a big build), the
  merge policy.
* :mod:`.codec` — posting blocks and length columns read with numpy.
* :mod:`.source` — a generation opened as a :class:`~antqsearch.backend.PostingsSource`.
"""

from __future__ import annotations

from pathlib import Path

from .source import WhooshSource, open_generation
from .writer import SegmentedWriter


class WhooshBackend:
    """The index on disk, in Whoosh's W3 format (the default backend)."""

    def open(self, generation: Path) -> WhooshSource:
        return WhooshSource(open_generation(generation))

    def writer(self, generation: Path, create: bool, flush_postings: int,
               expected: int = 0) -> SegmentedWriter:
        return SegmentedWriter(generation, create, flush_postings, expected)


__all__ = ["WhooshBackend", "WhooshSource", "open_generation"]
