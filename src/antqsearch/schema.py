"""The Whoosh schema: three analyses of title and body, metadata text, exact facets."""

from __future__ import annotations

from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import compound_analyzer, folded_analyzer, pair_analyzer, syllable_analyzer

# Separator of the values of a multi-valued column (officials).
VALUE_SEPARATOR = "\x1f"


def build_schema() -> Schema:
    """The index schema (design §5); facet fields are exact, sortable values."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        path=STORED(),
        content_hash=STORED(),
        title=TEXT(analyzer=syllable_analyzer(), stored=True, phrase=False),
        title_f=TEXT(analyzer=folded_analyzer(), phrase=False),
        body=TEXT(analyzer=syllable_analyzer(), stored=True, phrase=False),
        body_f=TEXT(analyzer=folded_analyzer(), phrase=False),
        words=TEXT(analyzer=compound_analyzer(), phrase=False),
        pairs=TEXT(analyzer=pair_analyzer(), phrase=False),
        pairs_f=TEXT(analyzer=pair_analyzer(folded=True), phrase=False),
        meta=TEXT(analyzer=syllable_analyzer(), phrase=False),
        meta_f=TEXT(analyzer=folded_analyzer(), phrase=False),
        province=ID(stored=True, sortable=True),
        district=ID(stored=True),
        ward=ID(stored=True),
        year=NUMERIC(int, bits=32, stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        official=KEYWORD(commas=True, lowercase=False, stored=True, scorable=False),
        officials_col=COLUMN(columns.VarBytesColumn()),
        author=ID(stored=True),
    )
