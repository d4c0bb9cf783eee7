"""The legacy gazetteer and place resolution in article text."""

from __future__ import annotations

import doctest
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antqsearch import gazetteer
from antqsearch.gazetteer import Place, is_place_name, province_names
from antqsearch.places import resolve_places


def test_doctests() -> None:
    assert doctest.testmod(gazetteer).failed == 0


def test_63_legacy_provinces() -> None:
    names = province_names()
    assert len(names) == 63
    assert {"Thanh Hóa", "Hà Nội", "Hồ Chí Minh", "Hải Dương", "Tuyên Quang", "Quảng Nam"} <= set(
        names
    )


def test_loaded_once() -> None:
    gazetteer.legacy_units.cache_clear()
    province_names()
    province_names()
    assert gazetteer.legacy_units.cache_info().misses == 1
    assert gazetteer.legacy_units() is gazetteer.legacy_units()


@pytest.mark.parametrize("province", province_names())
def test_every_province_by_name(province: str) -> None:
    assert resolve_places(f"Ngày hội được tổ chức tại tỉnh {province}.") == Place(province)


def _one_unit_per_province() -> list[tuple[str, str, str, str, str]]:
    """(province, district type, district, ward type, ward), one per province, whose ward and
    district names together are found in that province only."""
    rows = [r[1:] for r in gazetteer._legacy_rows() if r[4] and "(" not in r[2] + r[4]]
    provinces_of: dict[tuple[str, str], set[str]] = {}
    for province, district, _, ward, _ in rows:
        provinces_of.setdefault((district, ward), set()).add(province)
    picked: dict[str, tuple[str, str, str, str, str]] = {}
    for province, district, d_type, ward, w_type in rows:
        if len(provinces_of[(district, ward)]) == 1 and not any(c.isdigit() for c in ward):
            picked.setdefault(province, (province, d_type, district, w_type, ward))
    return sorted(picked.values())


@pytest.mark.parametrize(
    ("province", "d_type", "district", "w_type", "ward"), _one_unit_per_province()
)
def test_every_province_by_ward_and_district(
    province: str, d_type: str, district: str, w_type: str, ward: str
) -> None:
    text = f"Sáng 10/8, {w_type.lower()} {ward}, {d_type.lower()} {district} tổ chức ngày hội."
    assert resolve_places(text) == Place(province, district, ward)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngày hội ở huyện Quan Sơn diễn ra sôi nổi.", Place("Thanh Hóa", "Quan Sơn")),
        ("Thị trấn Sơn Lư (Quan Sơn) tổ chức ngày hội.", Place("Thanh Hóa", "Quan Sơn", "Sơn Lư")),
        ("Tại huyện Cư M’gar, ngày hội diễn ra.", Place("Đắk Lắk", "Cư M'gar")),
        ("Ngày hội của huyện miền núi Quan Sơn.", Place("Thanh Hóa", "Quan Sơn")),
        ("Phường 13, quận Bình Thạnh ra quân.", Place("Hồ Chí Minh", "Bình Thạnh", "Phường 13")),
        ("Ngày hội ở phường Bến Nghé, Quận 1.", Place("Hồ Chí Minh", "Quận 1", "Bến Nghé")),
    ],
)
def test_district_only_and_special_forms(text: str, expected: Place) -> None:
    assert resolve_places(text) == expected


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("Công an TP.HCM tổ chức ngày hội.", "Hồ Chí Minh"),
        ("Công an TP Hồ Chí Minh tổ chức ngày hội.", "Hồ Chí Minh"),
        ("Ngày hội ở tỉnh Thừa Thiên Huế.", "Huế"),
        ("Ngày hội ở tỉnh Khánh Hoà.", "Khánh Hòa"),  # old tone placement
        ("Ngày hội ở tỉnh Bà Rịa - Vũng Tàu.", "Bà Rịa - Vũng Tàu"),
    ],
)
def test_aliases_and_tone_variants(text: str, province: str) -> None:
    place = resolve_places(text)
    assert place is not None and place.province == province


def test_ambiguous_ward_resolved_by_its_district() -> None:
    assert resolve_places("xã Kim Quan, huyện Yên Sơn") == Place(
        "Tuyên Quang", "Yên Sơn", "Kim Quan"
    )
    assert resolve_places("xã Kim Quan, huyện Thạch Thất") == Place(
        "Hà Nội", "Thạch Thất", "Kim Quan"
    )
    text = "phường An Hưng (TP Thanh Hóa) tổ chức ngày hội. Nhân dân phường An Hưng vui mừng."
    assert resolve_places(text) == Place("Thanh Hóa", "Thanh Hóa", "An Hưng")
    assert resolve_places("phường An Hưng, quận Hồng Bàng") == Place(
        "Hải Phòng", "Hồng Bàng", "An Hưng"
    )


def test_ambiguous_ward_alone_is_not_guessed() -> None:
    assert resolve_places("Xã Kim Quan tổ chức ngày hội.") is None


def test_ambiguous_ward_resolved_by_province_mentioned_elsewhere() -> None:
    text = (
        "Ngày hội ở xã Kim Quan. Đại tá Phạm Hoàng Điệp, Phó Giám đốc Công an tỉnh Tuyên Quang dự."
    )
    assert resolve_places(text) == Place("Tuyên Quang", "Yên Sơn", "Kim Quan")


def test_province_in_passing_does_not_win() -> None:
    text = (
        "Sáng 9/8, xã Ea Kly, huyện Krông Pắc tổ chức ngày hội. Đoàn công tác tỉnh Gia Lai "
        "đến dự. Nhân dân xã Ea Kly phấn khởi; huyện Krông Pắc sẽ nhân rộng mô hình."
    )
    assert resolve_places(text) == Place("Đắk Lắk", "Krông Pắc", "Ea Kly")


def test_round_up_of_several_districts_has_no_district() -> None:
    text = (
        "Đại tá Lê Quý Thường, Phó Giám đốc Công an tỉnh Hải Dương dự ngày hội ở phường Hoàng "
        "Tiến, TP Chí Linh. Mô hình camera ở phường Tân Bình, TP Hải Dương."
    )
    assert resolve_places(text) == Place("Hải Dương", None, None)


def test_no_place() -> None:
    assert resolve_places("") is None
    assert resolve_places("Phong trào toàn dân bảo vệ ANTQ phát triển. Xã hội ổn định.") is None
    assert resolve_places("Chủ tịch Hồ Chí Minh dạy.") is None


def test_is_place_name() -> None:
    assert is_place_name("Quan Sơn") and is_place_name("Thanh Hoá") and is_place_name("Kim Quan")
    assert not is_place_name("Nguyễn Văn Thi") and not is_place_name("")


def _runs_word_by_word(text: str, words: re.Pattern[str], gaps: tuple[str, ...]) -> list:
    """Runs of capitalised words, the plain way: every word in turn."""
    runs, run = [], []
    for match in words.finditer(text):
        capital = match.group()[0].isupper()
        if capital and run and text[run[-1][1] : match.start()] in gaps:
            run.append(match.span())
            continue
        if run:
            runs.append((run[0][0], run[-1][1]))
        run = [match.span()] if capital else []
    if run:
        runs.append((run[0][0], run[-1][1]))
    return runs


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("aAbBđĐươƯÔỨ _'’-,.\n1ǅ") + [" - "]), max_size=40)
       .map("".join))
def test_capital_runs_are_those_found_word_by_word(text: str) -> None:
    from antqsearch import officials

    assert list(gazetteer._capitalised_runs(text)) == _runs_word_by_word(
        text, gazetteer._WORD_RE, (" ", " - "))
    assert [(r[0].start(), r[-1].end()) for r in officials._capital_runs(text)] == (
        _runs_word_by_word(text, officials._WORD_RE, (" ",)))
