"""Marking query words in the original text, and choosing the best passages.

The syllables of a stored text are found again as the index found them
(:func:`antqsearch.text.iter_syllables`: runs of letters and digits), so the marks fall on
the original characters; pyvi never runs here. Everything outside ``<mark>`` is HTML-escaped.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from html import escape

import numpy as np

from .settings import STORED_CACHE
from .text import fold_diacritics, index_term, iter_syllables, joined

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
    def skeletons(self) -> frozenset[str] | None:
        """The marked syllables folded (what :func:`_folded` gives for them), or None when
        one is not plain ASCII letters and digits (then every syllable is keyed)."""
        folded = frozenset(fold_diacritics(k) for k in self.terms)
        return folded if all(k.isascii() and k.isalnum() for k in folded) else None


@lru_cache(maxsize=65536)
def _match_key(syllable: str, folded: bool) -> str:
    """A syllable's matching form (cached: a hit's text repeats its syllables)."""
    term = index_term(syllable)
    return fold_diacritics(term) if folded else term


# The fold table covers the Basic Multilingual Plane: no character past it folds to ASCII.
_TABLE_SIZE = 0x10000


@cache
def _fold_table() -> np.ndarray:
    """Code point → the ASCII letter or digit it folds to in lower case; 1 for any other
    letter or digit, 0 for the rest (not part of a syllable). Over the Basic Multilingual
    Plane; made once (50 ms)."""
    table = np.zeros(_TABLE_SIZE, dtype=np.uint8)
    for code in range(_TABLE_SIZE):
        char = chr(code)
        if char.isalnum():
            folded = fold_diacritics(char.lower())
            table[code] = ord(folded) if len(folded) == 1 and folded.isascii() else 1
    return table


@lru_cache(maxsize=STORED_CACHE.default)
def _folded(text: str) -> str:
    """The text folded and in lower case between two NULs, one character for each of the
    text's: a syllable's characters are what :func:`fold_diacritics` gives for its matching
    form; NUL stands for what is not part of a syllable. (``str.translate`` took five
    times as long.) Kept for as many texts as the index keeps decoded articles: an
    article's text is then the same string each time, its hash computed once."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flat = _fold_table()[np.minimum(codes, _TABLE_SIZE - 1)]
    # Past the table no character folds to ASCII (tests/test_snippets.py): a letter there is
    # "another letter", anything else (an emoji) is not part of a syllable.
    for position in np.flatnonzero(codes >= _TABLE_SIZE):
        flat[position] = 1 if text[position].isalnum() else 0
    return f"\0{flat.tobytes().decode('ascii')}\0"


def _candidates(text: str, marks: Marks) -> list[tuple[int, int, str]]:
    """(start, end, key) of the syllables whose key is a marked syllable's, in text order.

    Each marked syllable's folded form is looked for, standing alone, in the folded text;
    what is found is keyed as the index keys it (when the marks are folded, the folded
    form is the key). Without folded forms, every syllable is keyed."""
    wanted, folded = marks.terms, marks.folded
    if marks.skeletons is None:
        return [(s.start, s.end, key) for s in iter_syllables(text)
                if (key := _match_key(s.text, folded)) in wanted]
    flat, found = _folded(text), []
    for skeleton in marks.skeletons:
        alone, size = f"\0{skeleton}\0", len(skeleton)
        at = flat.find(alone)
        while at >= 0:  # ``flat`` starts with an added NUL: ``at`` is the syllable's start
            key = skeleton if folded else _match_key(text[at : at + size], False)
            if key in wanted:
                found.append((at, at + size, key))
            at = flat.find(alone, at + size + 1)
    found.sort()
    return found


@dataclass(frozen=True)
class Span:
    """A marked run of characters, and the distinct terms it covers."""

    start: int
    end: int
    terms: frozenset[str]


def _adjacent(text: str, found: list[tuple[int, int, str]], i: int, length: int) -> bool:
    return all(joined(text[found[j][1] : found[j + 1][0]]) for j in range(i, i + length - 1))


def _marked(text: str, found: list[tuple[int, int, str]], marks: Marks) -> list[bool]:
    keys = [key for _, _, key in found]
    marked = [k in marks.singles for k in keys]
    if not marks.phrases:
        return marked
    positions: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        positions.setdefault(k, []).append(i)
    for phrase in marks.phrases:
        for i in positions.get(phrase[0], ()):
            n = len(phrase)
            if tuple(keys[i : i + n]) == phrase and _adjacent(text, found, i, n):
                marked[i : i + n] = [True] * n
    return marked


def match_spans(text: str, marks: Marks) -> list[Span]:
    """Spans of the text to mark; marked neighbours separated by spaces merge."""
    if not marks:
        return []
    # Only the syllables that are query words. A phrase still needs its words side by
    # side: a word left out between two of them leaves letters in their gap, which is
    # then not ``joined``.
    found = _candidates(text, marks)
    spans: list[Span] = []
    for (start, end, key), marked in zip(found, _marked(text, found, marks), strict=True):
        if not marked:
            continue
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
    if last - first == 1:  # the commonest case: one span, no set to make
        distinct = longest = len(spans[first].terms)
    else:
        inside = spans[first:last]
        distinct = len(frozenset().union(*(s.terms for s in inside))) if inside else 0
        longest = max((len(s.terms) for s in inside), default=0)
    prose = PROSE_BONUS if is_prose(text, *_line(text, start)) else 0
    return (distinct * 4 + longest * 3 + last - first + prose, -start)


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
