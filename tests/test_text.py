"""Pure text functions: normalisation, tone convention, folding, syllable offsets."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from antqsearch.text import (
    capital_words,
    fold_diacritics,
    has_diacritics,
    index_term,
    iter_syllables,
    normalize_text,
    normalize_tone,
    phrase_pattern,
    syllable_terms,
)

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
texts = st.text(alphabet=st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + " ,.-\n\t_\u200bÐ")
                | st.characters(), max_size=200)


def test_normalize_text_nfc_eth_zero_width_newlines() -> None:
    raw = "Tho\u0302\u0301ng nha\u0302\u0301t\r\nÐà\u200bNẵng\rxong"
    assert normalize_text(raw) == "Thống nhất\nĐàNẵng\nxong"


def test_tone_conventions_match() -> None:
    pairs = [("hoà", "hòa"), ("thuỷ", "thủy"), ("Uỷ", "Ủy"), ("khoẻ", "khỏe"), ("Hoá", "Hóa")]
    for old, new in pairs:
        assert index_term(old) == index_term(new)
    assert normalize_tone("quý") == "quý"
    assert normalize_tone("người") == "người"
    assert normalize_tone("giữ") == "giữ"
    assert normalize_tone("hoàn") == "hoàn"


def test_fold_and_has_diacritics() -> None:
    assert fold_diacritics("Đỗ Trọng Hưng, Thanh Hóa") == "Do Trong Hung, Thanh Hoa"
    assert not has_diacritics("camera an ninh thanh hoa")
    assert has_diacritics("đi")


def test_syllable_terms() -> None:
    assert syllable_terms("ANTQ-2023, Thanh Hoá") == ["antq", "2023", "thanh", "hóa"]
    assert syllable_terms("an_ninh") == ["an", "ninh"]


@given(texts)
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


@given(texts)
def test_syllable_offsets_point_at_the_syllable(text: str) -> None:
    for syllable in iter_syllables(text):
        assert text[syllable.start : syllable.end] == syllable.text
        assert syllable.text


@given(st.text(alphabet=st.sampled_from(VIETNAMESE + VIETNAMESE.upper()), min_size=1, max_size=8))
def test_tone_normalisation_is_idempotent_and_keeps_letters(word: str) -> None:
    once = normalize_tone(word)
    assert normalize_tone(once) == once
    assert fold_diacritics(once) == fold_diacritics(word)


@given(texts)
def test_folding_removes_every_mark(text: str) -> None:
    folded = fold_diacritics(text)
    assert fold_diacritics(folded) == folded
    assert "đ" not in folded and "Đ" not in folded



_WORDS_RE = re.compile(r"[^\W_][\w'’]*|[^\w\s]")


def _check_capital_words(text: str) -> None:
    expected = [m.span() for m in _WORDS_RE.finditer(text) if m.group()[0].isupper()]
    assert [m.span() for m in capital_words(text, _WORDS_RE)] == expected
    assert all(m.group() == text[m.start() : m.end()] for m in capital_words(text, _WORDS_RE))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAĐươƯỨ _'’-,\n1ǅΣЖж𝐀")), max_size=12))
@example("'A")
@example("x _Bình")
@example("a'B")
@example("Ông 𝐀 Bình")
def test_capital_words_are_the_words_that_start_with_a_capital(text: str) -> None:
    _check_capital_words(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_capital_words_of_any_text(text: str) -> None:
    _check_capital_words(text)


_PHRASE_WORDS = st.sampled_from(["phó", "Chủ", "tịch", "UBND", "tỉnh", "bí", "thư", "Ủy", "viên"])
_PHRASES = st.lists(st.lists(_PHRASE_WORDS, min_size=1, max_size=4).map(" ".join),
                    min_size=1, max_size=8)
_GAPS = st.sampled_from([" ", "  ", "\n", ", ", " x "])


@given(_PHRASES, st.lists(st.tuples(_PHRASE_WORDS, _GAPS), max_size=12))
def test_phrase_pattern_finds_what_the_longest_first_alternation_finds(
    phrases: list[str], words: list[tuple[str, str]]
) -> None:
    text = "".join(w + gap for w, gap in words)
    longest_first = sorted(set(phrases), key=len, reverse=True)
    flat = "|".join(r"\s+".join(map(re.escape, p.split())) for p in longest_first)
    expected = re.compile(rf"(?<!\w)(?:{flat})(?!\w)", re.IGNORECASE)
    tree = re.compile(rf"(?<!\w){phrase_pattern(phrases)}(?!\w)", re.IGNORECASE)
    assert [m.span() for m in tree.finditer(text)] == [m.span() for m in expected.finditer(text)]
