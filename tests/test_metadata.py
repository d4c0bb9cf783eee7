"""Metadata extraction on the real seed articles, on made-up ones, and on any string."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from antqsearch import metadata
from antqsearch.metadata import ArticleMeta, extract_metadata
from antqsearch.overrides import apply_overrides
from antqsearch.text import normalize_text

CORPUS = Path(__file__).parent.parent / "corpus"


def _seed(article_id: str) -> ArticleMeta:
    raw = (CORPUS / f"{article_id}.txt").read_text(encoding="utf-8-sig")
    return extract_metadata(normalize_text(raw))


def _article(text: str) -> ArticleMeta:
    return extract_metadata(normalize_text(text))


def test_doctests() -> None:
    assert doctest.testmod(metadata).failed == 0


SEEDS = {
    "000_ae1a3d5dfa8173e5": dict(
        date="2023-07-19",
        year=2023,
        province="Thanh Hóa",
        district="Quan Sơn",
        ward="Sơn Lư",
        officials=("Nguyễn Văn Thi",),
        author="Hoàng Lan",
    ),
    # A round-up of several localities (Chí Linh, TP Hải Dương…): no single district.
    "001_32c4a5321932a668": dict(
        title="Nhiều địa phương tổ chức ngày hội toàn dân bảo vệ ANTQ",
        date="2022-08-22",
        year=2022,
        province="Hải Dương",
        district=None,
        ward=None,
        officials=("Lê Quý Thường",),
        author="Văn Tú",
    ),
    "002_0f60e8da727919d9": dict(
        title="Bí thư Tỉnh ủy Đỗ Trọng Hưng chung vui Ngày hội “Toàn dân bảo vệ an ninh Tổ quốc” "
        "với cán bộ, nhân dân phường An Hưng",
        date="2023-08-10",
        year=2023,
        province="Thanh Hóa",
        district="Thanh Hóa",
        ward="An Hưng",
        officials=("Đỗ Trọng Hưng", "Lê Anh Xuân", "Trần Phú Hà"),
        author="Minh Hiếu",
    ),
    "003_17d1c34befa2625a": dict(
        year=2024,
        province="Tuyên Quang",
        district="Yên Sơn",
        ward="Kim Quan",
        officials=("Phạm Hoàng Điệp",),
        author="Thế Vinh",
    ),
    "004_00056c9aadf91c1d": dict(
        date="2024-08-16",
        year=2024,
        province="Quảng Nam",
        district="Tam Kỳ",
        ward="Trường Xuân",
        officials=("Lê Văn Dũng",),
        author=None,
    ),
}


@pytest.mark.parametrize(("article_id", "expected"), SEEDS.items())
def test_seed_metadata(article_id: str, expected: dict[str, object]) -> None:
    meta = _seed(article_id)
    assert {key: getattr(meta, key) for key in expected} == expected


def test_seed_titles_are_headlines() -> None:
    assert _seed("000_ae1a3d5dfa8173e5").title.startswith(
        "Phó Chủ tịch Thường trực UBND tỉnh Nguyễn Văn Thi dự"
    )
    derived = _seed("003_17d1c34befa2625a").title  # first line is a paragraph
    assert derived.startswith("Thời gian qua, xã Kim Quan") and len(derived) <= 121
    assert _seed("004_00056c9aadf91c1d").title.startswith(
        "Sáng 16/8, phường Trường Xuân, TP. Tam Kỳ"
    )


def test_seed_bodies_drop_page_furniture() -> None:
    body = _seed("001_32c4a5321932a668").body
    for junk in ("Thứ sáu, ngày 31/3/2023", "Thứ Hai 22/08/2022", "Xem với cỡ chữ", "CÁC BÀI VIẾT"):
        assert junk not in body
    assert body.startswith("Vừa qua trong tháng 8.2022") and body.endswith("Văn Tú")
    body = _seed("002_0f60e8da727919d9").body
    assert not body.startswith("date") and "date 2023-08" not in body
    assert body.startswith("Việc giữ gìn an ninh trật tự")
    assert _seed("000_ae1a3d5dfa8173e5").body.startswith("Sáng 19-7, thị trấn Sơn Lư")
    assert _seed("003_17d1c34befa2625a").body.startswith("Thời gian qua, xã Kim Quan")


HANOI = """Quận Hoàn Kiếm: Ngày hội toàn dân bảo vệ an ninh Tổ quốc tại phường Hàng Bạc

Sáng 12/8/2023, phường Hàng Bạc, quận Hoàn Kiếm tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ \
quốc năm 2023. Dự có Trung tướng Nguyễn Hải Trung, Giám đốc Công an TP Hà Nội; đồng chí Phạm \
Tuấn Long, Bí thư Quận ủy Hoàn Kiếm.

Nhân dân phường Hàng Bạc nhắc lại lời dạy của Bác Hồ và Chủ tịch Hồ Chí Minh.

Nhóm PV"""

HCM = """TP.HCM: Phường Bến Nghé tổ chức ngày hội toàn dân bảo vệ ANTQ

Chiều 20-8, UBND phường Bến Nghé, Quận 1, TP.HCM tổ chức ngày hội toàn dân bảo vệ ANTQ năm \
2022. Thiếu tướng Mai Hoàng, Phó Giám đốc Công an TP Hồ Chí Minh dự và phát biểu.

Thực hiện: Minh Anh - Quốc Việt"""

CAN_THO = """Ngày hội toàn dân bảo vệ ANTQ ở phường An Khánh

Ngày 25/8/2024, phường An Khánh, quận Ninh Kiều, TP Cần Thơ tổ chức ngày hội. Phó Chủ tịch \
UBND thành phố Nguyễn Thực Hiện dự.

Theo baocantho.com.vn"""

DAK_LAK = """Huyện Cư M’gar sôi nổi ngày hội toàn dân bảo vệ an ninh Tổ quốc

Sáng 5-8, tại huyện Cư M’gar diễn ra ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2023. \
Thượng tá Y Ngọc Niê, Trưởng Công an huyện Cư M’gar báo cáo kết quả phong trào.

Công an huyện Cư M’gar đã phối hợp với các xã thực hiện nhiều mô hình hay.

Xuân Hòa"""

NGHE_AN = """Xã Diễn Kim tổ chức ngày hội toàn dân bảo vệ ANTQ

Sáng 15/8, Đoàn công tác Công an tỉnh Hà Tĩnh đến dự ngày hội của xã Diễn Kim, huyện Diễn \
Châu. Thượng tá Hồ Văn Nam, Trưởng Công an huyện Diễn Châu phát biểu. Nhân dân xã Diễn Kim \
hân hoan đón ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2024.

Bài và ảnh: Hữu Nghĩa"""

THANH_HOA_OLD_TONES = """Uỷ viên Ban Thường vụ Tỉnh uỷ dự ngày hội ở thị trấn Ngọc Lặc

Thứ Hai, 14/08/2023 15:30 (GMT+7)

Sáng nay, thị trấn Ngọc Lặc (huyện Ngọc Lặc, tỉnh Thanh Hoá) tổ chức ngày hội. Đồng chí Lê \
Tiến Lam, Uỷ viên Ban Thường vụ Tỉnh uỷ dự. Đồng chí Lê Tiến Lam phát biểu chỉ đạo.

Lê Hoà"""

BANNER_ONLY = """Thứ sáu, ngày 31/3/2023

Xem với cỡ chữ

Huyện Krông Pắc tổ chức ngày hội

Trong tháng 8.2022, xã Ea Kly, huyện Krông Pắc tổ chức ngày hội toàn dân bảo vệ ANTQ. \
Chủ tịch UBND huyện Krông Pắc Trần Văn Hùng dự. Hội cựu chiến binh tham gia tích cực.

Mô hình camera an ninh được nhân rộng trong toàn huyện."""

MADE_UP = {
    "hanoi": (
        HANOI,
        dict(
            date="2023-08-12",
            province="Hà Nội",
            district="Hoàn Kiếm",
            ward="Hàng Bạc",
            officials=("Nguyễn Hải Trung", "Phạm Tuấn Long"),
            author="Nhóm PV",
        ),
    ),
    "hcm": (
        HCM,
        dict(
            date="2022-08-20",
            province="Hồ Chí Minh",
            district="Quận 1",
            ward="Bến Nghé",
            officials=("Mai Hoàng",),
            author="Minh Anh - Quốc Việt",
        ),
    ),
    "can_tho": (
        CAN_THO,
        dict(
            date="2024-08-25",
            province="Cần Thơ",
            district="Ninh Kiều",
            ward="An Khánh",
            officials=("Nguyễn Thực Hiện",),
            author=None,  # "Theo …" names a source, not a reporter
        ),
    ),
    "dak_lak_district_only": (
        DAK_LAK,
        dict(
            date="2023-08-05",
            province="Đắk Lắk",
            district="Cư M'gar",
            ward=None,
            officials=("Y Ngọc Niê",),
            author="Xuân Hòa",
        ),
    ),
    "nghe_an_neighbour_in_passing": (
        NGHE_AN,
        dict(
            date="2024-08-15",
            province="Nghệ An",
            district="Diễn Châu",
            ward="Diễn Kim",
            officials=("Hồ Văn Nam",),
            author="Hữu Nghĩa",
        ),
    ),
    "old_tones_and_dateline": (
        THANH_HOA_OLD_TONES,
        dict(
            title="Uỷ viên Ban Thường vụ Tỉnh uỷ dự ngày hội ở thị trấn Ngọc Lặc",
            date="2023-08-14",
            province="Thanh Hóa",
            district="Ngọc Lặc",
            ward="Ngọc Lặc",
            officials=("Lê Tiến Lam",),
            author="Lê Hoà",
        ),
    ),
    "banner_is_not_the_date": (
        BANNER_ONLY,
        dict(
            title="Huyện Krông Pắc tổ chức ngày hội",
            date="2022-08",
            year=2022,
            province="Đắk Lắk",
            district="Krông Pắc",
            ward="Ea Kly",
            officials=("Trần Văn Hùng",),
            author=None,  # the last line is a sentence
        ),
    ),
}


@pytest.mark.parametrize(("text", "expected"), MADE_UP.values(), ids=MADE_UP.keys())
def test_made_up_articles(text: str, expected: dict[str, object]) -> None:
    meta = _article(text)
    assert {key: getattr(meta, key) for key in expected} == expected
    assert meta.year == (int(meta.date[:4]) if meta.date else None)
    assert "Xem với cỡ chữ" not in meta.body and not meta.body.startswith(meta.title)


def test_paragraph_first_line_gives_a_cut_title() -> None:
    long_sentence = "Thời gian qua, " + "phong trào toàn dân bảo vệ an ninh Tổ quốc " * 6
    meta = _article(long_sentence.strip() + ". Câu thứ hai.\nNội dung.")
    assert meta.title.endswith("…") and len(meta.title) <= 121
    assert " " not in meta.title[-2:]
    assert meta.body.startswith("Thời gian qua")


def test_officials_dedupe_and_exclusions() -> None:
    text = (
        "Tiêu đề\n\nĐại tá Phạm Hoàng Điệp, Phó Giám đốc Công an tỉnh phát biểu. Đồng chí "
        "Phó Giám đốc Công an tỉnh Phạm Hoàng Điệp tặng hoa. Làm theo lời Bác Hồ, Chủ tịch "
        "Hồ Chí Minh. Chủ tịch UBND tỉnh Thanh Hóa dự; Bí thư Tỉnh ủy cùng UBND tỉnh chúc mừng."
    )
    assert _article(text).officials == ("Phạm Hoàng Điệp",)


def test_empty_and_blank_texts() -> None:
    for text in ("", "   ", "\n\n\n"):
        meta = extract_metadata(text)
        assert meta.title == "" and meta.body == "" and meta.officials == ()
        assert meta.date is None and meta.year is None and meta.province is None


PIECES = st.sampled_from(
    [
        "Sáng 19-7",
        " date 2023-08 ",
        "Thứ sáu, ngày 31/3/2023",
        "xã Kim Quan",
        "huyện Yên Sơn",
        "TP. Tam Kỳ",
        "(Quan Sơn)",
        "Đại tá Phạm Hoàng Điệp, ",
        "Chủ tịch UBND tỉnh ",
        "Thực hiện: ",
        "CÁC BÀI VIẾT KHÁC:",
        "Xem với cỡ chữ",
        "năm 2024",
        "tháng 13.2022",
        "31/2/2023",
        "\n",
        "\n\n",
        ". ",
        ", ",
        "“",
        "’",
        "(",
        ")",
        "TP.",
        "Nguyễn Văn Thi",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=5))).map("".join)))
def test_extract_metadata_never_raises(text: str) -> None:
    meta = extract_metadata(text)
    assert isinstance(meta.title, str) and isinstance(meta.body, str)
    assert all(isinstance(name, str) and name for name in meta.officials)
    assert meta.year is None or (meta.date is not None and meta.date.startswith(str(meta.year)))


def test_huge_text_is_fast_enough() -> None:
    raw = (CORPUS / "002_0f60e8da727919d9.txt").read_text(encoding="utf-8-sig")
    meta = extract_metadata(normalize_text(raw * 30))
    assert meta.province == "Thanh Hóa"


SAMPLE = ArticleMeta("T", "B", "2023-07-19", 2023, "Thanh Hóa", None, None, ("A B",), None)


def test_overrides_replace_fields() -> None:
    meta = apply_overrides(SAMPLE, {"officials": ["Nguyễn Văn Thi"], "author": "Hoàng Lan"})
    assert meta.officials == ("Nguyễn Văn Thi",) and meta.author == "Hoàng Lan"
    assert apply_overrides(SAMPLE, {"province": "Thanh Hoá"}).province == "Thanh Hóa"
    assert apply_overrides(SAMPLE, {"province": None}).province is None
    assert apply_overrides(SAMPLE, {}) == SAMPLE


def test_overrides_keep_date_and_year_consistent() -> None:
    by_date = apply_overrides(SAMPLE, {"date": "2022-08"})
    assert (by_date.date, by_date.year) == ("2022-08", 2022)
    by_year = apply_overrides(SAMPLE, {"year": 2021})
    assert (by_year.date, by_year.year) == ("2021", 2021)
    same_year = apply_overrides(SAMPLE, {"year": 2023})
    assert (same_year.date, same_year.year) == ("2023-07-19", 2023)
    cleared = apply_overrides(SAMPLE, {"date": None})
    assert (cleared.date, cleared.year) == (None, None)


@pytest.mark.parametrize(
    "overrides",
    [
        {"titel": "x"},
        {"year": "2023"},
        {"year": True},
        {"officials": 5},
        {"officials": ["Nguyễn Văn Thi", 3]},
        {"date": "19/07/2023"},
        {"date": "2023-02-30"},
        {"date": "2023-07-19", "year": 2022},
        {"province": "Atlantis"},
        {"title": None},
    ],
)
def test_overrides_reject_bad_values(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        apply_overrides(SAMPLE, overrides)


def test_unknown_override_names_the_field() -> None:
    with pytest.raises(ValueError, match="titel"):
        apply_overrides(SAMPLE, {"titel": "x"})
