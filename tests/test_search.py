"""The search service on the real articles plus the made-up ones of tests/data/corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from antqsearch.search import BadRequest, SearchPage, SearchRequest, SearchService
from antqsearch.text import syllable_terms

SON_LU = "000_ae1a3d5dfa8173e5"
HAI_DUONG = "001_32c4a5321932a668"
AN_HUNG = "002_0f60e8da727919d9"


@pytest.fixture(scope="module")
def service(test_index: Path) -> SearchService:
    return SearchService(test_index)


def ids(page: SearchPage) -> list[str]:
    return [hit.id for hit in page.hits]


def search(service: SearchService, query: str = "", **kwargs: object) -> SearchPage:
    return service.search(SearchRequest(query, **kwargs))  # type: ignore[arg-type]


def test_issue_acceptance_queries(service: SearchService) -> None:
    assert ids(search(service, "nguyen van thi"))[0] == SON_LU
    assert ids(search(service, "Nguyễn Văn Thi"))[0] == SON_LU
    assert ids(search(service, '"Chí Linh"')) == [HAI_DUONG]
    assert set(ids(search(service, "thanh hoa"))[:2]) == {SON_LU, AN_HUNG}
    seeds = {p.stem for p in (Path(__file__).parent.parent / "corpus").glob("*.txt")}
    antq = set(ids(search(service, "ANTQ", per_page=50)))
    assert seeds <= antq
    assert antq == set(ids(search(service, "an ninh Tổ quốc", per_page=50)))


def test_accentless_query_matches_accented_text_and_suggests(service: SearchService) -> None:
    page = search(service, "camera an ninh ha noi")
    assert ids(page)[0] == "t01_hanoi_camera"
    assert page.suggestion == "camera an ninh hà nội"
    assert "<mark>" in page.hits[0].snippet_html


def test_exact_diacritics_rank_first(service: SearchService) -> None:
    page = search(service, "ma túy")
    assert ids(page)[0] in {"t04_quangninh_maty", "t03_cantho_ninhkieu"}
    assert page.suggestion is None


def test_phrase_and_exclusion(service: SearchService) -> None:
    phrase = set(ids(search(service, '"camera an ninh"', per_page=50)))
    assert "t01_hanoi_camera" in phrase
    words = set(ids(search(service, "camera an ninh", per_page=50)))
    assert phrase <= words
    excluded = ids(search(service, "an ninh -camera", per_page=50))
    assert excluded
    for doc_id in excluded:
        assert "camera" not in service.article(doc_id).body_html.lower()


def test_facet_counts_equal_filtered_totals(service: SearchService) -> None:
    page = search(service, "an ninh", per_page=50)
    for value in page.facets["province"]:
        filtered = search(service, "an ninh", province=(value.value,), per_page=50)
        assert filtered.total == value.count
    assert sum(v.count for v in page.facets["year"]) <= page.total


def test_or_within_a_facet_and_across_facets(service: SearchService) -> None:
    one = search(service, province=("Thanh Hóa",), per_page=50)
    two = search(service, province=("Thanh Hóa", "Hà Nội"), per_page=50)
    assert two.total == one.total + search(service, province=("Hà Nội",)).total
    counts = {v.value: v.count for v in two.facets["province"]}
    assert counts["Cần Thơ"] >= 1  # a facet's counts ignore its own selection
    both = search(service, province=("Thanh Hóa",), year=("2023",), per_page=50)
    assert {h.year for h in both.hits} == {2023} and {h.province for h in both.hits} == {
        "Thanh Hóa"}


def test_query_field_filters(service: SearchService) -> None:
    page = search(service, 'an ninh tinh:"Quảng Nam"')
    assert {h.province for h in page.hits} == {"Quảng Nam"}


def test_snippets_escape_markup(service: SearchService) -> None:
    page = search(service, '<script>alert(1)</script> "an ninh"')
    for hit in page.hits:
        assert "<script>" not in hit.snippet_html


def test_sort_by_date_and_pages(service: SearchService) -> None:
    page = search(service, "an ninh", sort="date", per_page=3)
    keys = [h.date or str(h.year) for h in page.hits]
    assert keys == sorted(keys, reverse=True)
    second = search(service, "an ninh", sort="date", per_page=3, page=2)
    assert set(ids(page)).isdisjoint(ids(second))


def test_bad_requests() -> None:
    for kwargs in ({"page": 0}, {"per_page": 1000}, {"sort": "x"}, {"year": ("abc",)}):
        with pytest.raises(BadRequest):
            SearchRequest("x", **kwargs)  # type: ignore[arg-type]


def test_article_and_related(service: SearchService) -> None:
    article = service.article(SON_LU, "nguyen van thi")
    assert "<mark>Nguyễn Văn Thi</mark>" in article.body_html
    assert article.province == "Thanh Hóa" and article.officials == ["Nguyễn Văn Thi"]
    assert article.related and SON_LU not in [r.id for r in article.related]


def test_related_are_whooshs_more_like_this(service: SearchService) -> None:
    """The engine ranks Whoosh's more-like-this query: same articles, same order."""
    gen = service.generation()
    for docnum in range(gen.engine.size):
        body = gen.stored(docnum)["body"]
        terms = " ".join(syllable_terms(body))
        ours = [f["id"] for f, _ in gen.related(docnum, terms)]
        with gen.engine.lock:
            hits = gen.searcher.more_like(docnum, "text", text=terms, top=5, numterms=12)
            theirs = [h["id"] for h in hits]
        assert ours == theirs
        assert len(ours) >= 3
