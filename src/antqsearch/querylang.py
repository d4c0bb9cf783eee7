"""The query language a reader can use without a manual, parsed leniently.

Plain words (all required), ``"quoted phrases"``, ``-word`` or ``-"phrase"`` to exclude,
``OR`` between two terms, and field filters ``province:"Thanh Hóa"``, ``year:2023``,
``official:"Nguyễn Văn Thi"`` (also ``tinh:``, ``nam:``, ``quanchuc:``), and
``province_2025:"Hải Phòng"`` (also ``tinh2025:``) for the provinces since 7/2025: the
names and aliases of :data:`facets.DECLARED`. Nothing here raises: what cannot be understood
is searched as plain text, with a notice for the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .facets import FIELD_ALIASES
from .settings import MAX_CLAUSES, MAX_QUERY_CHARS
from .text import fold_diacritics

_TOKEN_RE = re.compile(r'(-?)([^\s":]+):("([^"]*)"?|[^\s"]*)|(-?)"([^"]*)("?)|(\S+)')
_OPERATORS = {"AND", "&&", "+"}
_OR = {"OR", "||", "HOẶC"}


@dataclass(frozen=True)
class Clause:
    """One required or excluded piece of a query: plain words or an exact phrase.

    ``alternatives`` holds the clauses joined to this one with ``OR``.
    """

    text: str
    phrase: bool = False
    negated: bool = False
    alternatives: tuple[Clause, ...] = ()


@dataclass(frozen=True)
class ParsedQuery:
    """A query: its clauses, the facet filters it names, and notices for the reader."""

    clauses: tuple[Clause, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notices: tuple[str, ...] = ()

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)


def _field_filter(name: str, value: str, filters: dict[str, list[str]]) -> bool:
    facet = FIELD_ALIASES.get(fold_diacritics(name).lower().replace("_", ""))
    if facet is None or not value.strip():
        return False
    filters.setdefault(facet, []).append(value.strip())
    return True


def _lex(text: str, filters: dict[str, list[str]], notices: list[str]) -> list[Clause | str]:
    """Clauses and the string 'OR', in order."""
    items: list[Clause | str] = []
    for m in _TOKEN_RE.finditer(text):
        if m.group(2) is not None:
            value = m.group(4) if m.group(4) is not None else m.group(3)
            if not _field_filter(m.group(2), value, filters):
                word = f"{m.group(2)} {value}".strip()
                items.append(Clause(word, phrase=False, negated=bool(m.group(1))))
        elif m.group(6) is not None:
            if not m.group(7):
                notices.append("Dấu ngoặc kép chưa đóng: phần sau nó được tìm như từ thường.")
            items.append(Clause(m.group(6), phrase=bool(m.group(7)), negated=bool(m.group(5))))
        else:
            word = m.group(8)
            if word.upper() in _OR:
                items.append("OR")
            elif word.upper() not in _OPERATORS:
                negated = word.startswith("-") and len(word) > 1
                items.append(Clause(word[1:] if negated else word, negated=negated))
    return items


def _join_or(items: list[Clause | str]) -> list[Clause]:
    """Attach a clause that follows OR to the clause before it."""
    clauses: list[Clause] = []
    pending_or = False
    for item in items:
        if item == "OR":
            pending_or = bool(clauses)
            continue
        assert isinstance(item, Clause)
        if pending_or and not item.negated and not clauses[-1].negated:
            last = clauses[-1]
            clauses[-1] = Clause(last.text, last.phrase, False, (*last.alternatives, item))
        else:
            clauses.append(item)
        pending_or = False
    return clauses


def parse_query(text: str) -> ParsedQuery:
    """Parse a reader's query; never raises.

    >>> q = parse_query('camera "an ninh" -ma túy OR ma tuý province:"Thanh Hóa"')
    >>> [(c.text, c.phrase, c.negated) for c in q.clauses][:3]
    [('camera', False, False), ('an ninh', True, False), ('ma', False, True)]
    >>> q.filters
    {'province': ('Thanh Hóa',)}
    """
    notices: list[str] = []
    # Lone surrogates (a command line's undecodable bytes) would stop pyvi's tagger.
    text = text.encode("utf-8", "replace").decode("utf-8")
    if len(text) > MAX_QUERY_CHARS.default:
        text = text[: MAX_QUERY_CHARS.default]
        notices.append(f"Câu tìm kiếm quá dài: chỉ dùng {MAX_QUERY_CHARS.default} ký tự đầu.")
    filters: dict[str, list[str]] = {}
    clauses = [c for c in _join_or(_lex(text, filters, notices)) if c.text.strip()]
    if len(clauses) > MAX_CLAUSES.default:
        clauses = clauses[: MAX_CLAUSES.default]
        notices.append(f"Câu tìm kiếm có quá nhiều từ: chỉ dùng {MAX_CLAUSES.default} từ đầu.")
    return ParsedQuery(tuple(clauses), {k: tuple(v) for k, v in filters.items()}, tuple(notices))


def split_filters(text: str) -> tuple[str, dict[str, tuple[str, ...]]]:
    """The query without its field filters, and those filters (for the page's checkboxes).

    >>> split_filters('an ninh province:"Thanh Hóa" nam:2023')
    ('an ninh', {'province': ('Thanh Hóa',), 'year': ('2023',)})
    >>> split_filters('an ninh -province:x')
    ('an ninh -province:x', {})
    """
    filters: dict[str, list[str]] = {}
    kept, cursor = [], 0
    for m in _TOKEN_RE.finditer(text):
        if m.group(2) is None or m.group(1):
            continue
        value = m.group(4) if m.group(4) is not None else m.group(3)
        if _field_filter(m.group(2), value, filters):
            kept.append(text[cursor : m.start()])
            cursor = m.end()
    kept.append(text[cursor:])
    rest = " ".join("".join(kept).split())
    return rest, {k: tuple(v) for k, v in filters.items()}
