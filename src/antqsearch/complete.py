"""Autocomplete: titles, provinces and officials of the index that match what is typed.

A value matches when one of its words starts with the typed text's last word and it
contains the other typed words, compared without diacritics ("thanh h" → "Thanh Hóa").
Provinces and officials come from the facet columns (folded once per index generation);
titles from a search for the typed words (so that no request reads every stored title).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote, urlencode

from .facets import DECLARED
from .settings import MAX_SUGGEST_CHARS, MAX_SUGGESTIONS
from .text import fold_diacritics

TITLE_WORD = 3  # a last word this long is searched as a word, a shorter one only filters
TITLE_CANDIDATES = 20
# The facets whose values are suggested (in this order), then titles.
SUGGESTED = tuple(f for f in DECLARED if f.completions)
PER_KIND = {**{f.name: f.completions for f in SUGGESTED}, "title": 5}
KIND_LABELS = {**{f.name: f.short for f in SUGGESTED}, "title": "Bài viết"}


@dataclass(frozen=True)
class Suggestion:
    kind: str
    label: str
    value: str
    url: str

    def to_json(self) -> dict[str, str]:
        return {**asdict(self), "kind_label": KIND_LABELS[self.kind]}


@dataclass(frozen=True)
class _Entry:
    kind: str
    value: str
    key: str  # folded, lower case, padded with spaces: " thanh hoa "
    target: str


def _fold(text: str) -> str:
    return " " + " ".join(fold_diacritics(text).lower().split()) + " "


_LOCK = threading.Lock()


def _entries(gen: Any) -> list[_Entry]:
    """Every value worth suggesting in one index generation (read once)."""
    with _LOCK:
        found: list[_Entry] | None = getattr(gen, "suggest_entries", None)
        if found is not None:
            return found
        found = []
        for kind in (f.name for f in SUGGESTED):
            column = gen.facets.columns.get(kind)
            for value in column.values if column is not None else ():
                found.append(_Entry(kind, value, _fold(value), value))
        gen.suggest_entries = found  # kept with the generation, dropped with it
        return found


def _matches(key: str, words: list[str]) -> bool:
    *others, last = words
    return f" {last}" in key and all(f" {w} " in key for w in others)


def suggestions(service: Any, text: str) -> list[dict[str, str]]:
    """Up to ``max_suggestions`` matches: provinces, then officials, then titles."""
    text = text[: MAX_SUGGEST_CHARS.default]
    words = _fold(text).split()
    if not words or len(" ".join(words)) < 2:
        return []
    taken = {kind: 0 for kind in PER_KIND}
    found: list[Suggestion] = []
    for entry in _entries(service.generation()):
        if taken[entry.kind] >= PER_KIND[entry.kind] or not _matches(entry.key, words):
            continue
        taken[entry.kind] += 1
        found.append(Suggestion(entry.kind, entry.value, entry.target, _url(entry)))
    found += _titles(service, words)
    order = {kind: i for i, kind in enumerate(PER_KIND)}
    found.sort(key=lambda s: order[s.kind])
    return [s.to_json() for s in found[: MAX_SUGGESTIONS.default]]


def _titles(service: Any, words: list[str]) -> list[Suggestion]:
    """Titles of the best matches of the whole typed words that also fit the last one."""
    whole = words if len(words[-1]) >= TITLE_WORD else words[:-1]
    if not whole:
        return []
    from .search import SearchRequest  # here: the web app imports this module early

    page = service.search(SearchRequest(" ".join(whole), per_page=TITLE_CANDIDATES))
    found = [Suggestion("title", hit.title, hit.id, hit.url) for hit in page.hits
             if _matches(_fold(hit.title), words)]
    return found[: PER_KIND["title"]]


def _url(entry: _Entry) -> str:
    if entry.kind == "title":
        return f"/article/{quote(entry.target)}"
    return "/?" + urlencode({entry.kind: entry.value})
