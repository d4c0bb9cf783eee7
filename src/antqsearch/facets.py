"""Facet values per document, read once per index generation, and facet counting.

Several values of one facet combine with OR, different facets with AND; the counts of a
facet ignore that facet's own selection, so that choosing one province still shows the
counts of the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from .schema import VALUE_SEPARATOR

FACETS = ("province", "year", "official")
Selection = Mapping[str, Set[str]]


def _values_of(facet: str, raw: Any) -> tuple[str, ...]:
    if facet == "official":
        text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw or "")
        return tuple(v for v in text.split(VALUE_SEPARATOR) if v)
    if facet == "year":
        return (str(raw),) if raw else ()
    return (raw,) if raw else ()


@dataclass(frozen=True)
class FacetColumns:
    """For each facet, the values of every document number."""

    values: dict[str, list[tuple[str, ...]]]

    @classmethod
    def load(cls, reader: Any) -> FacetColumns:
        """Read the facet columns of an index reader."""
        columns = {"province": "province", "year": "year", "official": "officials_col"}
        values: dict[str, list[tuple[str, ...]]] = {}
        count = reader.doc_count_all()
        for facet, column in columns.items():
            col = reader.column_reader(column, translate=True)
            values[facet] = [_values_of(facet, col[d]) for d in range(count)]
        return cls(values)

    def _selected(self, docs: Set[int], facet: str, wanted: Set[str]) -> set[int]:
        column = self.values[facet]
        return {d for d in docs if not wanted.isdisjoint(column[d])}

    def apply(
        self, docs: Set[int], selection: Selection
    ) -> tuple[set[int], dict[str, Counter[str]]]:
        """The documents that pass every selection, and the counts of each facet."""
        per_facet = {f: self._selected(docs, f, v) for f, v in selection.items() if v}
        result = set(docs)
        for chosen in per_facet.values():
            result &= chosen
        counts: dict[str, Counter[str]] = {}
        for facet in FACETS:
            pool = set(docs)
            for other, chosen in per_facet.items():
                if other != facet:
                    pool &= chosen
            column = self.values[facet]
            counts[facet] = Counter(v for d in pool for v in column[d])
        return result, counts
