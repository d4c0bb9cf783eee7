"""Facet values per document, read once per index generation, and facet counting.

Several values of one facet combine with OR, different facets with AND; the counts of a
facet ignore that facet's own selection, so that choosing one province still shows the
counts of the others. Document sets are numpy boolean masks indexed by document number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .record import ColumnValue

if TYPE_CHECKING:
    from .backend import PostingsSource

FACETS = ("province", "province_2025", "year", "official")
# "province" is the legacy view (before 1 July 2025): the legacy province of every article.
COLUMNS = {"province": "province_legacy", "province_2025": "province_2025", "year": "year",
           "official": "officials_col"}
# How the page and the command line name each facet, in the order the page lists them.
FACET_LABELS = {
    "province_2025": "Tỉnh/thành (từ 7/2025)",
    "province": "Tỉnh/thành (trước 7/2025)",
    "year": "Năm",
    "official": "Quan chức",
}
Selection = Mapping[str, Set[str]]


def _values_of(facet: str, raw: ColumnValue) -> tuple[str, ...]:
    if isinstance(raw, tuple):
        return raw
    if facet == "year":
        return (str(raw),) if raw else ()
    return (str(raw),) if raw else ()


@dataclass(frozen=True)
class FacetColumn:
    """The (document, value) pairs of one facet, values coded as integers."""

    values: tuple[str, ...]
    docs: np.ndarray
    codes: np.ndarray

    @classmethod
    def from_rows(cls, rows: list[tuple[str, ...]]) -> FacetColumn:
        index: dict[str, int] = {}
        docs, codes = [], []
        for doc, values in enumerate(rows):
            for value in values:
                docs.append(doc)
                codes.append(index.setdefault(value, len(index)))
        return cls(tuple(index), np.asarray(docs, dtype=np.int64),
                   np.asarray(codes, dtype=np.int64))

    def having(self, wanted: Set[str], size: int) -> np.ndarray:
        """Mask of the documents with any of the wanted values."""
        codes = [i for i, v in enumerate(self.values) if v in wanted]
        mask = np.zeros(size, dtype=bool)
        mask[self.docs[np.isin(self.codes, codes)]] = True
        return mask

    def count(self, mask: np.ndarray) -> Counter[str]:
        """How many documents of the mask have each value."""
        counts = np.bincount(self.codes[mask[self.docs]], minlength=len(self.values))
        return Counter({self.values[i]: int(counts[i]) for i in np.flatnonzero(counts)})


@dataclass(frozen=True)
class FacetColumns:
    """Every facet's column for one index generation."""

    columns: dict[str, FacetColumn]
    size: int

    @classmethod
    def load(cls, source: PostingsSource) -> FacetColumns:
        """Read the facet columns of an index generation."""
        size = source.doc_count_all()
        columns = {}
        for facet, name in COLUMNS.items():
            column = source.column(name)
            columns[facet] = FacetColumn.from_rows([_values_of(facet, column[d])
                                                    for d in range(size)])
        return cls(columns, size)

    def apply(
        self, docs: np.ndarray, selection: Selection
    ) -> tuple[np.ndarray, dict[str, Counter[str]]]:
        """The documents that pass every selection, and the counts of each facet."""
        chosen = {f: self.columns[f].having(v, self.size) for f, v in selection.items() if v}
        result = docs.copy()
        for mask in chosen.values():
            result &= mask
        counts = {}
        for facet in FACETS:
            pool = docs.copy()
            for other, mask in chosen.items():
                if other != facet:
                    pool &= mask
            counts[facet] = self.columns[facet].count(pool)
        return result, counts
