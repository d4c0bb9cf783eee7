"""Query-plan nodes: what the engine evaluates, built by :mod:`antqsearch.querybuild`.

The plan is ours, not a search library's: a backend evaluates it (the numpy engine over a
:class:`~antqsearch.backend.PostingsSource`) or translates it into its own query language.

* :class:`Term` — one term of one field; ``folded`` means "any indexed spelling of the
  field that folds to ``text``" (the query was typed without diacritics).
* :class:`Fields` — one query word in several fields, scored as BM25F.
* :class:`All`, :class:`Any` — every part / at least one part, scores added up.
* :class:`Everything` — every live document, score 0.

>>> Any((Term("text", "hoa", folded=True), Term("text", "hoa", boost=0.3)))
Any(parts=(Term(field='text', text='hoa', boost=1.0, folded=True), \
Term(field='text', text='hoa', boost=0.3, folded=False)), boost=1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Term:
    """One term of one field (all its spellings that fold to ``text`` when ``folded``)."""

    field: str
    text: str
    boost: float = 1.0
    folded: bool = False

    def with_boost(self, boost: float) -> Term:
        return Term(self.field, self.text, boost, self.folded)


@dataclass(frozen=True)
class Fields:
    """One query word looked up in several fields, scored as BM25F: the weighted,
    length-normalised frequencies are added up *before* the saturation, so a word in the
    title adds to a word in the body instead of counting as a second, separately
    saturated match; the idf is that of the documents having it in any of the fields.

    ``parts``: one :class:`Term` per field, its ``boost`` being the field's weight.
    """

    parts: tuple[Term, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class All:
    """Documents matching every part; the parts' scores added up, times ``boost``."""

    parts: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Any:
    """Documents matching at least one part; the parts' scores added up, times ``boost``."""

    parts: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Everything:
    """Every live document, with score 0."""


Node = Union[Term, Fields, All, Any, Everything]  # noqa: UP007  # a runtime alias on 3.10
