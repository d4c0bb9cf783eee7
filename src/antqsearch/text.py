"""Pure functions over Vietnamese text: normalisation, tone convention, folding, syllables.

Everything here is standard library only and free of side effects, so that the indexer,
the query analyser and the snippet builder share one definition of a "syllable".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

# Zero-width and formatting characters that split words invisibly.
# (str.replace, not str.translate: translate looks every character up, 100 times slower.)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ETH_FIXES = {"\u00d0": "\u0110", "\u00f0": "\u0111"}  # Ð ð → Đ đ
_SYLLABLE_RE = re.compile(r"[^\W_]+")

# Combining marks of the five Vietnamese tones (grave, acute, hook, tilde, dot below).
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"
# Vowels whose shape carries a mark that is not a tone (ă â ê ô ơ ư).
_MARKED_VOWELS = set("ăâêôơư")
_VOWELS = set("aăâeêioôơuưy")


def normalize_text(raw: str) -> str:
    """Normalise text once at read time: NFC, Ð→Đ, no zero-width characters, LF newlines.

    >>> normalize_text("Ho\\u0300a\\r\\nÐà\\u200bNẵng")
    'Hòa\\nĐàNẵng'
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    for char in _INVISIBLE:
        if char in text:
            text = text.replace(char, "")
    for char, fixed in _ETH_FIXES.items():
        if char in text:
            text = text.replace(char, fixed)
    return unicodedata.normalize("NFC", text)


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (including đ).

    >>> has_diacritics("thanh hoa"), has_diacritics("Thanh Hóa"), has_diacritics("đi")
    (False, True, True)
    """
    return fold_diacritics(text) != text


@lru_cache(maxsize=65536)
def fold_diacritics(text: str) -> str:
    """Remove every diacritic; đ→d, Đ→D.

    >>> fold_diacritics("Đỗ Trọng Hưng")
    'Do Trong Hung'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def _split_tone(syllable: str) -> tuple[str, str]:
    """Split an NFC syllable into (syllable without tone mark, tone mark or '')."""
    tone = ""
    kept = []
    for char in unicodedata.normalize("NFD", syllable):
        if char in _TONE_MARKS:
            tone = char
        else:
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _tone_position(base: str) -> int | None:
    """Index of the vowel that carries the tone, in the traditional convention."""
    lower = base.lower()
    start = 0
    if lower.startswith("qu") or (
        lower.startswith("gi") and len(lower) > 2 and lower[2] in _VOWELS
    ):
        start = 2
    vowels = [i for i in range(start, len(lower)) if lower[i] in _VOWELS]
    if not vowels:
        vowels = [i for i in range(len(lower)) if lower[i] in _VOWELS]
    if not vowels:
        return None
    marked = [i for i in vowels if lower[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if len(vowels) == 1 or vowels[-1] + 1 < len(lower):
        return vowels[-1]
    return vowels[-2]


@lru_cache(maxsize=1 << 13)
def normalize_tone(syllable: str) -> str:
    """Place the tone mark by one convention, so that old and new spellings match.

    >>> normalize_tone("hoà"), normalize_tone("thuỷ"), normalize_tone("Uỷ"), normalize_tone("quý")
    ('hòa', 'thủy', 'Ủy', 'quý')
    """
    base, tone = _split_tone(syllable)
    if not tone:
        return base
    position = _tone_position(base)
    if position is None:
        return unicodedata.normalize("NFC", syllable)
    marked = base[: position + 1] + tone + base[position + 1 :]
    return unicodedata.normalize("NFC", marked)


@lru_cache(maxsize=1 << 15)
def index_term(syllable: str) -> str:
    """The matching form of a syllable: lower case, NFC, one tone convention.

    >>> index_term("HOÀ"), index_term("Thuỷ")
    ('hòa', 'thủy')
    """
    return normalize_tone(unicodedata.normalize("NFC", syllable.lower()))


@dataclass(frozen=True)
class Syllable:
    """One syllable of a text: its original characters and where they stand."""

    text: str
    start: int
    end: int


def iter_syllables(text: str) -> Iterator[Syllable]:
    """Yield the syllables (runs of letters and digits) of a text with character offsets.

    >>> [(s.text, s.start, s.end) for s in iter_syllables("An ninh, ANTQ-2023")]
    [('An', 0, 2), ('ninh', 3, 7), ('ANTQ', 9, 13), ('2023', 14, 18)]
    """
    for match in _SYLLABLE_RE.finditer(text):
        yield Syllable(match.group(), match.start(), match.end())


def syllable_terms(text: str) -> list[str]:
    """The matching forms of every syllable of a text.

    >>> syllable_terms("Thanh Hoá, Thuỷ")
    ['thanh', 'hóa', 'thủy']
    """
    return [index_term(m.group()) for m in _SYLLABLE_RE.finditer(text)]


def joined(gap: str) -> bool:
    """True when two syllables separated by ``gap`` stand side by side in one line.

    >>> joined(" "), joined(", "), joined(chr(10)), joined("")
    (True, False, False, False)
    """
    return bool(gap) and gap.isspace() and "\n" not in gap


def terms_and_joins(text: str) -> tuple[list[str], list[int]]:
    """The matching forms of a text's syllables, and the indexes ``i`` where syllable
    ``i`` stands right after syllable ``i - 1`` on the same line (one fast pass).

    >>> terms_and_joins("An ninh, trật tự" + chr(10) + "Xã")
    (['an', 'ninh', 'trật', 'tự', 'xã'], [1, 3])
    """
    terms: list[str] = []
    joins: list[int] = []
    previous_end = -1
    for match in _SYLLABLE_RE.finditer(text):
        start = match.start()
        if terms and (text[previous_end:start] == " " or joined(text[previous_end:start])):
            joins.append(len(terms))
        terms.append(index_term(match.group()))
        previous_end = match.end()
    return terms, joins


def pair_term(first: str, second: str, folded: bool = False) -> str:
    """The index term of two adjacent syllables."""
    pair = f"{index_term(first)} {index_term(second)}"
    return fold_diacritics(pair) if folded else pair


@cache
def _capital_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A capitalised word (not the tail of a word), and what that pattern cannot judge:
    a capital right after ``_ ' ’`` (it may start a word), a character beyond the BMP (the
    capitals class is BMP-only: sre looks those up in a table, astral ones in a list)."""
    capitals = "".join(re.escape(chr(c)) for c in range(0x10000) if chr(c).isupper())
    return (re.compile(rf"[{capitals}](?<![\w'’].)[\w'’]*"),
            re.compile(rf"[_'’][{capitals}]|[\U00010000-\U0010ffff]"))


def capital_words(text: str, words: re.Pattern[str]) -> list[re.Match[str]]:
    r"""The words that ``words.finditer`` finds in ``text`` and that start with a capital,
    for a ``words`` pattern whose words are ``[^\W_][\w'’]*`` (one regex pass when it can).

    >>> [m.group() for m in capital_words("Ông Nguyễn văn AnH, xãB", re.compile(r"[^\W_]\w*"))]
    ['Ông', 'Nguyễn', 'AnH']
    """
    capitalised, unsure = _capital_patterns()
    if unsure.search(text) is None:
        return list(capitalised.finditer(text))
    return [m for m in words.finditer(text) if m.group()[0].isupper()]


def capital_runs(
    text: str, words: re.Pattern[str], gaps: tuple[str, ...]
) -> Iterator[list[re.Match[str]]]:
    r"""Maximal runs of capitalised words (see :func:`capital_words`) separated by one of
    ``gaps``.

    >>> [[m.group() for m in run] for run in capital_runs(
    ...     "Ông Lê Văn Dũng, TP Hà Nội", re.compile(r"[^\W_]\w*"), (" ",))]
    [['Ông', 'Lê', 'Văn', 'Dũng'], ['TP', 'Hà', 'Nội']]
    """
    run: list[re.Match[str]] = []
    for word in capital_words(text, words):
        if run and text[run[-1].end() : word.start()] in gaps:
            run.append(word)
            continue
        if run:
            yield run
        run = [word]
    if run:
        yield run


def phrase_pattern(phrases: Iterable[str], fold_case: bool = True) -> str:
    r"""A regular expression (no flags) for any of ``phrases``, words apart by any space,
    the longest one where several match at one place: the phrases as a tree of words, so
    that the engine tries one branch per word (a flat alternation tries every phrase at
    every position of a text).

    >>> phrase_pattern(["Phó Chủ tịch", "Chủ tịch", "Phó Chủ tịch nước", "Bí thư"])
    '(?:bí\\s+thư|chủ\\s+tịch|phó\\s+chủ\\s+tịch(?:\\s+nước)?)'
    >>> re.match(phrase_pattern(["Chủ tịch", "Chủ tịch nước"]), "chủ tịch  nước ta", re.I)[0]
    'chủ tịch  nước'
    """
    tree: dict[str, Any] = {}
    for phrase in phrases:
        node = tree
        for word in phrase.split():
            node = node.setdefault(word.lower() if fold_case else word, {})
        node[""] = {}
    return f"(?:{'|'.join(_branches(tree))})"


def _branches(node: dict[str, Any]) -> list[str]:
    """The patterns of a node's words, each followed by what may follow it."""
    options = []
    for word, below in sorted(node.items()):
        if not word:
            continue
        after = _branches(below)
        rest = after[0] if len(after) == 1 else f"(?:{'|'.join(after)})"
        if not after:
            options.append(re.escape(word))
        elif "" in below:
            options.append(rf"{re.escape(word)}(?:\s+{rest})?")
        else:
            options.append(rf"{re.escape(word)}\s+{rest}")
    return options
