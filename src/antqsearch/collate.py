"""Vietnamese alphabetical order: ``a ă â b c d đ e ê …``, tones after letters.

Python's code-point order puts every name starting with "Đ" after "Z" and "Ă" after "Z";
readers expect the order of a Vietnamese dictionary, where "Đ" follows "D".
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters in dictionary order; f, j, w, z (foreign names) where Latin puts them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: i for i, letter in enumerate(ALPHABET)}
# Tones in the traditional order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@lru_cache(maxsize=4096)
def _letter(char: str) -> tuple[int, int]:
    """(primary rank, tone) of one lower-case character."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = next((_TONES[c] for c in decomposed if c in _TONES), 0)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    if base in _RANK:
        return _RANK[base] + 100, tone
    if not base or base.isspace():  # a lone combining mark sorts like a space
        return 0, tone
    return (50 if base.isdigit() else 1000) + ord(base[0]), tone


@lru_cache(maxsize=65536)  # facet values and names recur on every page
def vi_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A key that sorts Vietnamese words and names alphabetically.

    >>> sorted(["Trần Văn B", "Đỗ Trọng Hưng", "Dương Văn A", "Ánh", "Anh"], key=vi_sort_key)
    ['Anh', 'Ánh', 'Dương Văn A', 'Đỗ Trọng Hưng', 'Trần Văn B']
    >>> sorted(["Ơn", "Ôm", "Oa", "Zê"], key=vi_sort_key)
    ['Oa', 'Ôm', 'Ơn', 'Zê']
    >>> vi_sort_key("\u0301\u0301")[0]
    (0, 0)
    """
    letters = [_letter(c) for c in unicodedata.normalize("NFC", text).casefold()]
    return tuple(r for r, _ in letters), tuple(t for _, t in letters), text
