"""Whoosh analyzers, pyvi segmentation with offsets, the abbreviation table."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from antqsearch.analysis import (
    abbreviations,
    compounds_field,
    folded_analyzer,
    syllable_analyzer,
)
from antqsearch.segment import segment


def _tokens(analyzer, text: str) -> list[tuple[str, int, int, int]]:
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in analyzer(text, positions=True, chars=True)]


def test_syllable_analyzer_positions_and_offsets() -> None:
    text = "Thanh Hoá, ANTQ"
    assert _tokens(syllable_analyzer(), text) == [
        ("thanh", 0, 0, 5), ("hóa", 1, 6, 9), ("antq", 2, 11, 15)]


def test_folded_analyzer() -> None:
    assert [t[0] for t in _tokens(folded_analyzer(), "Đỗ Trọng Hưng")] == ["do", "trong", "hung"]


def test_analyzers_pickle_round_trip() -> None:
    for analyzer in (syllable_analyzer(), folded_analyzer()):
        assert pickle.loads(pickle.dumps(analyzer)) == analyzer


def test_segment_spans_and_compounds() -> None:
    text = "Phó Chủ tịch UBND tỉnh Nguyễn Văn Thi dự Ngày hội toàn dân bảo vệ an ninh Tổ quốc."
    words = segment(text)
    assert all(text[w.start : w.end] == w.text for w in words)
    terms = compounds_field(text).split()
    assert "an_ninh" in terms and "tổ_quốc" in terms and "nguyễn_văn_thi" in terms


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from("an ninh Tổ quốc Thanh Hóa,.-\n_()“”0123456789ĐđA"),
               max_size=120))
def test_segment_offsets_for_any_text(text: str) -> None:
    for word in segment(text):
        assert text[word.start : word.end] == word.text


def test_abbreviations_both_ways() -> None:
    table = abbreviations()
    assert ("an", "ninh", "tổ", "quốc") in table.alternatives(("antq",))
    assert ("antq",) in table.alternatives(("an", "ninh", "tổ", "quốc"))
    assert ("ủy", "ban", "nhân", "dân") in table.alternatives(("ubnd",))
    assert ("antt",) in table.alternatives(("an", "ninh", "trat", "tu"), folded=True)
