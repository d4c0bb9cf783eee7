"""The search service on the real articles plus the made-up ones of tests/data/corpus."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from antqsearch.search import BadRequest, Hit, SearchPage, SearchRequest, SearchService
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
    assert page.suggestion == "camera an ninh Hà Nội"  # a name keeps the index's capitals
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
    from antqsearch.backend.whoosh import open_generation

    gen = service.generation()
    with open_generation(gen.path).searcher() as searcher:
        for docnum in range(gen.engine.size):
            body = gen.stored(docnum).body
            terms = " ".join(syllable_terms(body))
            ours = [f.id for f, _ in gen.related(docnum, terms)]
            hits = searcher.more_like(docnum, "text", text=terms, top=5, numterms=12)
            theirs = [h["id"] for h in hits]
            assert ours == theirs
            assert len(ours) >= 3


def _marked(hit: Hit) -> bool:
    return "<mark>" in hit.title_html or "<mark>" in hit.snippet_html


@pytest.mark.parametrize("query", ["thanh hoa", "Thanh Hóa", "nguyen van thi", "le van dung",
                                   "lê văn dũng", "an ninh trật tự", "hai duong"])
def test_a_hit_with_nothing_marked_is_never_above_a_marked_one(
        service: SearchService, query: str) -> None:
    marked = [_marked(hit) for hit in search(service, query, per_page=50).hits]
    assert marked == sorted(marked, reverse=True), marked


def test_phrase_count(service: SearchService) -> None:
    page = search(service, "thanh hoa")
    assert page.phrase_total == 2 and page.total > 2  # the other hits have the words apart
    assert set(ids(page)[:2]) == {SON_LU, AN_HUNG}
    assert search(service, "Nguyễn Văn Thi").phrase_total == 1
    assert search(service, "an ninh").phrase_total == search(service, '"an ninh"').total
    assert search(service, "camera").phrase_total is None  # one word
    assert search(service, '"Chí Linh" an ninh').phrase_total is None  # not one run


def test_suggestions_keep_capitals_and_prefer_what_stands_together(
        service: SearchService) -> None:
    assert search(service, "thanh hoa").suggestion == "Thanh Hóa"
    # "thị" (thị trấn, thị xã) is far more frequent than "thi": the pair "văn thi" decides.
    assert search(service, "nguyen van thi").suggestion == "Nguyễn Văn Thi"
    assert search(service, "le van dung").suggestion == "Lê Văn Dũng"
    assert search(service, "an ninh to quoc").suggestion == "an ninh tổ quốc"


def test_a_word_found_nowhere_gets_a_correction_even_when_others_match(
        service: SearchService) -> None:
    """A long query matches on most of its words, so it finds articles with a misspelled
    one; the reader is still told the better spelling of the word that matched nothing."""
    page = search(service, "hệ thống camera an ninh tại Hà Nộii")
    assert page.total and not page.relaxed
    assert page.suggestion == "hệ thống camera an ninh tại Hà Nội"
    assert search(service, "hệ thống camera an ninh tại Hà Nội").suggestion is None


def test_adjacent_words_outrank_scattered_ones(tmp_path: Path) -> None:
    """An article naming Lê Văn Dũng once, in a long body, is above one where the three
    syllables are many and short-fielded (in its title) but never side by side."""
    from antqsearch.indexer import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    filler = "Ngày hội toàn dân bảo vệ an ninh Tổ quốc diễn ra sôi nổi ở xã. " * 30
    (corpus / "together.txt").write_text(
        f"Ngày hội ở xã Hòa Bình\n\n{filler}Đồng chí Lê Văn Dũng dự ngày hội.\n",
        encoding="utf-8")
    (corpus / "apart.txt").write_text(
        "Lê Hoa, Văn Nam và Dũng Tiến\n\nÔng Lê Hoa, ông Văn Nam, anh Dũng Tiến. "
        "Lê Hoa kể. Văn Nam kể. Dũng Tiến kể.\n", encoding="utf-8")
    for i in range(4):  # other articles, so that the three syllables are rare words
        (corpus / f"other{i}.txt").write_text(f"Tin {i}\n\n{filler}\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    scattered_wins = SearchService(tmp_path / "index")
    for query in ("lê văn dũng", "le van dung"):
        page = scattered_wins.search(SearchRequest(query))
        assert ids(page) == ["together", "apart"], query
        assert page.hits[0].score < page.hits[1].score  # the order is not the score's
        assert page.phrase_total == 1


def _stub_units(size: int, frequencies: list[int]) -> tuple[object, list[object]]:
    import numpy as np

    from antqsearch.backend.memory import MemorySource
    from antqsearch.engine import Engine, Evaluation
    from antqsearch.record import AnalysedArticle, ArticleRecord

    # An engine over empty articles (the gates read only its size and idf).
    source = MemorySource.from_articles(
        [AnalysedArticle(ArticleRecord(str(i), "", "")) for i in range(size)])
    engine = Engine(source, k1=1.2, b=0.75, idf="bm25")
    rng = np.random.default_rng(7)
    units = []
    for n in frequencies:
        mask = np.zeros(size, dtype=bool)
        mask[rng.choice(size, n, replace=False)] = True
        units.append(Evaluation(mask, mask.astype(np.float32)))
    return engine, units


def test_a_loosened_query_never_matches_most_of_the_corpus() -> None:
    """`HIV sau vu TNGT`: two rare words, two common ones (``vu`` folds vụ, vũ, vú…). A share
    of the words' count lets the two common ones match most of the corpus; a share of the
    query's information (idf) does not, nor does the loosening when nothing has it all."""
    from dataclasses import replace

    from antqsearch.querybuild import Weights
    from antqsearch.ranking import gate, loosened

    engine, units = _stub_units(10_000, [12, 30, 7_000, 8_000])
    by_count = gate(engine, units, replace(Weights(), coverage="off", should_match=0.4), True)
    assert by_count.sum() > 5_000
    by_information = gate(engine, units, Weights(), True)
    rare = units[0].mask | units[1].mask
    assert 0 < by_information.sum() <= rare.sum() and not (by_information & ~rare).any()
    found = loosened(engine, units, Weights())
    assert 0 < found.sum() <= rare.sum()
    assert loosened(engine, units, replace(Weights(), relax_share=0.0)).sum() > 5_000


def test_a_deleted_article_with_every_word_does_not_hide_the_live_ones() -> None:
    """A source may keep a deleted article's postings (the backend contract): after an
    update, the old copy of an article may be the only one with every word of a query.
    The loosening then keeps the live articles with the most of it, not nothing."""
    import numpy as np

    from antqsearch.backend.memory import MemorySource
    from antqsearch.engine import Engine
    from antqsearch.plan import Term
    from antqsearch.querybuild import Weights
    from antqsearch.ranking import loosened
    from antqsearch.record import AnalysedArticle, ArticleRecord

    def article(doc_id: str, words: str) -> AnalysedArticle:
        return AnalysedArticle(ArticleRecord(doc_id, "", words),
                               {"text": dict.fromkeys(words.split(), 1)})

    source = MemorySource([article("old", "nguyễn văn thi"), article("a", "văn thi"),
                           article("b", "văn"), article("c", "khác")], [False, True, True, True])
    engine = Engine(source, k1=1.2, b=0.75, idf="bm25")
    units = [engine.evaluate(Term("text", word)) for word in ("nguyễn", "văn", "thi")]
    found = loosened(engine, units, Weights())
    assert list(np.flatnonzero(found)) == [1]


@pytest.mark.parametrize("query", ["an ninh", "", "cong an", '"ngày hội"'])
def test_to_json_is_the_dataclass_as_a_dict(service: SearchService, query: str) -> None:
    """The API's object, built field by field, is ``asdict`` of the page with the design's
    fields (no title_html, sort, notices, relaxed; numeric facet values as numbers)."""
    page = service.search(SearchRequest(query))
    expected = asdict(page)
    for key in ("sort", "notices", "relaxed"):
        expected.pop(key)
    for hit in expected["hits"]:
        hit.pop("title_html")
    for value in expected["facets"]["year"]:
        value["value"] = int(value["value"])
    data = page.to_json()
    assert data == expected and list(data) == list(expected)
    assert [list(h) for h in data["hits"]] == [list(h) for h in expected["hits"]]
    assert data["hits"] and data["facets"]["year"]
