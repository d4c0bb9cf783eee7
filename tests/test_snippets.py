"""Marking query words in the original text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antqsearch import snippets
from antqsearch.snippets import Marks, mark_html, match_spans, snippet_html
from antqsearch.text import fold_diacritics, index_term, iter_syllables, joined

WORDS = ["an", "ninh", "An", "Ninh", "trật", "tự", "Trật", "TỰ", "hoà", "hòa", "Hóa", "đà",
         "Đà", "<b>", "&", ",", "\n", "x1", "_", "  "]


def naive_spans(text: str, marks: Marks) -> list[tuple[int, int]]:
    """Reference: key every syllable, mark singles and adjacent phrase matches."""
    syllables = list(iter_syllables(text))
    keys = [fold_diacritics(index_term(s.text)) if marks.folded else index_term(s.text)
            for s in syllables]
    marked = [k in marks.singles for k in keys]
    for phrase in marks.phrases:
        n = len(phrase)
        for i in range(len(keys) - n + 1):
            if tuple(keys[i : i + n]) == phrase and all(
                joined(text[syllables[j].end : syllables[j + 1].start]) for j in range(i, i + n - 1)
            ):
                marked[i : i + n] = [True] * n
    return [(s.start, s.end) for s, m in zip(syllables, marked, strict=True) if m]


def covered(spans: list) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in spans]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join), st.booleans())
def test_spans_cover_exactly_the_matching_syllables(text: str, folded: bool) -> None:
    marks = Marks(frozenset({("an", "ninh"), ("trật", "tự")} if not folded
                            else {("an", "ninh"), ("trat", "tu")}),
                  frozenset({"hòa"} if not folded else {"hoa", "da"}), folded)
    expected = naive_spans(text, marks)
    got = match_spans(text, marks)
    inside = [(a, b) for span in got for (a, b) in expected if span.start <= a and b <= span.end]
    assert sorted(inside) == expected
    for span in got:
        assert text[span.start : span.end].strip() == text[span.start : span.end]


def test_marks_are_escaped_and_phrases_only_where_adjacent() -> None:
    text = 'An ninh <script>alert(1)</script> an, ninh và "an ninh trật tự"'
    marks = Marks(frozenset({("an", "ninh")}), frozenset())
    html = mark_html(text, match_spans(text, marks))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<mark>") == 2
    assert "<mark>An ninh</mark>" in html and "an, ninh" in html


def test_snippet_picks_the_passage_with_the_matches() -> None:
    text = "Mở đầu không liên quan. " * 30 + "Ở đây có camera an ninh của phường." + " Hết." * 50
    marks = Marks(frozenset({("camera", "an"), ("an", "ninh")}), frozenset({"camera"}))
    snippet = snippet_html(text, match_spans(text, marks))
    assert "<mark>camera an ninh</mark>" in snippet and snippet.startswith("… ")


PROSE = ("Nhận thức rõ tầm quan trọng của công tác phát động toàn dân bảo vệ an ninh Tổ quốc, "
         "thời gian qua cấp ủy, chính quyền địa phương đã tập trung lãnh đạo, chỉ đạo và triển "
         "khai nhiều mô hình hay tại địa phương")
ARTICLE = (f"Toàn cảnh ngày hội tại thị trấn Sơn Lư.\n{PROSE}\nNâng cao hiệu quả phong trào\n"
           f"{PROSE.replace('Nhận thức', 'Nhằm nâng cao nhận thức')}.\nBài và ảnh: Văn Thi")


def words(*terms: str) -> Marks:
    return Marks(singles=frozenset(index_term(t) for t in terms))


def test_snippets_stay_in_one_paragraph() -> None:
    """Issue 13, 6: captions, subheads and bylines never run into the text."""
    opening = snippet_html(ARTICLE, [])
    assert opening.startswith("Nhận thức rõ") and "Toàn cảnh" not in opening
    assert "Nâng cao hiệu quả" not in opening
    marked = snippet_html(ARTICLE, match_spans(ARTICLE, words("nâng", "cao")))
    assert "Nâng cao hiệu quả phong trào" not in marked  # the subhead: running text wins
    assert "Bài và ảnh" not in marked and marked.startswith("Nhằm <mark>nâng cao</mark> nhận thức")
    near_end = snippet_html(ARTICLE, match_spans(ARTICLE, words("địa", "phương")))
    assert "Nâng cao" not in near_end and "Nhằm" not in near_end
    byline = snippet_html(ARTICLE, match_spans(ARTICLE, words("Thi")))
    assert byline == "Bài và ảnh: Văn <mark>Thi</mark>"  # the only match: shown alone


TRICKY = list("anđĐÀáhN1_ -\n,.ẠăØ\u0301İ\u212aÅ中\x00") + ["\U0001d400", "\ud800", "😀"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=60),
       st.sets(st.sampled_from(["a", "an", "n", "d", "1", "o", "h", "đa", "à", "ø", "ı"])),
       st.booleans())
def test_candidates_are_the_syllables_keyed_as_wanted(
        text: str, wanted: set[str], folded: bool) -> None:
    """Whole syllables only (as iter_syllables finds them, never a syllable's inside), each
    whose key is wanted: what keying every syllable finds."""
    keys = {fold_diacritics(index_term(w)) if folded else index_term(w) for w in wanted}
    marks = Marks(singles=frozenset(keys), folded=folded)
    expected = [(s.start, s.end, key) for s in iter_syllables(text)
                if (key := marks.key(s.text)) in keys]
    assert snippets._candidates(text, marks) == expected


def test_folding_a_letter_alone_folds_it_in_any_syllable() -> None:
    """What the fold table rests on: a letter's matching form folded is its lower case
    folded (so a syllable folds one letter at a time), and no letter past the Basic
    Multilingual Plane folds to ASCII."""
    for code in range(0x110000):
        char = chr(code)
        if char.isalnum():
            key = fold_diacritics(index_term(char))
            assert key == fold_diacritics(char.lower()), hex(code)
            assert not key.isascii() or (code < 0x10000 and len(key) == 1), hex(code)


def _window_score_every_span(text: str, spans: list, _starts: list[int], start: int,
                             end: int) -> tuple[int, int]:
    """Reference: the window's score, testing every span."""
    inside = [s for s in spans if s.start >= start and s.end <= end]
    distinct = frozenset().union(*(s.terms for s in inside)) if inside else frozenset()
    longest = max((len(s.terms) for s in inside), default=0)
    prose = snippets.PROSE_BONUS if snippets.is_prose(text, *snippets._line(text, start)) else 0
    return (len(distinct) * 4 + longest * 3 + len(inside) + prose, -start)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["x" * 150, "dài " * 30, "."]), max_size=60).map(" ".join),
       st.sets(st.sampled_from(["an", "ninh", "trật", "tự", "hòa", "đà"]), min_size=1),
       st.integers(0, 40))
def test_windows_score_as_when_every_span_is_tested(
        text: str, terms: set[str], lead: int) -> None:
    """The spans inside a window, found by bisection, are those a test of every span finds:
    every window scores the same, so the snippet is the same."""
    spans = match_spans(text, Marks(frozenset({("an", "ninh")}), frozenset(terms)))
    starts = [s.start for s in spans]
    for span in spans:
        window = snippets._window(text, span.start)
        assert (snippets._window_score(text, spans, starts, *window)
                == _window_score_every_span(text, spans, starts, *window))
    fast = snippet_html(text, spans, lead)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snippets, "_window_score", _window_score_every_span)
        assert snippet_html(text, spans, lead) == fast
