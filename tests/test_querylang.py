"""The lenient query language."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from antqsearch.queryanalysis import analyse_query
from antqsearch.querybuild import build_query
from antqsearch.querylang import parse_query


def test_words_phrases_negation_or_and_filters() -> None:
    q = parse_query('camera "an ninh" -"ma túy" thanh OR hóa province:"Thanh Hóa" nam:2023')
    assert [(c.text, c.phrase, c.negated) for c in q.clauses] == [
        ("camera", False, False), ("an ninh", True, False), ("ma túy", True, True),
        ("thanh", False, False)]
    assert q.clauses[3].alternatives[0].text == "hóa"
    assert q.filters == {"province": ("Thanh Hóa",), "year": ("2023",)}


def test_malformed_queries_become_plain_text() -> None:
    assert parse_query('"an ninh').clauses[0].text == "an ninh"
    assert parse_query('"an ninh').notices
    assert parse_query("AND AND").clauses == ()
    assert [c.text for c in parse_query("province:").clauses] == ["province"]
    assert [c.text for c in parse_query("foo:bar").clauses] == ["foo bar"]


def test_long_query_is_cut_with_a_notice() -> None:
    q = parse_query("an " * 1000)
    assert q.notices and len(q.clauses) <= 32


@settings(deadline=None)  # the first example loads pyvi: seconds on a busy machine
@given(st.text(max_size=300))
def test_any_string_parses_and_builds(text: str) -> None:
    build_query(analyse_query(parse_query(text)))
