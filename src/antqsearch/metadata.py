"""Article metadata: title, body, date, place, officials and author, from the text alone.

Extraction is heuristic and never raises; the Vietnamese word lists it relies on (titles of
officials, surnames, junk lines of news sites) live in ``data/``. An operator corrects any
field with ``apply_overrides``.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from antqsearch.datafiles import data_lines
from antqsearch.gazetteer import place_key, province_names, resolve_places
from antqsearch.officials import find_officials


@dataclass(frozen=True)
class ArticleMeta:
    """What the index stores about an article besides its words."""

    title: str
    body: str
    date: str | None
    year: int | None
    province: str | None
    district: str | None
    ward: str | None
    officials: tuple[str, ...]
    author: str | None


_TITLE_MAX = 120
_SHORT_LINE = 100  # date lines and site junk lines are short
_LEAD_CHARS = 1500
_MARKER_RE = re.compile(r"^\s*date\s+(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)\s*", re.IGNORECASE)
_DATE = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
_TIME = r"\d{1,2}\s*[:h]\s*\d{2}(?:\s*(?:AM|PM|SA|CH))?"
_DATE_LINE_RE = re.compile(
    rf"^\s*(?:(?:cập nhật|ngày đăng|đăng ngày|đăng lúc|lúc)\s*:?\s*)?"
    rf"(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?(?:ngày\s+)?(?P<t1>{_TIME}\s*[-,|]?\s*)?{_DATE}"
    rf"(?P<t2>\s*[-,|]?\s*{_TIME})?\s*(?:\(?\s*GMT\s*[+-]\s*\d+\s*\)?)?\s*$",
    re.IGNORECASE,
)
_DAY_MONTH_RE = re.compile(
    r"(?<!\w)(?:sáng|chiều|tối|trưa|đêm|ngày|hôm)\s+(?:(?:nay|qua|thứ\s+\w+|chủ\s+nhật),?\s+)?"
    r"(?:ngày\s+)?"
    r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?(?![\d/])",
    re.IGNORECASE,
)
_MONTH_YEAR_RE = re.compile(
    r"(?<!\w)tháng\s+(\d{1,2})\s*(?:[/.-]|\s+năm\s+)\s*((?:19|20)\d{2})(?!\d)", re.IGNORECASE
)
_YEAR_RE = re.compile(r"(?<![\w/.-])((?:19|20)\d{2})(?![\w/])")
_NAMED_YEAR_RE = re.compile(r"(?<!\w)năm\s+((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"([.!?…])[\"”’)]*\s+(?=[\"“‘(]?[^\W\d_])")
_BYLINE_RE = re.compile(
    r"^(?:thực hiện|bài(?: và| ,|,)? ảnh|bài|tin(?: và|,)? ảnh|tin|ảnh|nhóm thực hiện|"
    r"phóng viên|nhóm phóng viên)\s*:\s*(.+)$",
    re.IGNORECASE,
)
_BYLINE_WORD_RE = re.compile(r"(?:[^\W\d_][\w'’]*\.?|[-–,&/]|và)$")


# ---------------------------------------------------------------------------- data files


@cache
def _line_patterns(name: str, whole_line: bool) -> re.Pattern[str]:
    body = "|".join(f"(?:{line})" for line in data_lines(name))
    return re.compile(rf"^\s*(?:{body})\s*$" if whole_line else rf"^\s*(?:{body})", re.I)


# ---------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Layout:
    title: str
    body: str
    source: str  # the headline line (if any) and the body: where places and people are found
    marker: tuple[int, int, int | None] | None
    datelines: tuple[re.Match[str], ...]


def _split_tail(lines: list[str]) -> list[str]:
    """Drop the page's tail ("CÁC BÀI VIẾT KHÁC:" and what follows)."""
    tail = _line_patterns("meta_tail_markers.txt", whole_line=False)
    for index, line in enumerate(lines):
        if index > 0 and tail.match(line):
            return lines[:index]
    return lines


def _marker(line: str) -> tuple[tuple[int, int, int | None] | None, str]:
    """A leading "date 2023-08" marker of the line, and the rest of the line."""
    match = _MARKER_RE.match(line)
    if not match:
        return None, line
    year, month, day = match.groups()
    return (int(year), int(month), int(day) if day else None), line[match.end() :]


def _is_paragraph(line: str) -> bool:
    """A first line that reads as body text rather than as a headline."""
    text = line.strip()
    return (
        len(text) > 250
        or len(_sentences(text, limit=2)) > 1
        or (text.endswith(".") and len(text) > 150)
    )


def _layout(text: str) -> _Layout:
    """Find the headline, the date lines and the body of an article."""
    junk = _line_patterns("meta_junk_lines.txt", whole_line=True)
    kept: list[str] = []
    title_index: int | None = None
    marker = None
    before: list[re.Match[str]] = []
    after: list[re.Match[str]] = []
    for raw in _split_tail(text.split("\n")):
        found, line = _marker(raw) if title_index is None else (None, raw)
        marker = marker or found
        date_line = _DATE_LINE_RE.match(line) if len(line) <= _SHORT_LINE else None
        if date_line:
            (before if title_index is None else after).append(date_line)
        elif not (len(line) <= _SHORT_LINE and junk.match(line)) and (line.strip() or not found):
            if title_index is None and line.strip():
                title_index = len(kept)
            kept.append(line)
    stamped = [m for m in before if m.group("t1") or m.group("t2")]  # a banner has no time
    return _assemble(kept, title_index, marker, tuple(after or stamped[:1]))


def _assemble(
    kept: list[str],
    title_index: int | None,
    marker: tuple[int, int, int | None] | None,
    datelines: tuple[re.Match[str], ...],
) -> _Layout:
    if title_index is None:
        return _Layout("", "", "", marker, datelines)
    headline = kept[title_index].strip()
    if _is_paragraph(headline):
        title, head = _derive_title(headline), ""
    else:
        title, head = headline, headline
        kept = kept[:title_index] + kept[title_index + 1 :]
    body = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", "\n".join(kept)).strip()
    return _Layout(title, body, f"{head}\n{body}" if head else body, marker, datelines)


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(data_lines("meta_abbreviations.txt"))


def _sentences(text: str, limit: int) -> list[str]:
    """Up to ``limit`` sentences of a paragraph; "TP. Tam Kỳ" does not end a sentence.

    >>> _sentences("Sáng 16/8, TP. Tam Kỳ tổ chức ngày hội. Đây là ngày hội điểm.", 5)
    ['Sáng 16/8, TP. Tam Kỳ tổ chức ngày hội.', 'Đây là ngày hội điểm.']
    """
    found: list[str] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        words = text[start : match.start()].split()
        if (
            match.group(1) == "."
            and words
            and (words[-1] in _abbreviations() or (len(words[-1]) == 1 and words[-1].isupper()))
        ):
            continue
        found.append(text[start : match.end()].strip())
        start = match.end()
        if len(found) >= limit:
            return found
    tail = text[start:].strip()
    return found + [tail] if tail else found


def _derive_title(paragraph: str) -> str:
    """A headline made from a paragraph's first sentence, cut at a word boundary.

    >>> _derive_title("Thời gian qua, xã Kim Quan làm tốt. Phong trào phát triển.")
    'Thời gian qua, xã Kim Quan làm tốt'
    """
    sentences = _sentences(paragraph, limit=1)
    first = (sentences[0] if sentences else paragraph).rstrip(" .")
    if len(first) <= _TITLE_MAX:
        return first
    cut = first[:_TITLE_MAX].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return f"{cut}…"


# ---------------------------------------------------------------------------- dates


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ISO date at the precision known, or None when the parts are not a real date.

    >>> _iso(2023, 7, 19), _iso(2023, 8), _iso(2023), _iso(2023, 2, 30)
    ('2023-07-19', '2023-08', '2023', None)
    """
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def _festival_year(text: str) -> int | None:
    """The year the text is about: the most cited "năm YYYY", else any year (ties → latest)."""
    counts: dict[int, int] = {}
    for match in _NAMED_YEAR_RE.finditer(text):
        counts[int(match.group(1))] = counts.get(int(match.group(1)), 0) + 1
    if not counts:
        for match in _YEAR_RE.finditer(text):
            counts[int(match.group(1))] = counts.get(int(match.group(1)), 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))


def _day_of_month(text: str, year: int, month: int) -> int | None:
    """The day of a "sáng 10-8"-style mention in the given month, if any."""
    for match in _DAY_MONTH_RE.finditer(text[: _LEAD_CHARS * 4]):
        if int(match.group(2)) == month and match.group(3) in (None, str(year)):
            if _iso(year, month, int(match.group(1))):
                return int(match.group(1))
    return None


def _article_date(layout: _Layout) -> str | None:
    """The article's own date: dateline, "date" marker, "Sáng 19-7" + year, month, year."""
    for line in layout.datelines:
        date = _iso(int(line["y"]), int(line["m"]), int(line["d"]))
        if date:
            return date
    text = f"{layout.title}\n{layout.body}"
    if layout.marker:
        year, month, day = layout.marker
        return _iso(year, month, day or _day_of_month(text, year, month)) or _iso(year)
    lead = text[:_LEAD_CHARS]
    for match in _DAY_MONTH_RE.finditer(lead):
        day_text, month_text, year_text = match.groups()
        known = int(year_text) if year_text else _festival_year(text)
        if known and _iso(known, int(month_text), int(day_text)):
            return _iso(known, int(month_text), int(day_text))
    month_year = _MONTH_YEAR_RE.search(lead)
    if month_year and _iso(int(month_year.group(2)), int(month_year.group(1))):
        return _iso(int(month_year.group(2)), int(month_year.group(1)))
    festival = _festival_year(text)
    return _iso(festival) if festival else None


# ---------------------------------------------------------------------------- author


def find_author(body: str) -> str | None:
    """The reporter's byline on the article's last line, if it is one.

    >>> find_author("Nội dung.\\n\\nThực hiện: Thế Vinh"), find_author("Một câu bình thường.")
    ('Thế Vinh', None)
    """
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    if len(lines) < 2:
        return None
    last = lines[-1].rstrip("./ ")
    match = _BYLINE_RE.match(last)
    candidate = (match.group(1) if match else last).strip()
    candidate = re.sub(r"\s*\([^)]*\)$", "", candidate).strip(" -–")
    if last.lower().startswith("theo ") or not 0 < len(candidate) <= 50:
        return None
    words = candidate.replace(",", " , ").split()
    if len(words) > 7 or not all(_BYLINE_WORD_RE.match(w) for w in words):
        return None
    if not all(w[:1].isupper() for w in words if w[0].isalpha() and w != "và"):
        return None
    return candidate


# ---------------------------------------------------------------------------- public API


def extract_metadata(text: str) -> ArticleMeta:
    """Every metadata field of an article (text already normalised by ``normalize_text``)."""
    layout = _layout(text)
    date = _article_date(layout)
    place = resolve_places(layout.source)
    return ArticleMeta(
        title=layout.title,
        body=layout.body,
        date=date,
        year=int(date[:4]) if date else None,
        province=place.province if place else None,
        district=place.district if place else None,
        ward=place.ward if place else None,
        officials=find_officials(layout.source),
        author=find_author(layout.body),
    )


_OPTIONAL_TEXT = ("date", "province", "district", "ward", "author")


def _override_value(key: str, value: object) -> object:
    """Check and normalise one operator correction."""
    if key == "officials":
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
            raise ValueError("officials: cần một danh sách tên (list of names)")
        cleaned = (unicodedata.normalize("NFC", n).strip() for n in names)
        return tuple(dict.fromkeys(n for n in cleaned if n))
    if key == "year":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"year: cần một số nguyên, không phải {value!r}")
        return value
    if value is None and key in _OPTIONAL_TEXT:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key}: cần một chuỗi, không phải {value!r}")
    value = unicodedata.normalize("NFC", value).strip()
    if key == "date" and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise ValueError(f"date: cần dạng YYYY, YYYY-MM hoặc YYYY-MM-DD, không phải {value!r}")
    if key == "province":
        return _canonical_province(value)
    return value


def _canonical_province(value: str) -> str:
    """The gazetteer's spelling of a province ("Thanh Hoá" → "Thanh Hóa")."""
    for name in province_names():
        if place_key(name) == place_key(value):
            return name
    raise ValueError(f"province: {value!r} không thuộc 63 tỉnh, thành phố (trước 2025)")


def apply_overrides(meta: ArticleMeta, overrides: Mapping[str, object]) -> ArticleMeta:
    """Apply an operator's corrections (from a sidecar JSON file) to extracted metadata.

    >>> m = ArticleMeta("T", "B", "2023-07-19", 2023, None, None, None, (), None)
    >>> apply_overrides(m, {"year": 2022, "officials": ["Nguyễn Văn Thi"]}).date
    '2022'
    """
    fields = {f.name for f in dataclasses.fields(ArticleMeta)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ValueError(
            f"Trường không hợp lệ (unknown field): {', '.join(unknown)}; "
            f"các trường hợp lệ: {', '.join(sorted(fields))}"
        )
    changes = {key: _override_value(key, value) for key, value in overrides.items()}
    date, year = changes.get("date", meta.date), changes.get("year", meta.year)
    if "date" in changes and "year" not in changes:
        year = int(date[:4]) if isinstance(date, str) else None
    elif "year" in changes and "date" not in changes and isinstance(date, str) \
            and date[:4] != str(year):
        date = _iso(year) if isinstance(year, int) and year > 0 else None
    elif isinstance(date, str) and date[:4] != str(year):
        raise ValueError(f"date {date!r} và year {year!r} không khớp nhau (inconsistent)")
    if isinstance(date, str) and not _valid_iso(date):
        raise ValueError(f"date: {date!r} không phải một ngày có thật")
    changes.update(date=date, year=year)
    return dataclasses.replace(meta, **changes)  # type: ignore[arg-type]


def _valid_iso(date: str) -> bool:
    parts = [int(p) for p in date.split("-")]
    return _iso(*parts) == date
