"""An article's own date, from date evidence only.

The evidence, strongest first: a date line or dateline, a ``date 2023-08`` marker, an event
date in the opening ("Sáng 19-7", "Ngày 1/10") with the year of the surrounding date
context, a year the lead sentence names as the news's ("Năm 2021, doanh nghiệp …"). A year
mentioned as history ("vào năm 2015", "từ năm 2010"), comparison ("so với cùng kỳ năm
2019"), plan ("đến năm 2030") or range ("giai đoạn 2021-2025") is never the article's year;
a year later than a year the text reports as past cannot be it either, and none is after
the current year. No year is better than a wrong one.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict

from antqsearch.yearmentions import YEAR_LEVEL, YearMention, told_mentions, year_mentions

EARLIEST_YEAR = 1900
OPENING_CHARS = 600  # of the body, after the title: where the event date is told
_SAME_SENTENCE = 300

# The current period: "6 tháng đầu năm 2024", "quý I/2021", "trong tháng 8.2022".
PERIOD_RE = re.compile(
    r"(?:\d+\s+tháng\s+(?:đầu|cuối)\s+năm|quý\s+(?:\d|I{1,3}|IV|0\d)\s*[/.-]?\s*(?:năm)?"
    r"|năm\s+nay\s*\(?|trong\s+tháng\s+\d{1,2}\s*[/.-])\s*$",
    re.I,
)
_EVENT_DATE_RE = re.compile(
    r"(?<!\w)(?:(?:sáng|chiều|tối|trưa|đêm|ngày|hôm)\s+(?:(?:nay|qua|thứ\s+\w+|chủ\s+nhật),?\s+)?"
    r"(?:ngày\s+)?|\(\s*)"
    r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?(?![\d/])",
    re.I,
)
_MONTH_YEAR_RE = re.compile(
    r"(?<!\w)tháng\s+(\d{1,2})\s*(?:[/.-]|\s+năm\s+)\s*(\d{4})(?!\d)", re.I
)


def iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ISO date at the precision known, or None when the parts are not a real date.

    >>> iso(2023, 7, 19), iso(2023, 8), iso(2023), iso(2023, 2, 30), iso(218, 3, 20)
    ('2023-07-19', '2023-08', '2023', None, None)
    >>> iso(2017, 0, 25), iso(2017, 5, 0), iso(2017, 0)  # "25/00/2017": no month 0, no day 0
    (None, None, None)
    """
    if year < EARLIEST_YEAR or month == 0 or day == 0:
        return None
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def plausible(date: str | None, today: datetime.date) -> bool:
    """A real date (``iso`` gives None otherwise), not after today's year."""
    return date is not None and int(date[:4]) <= today.year


def real_date(value: str, today: datetime.date) -> bool:
    """An ISO date, month or year that exists and is not after today's year.

    >>> [real_date(v, datetime.date(2026, 1, 1)) for v in ("2023-07-19", "2023-02-30", "0218")]
    [True, False, False]
    """
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return False
    return iso(*(int(part) for part in value.split("-"))) == value and plausible(value, today)


def context_year(text: str, opening_end: int, today: datetime.date) -> int | None:
    """The year the text is dated in, when the evidence agrees; else None.

    The candidate is the latest year of a dated or named mention (never past, plan or
    range, never after today's year); no mention of a later year may report it as past. It
    is named in the title or opening, and taken when it is named again, when two kinds of
    mention agree on it three times, or when the opening names it as the current period
    ("6 tháng đầu năm 2024", "quý I/2021").
    """
    evidence: dict[int, list[YearMention]] = defaultdict(list)
    latest = 0
    for mention in told_mentions(text, today):
        if mention.kind in ("plan", "range"):
            continue
        latest = max(latest, mention.year)
        if mention.kind != "past":
            evidence[mention.year].append(mention)
    if not evidence or max(evidence) < latest:
        return None
    year = max(evidence)
    found = evidence[year]
    if not any(m.start < opening_end for m in found):
        return None  # the year of the event told in the opening is named near it
    early = {m.kind for m in found if m.start < opening_end}
    kinds = {m.kind for m in found if m.kind != "bare"}
    if (len(found) >= 2 and early & YEAR_LEVEL) or (len(kinds) >= 2 and len(found) >= 3):
        return year
    for mention in found:
        before = text[max(0, mention.start - 30) : mention.start]
        if mention.start < opening_end and PERIOD_RE.search(before):
            return year
    return None


# A year opening a later sentence ("… Năm 2014, anh …", ". Suốt năm 2016, …") tells a
# backstory, not the event's year.
_BACKSTORY_RE = re.compile(r"(?:[.!?:;]\s+(?:\S+\s+)?|(?:suốt|đầu|cuối)\s+)năm\s*$", re.I)


_SENTENCE_END_RE = re.compile(r"[.!?](?=\s|$)|\n")


def _same_sentence_year(text: str, event: re.Match[str], year: int) -> bool:
    """The year is named (as a year) in the sentence that tells the event date: before it
    ("khai trương mùa du lịch năm 2021 vào ngày 24/4 vừa qua") or after it in its
    paragraph."""
    starts = [m.end() for m in _SENTENCE_END_RE.finditer(text, 0, event.start())]
    opening = text[starts[-1] if starts else 0 : event.start()]
    if any(m.year == year and m.kind in YEAR_LEVEL for m in year_mentions(opening)):
        return True
    for mention in year_mentions(text[event.end() : event.end() + _SAME_SENTENCE]):
        gap = text[event.end() : event.end() + mention.start]
        if "\n" in gap:
            return False
        backstory = _BACKSTORY_RE.search(gap)
        if mention.year == year and mention.kind in YEAR_LEVEL and not backstory:
            return True
    return False


_CLAUSE_END_RE = re.compile(r"[,;:]")
_NOW_RE = re.compile(r"(?<!\w)(?<!năm )(?:nay|bây giờ)(?!\w)", re.I)


def lead_year(text: str, body_start: int, today: datetime.date) -> int | None:
    """The year the body's first sentence (the lead, which tells the news) names as a year
    ("Năm 2021, doanh nghiệp …", "… bãi biển đẹp nhất tính đến năm 2021.") or in a day or
    month of its main clause ("…, đến cuối tháng 3/2021 kênh có …"; a date fronting the lead,
    "Tháng 5/2019, …", sets a backstory), when no later year is told (as anything but plan
    or range) and the lead does not set it against the present; else None.

    >>> lead_year("Tin\\nNăm 2021, doanh nghiệp gặp khó. Năm 2019 đã khác.", 4,
    ...           datetime.date(2026, 1, 1))
    2021
    >>> lead_year("Tin\\nNăm 2019, doanh nghiệp gặp khó. Năm 2021 đã khác.", 4,
    ...           datetime.date(2026, 1, 1)) is None
    True
    >>> [lead_year(f"Tin\\n{lead}", 4, datetime.date(2026, 1, 1)) for lead in (
    ...     "Kênh lập từ tháng 12 năm ngoái, đến cuối tháng 3/2021 có 2 vạn người xem.",
    ...     "Tháng 5/2019, hãng bị cấm giao dịch với các đối tác.")]
    [2021, None]
    """
    end = _SENTENCE_END_RE.search(text, body_start)
    lead_end = end.end() if end else len(text)
    clause = _CLAUSE_END_RE.search(text, body_start, lead_end)
    main_start = clause.end() if clause else lead_end
    mentions = [m for m in told_mentions(text, today) if m.kind not in ("plan", "range")]
    latest = max((m.year for m in mentions), default=0)
    for mention in mentions:
        dated = mention.kind in ("day", "month") and mention.start >= main_start
        if body_start <= mention.start < lead_end and (mention.kind in YEAR_LEVEL or dated):
            after = text[mention.start : lead_end]
            if mention.year != latest or _NOW_RE.search(after):
                return None  # set against the present: "khởi công năm 2019, nay đã thông xe"
            return latest
    return None


def _exists(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def impossible_opening_date(text: str, opening_end: int, today: datetime.date) -> str | None:
    """An event date of the opening that cannot be one ("ngày 20/3/0218"), as written.

    A real date of history ("(4/7/1776 - 4/7/2017)") is not one: it dates nothing, silently.

    >>> [impossible_opening_date(t, 80, datetime.date(2026, 1, 1)) for t in (
    ...     "Ngày 20/3/0218, xã tổ chức.", "Kỷ niệm (4/7/1776 - 4/7/2017), hôm nay.",
    ...     "Ngày 31/2/2023, xã tổ chức.")]
    ['20/3/0218', None, '31/2/2023']
    """
    event = _EVENT_DATE_RE.search(text, 0, opening_end)
    if event and event.group(3):
        day, month, year = (int(event.group(i)) for i in (1, 2, 3))
        if 1000 <= year < EARLIEST_YEAR and _exists(year, month, day):
            return None  # history, not a typo
        if not plausible(iso(year, month, day), today):
            return text[event.start(1) : event.end(3)]
    return None


def _leads(text: str, event: re.Match[str], body_start: int, lead: int = 0) -> bool:
    """The event date opens the body: "Ngày 25/8/2024, phường …" (a dateline's place).

    Without a headline (``lead`` > 0: the body's first sentence, up to ``lead``, stands as
    the title), the event date may instead be in that lead sentence ("Khoảng 11h sáng ngày
    8/4/2024, …").
    """
    if not text[body_start : event.start()].strip():
        return True
    if lead <= 0:
        return False
    return event.end() <= lead


_NEAR_DAYS = 15  # a full date this close to a year-less event date dates it
_MENTION_DAY_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*$")
_BRACKET_DAY_RE = re.compile(r"\s*\(\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*\)")


def _told_day(text: str, mention: YearMention) -> re.Match[str] | None:
    """The day and month told with a year: "ngày 20/4/2024", or "năm 2024 (20/4)" (a year
    named with the day in brackets after it); groups 1 and 2 are the day and month."""
    if mention.kind == "day":
        return _MENTION_DAY_RE.search(text[max(0, mention.start - 20) : mention.start])
    if mention.kind in YEAR_LEVEL:
        return _BRACKET_DAY_RE.match(text, mention.start + 4)
    return None


def near_dated_year(text: str, month: int, day: int, today: datetime.date) -> int | None:
    """The year of the text's full dates within two weeks of a year-less event date
    ("Ngày 15/4, …" and later "trước ngày 20/4/2024" or "Giải bơi năm 2024 (20/4)"), when
    they all agree and no later
    year is named (as anything but plan or range); else None. A month alone ("hồi tháng
    4/2019") is as often a past event's, so only full dates count.

    >>> near_dated_year("Ngày 15/4, … hạn nộp trước ngày 20/4/2024.", 4, 15,
    ...                 datetime.date(2026, 1, 1))
    2024
    >>> near_dated_year("Ngày 15/4, … thành lập ngày 6/3/2016.", 4, 15,
    ...                 datetime.date(2026, 1, 1)) is None
    True
    """
    years: set[int] = set()
    latest = 0
    for mention in told_mentions(text, today):
        if mention.kind in ("plan", "range"):
            continue
        latest = max(latest, mention.year)
        told = _told_day(text, mention)
        if told is None:
            continue
        event = iso(mention.year, month, day)
        other = iso(mention.year, int(told.group(2)), int(told.group(1)))
        if event and other:
            gap = datetime.date.fromisoformat(event) - datetime.date.fromisoformat(other)
            if abs(gap.days) <= _NEAR_DAYS:
                years.add(mention.year)
    if len(years) == 1 and latest <= min(years):
        return years.pop()
    return None


def opening_date(
    text: str, opening_end: int, today: datetime.date, body_start: int = 0, lead: int = 0
) -> str | None:
    """The date of the event told in the opening, with its year from the text's context.

    >>> opening_date("Sáng 19-7, thị trấn tổ chức ngày hội năm 2023.", 400,
    ...              datetime.date(2026, 1, 1))
    '2023-07-19'
    """
    year = context_year(text, opening_end, today)
    event = _EVENT_DATE_RE.search(text, 0, opening_end)
    dated = event is not None and event.group(3) is not None
    if event and dated and (year == int(event.group(3)) or _leads(text, event, body_start, lead)):
        told = iso(int(event.group(3)), int(event.group(2)), int(event.group(1)))
        if plausible(told, today):
            return told
    if event and not event.group(3):
        day, month = int(event.group(1)), int(event.group(2))
        if year is None:
            named = [m.year for m in year_mentions(text[: opening_end + _SAME_SENTENCE])
                     if m.kind in YEAR_LEVEL and m.year <= today.year]
            year = next((y for y in named if _same_sentence_year(text, event, y)), None)
        if year is None:
            year = near_dated_year(text, month, day, today)
        if year is not None:
            return iso(year, month, day) or iso(year)
    if year is None:
        year = lead_year(text, body_start, today)
    if year is None:
        return None
    month_year = _MONTH_YEAR_RE.search(text, 0, opening_end)
    if month_year and int(month_year.group(2)) == year:
        return iso(year, int(month_year.group(1))) or iso(year)
    return iso(year)


def day_in_month(text: str, year: int, month: int) -> int | None:
    """The day of a "sáng 10-8"-style mention in the given month, if any."""
    for match in _EVENT_DATE_RE.finditer(text[: OPENING_CHARS * 15]):
        if int(match.group(2)) == month and match.group(3) in (None, str(year)):
            if iso(year, month, int(match.group(1))):
                return int(match.group(1))
    return None
