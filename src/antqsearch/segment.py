"""Vietnamese word segmentation with pyvi, as character spans of the original text.

pyvi's ``ViTokenizer.tokenize`` rewrites its input (spaces around punctuation, ``_`` joins).
Instead of mapping that output back, we feed pyvi's CRF model with our own tokens, whose
offsets we know, and apply pyvi's own joining rule to its labels. The model is loaded
lazily, once per process.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache
from typing import Any

from .text import index_term

_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]")
_LINE_RE = re.compile(r"[^\n]+")


class SegmenterUnavailable(RuntimeError):
    """pyvi (or its model) cannot be loaded."""


@dataclass(frozen=True)
class Word:
    """A segmented word: its original characters, offsets and number of syllables."""

    text: str
    start: int
    end: int
    syllables: int

    @property
    def term(self) -> str:
        """The matching form: syllables in matching form, joined by ``_``."""
        return "_".join(index_term(part) for part in _TOKEN_RE.findall(self.text))


@cache
def _pyvi() -> Any:
    """The pyvi tokenizer class, imported (and its model loaded) on first use."""
    try:
        from pyvi import ViTokenizer
    except Exception as exc:  # ImportError, or a broken model pickle
        raise SegmenterUnavailable(f"Không tải được pyvi: {exc}") from exc
    return ViTokenizer.ViTokenizer


def _joins(prev: str, cur: str, label: str) -> bool:
    """pyvi's rule for gluing a token to the previous one."""
    return (
        label == "I_W"
        and cur not in string.punctuation
        and prev not in string.punctuation
        and not cur[0].isdigit()
        and not prev[0].isdigit()
        and not (cur[0].istitle() and not prev[0].istitle())
    )


def _line_tokens(text: str) -> list[list[re.Match[str]]]:
    lines = []
    for line in _LINE_RE.finditer(text):
        tokens = list(_TOKEN_RE.finditer(text, line.start(), line.end()))
        if tokens:
            lines.append(tokens)
    return lines


def _words_of_line(text: str, tokens: list[re.Match[str]], labels: list[str]) -> list[Word]:
    words: list[Word] = []
    start, end, count = tokens[0].start(), tokens[0].end(), 1
    for prev, cur, label in zip(tokens, tokens[1:], labels[1:], strict=False):
        if _joins(prev.group(), cur.group(), label):
            end, count = cur.end(), count + 1
            continue
        words.append(Word(text[start:end], start, end, count))
        start, end, count = cur.start(), cur.end(), 1
    words.append(Word(text[start:end], start, end, count))
    return [w for w in words if w.text[0].isalnum()]


def segment(text: str) -> list[Word]:
    """Segment a text into words with character spans; punctuation is dropped.

    ``text[w.start:w.end] == w.text`` for every word.
    """
    lines = _line_tokens(text)
    if not lines:
        return []
    tokenizer = _pyvi()
    features = [tokenizer.sent2features([t.group() for t in line], False) for line in lines]
    labels = tokenizer.model.predict(features)
    words: list[Word] = []
    for line, line_labels in zip(lines, labels, strict=True):
        words.extend(_words_of_line(text, line, list(line_labels)))
    return words


def compound_terms(text: str) -> list[str]:
    """Matching forms of the multi-syllable words of a text (``an_ninh``, ``tổ_quốc``)."""
    return [w.term for w in segment(text) if w.syllables > 1]
