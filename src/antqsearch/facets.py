"""Facet values per document, read once per index generation, and facet counting.

Several values of one facet combine with OR, different facets with AND; the counts of a
facet ignore that facet's own selection, so that choosing one province still shows the
counts of the others. Document sets are numpy boolean masks indexed by document number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import numpy as np

from .collate import vi_sort_key

if TYPE_CHECKING:  # types only: the declarations need neither (the query language reads them)
    from .backend import PostingsSource
    from .record import ColumnValue


@dataclass(frozen=True)
class Facet:
    """One way to narrow a search, declared once: what the page, the API, the command line,
    the query language, the autocomplete and the index call it, and how its values sort.

    Adding a facet is adding a declaration to :data:`DECLARED` (and a field of that name
    to ``SearchRequest``, and its column to the index).
    """

    name: str  # URL parameter, API key, request field, command-line option (``_`` → ``-``)
    label: str  # heading on the page, the command line and the chips
    short: str  # the kind of value in a sentence or an autocomplete line ("Tỉnh/thành")
    aliases: tuple[str, ...]  # more field names of the query language (folded, no "_")
    column: str  # the index column of its values
    order: Literal["count", "newest"]  # most articles first (Vietnamese order on ties),
    # or the newest year first; "count" facets list the most frequent values only
    sidebar: int  # position in the page's sidebar
    metavar: str  # the command line's name for a value
    help: str  # the command-line option's help
    completions: int = 0  # autocomplete suggestions of its values (0: none)
    digits: int = 0  # a value typed in the query box must be this many digits (0: any text)

    @property
    def field_names(self) -> tuple[str, ...]:
        """Every name the query language accepts (folded, lower case, without ``_``)."""
        return (self.name.replace("_", ""), *self.aliases)

    def liftable(self, value: str) -> bool:
        """Whether a value typed as ``name:value`` can become a ticked filter.

        >>> FACET["year"].liftable("2023"), FACET["year"].liftable("23")
        (True, False)
        """
        return not self.digits or (value.isdigit() and len(value) == self.digits)

    def listed(self, counts: Mapping[str, int], chosen: Set[str], limit: int) -> list[str]:
        """The values a page lists, in order (selected ones always, past the limit).

        >>> FACET["year"].listed({"2023": 1, "2024": 3}, set(), 100)
        ['2024', '2023']
        >>> FACET["province"].listed({"Huế": 1, "Hà Nội": 3, "An Giang": 1}, {"Huế"}, 2)
        ['Hà Nội', 'An Giang', 'Huế']
        """
        if self.order == "newest":
            return sorted(counts, key=lambda v: (len(v), v), reverse=True)

        def key(value: str) -> tuple[int, tuple[tuple[int, ...], tuple[int, ...], str]]:
            return -counts[value], vi_sort_key(value)

        # Alphabetical order only among the values that can make the first ``limit`` (a
        # facet of officials has thousands of values; a page lists a hundred).
        by_count = sorted(counts, key=counts.__getitem__, reverse=True)
        floor = counts[by_count[limit - 1]] if 0 < limit < len(by_count) else 0
        top = sorted((v for v in by_count if counts[v] >= floor), key=key)[:max(0, limit)]
        listed = set(top)
        return top + sorted((v for v in chosen if v in counts and v not in listed), key=key)


# In the order of the API's facets and the command line's options.
DECLARED = (
    # "province" is the legacy view (before 1 July 2025): the legacy province of every article.
    Facet("province", "Tỉnh/thành (trước 7/2025)", "Tỉnh/thành", ("tinh", "tinhthanh"),
          "province_legacy", "count", 2, "TỈNH",
          "Lọc theo tỉnh/thành trước 7/2025 (63 tỉnh; lặp lại để chọn nhiều).", completions=3),
    Facet("province_2025", "Tỉnh/thành (từ 7/2025)", "Tỉnh/thành", ("tinh2025", "tinhmoi"),
          "province_2025", "count", 1, "TỈNH",
          "Lọc theo tỉnh/thành từ 7/2025 (34 tỉnh; lặp lại để chọn nhiều)."),
    Facet("year", "Năm", "Năm", ("nam",), "year", "newest", 3, "NĂM",
          "Lọc theo năm (lặp lại để chọn nhiều).", digits=4),
    Facet("official", "Quan chức", "Quan chức", ("quanchuc", "canbo"), "officials_at_event",
          "count", 4, "HỌ_TÊN", "Lọc theo quan chức (lặp lại để chọn nhiều).", completions=3),
)
FACET: Mapping[str, Facet] = MappingProxyType({facet.name: facet for facet in DECLARED})
FACETS = tuple(FACET)
COLUMNS = {facet.name: facet.column for facet in DECLARED}
SIDEBAR = tuple(sorted(DECLARED, key=lambda facet: facet.sidebar))
# Field names a reader may type (folded, lower case) → facet name.
FIELD_ALIASES: Mapping[str, str] = MappingProxyType(
    {alias: facet.name for facet in DECLARED for alias in facet.field_names})
Selection = Mapping[str, Set[str]]


def _values_of(raw: ColumnValue) -> tuple[str, ...]:
    if isinstance(raw, tuple):
        return raw
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

    def count(self, mask: np.ndarray, limit: int | None = None,
              keep: Set[str] = frozenset()) -> Counter[str]:
        """How many documents of the mask have each value; with a ``limit``, only the
        values that can make the first ``limit`` by count (every value tied with the last
        one) and those in ``keep`` (a facet of officials has thousands of values)."""
        counts = np.bincount(self.codes[mask[self.docs]], minlength=len(self.values))
        found = np.flatnonzero(counts)
        if limit is not None and 0 < limit < len(found):
            floor = np.partition(counts[found], len(found) - limit)[len(found) - limit]
            kept = [i for i, v in enumerate(self.values) if v in keep and counts[i]] if keep else []
            found = np.union1d(found[counts[found] >= floor], np.asarray(kept, dtype=np.int64))
        return Counter({self.values[i]: int(counts[i]) for i in found})


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
            columns[facet] = FacetColumn.from_rows([_values_of(column[d])
                                                    for d in range(size)])
        return cls(columns, size)

    def apply(
        self, docs: np.ndarray, selection: Selection, limit: int | None = None
    ) -> tuple[np.ndarray, dict[str, Counter[str]]]:
        """The documents that pass every selection, and the counts of each facet (with a
        ``limit``: of the values a page lists, see :meth:`FacetColumn.count`)."""
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
            counts[facet] = self.columns[facet].count(pool, limit, selection.get(facet, set()))
        return result, counts
