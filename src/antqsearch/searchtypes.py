"""What a reader asks of the search service and what it answers: plain dataclasses.

:class:`SearchRequest` (checked on construction: BadRequest with a Vietnamese message),
:class:`SearchPage` with its :class:`Hit` list and :class:`FacetValue` counts,
:class:`Article` for an article's page, :class:`Health` for ``/healthz``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from . import settings
from .datefilter import BadDate, DateCount, parse_day
from .facets import FACET

# Declared (with their help) in settings.py.
MAX_PER_PAGE = settings.MAX_PER_PAGE.default
MAX_PAGE = settings.MAX_PAGE.default
SORTS = ("relevance", "date")


class BadRequest(ValueError):
    """A request parameter that cannot be used; the message is for the reader."""


def whole_number(text: str, what: str) -> int:
    """A page or page-size parameter as typed; BadRequest with a Vietnamese message.

    >>> whole_number(" 2 ", "Số trang")
    2
    """
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise BadRequest(f"{what} phải là số nguyên dương, không phải {text[:20]!r}.")
    return int(text)


class ArticleNotFound(LookupError):
    """No article with that id."""


@dataclass(frozen=True)
class SearchRequest:
    """What a reader asks: query text, facet selections, sort and page."""

    query: str = ""
    province: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    official: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = settings.PER_PAGE.default
    province_2025: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    def __post_init__(self) -> None:
        try:
            for name, what in (("date_from", "Ngày bắt đầu"), ("date_to", "Ngày kết thúc")):
                if getattr(self, name):
                    object.__setattr__(self, name, parse_day(getattr(self, name), what))
        except BadDate as exc:
            raise BadRequest(str(exc)) from None
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise BadRequest("Ngày bắt đầu phải trước ngày kết thúc.")
        if self.sort not in SORTS:
            raise BadRequest("Cách sắp xếp không hợp lệ: chỉ nhận 'relevance' hoặc 'date'.")
        if not 1 <= self.page <= MAX_PAGE:
            raise BadRequest(f"Số trang phải từ 1 đến {MAX_PAGE}.")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise BadRequest(f"Số kết quả mỗi trang phải từ 1 đến {MAX_PER_PAGE}.")
        for year in self.year:
            if not (year.isdigit() and len(year) == 4):
                raise BadRequest(f"Năm không hợp lệ: {year[:20]!r} (cần bốn chữ số, ví dụ 2023).")


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    url: str
    date: str | None
    year: int | None
    province: str | None
    officials: list[str]
    author: str | None
    score: float
    snippet_html: str
    title_html: str = ""
    source: str | None = None
    source_url: str | None = None
    province_2025: str | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    suggestion: str | None
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    sort: str = "relevance"
    notices: tuple[str, ...] = ()
    relaxed: bool = False
    dates: list[DateCount] = field(default_factory=list)
    # How many of the results have the query's words side by side ("12 bài có cụm từ
    # này"); None unless the query is several plain words and some results have them so.
    phrase_total: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        """The object of design §6 (field by field: ``dataclasses.asdict`` deep-copies
        every value, a seventh of an API request's CPU)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_JSON}
        data["hits"] = [{f.name: getattr(hit, f.name) for f in _HIT_JSON} for hit in self.hits]
        for hit in data["hits"]:
            hit["officials"] = list(hit["officials"])
        data["facets"] = {name: [{"value": _facet_json(name, v.value), "count": v.count,
                                  "selected": v.selected} for v in values]
                          for name, values in self.facets.items()}
        data["dates"] = [{f.name: getattr(d, f.name) for f in fields(d)} for d in self.dates]
        return data


_NOT_JSON = ("sort", "notices", "relaxed")
_HIT_JSON = tuple(f for f in fields(Hit) if f.name != "title_html")


def _facet_json(facet: str, value: str) -> str | int:
    """A numeric facet's value (the year) as a number, as in the hits."""
    if FACET[facet].digits and value.isascii() and value.isdigit():
        return int(value)
    return value


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    date: str | None
    year: int | None
    province: str | None
    district: str | None
    ward: str | None
    officials: list[str]
    author: str | None
    body_html: str
    title_html: str
    related: list[Hit] = field(default_factory=list)
    source: str | None = None
    source_url: str | None = None
    province_2025: str | None = None
    province_legacy: str | None = None  # the "province" facet's value (before 7/2025)


@dataclass(frozen=True)
class Health:
    """What /healthz reports."""

    documents: int
    built_at: float | None
