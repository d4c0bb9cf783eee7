"""The web app through Flask's test client, over an index of the five real articles."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from antqsearch.search import FacetValue, Hit, SearchPage
from antqsearch.web import create_app, format_date, page_numbers

pytest_plugins = ["webfixtures"]
SON_LU_ID = "000_ae1a3d5dfa8173e5"  # the Sơn Lư article, with Nguyễn Văn Thi

HIT_KEYS = {
    "id",
    "title",
    "url",
    "date",
    "year",
    "province",
    "province_2025",
    "officials",
    "author",
    "source",
    "source_url",
    "score",
    "snippet_html",
}
PAGE_KEYS = {
    "query", "total", "page", "per_page", "took_ms", "suggestion", "hits", "facets", "dates",
    "phrase_total",
}
VIETNAMESE = re.compile(
    r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữự]", re.IGNORECASE
)


@pytest.fixture(autouse=True)
def _no_500(no_server_errors: None) -> None:
    """Every test here also checks that the 500 handler never ran."""


def api(client: FlaskClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    data: dict[str, Any] = response.get_json()
    return data


def html(client: FlaskClient, url: str, status: int = 200, **params: Any) -> str:
    response = client.get(url, query_string=params)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.content_type.startswith("text/html")
    text: str = response.get_data(as_text=True)
    return text


def hit_ids(page_html: str) -> list[str]:
    return re.findall(r'class="hit__title"><a href="/article/([^"?]+)', page_html)


# ----------------------------------------------------------------------------- routes
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=an+ninh",
        f"/article/{SON_LU_ID}",
        f"/article/{SON_LU_ID}?q=an+ninh",
        "/api/search",
        "/api/search?q=an+ninh",
        f"/api/article/{SON_LU_ID}",
        "/healthz",
        "/static/app.css",
        "/static/app.js",
        "/static/favicon.svg",
    ],
)
def test_every_route_answers(web_client: FlaskClient, url: str) -> None:
    response = web_client.get(url)
    assert response.status_code == 200
    response.close()


def test_home_lists_everything_newest_first(web_client: FlaskClient) -> None:
    page = html(web_client, "/")
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert 'name="viewport"' in page and "autofocus" in page
    assert "Tìm kiếm tin bài Ngày hội toàn dân bảo vệ an ninh Tổ quốc" in page
    assert "5 kết quả" in page and "tất cả bài viết" in page
    dates = [h["date"] or str(h["year"]) for h in api(web_client)["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert all(h["date"] is None or len(h["date"]) in (7, 10) for h in api(web_client)["hits"])


def test_search_an_ninh_trat_tu(web_client: FlaskClient) -> None:
    page = html(web_client, "/", q="an ninh trật tự")
    assert re.search(r"\d+ kết quả</strong>\s*<span class=\"summary__time\">\(\d+ ms\)", page)
    assert "<mark>an ninh trật tự</mark>" in page
    assert 'value="an ninh trật tự"' in page
    assert "Tỉnh/thành" in page and "Năm" in page and "Quan chức" in page
    assert "Liên quan nhất" in page and "Mới nhất" in page
    for article_id in hit_ids(page):
        assert f"/article/{article_id}?q=an+ninh+tr%E1%BA%ADt+t%E1%BB%B1" in page


def test_search_without_diacritics_finds_nguyen_van_thi(web_client: FlaskClient) -> None:
    assert api(web_client, q="nguyen van thi")["hits"][0]["id"] == SON_LU_ID
    page = html(web_client, "/", q="nguyen van thi")
    assert hit_ids(page)[0] == SON_LU_ID
    assert "<mark>Nguyễn Văn Thi</mark>" in page
    assert "19/07/2023" in page and "Thanh Hóa" in page


def test_phrase_search_marks_the_phrase(web_client: FlaskClient) -> None:
    data = api(web_client, q='"camera an ninh"')
    assert data["total"] >= 1
    for hit in data["hits"]:
        assert re.search(r"<mark>camera an ninh</mark>", hit["snippet_html"], re.IGNORECASE)
    page = html(web_client, "/", q='"camera an ninh"')
    assert re.search(r'value="(&#34;|&quot;)camera an ninh(&#34;|&quot;)"', page)


def test_province_facet_filters(web_client: FlaskClient) -> None:
    everything = api(web_client)
    thanh_hoa = next(f for f in everything["facets"]["province"] if f["value"] == "Thanh Hóa")
    data = api(web_client, province="Thanh Hóa")
    assert data["total"] == thanh_hoa["count"] >= 1
    assert {h["province"] for h in data["hits"]} == {"Thanh Hóa"}
    selected = [f for f in data["facets"]["province"] if f["selected"]]
    assert [f["value"] for f in selected] == ["Thanh Hóa"]
    page = html(web_client, "/", province="Thanh Hóa")
    assert re.search(r'name="province" value="Thanh Hóa" checked', page)
    assert re.search(r'class="chip" href="/"[^>]*>.*Thanh Hóa <span class="chip__x"', page)
    assert len(hit_ids(page)) == data["total"]


def test_values_of_one_facet_combine_with_or(web_client: FlaskClient) -> None:
    counts = {f["value"]: f["count"] for f in api(web_client)["facets"]["province"]}
    first, second = list(counts)[:2]
    data = api(web_client, province=[first, second])
    assert data["total"] == counts[first] + counts[second]
    assert {h["province"] for h in data["hits"]} == {first, second}


def test_different_facets_combine_with_and(web_client: FlaskClient) -> None:
    data = api(web_client, province="Thanh Hóa", year="2023")
    assert data["total"] >= 1
    assert all(h["province"] == "Thanh Hóa" and h["year"] == 2023 for h in data["hits"])


def test_api_json_is_design_6(web_client: FlaskClient) -> None:
    response = web_client.get("/api/search", query_string={"q": "an ninh"})
    assert response.content_type == "application/json"
    data = response.get_json()
    assert set(data) == PAGE_KEYS
    assert data["query"] == "an ninh" and data["page"] == 1 and data["per_page"] == 10
    assert isinstance(data["took_ms"], (int, float))
    assert data["hits"] and all(set(hit) == HIT_KEYS for hit in data["hits"])
    assert all("<mark>" in hit["snippet_html"] for hit in data["hits"])
    assert set(data["facets"]) == {"province", "province_2025", "year", "official"}
    for values in data["facets"].values():
        assert all(set(v) == {"value", "count", "selected"} for v in values)
    assert sum(v["count"] for v in data["facets"]["province"]) >= data["total"]
    assert all(isinstance(h["year"], int) for h in data["hits"] if h["year"] is not None)


def test_phrase_count_on_the_page_and_in_the_api(web_client: FlaskClient) -> None:
    """Two seed articles have "Thanh Hóa" side by side (one in its extracted province)."""
    data = web_client.get("/api/search", query_string={"q": "thanh hoa"}).get_json()
    assert data["phrase_total"] == 2 and data["total"] >= 2
    assert data["suggestion"] == "Thanh Hóa"
    page = web_client.get("/", query_string={"q": "thanh hoa"}).get_data(as_text=True)
    assert "2 bài có cụm từ này" in page
    quoted = web_client.get("/api/search", query_string={"q": '"Chí Linh"'}).get_json()
    assert quoted["phrase_total"] is None  # a quoted phrase: every hit has it
    page = web_client.get("/", query_string={"q": '"Chí Linh"'}).get_data(as_text=True)
    assert "cụm từ này" not in page


def test_api_article(web_client: FlaskClient) -> None:
    response = web_client.get(f"/api/article/{SON_LU_ID}", query_string={"q": "an ninh"})
    data = response.get_json()
    assert set(data) == {
        "id",
        "title",
        "date",
        "year",
        "province",
        "province_2025",
        "district",
        "ward",
        "officials",
        "author",
        "source",
        "source_url",
        "body_html",
        "related",
    }
    assert data["id"] == SON_LU_ID and data["province"] == "Thanh Hóa"
    assert "Nguyễn Văn Thi" in data["officials"]
    assert "<mark>an ninh</mark>" in data["body_html"]
    assert data["related"] and all(
        set(r) == {"id", "title", "url", "date", "province", "province_2025"}
        for r in data["related"]
    )
    missing = web_client.get("/api/article/khong-co")
    assert missing.status_code == 404 and VIETNAMESE.search(missing.get_json()["error"])


def test_sort_by_date_and_pagination(web_client: FlaskClient) -> None:
    data = api(web_client, q="an ninh", sort="date")
    dates = [h["date"] or str(h["year"]) for h in data["hits"]]
    assert dates == sorted(dates, reverse=True)
    page = html(web_client, "/", q="an ninh", per_page="2")
    assert 'aria-label="Phân trang"' in page and "Sau →" in page and "← Trước" in page
    assert 'href="/?q=an+ninh&amp;per_page=2&amp;page=2"' in page
    second = html(web_client, "/", q="an ninh", per_page="2", page="2")
    assert 'aria-current="page">2<' in second
    assert set(hit_ids(page)).isdisjoint(hit_ids(second))
    beyond = html(web_client, "/", q="an ninh", page="50")
    assert "Trang 50 không có kết quả" in beyond


def test_sort_toggle_is_a_form_that_keeps_the_query(web_client: FlaskClient) -> None:
    page = html(web_client, "/", q="an ninh", province="Thanh Hóa", sort="date")
    form = page[page.index('<form class="sort"') :]
    form = form[: form.index("</form>")]
    assert 'name="q" value="an ninh"' in form and 'name="province" value="Thanh Hóa"' in form
    assert re.search(r'value="date" checked', form) and "data-autosubmit" in form
    assert "Áp dụng" in page and "js-hide" in page


# ----------------------------------------------------------------------------- page parts
def test_year_chart_links_filter_by_year(web_client: FlaskClient) -> None:
    page = html(web_client, "/", q="an ninh", year="2023")
    chart = page[page.index('<svg class="chart__svg"') :]
    chart = chart[: chart.index("</svg>")]
    years = {v["value"] for v in api(web_client, q="an ninh")["facets"]["year"]}
    assert len(re.findall(r"<rect ", chart)) == len(years) >= 2
    assert 'href="/?q=an+ninh&amp;year=2022"' in chart
    assert re.search(r"<title>Năm 2023: \d+ bài", chart)
    assert 'class="chart__bar is-selected"' in chart


def test_suggestion_links_to_the_suggested_query(web_client: FlaskClient) -> None:
    page = html(web_client, "/", q="camra")
    assert 'Có phải bạn muốn tìm: <a href="/?q=camera">camera</a>' in page


def test_empty_results_give_tips(web_client: FlaskClient) -> None:
    page = html(web_client, "/", q="blockchain", province="Thanh Hóa")
    assert "0 kết quả" in page and "Không tìm thấy bài viết nào cho “blockchain”" in page
    assert "Bỏ bớt từ" in page and "Kiểm tra chính tả" in page
    assert '<a href="/?q=blockchain">tìm lại trong tất cả tỉnh/thành' in page


def test_article_page(web_client: FlaskClient) -> None:
    page = html(web_client, f"/article/{SON_LU_ID}", q="an ninh", province="Thanh Hóa")
    assert "<mark>an ninh</mark>" in page
    assert len(re.findall(r"<p>", page[page.index('class="article__body"') :])) > 3
    assert 'href="/?q=an+ninh&amp;province=Th' in page and "← Quay lại kết quả" in page
    for label in ("Ngày", "Tỉnh/thành", "Quan chức", "Bài liên quan"):
        assert f">{label}<" in page
    assert "19/07/2023" in page and "Nguyễn Văn Thi" in page
    related = re.findall(r'class="related__item">\s*<a href="/article/([^"?]+)', page)
    assert related and SON_LU_ID not in related
    plain = html(web_client, f"/article/{SON_LU_ID}")
    assert "<mark>" not in plain and "← Tất cả bài viết" in plain


def test_article_ids_with_folders(web_app: Flask, tmp_path: Path) -> None:
    from antqsearch.indexer import build_index

    corpus = tmp_path / "corpus"
    (corpus / "sub" / "folder").mkdir(parents=True)
    (corpus / "sub" / "folder" / "abc.txt").write_bytes(
        (Path(__file__).resolve().parent.parent / "corpus" / f"{SON_LU_ID}.txt").read_bytes()
    )
    build_index(corpus, tmp_path / "index")
    client = create_app({"INDEX_DIR": str(tmp_path / "index")}).test_client()
    assert client.get("/article/sub/folder/abc").status_code == 200
    assert client.get("/api/article/sub/folder/abc").get_json()["id"] == "sub/folder/abc"
    assert "/article/sub/folder/abc" in html(client, "/", q="nguyen van thi")


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"per_page": str(10**9)},
        {"sort": "x"},
        {"year": "abc"},
        {"page": "-1"},
        {"page": "1.5"},
        {"page": "٣"},
        {"page": "9" * 5000},
    ],
)
def test_bad_parameters_are_400_in_vietnamese(
    web_client: FlaskClient, params: dict[str, str]
) -> None:
    response = web_client.get("/api/search", query_string=params)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error and VIETNAMESE.search(error)
    page = html(web_client, "/", status=400, **params)
    assert "Không thể tìm kiếm." in page and unescape(error) in unescape(page)


@pytest.mark.parametrize(
    "url",
    [
        "/article/khong-co-bai-nay",
        "/article/../../etc/passwd",
        "/article/a/../../etc/passwd",
        "/article/..%2F..%2Fetc%2Fpasswd",
        "/api/article/../../etc/passwd",
        "/khong-co-trang",
    ],
)
def test_not_found(web_client: FlaskClient, url: str) -> None:
    response = web_client.get(url)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Không tìm thấy" in text or "Không tìm thấy" in unescape(text)


def test_405_in_vietnamese(web_client: FlaskClient) -> None:
    response = web_client.post("/api/search", data={"q": "x"})
    assert response.status_code == 405 and VIETNAMESE.search(response.get_json()["error"])
    page = web_client.post("/")
    assert page.status_code == 405 and "Phương thức không được hỗ trợ" in page.get_data(True)


def test_script_in_query_is_escaped(web_client: FlaskClient) -> None:
    attack = "<script>alert(1)</script>"
    for url in ("/", f"/article/{SON_LU_ID}"):
        page = html(web_client, url, q=attack, province=attack)
        assert attack not in page and "&lt;script&gt;" in page
    page = html(web_client, "/", status=400, q=attack, year=attack)
    assert attack not in page


def test_no_inline_script_or_style(web_client: FlaskClient) -> None:
    for url in (
        "/?q=an+ninh&province=Thanh+H%C3%B3a",
        f"/article/{SON_LU_ID}?q=an",
        "/?q=blockchain",
        "/khong-co",
    ):
        page = web_client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)
        assert not re.search(r"\sstyle=", page) and "<style" not in page
        assert not re.search(r"\son[a-z]+=", page)


@pytest.mark.parametrize(
    "url", ["/", "/api/search", "/static/app.css", "/khong-co", "/healthz", "/?page=abc"]
)
def test_security_headers(web_client: FlaskClient, url: str) -> None:
    response = web_client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    response.close()


def test_long_query_is_accepted_with_a_notice(web_client: FlaskClient) -> None:
    page = html(web_client, "/", q="an ninh " * 400)
    assert 'class="notice"' in page and "quá dài" in page


def test_healthz(web_client: FlaskClient) -> None:
    response = web_client.get("/healthz")
    assert response.status_code == 200
    assert re.fullmatch(
        r"ok 5 bài, lập lúc \d{4}-\d\d-\d\dT[\d:]+\+00:00\n", response.get_data(as_text=True)
    )


def test_missing_index_is_a_friendly_503(tmp_path: Path) -> None:
    client = create_app({"INDEX_DIR": str(tmp_path / "khong-co")}).test_client()
    page = client.get("/", query_string={"q": "an ninh"})
    assert page.status_code == 503 and "Chỉ mục chưa sẵn sàng" in page.get_data(True)
    assert str(tmp_path) not in page.get_data(True)
    assert client.get(f"/article/{SON_LU_ID}").status_code == 503
    response = client.get("/api/search")
    assert response.status_code == 503 and VIETNAMESE.search(response.get_json()["error"])
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_data(True).startswith("chỉ mục chưa sẵn")


def test_unexpected_errors_get_a_friendly_500(tmp_path: Path, allow_server_error: None) -> None:
    app = create_app({"INDEX_DIR": str(tmp_path)})

    def boom() -> str:
        raise RuntimeError("hỏng")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    client = app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500 and "Đã có lỗi xảy ra" in page.get_data(True)
    assert "hỏng" not in page.get_data(True)
    assert client.get("/api/boom").get_json() == {"error": "Đã có lỗi xảy ra"}


def test_app_factory_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, web_index: Path
) -> None:
    monkeypatch.setenv("ANTQ_INDEX_DIR", str(web_index))
    app = create_app()
    assert app.config["INDEX_DIR"] == str(web_index)
    assert app.extensions["antqsearch"].index_dir == web_index
    assert app.test_client().get("/healthz").status_code == 200
    assert create_app({"INDEX_DIR": "elsewhere"}).config["INDEX_DIR"] == "elsewhere"


# ----------------------------------------------------------------------------- templates
class StubService:
    """Returns one fixed page, to render what the five articles cannot show."""

    def __init__(self, page: SearchPage) -> None:
        self.page = page

    def search(self, request: object) -> SearchPage:
        return self.page


def stub_page(**changes: Any) -> SearchPage:
    officials = [FacetValue(f"Nguyễn Văn {chr(65 + i)}", 20 - i, i == 12) for i in range(15)]
    hit = Hit(
        id="a/b",
        title="Tiêu đề",
        url="/article/a/b",
        date="2023-08",
        year=2023,
        province="Hà Nội",
        officials=["Trần Văn A"],
        author=None,
        score=1.0,
        snippet_html="đoạn <mark>trích</mark>",
        title_html="<mark>Tiêu</mark> đề",
    )
    fields: dict[str, Any] = {
        "query": "an ninh",
        "total": 95,
        "page": 5,
        "per_page": 5,
        "took_ms": 7.6,
        "suggestion": "an ninh tổ quốc",
        "hits": [hit],
        "facets": {"province": [], "province_2025": [], "year": [], "official": officials},
        "notices": ("Dấu ngoặc kép chưa đóng.",),
    }
    fields.update(changes)
    return SearchPage(**fields)


def test_template_parts_with_a_stub(web_index: Path) -> None:
    app = create_app({"INDEX_DIR": str(web_index)})
    app.extensions["antqsearch"] = StubService(stub_page())
    page = html(app.test_client(), "/", q="an ninh", official="Nguyễn Văn M", page="5")
    assert "95 kết quả" in page and "(8 ms)" in page
    assert '<a href="/?q=an+ninh+t%E1%BB%95+qu%E1%BB%91c&amp;official=' in page
    assert '<p class="notice">Dấu ngoặc kép chưa đóng.</p>' in page
    assert "<summary>Xem thêm (4)</summary>" in page  # 15 values: 10 + the selected one shown
    shown = page[page.index("facet--official") : page.index("Xem thêm")]
    assert "Nguyễn Văn M" in shown and "Nguyễn Văn N" not in shown
    assert ">08/2023<" in page and "<mark>Tiêu</mark> đề" in page
    assert re.search(r"pagination__gap[^>]*>…</span>", page) and ">19<" in page


def test_helpers() -> None:
    assert format_date("2023-07-19") == "19/07/2023"
    assert format_date("2023-08") == "08/2023"
    assert format_date(None) == ""
    assert page_numbers(1, 1) == [1]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(2, 5) == [1, 2, 3, 4, 5]


def test_year_only_date_is_shown_as_the_year(web_client: FlaskClient) -> None:
    page = html(web_client, "/", q="Kim Quan")
    assert "Năm 2024" in page
    article = html(web_client, "/article/003_17d1c34befa2625a")
    assert "<dt>Năm</dt><dd>2024</dd>" in article
