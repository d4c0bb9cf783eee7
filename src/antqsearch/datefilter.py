"""The article-date filter: ``from``/``to`` (YYYY-MM-DD), and the ranges a reader picks.

An article dated only by month (``2023-08``) or year (``2024``) covers that whole month or
year: it passes a range that overlaps it. Articles without any date never pass a range.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .backend import PostingsSource

# The ranges offered next to "từ … đến …": key, label, days back (None: this year).
RANGES = (("7d", "7 ngày qua", 7), ("30d", "30 ngày qua", 30), ("nam-nay", "Năm nay", None))
RANGE_LABELS = {key: label for key, label, _ in RANGES}


class BadDate(ValueError):
    """A date parameter that is not YYYY-MM-DD; the message is for the reader."""


def parse_day(text: str, what: str) -> str:
    """A ``YYYY-MM-DD`` parameter, checked; BadDate with a Vietnamese message.

    >>> parse_day(" 2023-07-19 ", "Ngày bắt đầu")
    '2023-07-19'
    """
    text = text.strip()
    try:
        if len(text) != 10 or not text.isascii():
            raise ValueError(text)
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise BadDate(f"{what} phải có dạng năm-tháng-ngày, ví dụ 2023-07-19, "
                      f"không phải {text[:20]!r}.") from None


def range_dates(key: str, today: dt.date) -> tuple[str, str]:
    """``from`` and ``to`` of a named range ending today.

    >>> range_dates("7d", dt.date(2024, 3, 3))
    ('2024-02-26', '2024-03-03')
    >>> range_dates("nam-nay", dt.date(2024, 3, 3))
    ('2024-01-01', '2024-03-03')
    """
    for name, _, days in RANGES:
        if name == key:
            start = today - dt.timedelta(days=days - 1) if days else today.replace(month=1, day=1)
            return start.isoformat(), today.isoformat()
    raise BadDate("Khoảng thời gian không hợp lệ: chỉ nhận 7d, 30d hoặc nam-nay.")


@dataclass(frozen=True)
class DateCount:
    """One named range of the date filter and how many articles fall in it."""

    key: str
    label: str
    date_from: str
    date_to: str
    count: int


@dataclass(frozen=True)
class DateColumn:
    """First and last day each document's date covers, as numbers ``YYYYMMDD`` (0 when it
    has no date: numbers, not strings, since a search compares them for every document
    several times, once for each named range of the sidebar)."""

    first: np.ndarray
    last: np.ndarray

    @classmethod
    def load(cls, source: PostingsSource) -> DateColumn:
        dates = source.column("date")
        years = source.column("year")
        size = source.doc_count_all()
        raw = [str(dates[d] or "") or (str(years[d]) if years[d] else "") for d in range(size)]
        first = np.array([_day_number(_pad(v, "-01-01")) for v in raw], dtype=np.int32)
        last = np.array([_day_number(_pad(v, "-12-31")) for v in raw], dtype=np.int32)
        return cls(first, last)

    def within(self, date_from: str | None, date_to: str | None) -> np.ndarray:
        """Mask of the documents whose date overlaps [date_from, date_to] (``YYYY-MM-DD``).

        >>> first, last = np.array([20240301, 20240101, 0]), np.array([20240301, 20241231, 0])
        >>> column = DateColumn(first, last)
        >>> column.within("2024-03-01", None).tolist(), column.within(None, "2024-02-01").tolist()
        ([True, True, False], [False, True, False])
        """
        mask: np.ndarray = self.first > 0
        if date_from:
            mask &= self.last >= _day_number(date_from)
        if date_to:
            mask &= self.first <= _day_number(date_to)
        return mask

    def counts(self, docs: np.ndarray, today: dt.date) -> list[DateCount]:
        """How many of the documents fall in each named range."""
        found = []
        for key, label, _ in RANGES:
            start, end = range_dates(key, today)
            found.append(DateCount(key, label, start, end, int((docs & self.within(start, end))
                                                               .sum())))
        return found


def _day_number(day: str) -> int:
    """``2023-08-15`` → 20230815, ordered as the days are; 0 for no day.

    >>> _day_number("2023-08-15"), _day_number("")
    (20230815, 0)
    """
    digits = day.replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


def _pad(value: str, tail: str) -> str:
    """``2023`` → ``2023-01-01`` (or ``-12-31``), ``2023-08`` → ``2023-08-01`` (``-31``)."""
    if len(value) == 4:
        return value + tail
    if len(value) == 7:
        return value + tail[3:]
    return value[:10]
