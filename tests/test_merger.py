"""Provinces across the 1 July 2025 merger: made-up articles of both periods, and the two
province facets in the service, the API, the page, the CLI and the query language."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from antqsearch import merger
from antqsearch.cli import main
from antqsearch.indexer import build_index
from antqsearch.metadata import ArticleMeta, extract_metadata
from antqsearch.overrides import apply_overrides
from antqsearch.search import SearchRequest, SearchService
from antqsearch.text import normalize_text
from antqsearch.web import create_app

ARTICLES = {
    # After the merger: a commune of the new Hải Phòng that lay in Hải Dương.
    "hai_phong_2025": """date 2025-08-20
Xã Chí Minh tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc

Sáng 20/8, xã Chí Minh, thành phố Hải Phòng tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ \
quốc. Đồng chí Phạm Văn Long, Chủ tịch UBND xã Chí Minh phát biểu.""",
    # After the merger: an old Phú Yên ward, now in Đắk Lắk (no date line: its words tell).
    "dak_lak_2025": """Phường Tuy Hòa sôi nổi ngày hội an ninh

Sáng 15/8, phường Tuy Hòa, tỉnh Đắk Lắk tổ chức ngày hội bảo vệ an ninh Tổ quốc với \
nhiều hoạt động văn hóa, thể thao.""",
    # Before the merger: the same commune, named with its district and old province.
    "hai_duong_2023": """date 2023-08-10
Xã Chí Minh, huyện Tứ Kỳ tổ chức ngày hội

Sáng 10/8, xã Chí Minh, huyện Tứ Kỳ, tỉnh Hải Dương tổ chức ngày hội toàn dân bảo vệ an \
ninh Tổ quốc năm 2023.""",
    # Before the merger: the old Hải Phòng.
    "hai_phong_2022": """date 2022-08-12
Phường An Hưng tổ chức ngày hội

Sáng 12/8, phường An Hưng, quận Hồng Bàng, thành phố Hải Phòng tổ chức ngày hội toàn dân \
bảo vệ an ninh Tổ quốc năm 2022.""",
    "thanh_hoa_2023": """date 2023-07-19
Thị trấn Sơn Lư tổ chức ngày hội

Sáng 19/7, thị trấn Sơn Lư, huyện Quan Sơn, tỉnh Thanh Hóa tổ chức ngày hội an ninh.""",
}
EXPECTED = {  # (province as named at its date, province_2025, legacy province)
    "hai_phong_2025": ("Hải Phòng", "Hải Phòng", "Hải Dương"),
    "dak_lak_2025": ("Đắk Lắk", "Đắk Lắk", "Phú Yên"),
    "hai_duong_2023": ("Hải Dương", "Hải Phòng", "Hải Dương"),
    "hai_phong_2022": ("Hải Phòng", "Hải Phòng", "Hải Phòng"),
    "thanh_hoa_2023": ("Thanh Hóa", "Thanh Hóa", "Thanh Hóa"),
}


def test_doctests() -> None:
    assert doctest.testmod(merger).failed == 0


def test_34_provinces_and_a_function_from_the_63() -> None:
    assert len(merger.provinces_2025()) == 34
    from antqsearch.gazetteer import province_names

    assert {merger.province_2025(p) for p in province_names()} == set(merger.provinces_2025())
    assert merger.province_2025("Bình Dương") == "Hồ Chí Minh"
    assert merger.province_2025("Hà Giang") == "Tuyên Quang"


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items())
def test_articles_get_both_provinces(name: str, expected: tuple[str, str, str]) -> None:
    meta = extract_metadata(normalize_text(ARTICLES[name]))
    assert (meta.province, meta.province_2025, meta.province_legacy) == expected


def test_2025_article_has_its_commune_and_no_district() -> None:
    meta = extract_metadata(normalize_text(ARTICLES["hai_phong_2025"]))
    assert (meta.district, meta.ward) == (None, "Chí Minh")
    legacy = extract_metadata(normalize_text(ARTICLES["hai_duong_2023"]))
    assert (legacy.district, legacy.ward) == ("Tứ Kỳ", "Chí Minh")


def test_a_legacy_province_named_undated_stays_legacy() -> None:
    meta = extract_metadata(normalize_text(
        "Ngày hội ở phường\n\nPhường Xuân Đài, tỉnh Phú Yên tổ chức ngày hội an ninh."))
    assert (meta.province, meta.province_2025, meta.province_legacy) == (
        "Phú Yên", "Đắk Lắk", "Phú Yên")


SAMPLE = ArticleMeta("T", "B", "2023-07-19", 2023, "Thanh Hóa", None, None, (), None,
                     province_2025="Thanh Hóa", province_legacy="Thanh Hóa")


def test_sidecars_accept_both_provinces() -> None:
    fixed = apply_overrides(SAMPLE, {"province": "Hải Dương"})
    assert (fixed.province, fixed.province_2025, fixed.province_legacy) == (
        "Hải Dương", "Hải Phòng", "Hải Dương")
    fixed = apply_overrides(SAMPLE, {"province_2025": "Hải Phòng"})
    assert fixed.province_2025 == "Hải Phòng" and fixed.province_legacy is None  # two joined
    with pytest.raises(ValueError, match="34"):
        apply_overrides(SAMPLE, {"province_2025": "Hải Dương"})  # not a province since 2025
    with pytest.raises(ValueError, match="province_legacy"):
        apply_overrides(SAMPLE, {"province_legacy": "Hải Dương"})


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("merger-corpus")
    for name, text in ARTICLES.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    folder = tmp_path_factory.mktemp("merger-index")
    summary = build_index(corpus, folder)
    assert summary.total == len(ARTICLES) and not summary.skipped
    return folder


def _ids(service: SearchService, **facets: tuple[str, ...]) -> set[str]:
    return {h.id for h in service.search(SearchRequest("", **facets)).hits}


def test_service_filters_either_way(index: Path) -> None:
    service = SearchService(index)
    assert _ids(service, province_2025=("Hải Phòng",)) == {
        "hai_phong_2025", "hai_duong_2023", "hai_phong_2022"}
    assert _ids(service, province=("Hải Dương",)) == {"hai_phong_2025", "hai_duong_2023"}
    assert _ids(service, province=("Phú Yên",)) == {"dak_lak_2025"}
    page = service.search(SearchRequest(""))
    counts = {v.value: v.count for v in page.facets["province_2025"]}
    assert counts == {"Hải Phòng": 3, "Đắk Lắk": 1, "Thanh Hóa": 1}
    legacy = {v.value: v.count for v in page.facets["province"]}
    assert legacy == {"Hải Dương": 2, "Hải Phòng": 1, "Phú Yên": 1, "Thanh Hóa": 1}


def test_query_language_filter(index: Path) -> None:
    service = SearchService(index)
    found = service.search(SearchRequest('tinh2025:"Hải Phòng"'))
    assert {h.id for h in found.hits} == {"hai_phong_2025", "hai_duong_2023", "hai_phong_2022"}


def test_api_and_page(index: Path) -> None:
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    data = client.get("/api/search", query_string={"province_2025": "Hải Phòng"}).get_json()
    assert data["total"] == 3
    by_id = {h["id"]: h for h in data["hits"]}
    assert (by_id["hai_duong_2023"]["province"], by_id["hai_duong_2023"]["province_2025"]) == (
        "Hải Dương", "Hải Phòng")
    assert [v for v in data["facets"]["province_2025"] if v["selected"]] == [
        {"value": "Hải Phòng", "count": 3, "selected": True}]
    legacy = client.get("/api/search", query_string={"province": "Hải Dương"}).get_json()
    assert {h["id"] for h in legacy["hits"]} == {"hai_phong_2025", "hai_duong_2023"}
    page = client.get("/", query_string={"province_2025": "Hải Phòng"}).get_data(as_text=True)
    assert "Tỉnh/thành (từ 7/2025)" in page and "Tỉnh/thành (trước 7/2025)" in page
    assert 'name="province_2025" value="Hải Phòng" checked' in page
    article = client.get("/article/hai_phong_2025").get_data(as_text=True)
    assert "Hải Dương" in article and "Hải Phòng" in article


def test_cli(index: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "--index", str(index), "--province-2025", "Đắk Lắk", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [h["id"] for h in data["hits"]] == ["dak_lak_2025"]
    assert data["hits"][0]["province_2025"] == "Đắk Lắk"
