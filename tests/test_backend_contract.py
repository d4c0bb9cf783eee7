"""One contract, two backends: Whoosh on disk and the in-memory one answer alike.

Every test runs on both backends (``backend`` fixture); the pages, articles, facet counts,
suggestions and statistics of each are compared with those of the Whoosh index of the same
corpus (``test_index``), so the in-memory backend must give the very same hits, scores,
counts and marks, and the Whoosh backend must keep its record intact.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from antqsearch.backend import IndexBackend, PostingsSource
from antqsearch.backend.memory import MemoryBackend, MemorySource
from antqsearch.backend.whoosh import WhooshBackend
from antqsearch.complete import suggestions
from antqsearch.corpus import RawArticle, find_articles, read_article
from antqsearch.indexer import analyse, build_index
from antqsearch.record import AnalysedArticle
from antqsearch.search import SearchRequest, SearchService
from antqsearch.store import current_generation

BACKENDS: dict[str, type[IndexBackend]] = {"whoosh": WhooshBackend, "memory": MemoryBackend}
QUERIES = ["", "an ninh", "an ninh Tổ quốc", "cong an xa", '"ngày hội" -camera', "an nihn",
           "thanh hoa", "Thanh Hóa", "nguyen van thi", "lê văn dũng", "ANTQ", "UBND tỉnh",
           "camera OR pccc", '"Chí Linh" an ninh', "ma túy", "xyzzy", "do trong hung",
           'province:"Thanh Hóa" an ninh', "bảo vệ an ninh tổ quốc năm 2023"]
REQUESTS = [{}, {"sort": "date"}, {"province": ("Thanh Hóa",)},
            {"year": ("2023",), "per_page": 3, "page": 2}, {"date_from": "2023-01-01"}]


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, test_corpus: Path,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A backend's name and an index of the test corpus it built."""
    index = tmp_path_factory.mktemp(f"contract-{request.param}")
    build_index(test_corpus, index, workers=1, backend=BACKENDS[request.param]())
    return request.param, index


@pytest.fixture(scope="module")
def service(backend: tuple[str, Path]) -> SearchService:
    name, index = backend
    return SearchService(index, backend=BACKENDS[name]())


@pytest.fixture(scope="module")
def reference(test_index: Path) -> SearchService:
    return SearchService(test_index)


@pytest.fixture(scope="module")
def source(backend: tuple[str, Path]) -> Iterator[PostingsSource]:
    name, index = backend
    generation = current_generation(index)
    assert generation is not None
    opened = BACKENDS[name]().open(generation)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def analysed(test_corpus: Path) -> list[AnalysedArticle]:
    found = []
    for path in find_articles(test_corpus):
        raw = read_article(test_corpus, path)
        if isinstance(raw, RawArticle):
            article = analyse(raw)
            assert isinstance(article, AnalysedArticle)
            found.append(article)
    return found


def _page(service: SearchService, query: str, **kwargs: Any) -> dict[str, Any]:
    page = service.search(SearchRequest(query, **kwargs))
    data = page.to_json()
    data.pop("took_ms")
    data.update(notices=page.notices, relaxed=page.relaxed,
                titles=[hit.title_html for hit in page.hits])
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


@pytest.mark.parametrize("query", QUERIES)
def test_same_pages(service: SearchService, reference: SearchService, query: str) -> None:
    """Same hits in the same order, same scores, snippets, facet counts, suggestion."""
    for kwargs in REQUESTS:
        assert _page(service, query, **kwargs) == _page(reference, query, **kwargs), kwargs


def test_same_articles_marks_and_related(service: SearchService,
                                         reference: SearchService) -> None:
    ids = sorted(reference.document_numbers())
    assert sorted(service.document_numbers()) == ids
    for article_id in ids:
        for query in ("", "nguyen van thi", "an ninh"):
            assert asdict(service.article(article_id, query)) == asdict(
                reference.article(article_id, query))


def test_same_suggestions_and_stats(service: SearchService, reference: SearchService) -> None:
    for text in ("thanh h", "nguyen", "an ninh", "le van", "ha"):
        assert suggestions(service, text) == suggestions(reference, text)
    mine, theirs = service.stats(), reference.stats()
    mine.pop("built_at")
    theirs.pop("built_at")
    assert mine == theirs


def test_records_round_trip(source: PostingsSource, analysed: list[AnalysedArticle]) -> None:
    """The record given back is the one the indexer made, whatever the encoding."""
    by_id = {a.record.id: a.record for a in analysed}
    assert source.doc_count() == source.doc_count_all() == len(analysed)
    for docnum in np.flatnonzero(source.live()):
        record = source.record(int(docnum))
        assert record == by_id[record.id]
        assert source.document_number(record.id) == docnum
    assert source.document_number("không-có-bài-này") is None


def test_postings_lengths_and_lexicons(source: PostingsSource,
                                       analysed: list[AnalysedArticle]) -> None:
    """Postings ascending, frequencies as counted, lengths one per document."""
    size = source.doc_count_all()
    for field in ("head", "text", "pairs", "words"):
        lexicon = list(source.lexicon(field))
        assert lexicon == sorted(lexicon) and lexicon
        assert [t for t, _ in source.document_frequencies(field)] == lexicon
        assert source.field_lengths(field).shape == (size,)
        assert source.field_length_total(field) == sum(
            sum(a.counts[field].values()) for a in analysed)
        ids_of = {a.record.id: d for d, a in enumerate(analysed)}
        for term in lexicon[:: max(1, len(lexicon) // 50)]:
            ids, tfs = source.postings(field, term)
            assert list(ids) == sorted(ids) and source.has_term(field, term)
            assert source.doc_frequency(field, term) == len(ids)
            for docnum, tf in zip(ids, tfs, strict=True):
                record = source.record(int(docnum))
                assert analysed[ids_of[record.id]].counts[field][term] == tf
    assert not source.has_term("text", "khôngcótừnày")
    assert len(source.postings("text", "khôngcótừnày")[0]) == 0


def test_memory_source_from_articles(analysed: list[AnalysedArticle],
                                     reference: SearchService) -> None:
    """Built from the analysed articles alone, with no files, it reads as the index does."""
    memory = MemorySource.from_articles(analysed)
    whoosh = reference.generation().source
    for field in ("head", "text", "pairs", "words"):
        assert np.array_equal(memory.field_lengths(field), whoosh.field_lengths(field))
        assert memory.field_length_total(field) == whoosh.field_length_total(field)
        assert list(memory.document_frequencies(field)) == list(
            whoosh.document_frequencies(field))
    for name in ("id", "date", "year", "province_legacy", "province_2025",
                 "officials_at_event"):
        assert list(memory.column(name)) == list(whoosh.column(name)), name
    body = " ".join(memory.record(0).body.lower().split())
    assert memory.key_terms("text", body, 12) == whoosh.key_terms("text", body, 12)


def test_a_name_with_a_comma_stays_one_name(tmp_path: Path) -> None:
    """An operator's corrected name holding a comma is one official, not two."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bai.txt").write_text(
        "Ngày hội ở xã Hòa Bình\n\nNgày hội toàn dân bảo vệ an ninh Tổ quốc.\n",
        encoding="utf-8")
    (corpus / "bai.meta.json").write_text(
        json.dumps({"officials": ["Nguyễn Văn A, con"]}), encoding="utf-8")
    for name, backend in BACKENDS.items():
        index = tmp_path / name
        build_index(corpus, index, workers=1, backend=backend())
        service = SearchService(index, backend=backend())
        assert service.article("bai").officials == ["Nguyễn Văn A, con"]
        page = service.search(SearchRequest("ngày hội"))
        assert page.hits[0].officials == ["Nguyễn Văn A, con"]
        assert [v.value for v in page.facets["official"]] == ["Nguyễn Văn A, con"]
