"""Reading the data files shipped under ``antqsearch/data/`` (standard library only)."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def data_lines(name: str) -> tuple[str, ...]:
    """Non-comment, non-empty lines of a data file shipped with the package."""
    text = (resources.files("antqsearch") / "data" / name).read_text(encoding="utf-8")
    return tuple(s.strip() for s in text.splitlines() if s.strip() and not s.startswith("#"))
