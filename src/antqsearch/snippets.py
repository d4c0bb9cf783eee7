"""Marking query words in the original text, and choosing the best passages.

The syllables of a stored text are found again with the same regular expression that the
index used (:func:`antqsearch.text.iter_syllables`), so the marks fall on the original
characters; pyvi never runs here. Everything outside ``<mark>`` is HTML-escaped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from html import escape

from .text import fold_diacritics, index_term, joined

SNIPPET_CHARS = 260
CONTEXT_BEFORE = 70
# A paragraph shorter than this is a caption, subhead or byline, not running text.
PROSE_CHARS = 160
# What a window in running text counts over one in a caption (about one more query word).
PROSE_BONUS = 5


@dataclass(frozen=True)
class Marks:
    """What to mark: syllable sequences (marked only when adjacent in the text) and syllables
    that may be marked alone, in matching form (folded when ``folded``)."""

    phrases: frozenset[tuple[str, ...]] = frozenset()
    singles: frozenset[str] = frozenset()
    folded: bool = False

    def key(self, syllable: str) -> str:
        return _match_key(syllable, self.folded)

    def __bool__(self) -> bool:
        return bool(self.phrases or self.singles)

    @cached_property
    def terms(self) -> frozenset[str]:
        """Every syllable that may be marked, alone or in a phrase."""
        return frozenset(self.singles) | {k for phrase in self.phrases for k in phrase}

    @cached_property
    def initials(self) -> frozenset[str]:
        """First letters (folded, lower case) of every marked syllable: a cheap pre-filter."""
        return frozenset(_initial(k[0]) for k in self.terms if k)


@lru_cache(maxsize=65536)
def _match_key(syllable: str, folded: bool) -> str:
    """A syllable's matching form (cached: a hit's text repeats its syllables)."""
    term = index_term(syllable)
    return fold_diacritics(term) if folded else term


def _initial(char: str) -> str:
    return fold_diacritics(char).lower()


@cache
def _letters_by_initial() -> Mapping[str, str]:
    """Every letter and digit a syllable can start with, escaped for a character class,
    by the initial it folds to (computed once: 8,000 characters folded took 20 ms, for
    every new query)."""
    groups: dict[str, list[str]] = {}
    for char in map(chr, range(0x30, 0x2000)):
        if char.isalnum():
            groups.setdefault(_initial(char), []).append(re.escape(char))
    return {initial: "".join(chars) for initial, chars in groups.items()}


@lru_cache(maxsize=256)
def _candidate_pattern(initials: frozenset[str]) -> re.Pattern[str]:
    """Syllables (as text.iter_syllables finds them) whose first letter folds to an initial.

    The letter comes first and the look-behind (no letter before it) second: a pattern that
    starts with a character set lets the regular expression engine skip ahead to the next
    such letter (a third to a half less time over a news article's body)."""
    letters = _letters_by_initial()
    wanted = "".join(letters.get(initial, "") for initial in sorted(initials))
    return re.compile(f"[{wanted}](?<![^\\W_]{{2}})[^\\W_]*" if wanted else "(?!x)x")


@dataclass(frozen=True)
class Span:
    """A marked run of characters, and the distinct terms it covers."""

    start: int
    end: int
    terms: frozenset[str]


def _adjacent(text: str, syllables: list[re.Match[str]], i: int, length: int) -> bool:
    return all(joined(text[syllables[j].end() : syllables[j + 1].start()])
               for j in range(i, i + length - 1))


def _marked(text: str, syllables: list[re.Match[str]], keys: list[str],
            marks: Marks) -> list[bool]:
    marked = [k in marks.singles for k in keys]
    if not marks.phrases:
        return marked
    positions: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        positions.setdefault(k, []).append(i)
    for phrase in marks.phrases:
        for i in positions.get(phrase[0], ()):
            n = len(phrase)
            if tuple(keys[i : i + n]) == phrase and _adjacent(text, syllables, i, n):
                marked[i : i + n] = [True] * n
    return marked


def match_spans(text: str, marks: Marks) -> list[Span]:
    """Spans of the text to mark; marked neighbours separated by spaces merge."""
    if not marks:
        return []
    folded, wanted = marks.folded, marks.terms
    # Only the candidates that are query words (match objects: no Syllable per candidate).
    # A phrase still needs its words side by side: a word left out between two candidates
    # leaves letters in their gap, which is then not ``joined``.
    syllables, keys = [], []
    for match in _candidate_pattern(marks.initials).finditer(text):
        key = _match_key(match.group(), folded)
        if key in wanted:
            syllables.append(match)
            keys.append(key)
    spans: list[Span] = []
    flags = _marked(text, syllables, keys, marks)
    for syllable, key, marked in zip(syllables, keys, flags, strict=True):
        if not marked:
            continue
        start, end = syllable.span()
        last = spans[-1] if spans else None
        if last and text[last.end : start].isspace():
            spans[-1] = Span(last.start, end, last.terms | {key})
        else:
            spans.append(Span(start, end, frozenset({key})))
    return spans


def mark_html(text: str, spans: Iterable[Span], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with ``<mark>`` around the spans inside it."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for span in spans:
        if span.end <= start or span.start >= end:
            continue
        s, e = max(span.start, start), min(span.end, end)
        out.append(escape(text[cursor:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _line(text: str, position: int) -> tuple[int, int]:
    """Start and end of the line (paragraph) around a position."""
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, len(text) if end < 0 else end


def is_prose(text: str, start: int, end: int) -> bool:
    """A paragraph of running text, not a caption, subhead, byline or dateline: captions
    and subheads are one short line, bylines ("Bài và ảnh: Văn Thi") shorter still."""
    return end - start >= PROSE_CHARS


def _window(text: str, anchor: int) -> tuple[int, int]:
    """A window of about SNIPPET_CHARS around an anchor inside its paragraph, cut at spaces
    (a snippet never runs a caption or byline into the next paragraph)."""
    line_start, line_end = _line(text, anchor)
    start = max(line_start, anchor - CONTEXT_BEFORE)
    if start > line_start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < anchor else start
    end = min(line_end, start + SNIPPET_CHARS)
    if end < line_end:
        space = text.rfind(" ", start, end)
        end = space if space > anchor else end
    return start, end


def _after_lead(text: str, lead: int) -> tuple[int, int]:
    """A window that starts after the lead sentence, inside its paragraph, cut at a space."""
    start = lead + len(text[lead:]) - len(text[lead:].lstrip())
    line_end = _line(text, start)[1]
    end = min(line_end, start + SNIPPET_CHARS)
    if end < line_end:
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def _window_score(text: str, spans: list[Span], starts: list[int], start: int,
                  end: int) -> tuple[int, int]:
    """A window's score: distinct query words in it, its longest phrase, its marks, and
    whether it is running text. ``starts``: the spans' starts (the spans are in order and
    do not overlap, so those inside the window are a run of them)."""
    first = last = bisect_left(starts, start)
    while last < len(spans) and spans[last].end <= end:
        last += 1
    inside = spans[first:last]
    distinct = frozenset().union(*(s.terms for s in inside)) if inside else frozenset()
    longest = max((len(s.terms) for s in inside), default=0)
    prose = PROSE_BONUS if is_prose(text, *_line(text, start)) else 0
    return (len(distinct) * 4 + longest * 3 + len(inside) + prose, -start)


def _opening(text: str) -> int:
    """Where the first paragraph of running text starts (0 when there is none)."""
    position = 0
    while position < len(text):
        start, end = _line(text, position)
        if is_prose(text, start, end):
            return start
        position = end + 1
    return 0


def snippet_html(text: str, spans: list[Span], lead: int = 0) -> str:
    """The best passage of the text with its matches marked (the opening when none).

    ``lead``: the length of a lead sentence shown as the title (an article without a
    headline); the passage starts after it.
    """
    anchors = [s for s in spans if s.start >= lead]
    after_lead = _after_lead(text, lead) if lead else None
    if not anchors:
        start, end = after_lead or _window(text, _opening(text))
    else:
        windows = [_window(text, s.start) for s in anchors[:200]]
        starts = [s.start for s in spans]
        start, end = max(windows, key=lambda w: _window_score(text, spans, starts, *w))
        if after_lead and start < lead:
            start, end = after_lead
    line_start, line_end = _line(text, start)
    body = mark_html(text, spans, start, end)
    opening = after_lead[0] if after_lead else line_start
    prefix = "… " if start > max(line_start, opening) else ""
    suffix = " …" if end < line_end else ""
    return f"{prefix}{body.strip()}{suffix}"
