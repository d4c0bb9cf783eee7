"""Article metadata: title, body, date, place, officials and author, from the text alone.

Extraction is heuristic and never raises; the Vietnamese word lists it relies on (titles of
officials, surnames, junk lines of news sites) live in ``data/``. An operator corrects any
field with :func:`antqsearch.overrides.apply_overrides`.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from functools import cache

from antqsearch.datafiles import data_lines
from antqsearch.dates import (
    OPENING_CHARS,
    day_in_month,
    impossible_opening_date,
    iso,
    opening_date,
    plausible,
)
from antqsearch.laterdates import later_evidence_year
from antqsearch.merger import places_at
from antqsearch.officials import officials_by_role


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
    warnings: tuple[str, ...] = ()  # metadata dropped as impossible: "dòng 3: …"
    province_2025: str | None = None  # the province since 1 July 2025 (design §4)
    province_legacy: str | None = None  # the province before 1 July 2025, when known
    officials_at_event: tuple[str, ...] = ()  # the officials taking part (the facet's)
    lead_chars: int = 0  # > 0: no headline; the title is the body's lead sentence, this long


_TITLE_MAX = 120
_SHORT_LINE = 100  # date lines and site junk lines are short
_MARKER_RE = re.compile(r"^\s*date\s+(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?![\d-])\s*", re.IGNORECASE)
# A "date" line that is not a marker: "date 2023-13-45", "date: 20/3/0218", "date hôm qua".
_BROKEN_MARKER_RE = re.compile(r"^\s*date\b\s*:?\s*(\S+)\s*", re.IGNORECASE)
_DATE = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
_TIME = r"\d{1,2}\s*[:h]\s*\d{2}(?:\s*(?:AM|PM|SA|CH))?"
_DATE_LINE_RE = re.compile(
    rf"^\s*(?:(?:cập nhật|ngày đăng|đăng ngày|đăng lúc|lúc)\s*:?\s*)?"
    rf"(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?(?:ngày\s+)?(?P<t1>{_TIME}\s*[-,|]?\s*)?{_DATE}"
    rf"(?P<t2>\s*[-,|]?\s*{_TIME})?\s*(?:\(?\s*GMT\s*[+-]\s*\d+\s*\)?)?\s*$",
    re.IGNORECASE,
)
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
    marker: _Marker | None
    datelines: tuple[tuple[int, re.Match[str]], ...]  # (line number, match)
    warnings: tuple[str, ...] = ()
    lead: int = 0  # without a headline: where the lead sentence used as the title ends


_Marker = tuple[int, int, int | None]


def _split_tail(lines: list[str]) -> list[str]:
    """Drop the page's tail ("CÁC BÀI VIẾT KHÁC:" and what follows)."""
    tail = _line_patterns("meta_tail_markers.txt", whole_line=False)
    for index, line in enumerate(lines):
        if index > 0 and tail.match(line):
            return lines[:index]
    return lines


def _marker(
    line: str, number: int, today: datetime.date
) -> tuple[_Marker | None, str, str | None]:
    """A leading "date 2023-08" marker of the line, the rest of the line, and a warning when
    the line starts with a "date" that is not a real date (dropped, never the article)."""
    match = _MARKER_RE.match(line)
    if match:
        year, month, day = match.groups()
        found = (int(year), int(month), int(day) if day else None)
        if plausible(iso(*found), today):
            return found, line[match.end() :], None
        value, rest = match.group().strip(), line[match.end() :]
    else:
        broken = _BROKEN_MARKER_RE.match(line)
        if not broken or not any(c.isdigit() for c in broken.group(1)):
            return None, line, None
        value, rest = broken.group().strip(), line[broken.end() :]
    return None, rest, f"dòng {number}: dòng ngày {value!r} không phải một ngày có thật, bỏ qua"


def _is_paragraph(line: str) -> bool:
    """A first line that reads as body text rather than as a headline."""
    text = line.strip()
    return (
        len(text) > 250
        or len(_sentences(text, limit=2)) > 1
        or (text.endswith(".") and len(text) > 150)
    )


def _layout(text: str, today: datetime.date) -> _Layout:
    """Find the headline, the date lines and the body of an article."""
    junk = _line_patterns("meta_junk_lines.txt", whole_line=True)
    kept: list[str] = []
    title_index: int | None = None
    marker = None
    warnings: list[str] = []
    before: list[tuple[int, re.Match[str]]] = []
    after: list[tuple[int, re.Match[str]]] = []
    for number, raw in enumerate(_split_tail(text.split("\n")), start=1):
        found, line, warning = (
            _marker(raw, number, today) if title_index is None else (None, raw, None)
        )
        marker = marker or found
        warnings += [warning] if warning else []
        date_line = _DATE_LINE_RE.match(line) if len(line) <= _SHORT_LINE else None
        if date_line:
            (before if title_index is None else after).append((number, date_line))
        elif not (len(line) <= _SHORT_LINE and junk.match(line)) and (
            line.strip() or not (found or warning)
        ):
            if title_index is None and line.strip():
                title_index = len(kept)
            kept.append(line)
    stamped = [m for m in before if m[1].group("t1") or m[1].group("t2")]  # a banner: no time
    layout = _assemble(kept, title_index, marker, tuple(after or stamped[:1]))
    return dataclasses.replace(layout, warnings=tuple(warnings))


def _assemble(
    kept: list[str],
    title_index: int | None,
    marker: _Marker | None,
    datelines: tuple[tuple[int, re.Match[str]], ...],
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
    lead = 0 if head else _lead_end(body)
    return _Layout(title, body, f"{head}\n{body}" if head else body, marker, datelines,
                   lead=lead)


def _lead_end(body: str) -> int:
    """Where the body's first sentence (the title of an article without a headline) ends.

    >>> _lead_end("Thời gian qua, xã Kim Quan làm tốt. Phong trào phát triển.")
    35
    """
    sentences = _sentences(body.split("\n", 1)[0], limit=1)
    return len(sentences[0]) if sentences else 0


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


def _dateline_date(layout: _Layout, today: datetime.date) -> tuple[str | None, list[str]]:
    """The first dateline that is a real date; a warning for each one that is not."""
    warnings: list[str] = []
    for number, line in layout.datelines:
        date = iso(int(line["y"]), int(line["m"]), int(line["d"]))
        if plausible(date, today):
            return date, warnings
        value = line.group().strip()
        warnings.append(f"dòng {number}: ngày {value!r} không phải một ngày có thật, bỏ qua")
    return None, warnings


def _article_date(layout: _Layout, today: datetime.date) -> tuple[str | None, list[str]]:
    """The article's own date (dateline, "date" marker, event date in the opening with the
    year of its context, or that year alone), and warnings for dates dropped as impossible."""
    date, warnings = _dateline_date(layout, today)
    if date:
        return date, warnings
    text = layout.source  # the headline, if there is one, and the body
    if layout.marker:
        year, month, day = layout.marker
        return iso(year, month, day or day_in_month(text, year, month)) or iso(year), warnings
    opening_end = len(layout.source) - len(layout.body) + OPENING_CHARS
    impossible = impossible_opening_date(text, opening_end, today)
    if impossible:
        line = layout.source.count("\n", 0, max(0, layout.source.find(impossible))) + 1
        warnings.append(f"đoạn đầu, dòng {line}: ngày {impossible!r} không phải một ngày có "
                        "thật, bỏ qua")
    body_start = len(layout.source) - len(layout.body)
    date = opening_date(text, opening_end, today, body_start, layout.lead)
    if date is None:
        later = later_evidence_year(text, today)
        date = iso(later) if later else None
    return date, warnings


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


def extract_metadata(text: str, today: datetime.date | None = None) -> ArticleMeta:
    """Every metadata field of an article (text already normalised by ``normalize_text``);
    no date after ``today``'s year (the clock's date when not given)."""
    today = today or datetime.date.today()
    layout = _layout(text, today)
    try:
        date, warnings = _article_date(layout, today)
    except ValueError as exc:  # a date form no rule foresaw: it costs the date, not the article
        date, warnings = None, [f"không đọc được ngày của bài ({exc}), bỏ qua ngày"]
    places = places_at(layout.source, date)
    at_event, mentioned = officials_by_role(layout.source)
    place = places.place
    return ArticleMeta(
        title=layout.title,
        body=layout.body,
        date=date,
        year=int(date[:4]) if date else None,
        province=place.province if place else None,
        district=place.district if place else None,
        ward=place.ward if place else None,
        officials=at_event + mentioned,
        officials_at_event=at_event,
        lead_chars=layout.lead,
        author=find_author(layout.body),
        warnings=layout.warnings + tuple(warnings),
        province_2025=places.province_2025,
        province_legacy=places.province_legacy,
    )
