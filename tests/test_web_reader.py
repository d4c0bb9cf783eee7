"""Issue 13, through Flask's test client: the page at real scale (chart, zero results, typed
filters, focus, small items), the date filter, suggestions, the help page, the fragment."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from antqsearch.collate import vi_sort_key
from antqsearch.search import FacetValue, SearchPage
from antqsearch.web import create_app
from antqsearch.web.page import CHAR_WIDTH, CHART_MAX_BARS, year_chart
from antqsearch.web.params import Params

pytest_plugins = ["webfixtures"]
SON_LU_ID = "000_ae1a3d5dfa8173e5"


@pytest.fixture(autouse=True)
def _no_500(no_server_errors: None) -> None:
    """Every test here also checks that the 500 handler never ran."""


def get(client: FlaskClient, url: str, status: int = 200, **params: Any) -> str:
    response = client.get(url, query_string=params)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def api(client: FlaskClient, status: int = 200, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    data: dict[str, Any] = response.get_json()
    return data


def stub(years: dict[int, int], **changes: Any) -> SearchPage:
    fields: dict[str, Any] = {
        "query": "", "total": sum(years.values()), "page": 1, "per_page": 10, "took_ms": 0.4,
        "suggestion": None, "hits": [],
        "facets": {"province": [], "official": [],
                   "year": [FacetValue(str(y), c, False) for y, c in
                            sorted(years.items(), reverse=True)]},
    }
    fields.update(changes)
    return SearchPage(**fields)


class StubService:
    def __init__(self, page: SearchPage) -> None:
        self.page = page

    def search(self, request: object) -> SearchPage:
        return self.page


def stub_client(web_index: Path, page: SearchPage) -> FlaskClient:
    app = create_app({"INDEX_DIR": str(web_index)})
    app.extensions["antqsearch"] = StubService(page)
    return app.test_client()


# ----------------------------------------------------------------------------- 1. chart
def label_boxes(svg: str, cls: str) -> list[tuple[float, float]]:
    boxes = []
    for x, text in re.findall(rf'<text class="{cls}" x="([\d.]+)"[^>]*>([^<]+)</text>', svg):
        half = len(text) * CHAR_WIDTH / 2
        boxes.append((float(x) - half, float(x) + half))
    return boxes


@pytest.mark.parametrize("span", [1, 3, 8, 12, 13, 25, 40, 135])
def test_year_chart_reads_at_any_span(web_index: Path, span: int) -> None:
    years = {2025 - i: (i * 37) % 900 + 1 for i in range(span)}
    with create_app({"INDEX_DIR": str(web_index)}).test_request_context("/"):
        chart = year_chart(stub(years), Params())
    assert 1 <= len(chart.bars) <= CHART_MAX_BARS
    assert sum(b.count for b in chart.bars) == sum(years.values())
    page = get(stub_client(web_index, stub(years)), "/", q="x")
    svg = page[page.index('<svg class="chart__svg"') :]
    svg = svg[: svg.index("</svg>")]
    for cls in ("chart__year", "chart__count"):
        boxes = sorted(label_boxes(svg, cls))
        assert all(a[1] + 2 <= b[0] for a, b in zip(boxes, boxes[1:], strict=False)), cls
    assert len(label_boxes(svg, "chart__year")) >= min(2, len(chart.bars))
    assert "20252026" not in svg.replace("\n", "")


def test_a_135_year_facet_lists_the_recent_years_and_more(web_index: Path) -> None:
    years = {1891 + i: 1 + i for i in range(135)}
    page = get(stub_client(web_index, stub(years)), "/", q="x")
    listed = page[page.index("facet--year") :]
    listed = listed[: listed.index("</fieldset>")]
    shown = listed[: listed.index("Xem thêm")]
    assert re.findall(r'value="(\d{4})"', shown) == [str(y) for y in range(2025, 2015, -1)]
    assert "<summary>Xem thêm (125)</summary>" in listed
    assert "Số bài theo 20 năm" in page


# ----------------------------------------------------------------------------- 2. zero results
def test_zero_results_are_clean(web_client: FlaskClient) -> None:
    assert api(web_client, q="camera blockchain")["total"]  # some words match: relaxed
    page = get(web_client, "/", q="camera blockchain", province="Thanh Hóa",
               **{"from": "2030-01-01"})
    assert "0 kết quả" in page and "Không tìm thấy bài viết nào" in page
    assert "một phần" not in page and 'class="notice"' not in page
    assert "Không có giá trị nào" not in page
    assert 'class="sort"' not in page and "Liên quan nhất" not in page
    assert "facet--year" not in page and "facet--official" not in page
    assert 'value="Thanh Hóa" checked' in page  # the filters that gave nothing can be removed
    assert "Xóa tất cả" in page


# ----------------------------------------------------------------------------- 3. typed filter
def test_a_typed_filter_becomes_a_removable_facet(web_client: FlaskClient) -> None:
    page = get(web_client, "/", q='an ninh province:"Thanh Hóa"')
    assert 'name="q" value="an ninh"' in page
    assert 'data-page-url="/?q=an+ninh&amp;province=Thanh+H%C3%B3a"' in page
    assert 'name="province" value="Thanh Hóa" checked' in page
    assert re.search(r'class="chip" href="/\?q=an\+ninh"', page)
    assert '<a class="chips__clear" href="/?q=an+ninh">Xóa tất cả</a>' in page
    part = web_client.get("/ket-qua", query_string={"q": "nam:2023 an ninh"})
    assert part.headers["X-Search-URL"] == "/?q=an+ninh&year=2023"
    assert 'value="2023" checked' in part.get_data(as_text=True)


# ----------------------------------------------------------------------------- 5. focus
def test_results_pages_do_not_autofocus(web_client: FlaskClient) -> None:
    assert "autofocus" in get(web_client, "/")
    for params in ({"q": "an ninh"}, {"province": "Thanh Hóa"}, {"page": "2"}):
        assert "autofocus" not in get(web_client, "/", **params)


# ----------------------------------------------------------------------------- 8. small items
def test_empty_query_has_no_relevance_toggle(web_client: FlaskClient) -> None:
    page = get(web_client, "/")
    assert "Liên quan nhất" not in page and "mới nhất trước" in page
    assert "Liên quan nhất" in get(web_client, "/", q="an ninh")


def test_time_is_never_zero_ms(web_index: Path) -> None:
    page = get(stub_client(web_index, stub({2023: 3})), "/", q="x")
    assert "(0 ms)" not in page and "(dưới 1 ms)" in page


def test_placeholder_is_short(web_client: FlaskClient) -> None:
    placeholder = re.search(r'placeholder="([^"]*)"', get(web_client, "/")).group(1)  # type: ignore[union-attr]
    assert len(placeholder) <= 24 and "ví dụ" not in placeholder


def test_names_sort_in_vietnamese_order(web_client: FlaskClient) -> None:
    officials = api(web_client)["facets"]["official"]
    names = [f["value"] for f in officials if f["count"] == officials[0]["count"]]
    assert names == sorted(names, key=vi_sort_key)
    assert names.index("Đỗ Trọng Hưng") < names.index("Lê Văn Dũng") < names.index("Trần Phú Hà")


def test_api_year_is_an_int_everywhere(web_client: FlaskClient) -> None:
    data = api(web_client, q="an ninh")
    assert all(isinstance(v["value"], int) for v in data["facets"]["year"])
    assert all(isinstance(h["year"], int) for h in data["hits"] if h["year"] is not None)


# ----------------------------------------------------------------------------- date filter
def test_date_filter_in_the_api(web_client: FlaskClient) -> None:
    everything = api(web_client)["total"]
    data = api(web_client, **{"from": "2023-07-01", "to": "2023-12-31"})
    assert data["total"] == 2
    assert all(h["date"].startswith("2023-") for h in data["hits"])
    assert api(web_client, **{"from": "2024-01-01"})["total"] == 2  # one dated only by year
    assert [d["key"] for d in data["dates"]] == ["7d", "30d", "nam-nay"]
    assert all(isinstance(d["count"], int) for d in data["dates"])
    assert api(web_client, range="nam-nay")["total"] <= everything


@pytest.mark.parametrize(
    "params",
    [{"from": "2023-13-01"}, {"to": "hôm qua"}, {"from": "2024-01-01", "to": "2023-01-01"},
     {"range": "100y"}, {"from": "2023-1-1"}],
)
def test_bad_dates_are_400_in_vietnamese(web_client: FlaskClient, params: dict[str, str]) -> None:
    error = api(web_client, 400, **params)["error"]
    assert "ngày" in error.lower() or "khoảng" in error.lower()
    assert "Không thể tìm kiếm." in get(web_client, "/", 400, **params)


def test_date_filter_on_the_page(web_client: FlaskClient) -> None:
    page = get(web_client, "/", q="an ninh", **{"from": "2023-07-01", "to": "2023-12-31"})
    assert 'name="from" value="2023-07-01"' in page and 'type="date"' in page
    assert "Thời gian:</span> từ 01/07/2023 đến 31/12/2023" in page
    for label in ("7 ngày qua", "30 ngày qua", "Năm nay", "Mọi lúc"):
        assert label in page
    ranged = get(web_client, "/", range="7d")
    assert 'value="7d" checked' in ranged and "Thời gian:</span> 7 ngày qua" in ranged


# ----------------------------------------------------------------------------- suggestions, help
def test_suggestions_for_provinces_officials_and_titles(web_client: FlaskClient) -> None:
    data = web_client.get("/api/goi-y", query_string={"q": "thanh ho"}).get_json()
    assert {"kind": "province", "label": "Thanh Hóa", "value": "Thanh Hóa",
            "url": "/?province=Thanh+H%C3%B3a", "kind_label": "Tỉnh/thành"} in data["suggestions"]
    people = web_client.get("/api/goi-y", query_string={"q": "nguyen van t"}).get_json()
    assert any(s["kind"] == "official" and s["label"] == "Nguyễn Văn Thi"
               for s in people["suggestions"])
    titles = web_client.get("/api/goi-y", query_string={"q": "son lu"}).get_json()
    assert any(s["kind"] == "title" and s["url"] == f"/article/{SON_LU_ID}"
               for s in titles["suggestions"])
    for text in ("", "a", "<script>", "x" * 5000):
        assert web_client.get("/api/goi-y", query_string={"q": text}).status_code == 200


def test_help_page(web_client: FlaskClient) -> None:
    page = get(web_client, "/tro-giup")
    assert "Cú pháp tìm kiếm" in page and '<code>tinh:"Thanh Hóa"</code>' in page
    assert 'href="/?q=%22Nguy%E1%BB%85n+V%C4%83n+Thi%22"' in page
    assert 'href="/tro-giup"' in get(web_client, "/")


def test_fragment_is_the_results_alone(web_client: FlaskClient) -> None:
    part = web_client.get("/ket-qua", query_string={"q": "an ninh", "province": "Thanh Hóa"})
    text = part.get_data(as_text=True)
    assert part.status_code == 200 and "<html" not in text and 'class="hit"' in text
    assert part.headers["Cache-Control"] == "no-store"
    assert part.headers["X-Search-URL"] == "/?q=an+ninh&province=Thanh+H%C3%B3a"
    bad = web_client.get("/ket-qua", query_string={"page": "x"})
    assert bad.status_code == 400 and "Không thể tìm kiếm." in bad.get_data(as_text=True)
