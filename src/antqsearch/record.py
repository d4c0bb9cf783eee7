"""The article record: one spelling of an article, from extraction to the API.

:func:`article_record` makes it from the file read (:class:`corpus.RawArticle`) and the
extracted metadata (:class:`metadata.ArticleMeta`); a backend stores it (encoding it as
it likes) and gives it back decoded (:meth:`backend.PostingsSource.record`); the service
makes hits and article pages of it. Absent values are ``None`` (never ``""`` or ``0``),
multi-valued ones tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Union

from .corpus import RawArticle, Skipped
from .metadata import ArticleMeta, extract_metadata
from .overrides import apply_overrides

# A column field's value for one document: absent, one value, or several.
ColumnValue = Union[str, int, tuple[str, ...], None]  # noqa: UP007  # runtime alias on 3.10


@dataclass(frozen=True)
class ArticleRecord:
    """What the index keeps about an article besides its analysed words."""

    id: str
    title: str
    body: str
    date: str | None = None  # ISO: 2023-07-19, 2023-08, or a year alone (2024)
    year: int | None = None
    province: str | None = None
    province_2025: str | None = None
    province_legacy: str | None = None  # the "province" facet's value (before 7/2025)
    district: str | None = None
    ward: str | None = None
    officials: tuple[str, ...] = ()
    # The officials taking part in the event, the "official" facet's values (all of the
    # officials when the extractor could not tell).
    officials_at_event: tuple[str, ...] = ()
    author: str | None = None
    lead_chars: int = 0  # > 0: no headline; the title is the body's lead sentence, this long
    source: str | None = None
    source_url: str | None = None
    path: str = ""
    content_hash: str = ""

    @property
    def full_date(self) -> str | None:
        """The date, when it names a month or a day (a year alone is only in ``year``).

        >>> ArticleRecord("a", "T", "B", date="2024").full_date is None
        True
        """
        return self.date if self.date is not None and len(self.date) >= 7 else None

    def meta_text(self) -> str:
        """Places, officials and author, one a line: analysed with the title."""
        parts = [self.province, self.district, self.ward, *self.officials, self.author]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class AnalysedArticle:
    """An article ready for a backend: its record, the counted terms of each analysed field
    (``{field: {term: frequency}}``, see :func:`analysis.field_counts`), and the metadata
    the extractor dropped (``"PATH: dòng N: …"``, for the build's summary)."""

    record: ArticleRecord
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def article_record(raw: RawArticle, meta: ArticleMeta) -> ArticleRecord:
    """The record of an article read from the corpus, with its (corrected) metadata."""
    return ArticleRecord(
        id=raw.id, title=meta.title, body=meta.body, date=meta.date or None,
        year=meta.year or None, province=meta.province or None,
        province_2025=meta.province_2025 or None,
        province_legacy=meta.province_legacy or None, district=meta.district or None,
        ward=meta.ward or None, officials=tuple(meta.officials),
        officials_at_event=tuple(meta.officials_at_event or meta.officials),
        author=meta.author or None,
        lead_chars=meta.lead_chars, source=raw.source or None,
        source_url=raw.source_url or None, path=raw.path, content_hash=raw.content_hash)


def article_metadata(raw: RawArticle) -> ArticleMeta | Skipped:
    """The extracted metadata with the operator's corrections, or why they do not apply."""
    extracted = extract_metadata(raw.text)
    try:
        meta = apply_overrides(extracted, raw.overrides)
    except ValueError as exc:  # only the operator's sidecar can be invalid
        return Skipped(raw.path, f"tệp sửa siêu dữ liệu không hợp lệ: {exc}")
    return replace(meta, warnings=raw.warnings + meta.warnings) if raw.warnings else meta
