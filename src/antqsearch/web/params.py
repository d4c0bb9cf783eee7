"""The search parameters of a page's URL, kept as the reader typed them to rebuild links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from flask import url_for

from ..datefilter import RANGE_LABELS, BadDate, range_dates
from ..facets import FACET, FACETS
from ..querylang import split_filters
from ..search import BadRequest, SearchRequest, whole_number
from ..settings import (
    MAX_DATE_CHARS,
    MAX_QUERY_CHARS,
    MAX_SELECTED_VALUES,
    MAX_VALUE_CHARS,
    PER_PAGE,
)

# ``q`` is kept (and shown back) up to twice the searched length, so that the service can
# tell the reader that it used only the first part.
QUERY_PARAM_CHARS = 2 * MAX_QUERY_CHARS.default
Filters = tuple[tuple[str, tuple[str, ...]], ...]
SEARCH = "site.search"  # the endpoint of the search page
ARTICLE = "site.article"


def facet_label(name: str) -> str:
    facet = FACET.get(name)
    return facet.label if facet is not None else name


@dataclass(frozen=True)
class Params:
    """``q``, the selected values of each facet, the dates, sort and page of a URL."""

    q: str = ""
    filters: Filters = ()
    sort: str = "relevance"
    page: str = "1"
    per_page: str = ""
    date_from: str = ""
    date_to: str = ""
    date_range: str = ""

    @classmethod
    def from_args(cls, args: Any) -> Params:
        """Read ``q``, the facets (repeatable), the dates, ``sort``, ``page``, ``per_page``."""
        filters = tuple((name, _values(args.getlist(name))) for name in FACETS)
        return cls(
            q=(args.get("q") or "")[:QUERY_PARAM_CHARS],
            filters=tuple((n, v) for n, v in filters if v),
            sort=args.get("sort") or "relevance",
            page=args.get("page") or "1",
            per_page=args.get("per_page") or "",
            date_from=(args.get("from") or "").strip()[: MAX_DATE_CHARS.default],
            date_to=(args.get("to") or "").strip()[: MAX_DATE_CHARS.default],
            date_range=(args.get("range") or "").strip()[: MAX_DATE_CHARS.default],
        )

    def selected(self, facet: str) -> tuple[str, ...]:
        return dict(self.filters).get(facet, ())

    def with_facet(self, facet: str, values: tuple[str, ...]) -> Params:
        chosen = dict(self.filters)
        chosen[facet] = values
        return replace(self, filters=tuple((n, chosen[n]) for n in FACETS if chosen.get(n)))

    def dates(self, today: dt.date | None = None) -> tuple[str | None, str | None]:
        """The ``from`` and ``to`` to search with (a named range wins over typed dates)."""
        if self.date_range:
            try:
                return range_dates(self.date_range, today or dt.date.today())
            except BadDate as exc:
                raise BadRequest(str(exc)) from None
        return self.date_from or None, self.date_to or None

    def to_request(self) -> SearchRequest:
        """The service's request; BadRequest (with a Vietnamese message) when invalid."""
        for _, values in self.filters:
            if len(values) > MAX_SELECTED_VALUES.default:
                raise BadRequest(f"Quá nhiều giá trị lọc (tối đa {MAX_SELECTED_VALUES.default}).")
        date_from, date_to = self.dates()
        return SearchRequest(
            query=self.q,
            sort=self.sort,
            page=whole_number(self.page, "Số trang"),
            per_page=whole_number(self.per_page or str(PER_PAGE.default), "Số kết quả mỗi trang"),
            date_from=date_from,
            date_to=date_to,
            **{name: values for name, values in self.filters},
        )

    def lifted(self) -> Params | None:
        """The same search with the filters typed in ``q`` moved to their facets, or None
        when ``q`` has none (so that unticking such a filter really removes it)."""
        rest, typed = split_filters(self.q)
        typed = {k: tuple(v for v in vs if FACET[k].liftable(v)) for k, vs in typed.items()}
        if not any(typed.values()):
            return None
        moved = replace(self, q=rest)
        for facet, values in typed.items():
            moved = moved.with_facet(facet, tuple(dict.fromkeys(moved.selected(facet) + values)))
        return moved

    @property
    def has_filters(self) -> bool:
        return bool(self.filters or self.has_dates)

    @property
    def has_dates(self) -> bool:
        return bool(self.date_from or self.date_to or self.date_range)

    @property
    def from_search(self) -> bool:
        return bool(self.q or self.has_filters or self.sort != "relevance" or self.page != "1")

    def items(self, page: bool = True) -> list[tuple[str, str]]:
        """URL pairs, defaults left out."""
        pairs = [("q", self.q)] if self.q else []
        for name, values in self.filters:
            pairs += [(name, value) for value in values]
        for key, value in (("range", self.date_range), ("from", self.date_from),
                           ("to", self.date_to)):
            if value:
                pairs.append((key, value))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.per_page:
            pairs.append(("per_page", self.per_page))
        if page and self.page != "1":
            pairs.append(("page", self.page))
        return pairs

    def url(self, **changes: Any) -> str:
        """The search page with these parameters changed (back to page 1 unless given)."""
        changes.setdefault("page", "1")
        return with_query(url_for(SEARCH), replace(self, **changes).items())

    def toggle(self, facet: str, value: str) -> str:
        values = self.selected(facet)
        chosen = tuple(v for v in values if v != value) if value in values else (*values, value)
        return with_query(url_for(SEARCH), replace(self.with_facet(facet, chosen),
                                                     page="1").items())

    def cleared(self) -> str:
        return self.url(filters=(), date_from="", date_to="", date_range="")

    def undated(self) -> str:
        return self.url(date_from="", date_to="", date_range="")

    def in_range(self, key: str) -> str:
        return self.url(date_from="", date_to="", date_range=key)

    def article_url(self, article_id: str) -> str:
        return with_query(url_for(ARTICLE, article_id=article_id), self.items())

    def hidden(self, *skip: str) -> list[tuple[str, str]]:
        """Pairs for hidden inputs of a form that sets the ``skip`` parameters itself."""
        return [(k, v) for k, v in self.items(page=False) if k not in skip]

    def date_label(self) -> str:
        """How the chip names the date filter: a named range, or "từ … đến …"."""
        if self.date_range:
            return RANGE_LABELS.get(self.date_range, self.date_range)
        parts = []
        if self.date_from:
            parts.append(f"từ {format_date(self.date_from)}")
        if self.date_to:
            parts.append(f"đến {format_date(self.date_to)}")
        return " ".join(parts)


def format_date(value: str | None) -> str:
    """ISO ``2023-07-19`` → ``19/07/2023``; ``2023-08`` → ``08/2023``."""
    if not value:
        return ""
    parts = str(value).split("-")
    return "/".join(reversed(parts))


def _values(raw: Iterable[str]) -> tuple[str, ...]:
    values = (v.strip()[: MAX_VALUE_CHARS.default] for v in raw)
    return tuple(dict.fromkeys(v for v in values if v))


def with_query(path: str, pairs: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(pairs)}" if pairs else path
