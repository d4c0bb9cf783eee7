"""The numpy engine agrees with Whoosh's own matchers and BM25F scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import query as Q

from antqsearch.backend.whoosh import WhooshSource, open_generation
from antqsearch.engine import Engine
from antqsearch.plan import All, Any, Fields, Node, Term
from antqsearch.store import open_current

QUERIES = [
    Term("text", "an"),
    Any((Term("text", "camera"), Term("head", "thanh", boost=2.0))),
    All((Term("text", "an"), Term("pairs", "an ninh", boost=0.7))),
    Any((All((Term("text", "ma"), Term("text", "túy"))), Term("head", "camera"))),
    Term("text", "khôngcótừnày"),
]


def whoosh_query(node: Node) -> Q.Query:
    """The same plan as a Whoosh query (plain terms only)."""
    if isinstance(node, Term):
        assert not node.folded
        return Q.Term(node.field, node.text, boost=node.boost)
    assert isinstance(node, (All, Any))
    kind = Q.And if isinstance(node, All) else Q.Or
    return kind([whoosh_query(p) for p in node.parts], boost=node.boost)


@pytest.fixture(scope="module")
def opened(test_index: Path):
    _, index = open_current(test_index, open_generation)
    source = WhooshSource(index)
    with index.searcher() as searcher:
        yield searcher, Engine(source, k1=1.2, b=0.75)
    source.close()


@pytest.mark.parametrize("query", QUERIES, ids=str)
def test_same_documents_and_scores_as_whoosh(opened, query: Node) -> None:
    searcher, engine = opened
    expected = {hit.docnum: hit.score
                for hit in searcher.search(whoosh_query(query), limit=None)}
    evaluation = engine.evaluate(query)
    assert set(np.flatnonzero(evaluation.mask)) == set(expected)
    for docnum, score in expected.items():
        assert evaluation.score[docnum] == pytest.approx(score, rel=1e-4)


def test_top_orders_by_score_then_docnum(opened) -> None:
    _, engine = opened
    score = np.array([1.0, 3.0, 3.0, 0.5] + [0.0] * (engine.size - 4), dtype=np.float32)
    candidates = np.zeros(engine.size, dtype=bool)
    candidates[:4] = True
    assert list(engine.top(score, candidates, 0, 3)) == [1, 2, 0]
    assert list(engine.top(score, candidates, 2, 4)) == [0, 3]


def test_folded_fields_equal_a_real_folded_field() -> None:
    """text_f is derived from the lexicon of text; compare with a really indexed folded field."""
    from whoosh.fields import ID, Schema
    from whoosh.filedb.filestore import RamStorage

    from antqsearch.analysis import field_counts
    from antqsearch.backend.whoosh.schema import Counted
    from antqsearch.text import fold_diacritics

    docs = ["Thanh Hóa hòa bình", "hoa hoà hoá hoa", "Hòa Bình, an ninh", "an nính trật tự",
            "không liên quan"]
    schema = Schema(id=ID(stored=True), text=Counted(), pairs=Counted(), real=Counted(),
                    real_pairs=Counted(), head=Counted())
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        for i, doc in enumerate(docs):
            counts = field_counts("", doc)
            folded = {}
            for term, n in counts["text"].items():
                folded[fold_diacritics(term)] = folded.get(fold_diacritics(term), 0) + n
            folded_pairs = {}
            for term, n in counts["pairs"].items():
                key = fold_diacritics(term)
                folded_pairs[key] = folded_pairs.get(key, 0) + n
            writer.add_document(id=str(i), text=counts["text"], pairs=counts["pairs"],
                                real=folded, real_pairs=folded_pairs, head={})
    source = WhooshSource(index)
    with index.searcher() as searcher:
        engine = Engine(source, k1=1.2, b=0.75)
        for derived, real, text in (("text", "real", "hoa"), ("text", "real", "an"),
                                    ("pairs", "real_pairs", "an ninh"),
                                    ("pairs", "real_pairs", "hoa binh")):
            got = engine.evaluate(Term(derived, text, folded=True))
            expected = {h.docnum: h.score for h in searcher.search(Q.Term(real, text))}
            assert set(np.flatnonzero(got.mask)) == set(expected), (derived, text)
            for docnum, score in expected.items():
                assert got.score[docnum] == pytest.approx(score, rel=1e-4)
    source.close()


@pytest.mark.parametrize("mapped", [False, True])
def test_postings_over_many_blocks_and_segments(tmp_path: Path, mapped: bool) -> None:
    """Posting lists longer than a block, in two segments, one with deletions; read through
    Whoosh's files or through memory maps (the blocks then read straight from the map)."""
    from whoosh import index as whoosh_index

    from antqsearch.backend.whoosh.mapped import MappedStorage
    from antqsearch.backend.whoosh.schema import build_schema
    from antqsearch.backend.whoosh.segwriter import CountedWriter

    index = whoosh_index.create_in(str(tmp_path), build_schema())
    for part in (range(0, 700), range(700, 1000)):
        writer = CountedWriter(index)
        for i in part:
            counts = {"an": 1 + i % 5, "ninh": 2} if i % 3 else {"an": 1 + i % 5}
            writer.add_document(id=str(i), text=counts)
        writer.commit(merge=False)
    writer = CountedWriter(index)
    writer.delete_by_term("id", "5")
    writer.commit(merge=False)
    source = WhooshSource(MappedStorage(str(tmp_path)).open_index() if mapped else index)
    with index.searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) == 2
        engine = Engine(source, k1=1.2, b=0.75)
        for term in ("an", "ninh"):
            ids, tfs = engine.postings("text", term)
            expected = list(reader.postings("text", term).items_as("weight"))
            live = [(d, w) for d, w in expected if not reader.is_deleted(d)]
            got = [(int(d), float(w)) for d, w in zip(ids, tfs, strict=True)]
            assert [x for x in got if not reader.is_deleted(x[0])] == live
            assert len(live) > 300
    source.close()


def test_bm25f_adds_fields_before_saturating(opened) -> None:
    """One field alone is plain BM25; a word in head and body scores more than in either,
    but less than the two fields scored apart; the idf forms are Whoosh's and BM25's."""
    searcher, engine = opened
    alone = engine.evaluate(Fields((Term("text", "camera", 1.0),)))
    term = engine.evaluate(Term("text", "camera"))
    assert np.allclose(alone.score, term.score, rtol=1e-5)
    both = engine.evaluate(Fields((Term("text", "an", 1.0), Term("head", "an", 2.0))))
    apart = engine.evaluate(Any((Term("text", "an"), Term("head", "an", boost=2.0))))
    in_both = engine.evaluate(Term("text", "an")).mask & engine.evaluate(
        Term("head", "an")).mask
    assert in_both.any()
    assert (both.score[in_both] < apart.score[in_both]).all()
    assert (both.score[in_both] > 0).all()
    bm25 = Engine(engine.source, k1=1.2, b=0.75, idf="bm25")
    assert bm25.idf(1) == pytest.approx(np.log(1 + (engine.documents - 0.5) / 1.5))
    assert engine.idf(1) == pytest.approx(np.log(engine.documents / 2) + 1)
