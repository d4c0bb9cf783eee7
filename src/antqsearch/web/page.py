"""A search page as plain data for the templates: facet groups, chips, chart bars, pages."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from markupsafe import Markup

from ..facets import SIDEBAR
from ..search import Article, FacetValue, Hit, SearchPage
from ..settings import MAX_SELECTED_VALUES, SHOWN_FACET_VALUES
from .params import Params, facet_label

# Facets long enough to get a search box of their own.
SEARCHABLE_AFTER = 12
CHART_WIDTH, CHART_HEIGHT = 270, 124
CHART_MAX_BARS = 12
BIN_YEARS = (1, 2, 5, 10, 20, 50, 100)
CHAR_WIDTH = 6.6  # an 11 px digit of the chart's labels, in viewBox units


@dataclass(frozen=True)
class Option:
    """A value of a facet in the sidebar: a checkbox of the search form (no link of its
    own: building a hundred links a page was a tenth of an HTML page's time, unused)."""

    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    shown: list[Option]
    more: list[Option]

    @property
    def searchable(self) -> bool:
        return len(self.shown) + len(self.more) > SEARCHABLE_AFTER

    @property
    def selected_count(self) -> int:
        return sum(o.selected for o in self.shown + self.more)


@dataclass(frozen=True)
class Bar:
    label: str
    title: str
    count: int
    url: str
    selected: bool
    x: float
    y: float
    height: float
    show_label: bool
    show_count: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_width: float
    baseline: float
    bars: list[Bar]
    caption: str


def facet_groups(page: SearchPage) -> list[FacetGroup]:
    """The sidebar: every facet with values, the first shown and the rest behind "Xem thêm"."""
    groups = []
    shown_values = SHOWN_FACET_VALUES.default
    for facet in SIDEBAR:
        name = facet.name
        values: list[FacetValue] = page.facets.get(name, [])
        options = [Option(v.value, v.count, v.selected) for v in values
                   if v.count or v.selected]
        if not options:
            continue
        shown = [o for i, o in enumerate(options) if i < shown_values or o.selected]
        more = [o for i, o in enumerate(options) if i >= shown_values and not o.selected]
        groups.append(FacetGroup(name, facet.label, shown, more))
    return groups


def year_bins(counts: dict[int, int]) -> tuple[int, list[tuple[int, int]]]:
    """Bin width and (first year, count) of every bin: one bar per year up to
    CHART_MAX_BARS years, then 2, 5, 10, … years a bar, gaps kept as empty bars.

    >>> year_bins({2015: 3, 2017: 1})
    (1, [(2015, 3), (2016, 0), (2017, 1)])
    >>> year_bins({1990: 1, 2024: 5})
    (5, [(1990, 1), (1995, 0), (2000, 0), (2005, 0), (2010, 0), (2015, 0), (2020, 5)])
    """
    low, high = min(counts), max(counts)
    size = next((s for s in BIN_YEARS if high // s - low // s < CHART_MAX_BARS), BIN_YEARS[-1])
    first = low - low % size if size > 1 else low
    bins = []
    for start in range(first, high + 1, size):
        bins.append((start, sum(counts.get(y, 0) for y in range(start, start + size))))
    return size, bins


def year_chart(page: SearchPage, params: Params) -> Chart:
    """Bars of articles per year or group of years; labels only where they fit."""
    counts = {int(v.value): v.count for v in page.facets.get("year", [])
              if v.count and v.value.isdigit()}
    selected = {int(v.value) for v in page.facets.get("year", [])
                if v.selected and v.value.isdigit()}
    top, bottom = 18.0, CHART_HEIGHT - 22.0
    if not counts:
        return Chart(CHART_WIDTH, CHART_HEIGHT, 0, bottom, [], "")
    size, bins = year_bins(counts)
    slot = CHART_WIDTH / len(bins)
    bar_width = min(44.0, slot * 0.72)
    peak = max(c for _, c in bins)
    every = ceil((4 * CHAR_WIDTH + 6) / slot)  # a year label is four digits wide
    fits = all(len(str(c)) * CHAR_WIDTH + 4 <= slot for _, c in bins)
    bars = []
    for i, (start, count) in enumerate(bins):
        years = [y for y in range(start, start + size) if y in counts]
        height = max(2.0, (bottom - top) * count / peak) if count else 0.0
        x = i * slot + (slot - bar_width) / 2
        span = f"{start}" if size == 1 else f"{start}–{start + size - 1}"
        bars.append(Bar(
            label=str(start), title=f"{'Năm ' if size == 1 else ''}{span}: {count} bài",
            count=count, url=params.url(filters=params.with_facet(
                "year", tuple(str(y) for y in years[: MAX_SELECTED_VALUES.default])).filters),
            selected=any(y in selected for y in range(start, start + size)),
            x=round(x, 1), y=round(bottom - height, 1), height=round(height, 1),
            show_label=(len(bins) - 1 - i) % every == 0, show_count=fits and count > 0,
        ))
    caption = "Số bài theo năm" if size == 1 else f"Số bài theo {size} năm"
    return Chart(CHART_WIDTH, CHART_HEIGHT, round(bar_width, 1), bottom, bars, caption)


def page_numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None marks a gap."""
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if previous and number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    url: str


def chips(params: Params) -> list[Chip]:
    """Selected filters, each with the link that removes it."""
    found = [Chip(facet_label(name), value, params.toggle(name, value))
             for name, values in params.filters for value in values]
    if params.has_dates:
        found.append(Chip("Thời gian", params.date_label(), params.undated()))
    return found


def took(ms: float) -> str:
    """How long a search took, as a reader reads it: never "0 ms".

    >>> took(0.3), took(7.6), took(1234)
    ('dưới 1 ms', '8 ms', '1,2 giây')
    """
    if ms < 1:
        return "dưới 1 ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} giây".replace(".", ",")


def paragraphs(body_html: str) -> list[Markup]:
    """The escaped, marked body split on newlines (marks never span one)."""
    return [Markup(line) for line in body_html.split("\n") if line.strip()]


def related_json(hit: Hit) -> dict[str, Any]:
    return {"id": hit.id, "title": hit.title, "url": hit.url, "date": hit.date,
            "province": hit.province, "province_2025": hit.province_2025}


def article_json(article: Article) -> dict[str, Any]:
    keys = ("id", "title", "date", "year", "province", "province_2025", "district", "ward",
            "officials", "author", "source", "source_url", "body_html")
    data = {key: getattr(article, key) for key in keys}
    data["related"] = [related_json(hit) for hit in article.related]
    return data

