"""Vietnamese word segmentation with pyvi, as character spans of the original text.

pyvi's ``ViTokenizer.tokenize`` rewrites its input (spaces around punctuation, ``_`` joins).
Instead of mapping that output back, we feed pyvi's CRF model with our own tokens, whose
offsets we know, and apply pyvi's own joining rule to its labels. The model is loaded
lazily, once per process.

pyvi's ``sent2features`` builds a dict of 15 features per token, most of them ``False``,
which CRFsuite reads as attributes of value 0 — attributes that add nothing to any score.
:func:`line_features` gives the model the same features as strings, only those that are
true, with each token's own part computed once per distinct token: the same labels (the
tests compare them with pyvi's own features) for about half the time.
"""

from __future__ import annotations

import re
import string
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
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


# One thread at a time loads the model: a second one must not open the model's temporary
# file after the first has removed it.
_LOADING = threading.Lock()


@cache
def _pyvi() -> Any:
    """The pyvi tokenizer class, imported (and its model loaded) on first use."""
    with _LOADING:
        return _load_pyvi()


def _load_pyvi() -> Any:
    try:
        from pyvi import ViTokenizer
        model = ViTokenizer.ViTokenizer.model
        model.tagger_  # noqa: B018  # opens the CRF model (read into memory) now
    except Exception as exc:  # ImportError, or a broken model pickle
        raise SegmenterUnavailable(f"Không tải được pyvi: {exc}") from exc
    # Unpickling the model wrote it to a temporary file that only the model's finaliser
    # removes, which never runs in a process ending by os._exit or a signal (workers, the
    # segment writer): each one left 640 KB in /tmp. The tagger no longer needs it.
    model.modelfile.cleanup()
    return ViTokenizer.ViTokenizer


def load_segmenter() -> Any:
    """pyvi's tokenizer, loaded once per process (SegmenterUnavailable if it cannot be):
    call it before forking workers so that they share the model."""
    return _pyvi()


@lru_cache(maxsize=1 << 14)
def _token_features(token: str) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A token's lower case and its true features as itself, as the previous and the next
    token (pyvi's ``word2features``, in CRFsuite's ``name:value`` attribute form)."""
    low = token.lower()
    upper, title = token.isupper(), token.istitle()
    own = ["bias", f"word.lower():{low}"]
    own += ["word.isupper()"] * upper + ["word.istitle()"] * title
    own += ["word.isdigit()"] * token.isdigit()
    before = [f"-1:word.lower():{low}"] + ["-1:word.istitle()"] * title
    before += ["-1:word.isupper()"] * upper
    after = [f"+1:word.lower():{low}"] + ["+1:word.istitle()"] * title
    after += ["+1:word.isupper()"] * upper
    return low, tuple(own), tuple(before), tuple(after)


def line_features(tokens: list[str], bigrams: set[str], trigrams: set[str]) -> list[list[str]]:
    """pyvi's features of a line of tokens, as lists of CRFsuite attributes of value 1."""
    parts = [_token_features(t) for t in tokens]
    lows = [p[0] for p in parts]
    count = len(tokens)
    pair = [f"{a} {b}" in bigrams for a, b in zip(lows, lows[1:], strict=False)]
    triple = [f"{a} {b} {c}" in trigrams
              for a, b, c in zip(lows, lows[1:], lows[2:], strict=False)]
    items = []
    for i in range(count):
        item = list(parts[i][1])
        if i > 0:
            item += parts[i - 1][2]
            if pair[i - 1]:
                item.append("-1:word.bi_gram()")
            if i > 1 and triple[i - 2]:
                item.append("-2:word.tri_gram()")
        if i < count - 1:
            item += parts[i + 1][3]
            if pair[i]:
                item.append("+1:word.bi_gram()")
            if i < count - 2 and triple[i]:
                item.append("+2:word.tri_gram()")
        items.append(item)
    return items


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


def _word_bounds(lines: list[list[str]]) -> Iterator[list[tuple[int, int]]]:
    """For each line of tokens, its words as (first, end) token indexes: pyvi's labels
    joined by pyvi's rule."""
    if not lines:
        return
    tokenizer = _pyvi()
    tagger, bigrams, trigrams = tokenizer.model.tagger_, tokenizer.bi_grams, tokenizer.tri_grams
    for tokens in lines:
        labels = tagger.tag(line_features(tokens, bigrams, trigrams))
        bounds, first = [], 0
        for i in range(1, len(tokens)):
            if not _joins(tokens[i - 1], tokens[i], labels[i]):
                bounds.append((first, i))
                first = i
        bounds.append((first, len(tokens)))
        yield bounds


def segment(text: str) -> list[Word]:
    """Segment a text into words with character spans; punctuation is dropped.

    ``text[w.start:w.end] == w.text`` for every word.
    """
    lines = _line_tokens(text)
    words: list[Word] = []
    for line, bounds in zip(lines, _word_bounds([[t.group() for t in line] for line in lines]),
                            strict=True):
        for first, end in bounds:
            start, stop = line[first].start(), line[end - 1].end()
            if text[start].isalnum():
                words.append(Word(text[start:stop], start, stop, end - first))
    return words


def compound_terms(text: str) -> list[str]:
    """Matching forms of the multi-syllable words of a text (``an_ninh``, ``tổ_quốc``):
    ``[w.term for w in segment(text) if w.syllables > 1]``, without the spans (the indexer
    needs only the terms)."""
    lines = [tokens for tokens in map(_TOKEN_RE.findall, _LINE_RE.findall(text)) if tokens]
    return ["_".join(map(index_term, tokens[first:end]))
            for tokens, bounds in zip(lines, _word_bounds(lines), strict=True)
            for first, end in bounds if end - first > 1]
