"""The Whoosh schema: counted text fields, stored text, exact facet columns."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from whoosh import columns
from whoosh.analysis.tokenizers import SpaceSeparatedTokenizer
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from .analysis import FIELDS

# Bump when analysis or extraction changes: a build then re-analyses every article, and
# the search service refuses an index built by another version.
ANALYSIS_VERSION = 7
# Separator of the values of a multi-valued column (officials).
VALUE_SEPARATOR = "\x1f"


class Counted(TEXT):  # type: ignore[misc]  # whoosh ships no type hints
    """A text field whose terms were counted before they reach Whoosh.

    The value is a ``{term: frequency}`` mapping computed by
    :func:`antqsearch.analysis.field_counts` in a worker process; a string is read as
    space-separated terms (as ``more_like`` passes it).
    """

    def __init__(self) -> None:
        super().__init__(analyzer=SpaceSeparatedTokenizer(), phrase=False)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if isinstance(value, Mapping):
            return ((term.encode("utf-8"), n, float(n), pack_uint(n))
                    for term, n in value.items())
        return super().index(value, **kwargs)  # type: ignore[no-any-return]


def build_schema() -> Schema:
    """The index schema (design §5); facet fields are exact, sortable values."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        path=STORED(),
        content_hash=STORED(),
        title=STORED(),
        body=STORED(),
        province=ID(stored=True, sortable=True),
        province_2025=ID(stored=True, sortable=True),
        province_legacy=ID(stored=True, sortable=True),
        district=ID(stored=True),
        ward=ID(stored=True),
        year=NUMERIC(int, bits=32, stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        official=KEYWORD(commas=True, lowercase=False, stored=True, scorable=False),
        officials_col=COLUMN(columns.VarBytesColumn()),
        author=ID(stored=True),
        lead_chars=STORED(),
        source=STORED(),
        source_url=STORED(),
        **{name: Counted() for name in FIELDS},
    )
