"""Officials named in an article: people introduced with an official title.

"Phó Chủ tịch Thường trực UBND tỉnh Nguyễn Văn Thi", "Đại tá Phạm Hoàng Điệp, Phó Giám đốc
Công an tỉnh", "đồng chí Lê Anh Xuân, Bí thư Thành ủy": titles, organisation words,
surnames and excluded names (historical figures) live in ``data/official_*.txt``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache

from antqsearch.datafiles import data_lines
from antqsearch.gazetteer import is_place_name, place_key
from antqsearch.text import capital_runs, normalize_tone, phrase_pattern

_WORD_RE = re.compile(r"[^\W_][\w'’]*|[^\w\s]")
# After these words a capitalised run is a street or hamlet, not a person: "đường Lê Lợi".
_STREET_WORDS = frozenset({"đường", "thôn", "bản", "ấp", "làng", "xóm", "khu", "ngõ", "hẻm"})


_LETTER_RUNS_RE = re.compile(r"([^\W\d_]+)")


def matching_form(text: str) -> str:
    """The text with one tone convention, same length, so offsets carry over.

    >>> matching_form("Uỷ viên, Thanh Hoà")
    'Ủy viên, Thanh Hòa'
    """
    # Split, not re.sub with a callback: a Python call per word was a quarter of the
    # metadata's time; the words (odd items) go through a cache in one map.
    parts = _LETTER_RUNS_RE.split(unicodedata.normalize("NFC", text))
    parts[1::2] = map(_retoned, parts[1::2])
    return "".join(parts)


@lru_cache(maxsize=1 << 14)
def _retoned(word: str) -> str:
    toned = normalize_tone(word)
    return toned if len(toned) == len(word) else word


@cache
def _title_re() -> re.Pattern[str]:
    body = phrase_pattern(matching_form(t) for t in data_lines("official_titles.txt"))
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


@cache
def _word_set(name: str) -> frozenset[str]:
    return frozenset(place_key(line) for line in data_lines(name))


def _words(text: str, start: int, stop: int) -> Iterator[re.Match[str]]:
    return _WORD_RE.finditer(text, start, stop)


def _capital(word: str) -> bool:
    return word[:1].isupper()


def _is_person(words: list[str], followed_by_punct: bool) -> bool:
    """A Vietnamese full name: 2-4 capitalised words starting with a surname, not a place."""
    if not 2 <= len(words) <= 4 or (len(words) == 2 and not followed_by_punct):
        return False
    if any(not _capital(w) or (w[1:] != w[1:].lower() and "'" not in w) for w in words):
        return False
    name = " ".join(words)
    return (
        place_key(words[0]) in _word_set("official_surnames.txt")
        and place_key(name) not in _word_set("official_excluded_names.txt")
        and not is_place_name(name)
    )


def _capital_run(form: str, match: re.Match[str]) -> list[re.Match[str]]:
    """The capitalised words that start at this word, separated by single spaces."""
    run = [match]
    for word in _words(form, match.end(), min(len(form), match.end() + 80)):
        if form[run[-1].end() : word.start()] != " " or not _capital(word.group()):
            break
        run.append(word)
        if len(run) > 6:
            break
    return run


def _person_in_run(
    form: str, run: list[re.Match[str]], after_street: bool
) -> tuple[int, int] | None:
    """A person's name in a run of capitalised words, after any place name that leads it."""
    if after_street:
        return None
    words = [w.group() for w in run]
    punct = form[run[-1].end() : run[-1].end() + 1] in ("", ",", ";", ".", ")", ":", "\n")
    skip = 1 if place_key(words[0]) == "tp" else 0
    for cut in range(skip + 2, len(words) - 1):  # place names have two words or more
        if is_place_name(" ".join(words[skip:cut])) and _is_person(words[cut:], punct):
            return run[cut].start(), run[-1].end()
    skip = _courtesy_words(words)
    return (run[skip].start(), run[-1].end()) if _is_person(words[skip:], punct) else None


def _courtesy_words(words: list[str]) -> int:
    """How many leading words are a courtesy word ("Ông", "Bà", "Đồng chí"), not the name."""
    courtesy = _word_set("official_courtesy_words.txt")
    for size in (2, 1):
        if len(words) > size + 1 and place_key(" ".join(words[:size])) in courtesy:
            return size
    return 0


def _name_after_title(form: str, pos: int) -> tuple[int, int] | None:
    """The name that follows a title across organisation words: "UBND tỉnh Nguyễn Văn Thi"."""
    org_words = _word_set("official_org_words.txt")
    previous, skip_to, seen = "", pos, 0
    for word in _words(form, pos, min(len(form), pos + 160)):
        if word.start() < skip_to:
            continue
        seen += 1
        text = word.group()
        if seen > 14 or not (_capital(text) or text == ":" or place_key(text) in org_words
                             or place_key(text) in _word_set("official_courtesy_words.txt")):
            return None
        if _capital(text):
            run = _capital_run(form, word)
            span = _person_in_run(form, run, previous in _STREET_WORDS)
            if span:
                return span
            skip_to, text = run[-1].end(), run[-1].group()
        previous = place_key(text)
    return None


def _capital_runs(form: str) -> Iterator[list[re.Match[str]]]:
    """Maximal runs of capitalised words separated by single spaces."""
    return capital_runs(form, _WORD_RE, (" ",))


_TITLE_AFTER_RE = re.compile(r"\s*[,–-]\s*")


def _title_name_spans(form: str) -> Iterator[tuple[int, int]]:
    """Names after a title ("Đại tá Phạm Hoàng Điệp") and before one ("Lê Anh Xuân, Bí thư")."""
    title_re = _title_re()
    for title in title_re.finditer(form):
        found = _name_after_title(form, title.end())
        if found:
            yield found
    for run in _capital_runs(form):
        gap = _TITLE_AFTER_RE.match(form, run[-1].end())
        if gap and title_re.match(form, gap.end()):
            span = _person_in_run(form, run, after_street=False)
            if span:
                yield span


def find_officials(text: str) -> tuple[str, ...]:
    """Full names of people named with an official title: those taking part in the event
    first, then those only quoted or mentioned; each group in order of first mention.

    >>> find_officials("Dự có đồng chí Nguyễn Văn Thi, Phó Chủ tịch UBND tỉnh; "
    ...                "Đại tá Lê Quý Thường, Phó Giám đốc Công an tỉnh Hải Dương.")
    ('Nguyễn Văn Thi', 'Lê Quý Thường')
    """
    return sum(officials_by_role(text), ())


def officials_by_role(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(Officials taking part in the event, officials only quoted or mentioned).

    An official takes part when a sentence that names them says so ("dự", "phát biểu",
    "trao tặng", …: ``data/official_event_words.txt``).

    >>> officials_by_role("Thực hiện chỉ thị của Thủ tướng Nguyễn Xuân Phúc, xã tổ chức "
    ...                   "ngày hội. Đại tá Lê Quý Thường, Phó Giám đốc Công an tỉnh dự.")
    (('Lê Quý Thường',), ('Nguyễn Xuân Phúc',))
    """
    form = matching_form(text)
    seen: dict[str, str] = {}
    spans: dict[str, list[int]] = {}
    for start, end in sorted(_title_name_spans(form)):
        key = place_key(form[start:end])
        seen.setdefault(key, text[start:end])
        spans.setdefault(key, []).append(start)
    event_re = _event_re()
    at_event = {key for key, starts in spans.items()
                if any(event_re.search(_sentence_at(form, start)) for start in starts)}
    return (tuple(name for key, name in seen.items() if key in at_event),
            tuple(name for key, name in seen.items() if key not in at_event))


_SENTENCE_EDGE_RE = re.compile(r"[.!?\n]")


def _sentence_at(form: str, pos: int) -> str:
    """The sentence around a position."""
    start = pos
    while start > 0 and not _SENTENCE_EDGE_RE.match(form, start - 1):
        start -= 1
    end = _SENTENCE_EDGE_RE.search(form, pos)
    return form[start : end.start() if end else len(form)]


@cache
def _event_re() -> re.Pattern[str]:
    words = sorted({matching_form(w) for w in data_lines("official_event_words.txt")}, key=len)
    body = "|".join(r"\s+".join(map(re.escape, w.split())) for w in reversed(words))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
