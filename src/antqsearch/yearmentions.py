"""Every year a text names, and what kind of mention it is.

A day or month with its year ("ngày 9/3/2021", "tháng 4/2021"), a quarter, a year named as
such ("trong năm 2021", "Vietnam Expo 2021", "hè 2021"), or one that is not the text's own:
history ("vào năm 2015", what once was, a cited document's date), comparison ("so với cùng
kỳ năm 2019"), plan ("đến năm 2030", a later year told in a clause about the future) or
range ("giai đoạn 2021-2025"). ``dates`` and ``laterdates`` weigh them.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

_YEAR_RE = re.compile(r"(?<![\d,x×])((?:1[89]|20|21)\d{2})(?![\d×x]|/[A-ZĐ])")
_RANGE_AFTER_RE = re.compile(r"\s*[-–]\s*(?:19|20)?\d{2}(?!\d)")
_RANGE_BEFORE_RE = re.compile(r"(?:19|20)\d{2}\s*[-–]\s*$")
_COMPARISON_RE = re.compile(r"(?:so với|cùng kỳ|hơn|gấp|như)\s+(?:\S+\s+){0,3}$", re.I)
_PAST_RE = re.compile(
    r"(?:vào|từ|những|các|sinh|hồi|trước|cuối|của|kể từ|nhiệm kỳ|khóa|mùa|năm học|đó,|với|"
    r"luật|nghị định|thông tư|lần|số|ngoái|sn)\s+(?:năm\s+)?$",
    re.I,
)
_PLAN_RE = re.compile(
    r"(?<!tính )(?:đến|tới|sau|tầm nhìn|giai đoạn|mục tiêu|kế hoạch|dự kiến|vào khoảng)"
    r"\s+(?:năm\s+)?$",
    re.I,
)
# A year told in a clause about the future: "sẽ tham gia tập trận năm 2018".
_FUTURE_RE = re.compile(r"(?<!\w)(?:sẽ|dự kiến|sắp|chuẩn bị|hướng tới|hướng đến)(?!\w)", re.I)
# A document cited by its number and date: "Thông tư số 15/2016/TT-BNN ngày 10/6/2016".
_DOCUMENT_RE = re.compile(
    r"(?:quyết định|nghị định|nghị quyết|thông tư|công văn|chỉ thị|văn bản|kế hoạch|tờ trình|"
    r"thông báo|luật)\s+(?:liên tịch\s+)?(?:số\s+)?\d[\w/.-]*\s+(?:của\s+[^,.;()]{0,30}\s+)?"
    r"ngày\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*$",
    re.I,
)
# A clause about what once was: "từng được tổ chức thành công trong năm 2020".
_ONCE_RE = re.compile(
    r"(?<!\w)(?:đã từng|(?<!chưa )từng (?:được|là|bị|có|đạt|giành)|trước đây)(?!\w)", re.I
)
# An edition whose qualifiers or bid are told is ahead: "vòng loại World Cup 2018".
_AHEAD_RE = re.compile(r"(?<!\w)(?:vòng loại|đăng cai|tranh cử|ứng cử)(?!\w)", re.I)
# A day or month with its year, a quarter, "năm nay (2021)": the year of a dated thing.
_DATED_KINDS = (
    ("day", re.compile(r"(?<!\d)\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*$")),
    ("month", re.compile(r"tháng\s+\d{1,2}\s*(?:[/.-]|,|\s+năm)\s*$", re.I)),
    ("quarter", re.compile(r"(?:quý\s+(?:\d|I{1,3}|IV|0\d)|Q[1-4])\s*[/.-]?\s*(?:năm\s+)?$", re.I)),
    ("this_year", re.compile(r"năm\s+nay\s*\(\s*$", re.I)),
)
# A year named as such: "trong năm 2021", "năm 2023", "Vietnam Expo 2021".
_YEAR_KINDS = (
    ("during", re.compile(r"(?:trong|đầu|nửa đầu|hết|bước sang|sang|tính đến)\s+năm\s+$", re.I)),
    ("named", re.compile(r"(?:năm|(?<!\w)hè|(?<!\w)xuân|mùa (?:thu|đông))\s+$", re.I)),
    ("edition", re.compile(r"[A-ZĐ][\w&”\"]*\s+$")),
)
YEAR_LEVEL = frozenset({"quarter", "this_year", "during", "named", "edition"})


@dataclass(frozen=True)
class YearMention:
    """A year in the text, what kind of mention it is, and where."""

    year: int
    kind: str  # a dated or year kind, "bare", or "past", "plan", "range" (not the article's)
    start: int


def _clause_before(text: str, start: int) -> str:
    """The clause a position is in, up to it (at most 80 characters back)."""
    return re.split(r"[.;!?\n]", text[max(0, start - 80) : start])[-1]


def _kind(text: str, start: int, end: int) -> str:
    kind = _plain_kind(text, start, end)
    if kind not in ("range", "plan", "past") and _ONCE_RE.search(_clause_before(text, start)):
        return "past"
    return kind


def _plain_kind(text: str, start: int, end: int) -> str:
    before = text[max(0, start - 45) : start]
    if _RANGE_AFTER_RE.match(text, end) or _RANGE_BEFORE_RE.search(before):
        return "range"
    if _COMPARISON_RE.search(before[-25:]):
        return "past"
    for kind, pattern in _DATED_KINDS:
        if pattern.search(before):
            if kind == "day" and _DOCUMENT_RE.search(text[max(0, start - 70) : start]):
                return "past"  # the date of a document cited: "Quyết định số 95/QĐ-UB ngày 2/9/"
            return kind
    if _PLAN_RE.search(before):
        return "plan"
    if _PAST_RE.search(before):
        return "past"
    for kind, pattern in _YEAR_KINDS:
        if pattern.search(before):
            if kind == "edition" and (_in_future_clause(text, start)
                                      or _AHEAD_RE.search(_clause_before(text, start))):
                return "plan"  # an edition to come: "chuẩn bị cho vòng loại Asian Cup 2019"
            return kind
    return "bare"


def year_mentions(text: str) -> Iterator[YearMention]:
    """Every year of the text with its kind.

    >>> text = "Năm 2021 tăng so với cùng kỳ năm 2019, đạt mục tiêu đến năm 2030; vào năm 1975."
    >>> [(m.year, m.kind) for m in year_mentions(text)]
    [(2021, 'named'), (2019, 'past'), (2030, 'plan'), (1975, 'past')]
    >>> [m.kind for m in year_mentions("giai đoạn 2016-2020")]
    ['range', 'range']
    """
    for match in _YEAR_RE.finditer(text):
        yield YearMention(int(match.group(1)), _kind(text, match.start(), match.end()),
                          match.start())


def _in_future_clause(text: str, start: int) -> bool:
    return _FUTURE_RE.search(_clause_before(text, start)) is not None


def told_mentions(text: str, today: datetime.date) -> list[YearMention]:
    """The year mentions not after today's year; one told in a clause about the future
    ("sẽ được tổ chức vào tháng 1/2022") of a year later than every year told otherwise is
    ahead of the text's time: a plan (a text that tells no other year keeps them).

    >>> text = "Năm 2021 giải nhận bài đến ngày 30/6/2021; lễ trao giải sẽ vào tháng 2/2022."
    >>> [(m.year, m.kind) for m in told_mentions(text, datetime.date(2026, 1, 1))]
    [(2021, 'named'), (2021, 'day'), (2022, 'plan')]
    """
    return list(_told_mentions(text, today))


@lru_cache(maxsize=4)
def _told_mentions(text: str, today: datetime.date) -> tuple[YearMention, ...]:
    """``told_mentions``, once per text: the opening date, the context year, the lead year
    and the later rules of one article each ask for them."""
    kept = [m for m in year_mentions(text) if m.year <= today.year]
    future = {m.start for m in kept
              if m.kind not in ("plan", "range") and _in_future_clause(text, m.start)}
    now = max((m.year for m in kept if m.kind not in ("plan", "range") and m.start not in future),
              default=0)
    return tuple(dataclasses.replace(m, kind="plan") if m.start in future and m.year > now > 0
                 else m for m in kept)
