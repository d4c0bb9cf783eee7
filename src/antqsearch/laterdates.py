"""An article's year from evidence outside its opening (``dates`` reads the opening).

When the opening dates nothing, some evidence elsewhere in the text still does. Each rule
gives only the latest year the text reports (no later year is named as anything but plan,
range or name: "World Cup 2018" may be ahead) and none after today's; each was kept for
holding on dated real news (bench/metadata.py measures each one's effect).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable

from antqsearch.dates import PERIOD_RE, iso
from antqsearch.yearmentions import YEAR_LEVEL, YearMention, told_mentions

_WEEKDAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tư": 2, "4": 2, "năm": 3, "5": 3, "sáu": 4,
             "6": 4, "bảy": 5, "7": 5}
_WEEKDAY_DATE_RE = re.compile(
    r"(?<!\w)(?:thứ\s+(hai|ba|tư|năm|sáu|bảy|[2-7])|(chủ\s*nhật))\s*[,(]?\s*(?:ngày\s+)?"
    r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?(?![\d/])",
    re.I,
)
_STEMS = ("giáp", "ất", "bính", "đinh", "mậu", "kỷ", "canh", "tân", "nhâm", "quý")
_BRANCHES = {"tý": 0, "sửu": 1, "dần": 2, "mão": 3, "mẹo": 3, "thìn": 4, "tỵ": 5, "tị": 5,
             "ngọ": 6, "mùi": 7, "thân": 8, "dậu": 9, "tuất": 10, "hợi": 11}
_LUNAR_YEAR_RE = re.compile(
    rf"(?<!\w)(?:tết|xuân|năm)\s+({'|'.join(_STEMS)})\s+({'|'.join(_BRANCHES)})(?!\w)", re.I
)
_LUNAR_RECENT = 12  # a lunar year named alone is one of the last twelve (one zodiac cycle)
_RECENT_RE = re.compile(
    r"(?<!\w)(?:vừa qua|hôm nay|hôm qua|sáng nay|trưa nay|chiều nay|tối nay|đêm qua|tối qua|"
    r"sáng qua|chiều qua|mới đây|vừa)(?!\w)",
    re.I,
)


def _told_years(text: str, today: datetime.date) -> tuple[list[YearMention], int]:
    """The year mentions not after today's year, and the latest year the text reports (as
    anything but plan, range or name; 0 if none)."""
    kept = told_mentions(text, today)
    latest = max((m.year for m in kept if m.kind not in ("plan", "range", "edition")),
                 default=0)
    return kept, latest


def period_year(text: str, mentions: list[YearMention], latest: int,
                today: datetime.date) -> int | None:
    """The latest year, named anywhere as the current period: "6 tháng đầu năm 2020",
    "trong tháng 8/2020", "quý I/2021", "năm nay (2020)".

    >>> text, today = "… Doanh thu trong quý II/2020 tăng 5%.", datetime.date(2026, 1, 1)
    >>> period_year(text, told_mentions(text, today), 2020, today)
    2020
    """
    for mention in mentions:
        if mention.year != latest:
            continue
        before = text[max(0, mention.start - 30) : mention.start]
        if mention.kind == "quarter" or PERIOD_RE.search(before):
            return latest
    return None


def _weekday_dates(text: str) -> list[tuple[int, int, int, int]]:
    """(weekday, day, month, year or 0) of each date told with its weekday."""
    return [(6 if m.group(2) else _WEEKDAYS[m.group(1).lower()], int(m.group(3)),
             int(m.group(4)), int(m.group(5) or 0)) for m in _WEEKDAY_DATE_RE.finditer(text)]


def _fitting(years: Iterable[int], weekday: int, day: int, month: int) -> set[int]:
    """The years in which the day of the month falls on the weekday (0 = Monday)."""
    return {y for y in years
            if iso(y, month, day) and datetime.date(y, month, day).weekday() == weekday}


def weekday_year(text: str, mentions: list[YearMention], latest: int,
                 today: datetime.date) -> int | None:
    """The latest year, when a weekday told with a date agrees with it: a full date whose
    weekday is right ("thứ Hai, 3/5/2021"), or two year-less dates ("thứ Hai (3/5)") whose
    weekdays are right in it and in no later year the text names (one date alone agrees
    with one year in seven by chance)."""
    named = {m.year for m in mentions if m.kind not in ("plan", "range", "edition")}
    agreeing: set[int] | None = None
    yearless: set[tuple[int, int]] = set()
    for weekday, day, month, told in _weekday_dates(text):
        years = _fitting(named, weekday, day, month)
        if told:
            if told == latest and latest in years:
                return latest
            continue
        yearless.add((day, month))
        agreeing = years if agreeing is None else agreeing & years
    if agreeing and len(yearless) >= 2 and max(agreeing) == latest:
        return latest
    return None


def recent_date_year(text: str, mentions: list[YearMention], latest: int,
                     today: datetime.date) -> int | None:
    """The latest year, in a full date told with a recency word in its clause ("ngày
    3/5/2021 vừa qua", "hôm nay (3/5/2021)", "mới đây"): the date of the news itself."""
    for mention in mentions:
        if mention.kind != "day" or mention.year != latest:
            continue
        before = text[max(0, mention.start - 60) : mention.start]
        after = text[mention.start + 4 : mention.start + 60]
        if _RECENT_RE.search(re.split(r"[.;\n]", before)[-1]) or _RECENT_RE.search(
            re.split(r"[.;\n]", after)[0]
        ):
            return latest
    return None


def lunar_year(text: str, mentions: list[YearMention], latest: int,
               today: datetime.date) -> int | None:
    """The year of the lunar year the text names by stem and branch ("Tết Canh Tý": 2020),
    all such names agreeing: the latest one not after today's year, when the text names
    that year or the one before as its latest, or names no year and it is one of the last
    twelve ("Tết Mậu Thân" alone is 1968's history, not a recent year).

    >>> lunar_year("Chợ hoa Tết Canh Tý đông vui.", [], 0, datetime.date(2026, 1, 1))
    2020
    >>> lunar_year("Chợ hoa Tết Canh Tý, hơn năm 2021.", [], 2021, datetime.date(2026, 1, 1))
    """
    years: set[int] = set()
    for match in _LUNAR_YEAR_RE.finditer(text):
        stem = _STEMS.index(match.group(1).lower())
        branch = _BRANCHES[match.group(2).lower()]
        years.add(max(y for y in range(today.year - 59, today.year + 1)
                      if (y - 4) % 10 == stem and (y - 4) % 12 == branch))
    if len(years) != 1:
        return None
    year = years.pop()
    if latest in (year - 1, year) or (latest == 0 and year > today.year - _LUNAR_RECENT):
        return year
    return None


def weekday_window_year(text: str, mentions: list[YearMention], latest: int,
                        today: datetime.date) -> int | None:
    """The one year, from the latest year the text tells to today's, in which its year-less
    weekday dates ("thứ Bảy (24/4)") fall on their weekdays: the text is written no earlier
    than the latest year it tells and no later than today (a weekday date repeats after
    five, six or eleven years, so a short window leaves one year or none)."""
    if latest == 0:
        return None
    fitting: set[int] | None = None
    for weekday, day, month, told in _weekday_dates(text):
        if told:
            continue
        years = _fitting(range(latest, today.year + 1), weekday, day, month)
        fitting = years if fitting is None else fitting & years
    return fitting.pop() if fitting and len(fitting) == 1 else None


_JUST_PAST_RE = re.compile(r"năm\s+((?:19|20)\d{2})\s+(?:vừa\s+qua|vừa\s+rồi)(?!\w)"
                           r"|năm\s+(?:ngoái|trước)\s*\(\s*((?:19|20)\d{2})\s*\)", re.I)


def after_just_past_year(text: str, mentions: list[YearMention], latest: int,
                         today: datetime.date) -> int | None:
    """The year after the one the text tells as just past ("năm 2020 vừa qua", "năm ngoái
    (2020)"), when the text names it as a year ("suốt năm 2021") and tells no later one.

    >>> text = "Năm 2020 vừa qua khách giảm. Suốt năm 2021, tỉnh có nhiều lễ hội."
    >>> today = datetime.date(2026, 1, 1)
    >>> after_just_past_year(text, told_mentions(text, today), 2021, today)
    2021
    """
    past = {int(m.group(1) or m.group(2)) for m in _JUST_PAST_RE.finditer(text)}
    if len(past) != 1:
        return None
    year = past.pop() + 1
    if year == latest and any(m.year == year and m.kind in YEAR_LEVEL for m in mentions):
        return year
    return None


_LaterRule = Callable[[str, list[YearMention], int, datetime.date], "int | None"]
LATER_RULES: dict[str, _LaterRule] = {
    "period": period_year,
    "weekday": weekday_year,
    "recent": recent_date_year,
    "lunar": lunar_year,
    "weekday window": weekday_window_year,
    "after just past": after_just_past_year,
}


def later_evidence_year(text: str, today: datetime.date,
                        rules: Iterable[str] | None = None) -> int | None:
    """The article's year from evidence outside the opening (``rules``: the names of
    ``LATER_RULES`` to apply, all by default), or None.

    >>> later_evidence_year("Kết quả kinh doanh\\n\\nDoanh thu quý I/2021 tăng so với "
    ...                     "cùng kỳ năm 2020.", datetime.date(2026, 1, 1))
    2021
    >>> later_evidence_year("Lịch sử\\n\\nTrận đánh năm 1968 ác liệt; quý I/1968 mưa lớn. "
    ...                     "Năm 2017, di tích được xếp hạng.", datetime.date(2026, 1, 1))
    """
    mentions, latest = _told_years(text, today)
    for name in LATER_RULES if rules is None else rules:
        year = LATER_RULES[name](text, mentions, latest, today)
        if year is not None and 0 < year <= today.year:
            return year
    return None
