"""Unit tests on the in-memory backend: made-up records and counts, no pyvi, no files.

The engine, the facets, the date filter and the suggestions read a ``PostingsSource``;
here it is built from a few analysed articles written by hand, in milliseconds.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antqsearch.backend.memory import MemorySource, approximate_length
from antqsearch.datefilter import DateColumn
from antqsearch.engine import Engine, frequent_terms
from antqsearch.facets import FacetColumns
from antqsearch.plan import All, Any, Fields, Term
from antqsearch.record import AnalysedArticle, ArticleRecord
from antqsearch.suggest import Vocabulary, suggest, syllable_frequencies


def article(doc_id: str, text: dict[str, int], head: dict[str, int] | None = None,
            **record: object) -> AnalysedArticle:
    pairs = {f"{a} {b}": 1 for a, b in zip(text, list(text)[1:], strict=False)}
    return AnalysedArticle(ArticleRecord(doc_id, doc_id.upper(), " ".join(text), **record),
                           {"text": text, "head": head or {}, "pairs": pairs, "words": {}})


ARTICLES = [
    article("a", {"an": 2, "ninh": 2, "hòa": 1}, province_legacy="Thanh Hóa", year=2023,
            date="2023-07-19", officials=("Nguyễn Văn Thi",),
            officials_at_event=("Nguyễn Văn Thi",)),
    article("b", {"an": 1, "ninh": 1, "hoa": 3}, province_legacy="Hà Nội", year=2022,
            date="2022-08", province_2025="Hà Nội"),
    article("c", {"hóa": 1, "trật": 1, "tự": 1}, head={"an": 1}, province_legacy="Thanh Hóa",
            year=2024),
    article("d", {"camera": 4}),
]


@pytest.fixture(scope="module")
def source() -> MemorySource:
    return MemorySource.from_articles(ARTICLES)


def test_folded_terms_are_every_spelling(source: MemorySource) -> None:
    engine = Engine(source, k1=1.2, b=0.75)
    folded = engine.evaluate(Term("text", "hoa", folded=True))
    assert list(np.flatnonzero(folded.mask)) == [0, 1, 2]
    assert sorted(engine.spellings("text", "hoa")) == ["hoa", "hòa", "hóa"]
    exact = engine.evaluate(Term("text", "hoa"))
    assert list(np.flatnonzero(exact.mask)) == [1]
    pair = engine.evaluate(Term("pairs", "an ninh"))
    assert list(np.flatnonzero(pair.mask)) == [0, 1]


def test_plans_combine_and_bm25f_adds_fields(source: MemorySource) -> None:
    engine = Engine(source, k1=1.2, b=0.75)
    both = engine.evaluate(All((Term("text", "an"), Term("text", "ninh"))))
    either = engine.evaluate(Any((Term("text", "camera"), Term("text", "trật"))))
    assert list(np.flatnonzero(both.mask)) == [0, 1]
    assert list(np.flatnonzero(either.mask)) == [2, 3]
    across = engine.evaluate(Fields((Term("head", "an", 3.0), Term("text", "an", 1.0))))
    assert list(np.flatnonzero(across.mask)) == [0, 1, 2]
    assert across.score[0] > across.score[1] > 0  # two occurrences beat one
    assert engine.evaluate(Term("text", "khôngcó")).mask.sum() == 0


def test_facets_or_within_and_across(source: MemorySource) -> None:
    columns = FacetColumns.load(source)
    everything = source.live()
    docs, counts = columns.apply(everything, {"province": {"Thanh Hóa", "Hà Nội"}})
    assert docs.sum() == 3
    assert counts["province"] == {"Thanh Hóa": 2, "Hà Nội": 1}  # its own selection ignored
    docs, counts = columns.apply(everything, {"province": {"Thanh Hóa"}, "year": {"2023"}})
    assert list(np.flatnonzero(docs)) == [0]
    assert counts["year"] == {"2023": 1, "2024": 1}
    assert counts["official"] == {"Nguyễn Văn Thi": 1}


def test_dates_cover_their_month_or_year(source: MemorySource) -> None:
    dates = DateColumn.load(source)
    assert list(np.flatnonzero(dates.within("2022-08-15", "2022-08-20"))) == [1]
    assert list(np.flatnonzero(dates.within("2024-06-01", None))) == [2]
    assert not dates.within(None, None)[3]  # no date: never in a range


def test_suggestions_read_the_vocabulary(source: MemorySource) -> None:
    vocabulary = Vocabulary.load(source, syllable_frequencies(source))
    assert suggest("an nihn", vocabulary) == "an ninh"
    assert suggest("an ninh", vocabulary) is None


def test_records_and_lengths(source: MemorySource) -> None:
    assert source.record(1).province_2025 == "Hà Nội"
    assert source.document_number("c") == 2 and source.document_number("x") is None
    assert list(source.column("year")) == [2023, 2022, 2024, None]
    assert list(source.field_lengths("text")) == [approximate_length(n) for n in (5, 5, 3, 4)]
    assert source.field_length_total("text") == 17.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=3), min_size=1, max_size=40),
       st.data(), st.integers(1, 6), st.sets(st.sampled_from("abcdefgh"), max_size=2))
def test_counting_only_the_listed_values_lists_the_same(rows: list[list[str]], data: st.DataObject,
                                                         limit: int, chosen: set[str]) -> None:
    """A page lists the first ``limit`` values by count and the chosen ones: counting only
    those (every value tied with the last, and the chosen) lists the same, with the same
    counts."""
    from antqsearch.facets import FACET, FacetColumn

    column = FacetColumn.from_rows([tuple(dict.fromkeys(r)) for r in rows])
    mask = np.asarray(data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows))))
    full, limited = column.count(mask), column.count(mask, limit, chosen)
    assert all(v in full and full[v] == n for v, n in limited.items())  # none the full lacks
    for counts in (full, limited):
        for value in chosen:
            counts.setdefault(value, 0)
    listed = FACET["official"].listed(full, chosen, limit)
    assert FACET["official"].listed(limited, chosen, limit) == listed
    assert [limited[v] for v in listed] == [full[v] for v in listed]


@pytest.mark.parametrize(("budget", "least", "cached"), [
    (0, 1, set()), (3, 1, {"an"}), (4, 1, {"an", "ninh"}),
    (9, 1, {"an", "ninh", "camera", "hoa", "hòa", "hóa", "trật"}),
    (9, 2, {"an", "ninh"})])
def test_preload_reads_the_most_frequent_terms_within_the_budget(
        source: MemorySource, budget: int, least: int, cached: set[str]) -> None:
    """Most frequent first (ties in term order), until the next does not fit the budget;
    none of fewer than ``least`` articles."""
    engine = Engine(source, k1=1.2, b=0.75)
    read = engine.preload(frequent_terms({"text": source.document_frequencies("text")}, least),
                          budget)
    assert {term for _, term, _ in engine._cache} == cached
    assert read == sum(len(engine.postings("text", t)[0]) for t in cached)
