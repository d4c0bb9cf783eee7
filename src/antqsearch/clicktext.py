"""click's own text (help headings, errors) in Vietnamese.

click marks its messages for gettext (``_()`` and ``ngettext()`` imported into each of its
modules); :func:`install` points those names at a table read from
``data/click_vi.tsv``. A message missing from the table stays in English.
"""

from __future__ import annotations

from functools import cache

from .datafiles import data_lines

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types",
                 "utils")


@cache
def translations() -> dict[str, str]:
    """English message → Vietnamese (``\\n``, ``\\t`` unescaped)."""
    table = {}
    for line in data_lines("click_vi.tsv"):
        english, _, vietnamese = line.partition("\t")
        if vietnamese:
            table[_unescape(english)] = _unescape(vietnamese)
    return table


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


def gettext(message: str) -> str:
    """
    >>> gettext("Usage:"), gettext("not in the table")
    ('Cách dùng:', 'not in the table')
    """
    return translations().get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return gettext(singular if count == 1 else plural)


def install() -> None:
    """Make click speak Vietnamese (for this process)."""
    import importlib

    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
