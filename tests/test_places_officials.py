"""Officials without courtesy words, event officials first; places that are not the event's;
articles without a headline (made-up articles of each form)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antqsearch.indexer import build_index
from antqsearch.metadata import extract_metadata
from antqsearch.officials import matching_form
from antqsearch.report import check_corpus
from antqsearch.search import SearchRequest, SearchService
from antqsearch.text import normalize_text, normalize_tone


def _meta(text: str):  # type: ignore[no-untyped-def]
    return extract_metadata(normalize_text(text))


@pytest.mark.parametrize(
    ("text", "officials"),
    [
        ("Ngày hội\n\nÔng Phan Văn Tiến, Phó Chủ tịch UBND huyện dự ngày hội.",
         ("Phan Văn Tiến",)),
        ("Ngày hội\n\nBà Nguyễn Thị Hoa, Giám đốc Sở Văn hóa phát biểu tại ngày hội.",
         ("Nguyễn Thị Hoa",)),
        ("Ngày hội\n\nChủ tịch UBND huyện ông Lê Văn Tám dự và trao quà.", ("Lê Văn Tám",)),
        ("Ngày hội\n\nĐồng chí Trần Quốc Bảo, Bí thư Huyện ủy dự.", ("Trần Quốc Bảo",)),
    ],
)
def test_no_courtesy_words_in_names(text: str, officials: tuple[str, ...]) -> None:
    assert _meta(text).officials == officials


FESTIVAL = """Xã Yên Hòa sôi nổi ngày hội toàn dân bảo vệ an ninh Tổ quốc

Thực hiện chỉ thị của Thủ tướng Chính phủ Nguyễn Văn Quốc, các địa phương tổ chức ngày hội. \
Sáng 18/8, xã Yên Hòa tổ chức ngày hội. Đại tá Lê Văn Hùng, Phó Giám đốc Công an tỉnh dự và \
trao quà cho các gia đình. Bà Đỗ Thị Lan, Chủ tịch UBND xã phát biểu khai mạc.

Lời dạy của Bộ trưởng Bộ Công an Trần Minh Đức về phong trào được nhắc lại."""


def test_event_officials_first() -> None:
    meta = _meta(FESTIVAL)
    assert meta.officials_at_event == ("Lê Văn Hùng", "Đỗ Thị Lan")
    assert meta.officials == ("Lê Văn Hùng", "Đỗ Thị Lan", "Nguyễn Văn Quốc", "Trần Minh Đức")


@pytest.mark.parametrize(
    ("text", "province"),
    [
        # A place in brackets as a comparison does not beat the story's province.
        ("Trường học an toàn ở Quảng Trạch\n\nSáng 9/8, xã Quảng Châu, huyện Quảng Trạch ra mắt "
         "mô hình trường học an toàn, học theo THCS Nam Trung Yên (Hà Nội) và THCS Cầu Giấy "
         "(Hà Nội).", "Quảng Bình"),
        # One item of a list of provinces at a national meeting is not the place.
        ("Hội nghị toàn quốc\n\nHội nghị có đại biểu Công an TP HCM, Đà Nẵng, Khánh Hoà, Cần Thơ "
         "và Hà Nội; hội nghị tổ chức tại thị trấn Quán Lào, huyện Yên Định.", "Thanh Hóa"),
        # A masthead and a court are not where the event is.
        ("Ngày hội ở Dĩ An\n\nTheo Pháp Luật TP.HCM, sáng 12/8, phường Đông Hòa, thành phố Dĩ An "
         "tổ chức ngày hội. Chánh án TAND TP.HCM Lê Thanh Phong được mời nói chuyện. Nhân dân "
         "phường Đông Hòa hưởng ứng.", "Bình Dương"),
        # An event abroad has no Vietnamese province.
        ("Bộ Công an hội đàm với Bộ An ninh tại Lào\n\nChiều 3/8, tại Viêng Chăn, đoàn Bộ Công an "
         "(Hà Nội) hội đàm với Bộ An ninh Lào; Thành phố Hà Nội cử đại diện.", None),
    ],
)
def test_places_that_are_not_the_event(text: str, province: str | None) -> None:
    assert _meta(text).province == province


NO_HEADLINE = (
    "Thời gian qua, xã Yên Hòa đã triển khai có hiệu quả phong trào toàn dân bảo vệ an ninh Tổ "
    "quốc, góp phần giữ vững an ninh chính trị ở cơ sở. Các tổ tự quản hoạt động đều đặn, "
    "nhân dân tích cực tham gia tố giác tội phạm.\n\nMô hình camera an ninh được nhân rộng.\n\n"
    "Thế Vinh"
)


def test_headline_less_article(tmp_path: Path) -> None:
    meta = _meta(NO_HEADLINE)
    assert meta.title.startswith("Thời gian qua, xã Yên Hòa") and meta.lead_chars > 0
    assert meta.body[: meta.lead_chars].endswith("cơ sở.")
    assert meta.body.startswith(meta.title.rstrip("…"))
    assert _meta(FESTIVAL).lead_chars == 0
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(NO_HEADLINE, encoding="utf-8")
    (corpus / "b.txt").write_text(FESTIVAL, encoding="utf-8")
    rows = {row["id"]: row for row in check_corpus(corpus)}
    assert rows["a"]["title_is_lead"] and not rows["b"]["title_is_lead"]
    build_index(corpus, index)
    service = SearchService(index)
    hit = next(h for h in service.search(SearchRequest("")).hits if h.id == "a")
    assert hit.snippet_html.startswith("Các tổ tự quản")
    marked = service.search(SearchRequest("tổ tự quản")).hits[0]
    assert "<mark>" in marked.snippet_html and "Thời gian qua" not in marked.snippet_html
    page = service.search(SearchRequest(""))
    assert {v.value for v in page.facets["official"]} == {"Lê Văn Hùng", "Đỗ Thị Lan"}
    assert "Nguyễn Văn Quốc" in next(h for h in page.hits if h.id == "b").officials


_VIETNAMESE = st.text(alphabet=st.sampled_from(list(
    "aàáảãạăằắẳẵặoòóỏõọuùúủũụyỳýỷỹỵeèéẻẽẹ ,.-1Uu\u0300\u0301\u0309\u0303\u0323hqtHQTĐđ")),
    max_size=40)


@given(_VIETNAMESE)
def test_matching_form_retones_each_word_in_place(text: str) -> None:
    """Each run of letters is retoned when that keeps its length, the rest is kept."""

    def retone(match: re.Match[str]) -> str:
        toned = normalize_tone(match.group())
        return toned if len(toned) == len(match.group()) else match.group()

    nfc = unicodedata.normalize("NFC", text)
    assert matching_form(text) == re.sub(r"[^\W\d_]+", retone, nfc)
    assert len(matching_form(text)) == len(nfc)
