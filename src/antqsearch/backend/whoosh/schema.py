"""The Whoosh schema, and the article record encoded into its fields and decoded back.

Counted text fields (the analysed words, counted in worker processes), the stored record,
exact facet columns; :func:`document_fields` and :func:`decode_record` are the only
places that know how a record is spelled in Whoosh's fields.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from whoosh import columns
from whoosh.analysis.filters import StripFilter
from whoosh.analysis.tokenizers import RegexTokenizer, SpaceSeparatedTokenizer
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from ...analysis import FIELDS
from ...record import AnalysedArticle, ArticleRecord, ColumnValue

# Separator of the values of a multi-valued column (officials).
VALUE_SEPARATOR = "\x1f"
# Record attributes kept in a column of another name.
COLUMNS = {"officials_at_event": "officials_col"}


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
        # The officials' names, each one term (a lexicon of names for the suggestions);
        # the list itself is stored once, in ``officials``.
        official=KEYWORD(scorable=False,
                         analyzer=RegexTokenizer(rf"[^{VALUE_SEPARATOR}]+") | StripFilter()),
        officials=STORED(),
        officials_col=COLUMN(columns.VarBytesColumn()),
        author=ID(stored=True),
        lead_chars=STORED(),
        source=STORED(),
        source_url=STORED(),
        **{name: Counted() for name in FIELDS},
    )


def document_fields(article: AnalysedArticle) -> dict[str, Any]:
    """The Whoosh fields of one analysed article: stored values, facets, counted terms."""
    record = article.record
    return {
        "id": record.id,
        "path": record.path,
        "content_hash": record.content_hash,
        "title": record.title,
        "body": record.body,
        "province": record.province or "",
        "province_2025": record.province_2025 or "",
        "province_legacy": record.province_legacy or "",
        "district": record.district or "",
        "ward": record.ward or "",
        "year": record.year or 0,
        "date": record.date or "",
        "official": VALUE_SEPARATOR.join(record.officials),
        "officials": record.officials,
        "officials_col": VALUE_SEPARATOR.join(record.officials_at_event).encode("utf-8"),
        "lead_chars": record.lead_chars,
        "author": record.author or "",
        "source": record.source or "",
        "source_url": record.source_url or "",
        **article.counts,
    }


def decode_column(name: str, raw: Any) -> ColumnValue:
    """A column's value as the record spells it: None when absent, a tuple when several."""
    if name == "officials_at_event":
        text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw or "")
        return tuple(v for v in text.split(VALUE_SEPARATOR) if v)
    if raw in ("", 0, None, b""):
        return None
    return raw if isinstance(raw, (str, int)) else str(raw)


def _optional(value: Any) -> Any:
    return value if value not in ("", 0, None) else None


def decode_record(stored: Mapping[str, Any], at_event: tuple[str, ...]) -> ArticleRecord:
    """The record of a document's stored fields (and its officials_col column's values)."""
    return ArticleRecord(
        id=stored["id"], title=stored.get("title", ""), body=stored.get("body", ""),
        date=_optional(stored.get("date")), year=_optional(stored.get("year")),
        province=_optional(stored.get("province")),
        province_2025=_optional(stored.get("province_2025")),
        province_legacy=_optional(stored.get("province_legacy")),
        district=_optional(stored.get("district")), ward=_optional(stored.get("ward")),
        officials=tuple(stored.get("officials") or ()), officials_at_event=at_event,
        author=_optional(stored.get("author")),
        lead_chars=int(stored.get("lead_chars") or 0),
        source=_optional(stored.get("source")), source_url=_optional(stored.get("source_url")),
        path=stored.get("path", ""), content_hash=stored.get("content_hash", ""))
