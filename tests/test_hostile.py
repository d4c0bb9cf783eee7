"""Hostile queries, parameters and ids: each is a 200 with a sane page or a 400 with a
Vietnamese message; never a 500, never reflected markup, never a file outside the index.
A property-based test throws random strings at the search service."""

from __future__ import annotations

import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from antqsearch.search import (
    ArticleNotFound,
    BadRequest,
    SearchPage,
    SearchRequest,
    SearchService,
)

pytest_plugins = ["webfixtures"]
# Hundreds of hostile requests (robustness): `make test` runs them, `make test-quick` not.
pytestmark = pytest.mark.slow

VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữự]",
                        re.IGNORECASE)
INJECTED_TAGS = ("<script>alert", "<img", "<svg onload", "</textarea>", "<b>")
# A bound on pathological cost (backtracking, quadratic work), not a speed test: a shared
# 2-core machine under load can take a few seconds for an ordinary request.
SLOW_SECONDS = 10.0

HOSTILE_QUERIES: list[str] = [
    # unbalanced quotes and parentheses, lone operators
    '"an ninh', 'an ninh"', '"', '""', '" "', '"' * 501, "((an", "an)) ninh", "(" * 1000,
    "AND", "OR", "NOT", "-", "+", "&&", "||", "an OR", "OR an", "OR OR OR", '-"', "--an",
    "-an", "an -an", '-"an ninh"', "HOẶC",
    # fields with no value, unknown fields, Lucene and Whoosh syntax
    "province:", 'province:""', 'tinh:"', "year:", "year:abc", "year:99999999999", "nam:-1",
    "foo:bar", "title:an", "body:*", "id:../../etc/passwd", "official:" + "x" * 1000,
    "title:(an OR ninh)^10 ~2", "an~", "an^", "an^999999", "[a TO z]", "{a TO z}",
    "/regex.*/", "an ninh~10", "_exists_:title", "*:*",
    # wildcards
    "*", "?", "**", "a*", "*a", "a?b", "an*ninh", "*" * 200, "?" * 200, "a* b* c* d* e*",
    # sizes
    "x" * 100_000, "an ninh " * 15_000, "a " * 5000, "an ninh " + " OR ".join(["a"] * 200),
    # NUL, control characters, odd Unicode
    "\x00", "an\x00ninh", "\x01\x02\x1f\x7f", "\x1b[31mđỏ\x1b[0m", "\r\n\r\n", "\t\n", " ",
    "\ufeff", "\uffff", "\ufffd", "\u200b\u200b", "e\u0301\u0301\u0301\u0301",
    "😀🔥🇻🇳", "🇻🇳 an ninh", "\u202eninh na\u202c", "مرحبا بالعالم", "שלום עולם",
    "Z̷̛̤a̴l̸g̵o̶", "ᴀɴ ɴɪɴʜ", "ａｎ　ｎｉｎｈ",
    # markup
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</textarea><svg onload=1>",
    "javascript:alert(1)", "{{7*7}}", "${7*7}", "<mark>an</mark>", "&lt;b&gt;", "&#60;script",
    "<", "</", "<a", "<b>an ninh</b>",
    # SQL and shell
    "' OR 1=1 --", "'; DROP TABLE articles; --", '" OR ""="', "1; SELECT * FROM users",
    "$(rm -rf /)", "`id`", "%00", "%2e%2e%2f", "../../../../etc/passwd", "..\\..\\win.ini",
    # plain but awkward
    "\\", '\\"', "an_ninh", "Ủy ban", "UBND OR ANTQ", "năm:2023", "Thanh Hóa" * 50,
]

HOSTILE_PARAMS: list[dict[str, Any]] = [
    {"page": "0"}, {"page": "-1"}, {"page": "abc"}, {"page": "10**9"}, {"page": "1000000000"},
    {"page": "1e3"}, {"page": "1.5"}, {"page": "２"}, {"page": " 2 "}, {"page": ""},
    {"page": "0x10"}, {"page": "9" * 5000}, {"page": "1000"}, {"page": "1001"},
    {"per_page": "100000"}, {"per_page": "0"}, {"per_page": "-5"}, {"per_page": "1000"},
    {"per_page": "1e9"}, {"per_page": "100"},
    {"page": ["1", "2"]}, {"q": ["an", "ninh"]}, {"sort": ["date", "relevance"]},
    {"foo": "bar"}, {"q": "an", "debug": "1"}, {"__proto__": "x"}, {"q[]": "an"},
    {"sort": "x"}, {"sort": "date; DROP"}, {"sort": ""},
    {"year": "20x3"}, {"year": "2023", "province": "<script>alert(1)</script>"},
    {"province": "x" * 10_000}, {"official": ["a"] * 51}, {"official": ["a"] * 50},
    {"year": ["2023"] * 200}, {"province": "\x00"}, {"province": ""}, {"year": ""},
]

HOSTILE_PATHS = [
    "/article/..%2F..%2Fetc%2Fpasswd",
    "/article/%2e%2e/%2e%2e/etc/passwd",
    "/article/..%252F..%252Fetc%252Fpasswd",
    "/article/....//....//etc/passwd",
    "/article/%2Fetc%2Fpasswd",
    "/article//etc/passwd",
    "/article/CURRENT",
    "/article/manifest",
    "/article/.build",
    "/article/%00",
    "/article/a%00b",
    "/article/" + "a" * 5000,
    "/article/000_ae1a3d5dfa8173e5/..",
    "/article/000_ae1a3d5dfa8173e5%2F..%2F..%2Fsrc",
    "/article/%5C..%5C..%5Cetc%5Cpasswd",
    "/api/article/..%2F..%2Fetc%2Fpasswd",
    "/api/article/%2e%2e%2fmanifest",
    "/static/..%2F..%2Fweb.py",
    "/static/../web.py",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%5Cweb.py",
    "/article/<script>alert(1)</script>",
    "/%3Cscript%3Ealert(1)%3C/script%3E",
    "/search?q=%FF%FE",
    "/?q=%ED%A0%80",
    "/?q=%FF",
    "/?q=%",
    "/?q=%zz",
    "/?%00=1",
    "/api/search?q=%C0%AF",
]


@pytest.fixture(autouse=True)
def _no_500(no_server_errors: None) -> None:
    """Every test here also checks that the 500 handler never ran."""


@cache
def _templates_text() -> str:
    folder = Path(__file__).resolve().parent.parent / "templates"
    return "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.html"))


def _own_markup(hostile: str) -> bool:
    """The string stands in the site's own markup ("<", "</", "<a"), as the highlighter's
    "<mark>" does: that it is in the page tells nothing about escaping (the injected tags
    are checked on their own)."""
    return hostile in _templates_text()


def check_response(response: Any, hostile: str) -> str:
    """200 or 400 (with a Vietnamese message), fast enough, nothing reflected raw."""
    assert response.status_code in (200, 400), (hostile[:80], response.status_code)
    text: str = response.get_data(as_text=True)
    if response.is_json:
        data = response.get_json()
        if response.status_code == 400:
            assert VIETNAMESE.search(data["error"]), data
        else:
            assert isinstance(data["hits"], list) and data["total"] >= 0
            for hit in data["hits"]:
                snippet = re.sub(r"</?mark>", "", hit["snippet_html"])
                assert "<" not in snippet and ">" not in snippet, snippet[:200]
    else:
        assert response.content_type.startswith("text/html")
        if response.status_code == 400:
            assert "Không thể tìm kiếm." in text
        if "<" in hostile and "<mark>" not in hostile and len(hostile) < 1000 and not (
            _own_markup(hostile)
        ):
            assert hostile not in text
        for tag in INJECTED_TAGS:
            assert tag not in text, tag
    assert "Traceback" not in text
    return text


def timed_get(client: FlaskClient, url: str, **params: Any) -> Any:
    started = time.perf_counter()
    response = client.get(url, query_string=params)
    elapsed = time.perf_counter() - started
    assert elapsed < SLOW_SECONDS, (url, str(params)[:100], elapsed)
    return response


def test_the_list_is_long_enough() -> None:
    total = len(HOSTILE_QUERIES) + len(HOSTILE_PARAMS) + len(HOSTILE_PATHS)
    print(f"\nROBUSTNESS hostile inputs: {len(HOSTILE_QUERIES)} queries (each as q, as a "
          f"facet value and as an article's highlight), {len(HOSTILE_PARAMS)} parameter "
          f"sets, {len(HOSTILE_PATHS)} paths = {total} inputs")
    assert len(HOSTILE_QUERIES) >= 50 and total >= 100


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: repr(q[:30]))
def test_hostile_query(web_client: FlaskClient, query: str) -> None:
    for url in ("/", "/api/search"):
        check_response(timed_get(web_client, url, q=query), query)
        check_response(timed_get(web_client, url, q=query, sort="date", page="2"), query)
        check_response(timed_get(web_client, url, q="an ninh", province=query), query)
    page = timed_get(web_client, "/article/000_ae1a3d5dfa8173e5", q=query)
    check_response(page, query)
    assert page.status_code == 200


@pytest.mark.parametrize("params", HOSTILE_PARAMS, ids=lambda p: str(p)[:40])
def test_hostile_parameters(web_client: FlaskClient, params: dict[str, Any]) -> None:
    for url in ("/", "/api/search"):
        check_response(timed_get(web_client, url, **params), str(params))


@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=lambda p: p[:40])
def test_hostile_paths_never_leave_the_index(web_client: FlaskClient, path: str) -> None:
    response = web_client.get(path, follow_redirects=True)
    assert response.status_code in (200, 400, 404), (path, response.status_code)
    text = response.get_data(as_text=True)
    assert "root:x:0:0" not in text and "[tool.ruff]" not in text
    assert "def create_app" not in text and '"hashes"' not in text
    assert "<script>alert" not in text
    if response.status_code == 404:
        assert "Không tìm thấy" in text
    response.close()


# ----------------------------------------------------------------------------- properties
@pytest.fixture(scope="module")
def service(web_index: Path) -> SearchService:
    return SearchService(web_index)


def _sane(page: SearchPage, request: SearchRequest) -> None:
    assert page.total >= 0 and len(page.hits) <= request.per_page
    assert page.page == request.page and page.per_page == request.per_page
    for hit in page.hits:
        assert "<" not in re.sub(r"</?mark>", "", hit.snippet_html)
        assert "<" not in re.sub(r"</?mark>", "", hit.title_html)


HOSTILE_ALPHABET = st.one_of(
    st.characters(),  # any code point, surrogates excluded
    st.sampled_from(list('"()*?:-+^~[]{}<>&|\\/ \x00\t\n') + ["OR", "AND", "province:",
                    "year:", "official:", "tinh:", "an", "ninh", "Thanh Hóa"]),
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    query=st.lists(HOSTILE_ALPHABET, max_size=40).map("".join),
    province=st.lists(st.text(max_size=20), max_size=3).map(tuple),
    year=st.lists(st.text(max_size=6), max_size=2).map(tuple),
    sort=st.sampled_from(["relevance", "date", "", "x"]),
    page=st.integers(min_value=-2, max_value=1002),
    per_page=st.integers(min_value=-1, max_value=101),
)
def test_search_service_survives_random_requests(
    service: SearchService, query: str, province: tuple[str, ...], year: tuple[str, ...],
    sort: str, page: int, per_page: int,
) -> None:
    try:
        request = SearchRequest(query, province, year, (), sort, page, per_page)
    except BadRequest as exc:
        assert VIETNAMESE.search(str(exc))
        return
    started = time.perf_counter()
    result = service.search(request)
    assert time.perf_counter() - started < SLOW_SECONDS
    _sane(result, request)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_id=st.text(max_size=60), query=st.text(max_size=60))
def test_article_lookup_survives_random_ids(
    service: SearchService, article_id: str, query: str
) -> None:
    try:
        article = service.article(article_id, query)
    except ArticleNotFound:
        return
    assert article.id == article_id


@settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=80), page=st.text(max_size=6), per_page=st.text(max_size=6))
def test_web_app_survives_random_parameters(
    web_client: FlaskClient, query: str, page: str, per_page: str
) -> None:
    for url in ("/", "/api/search"):
        response = web_client.get(url, query_string={"q": query, "page": page,
                                                       "per_page": per_page})
        check_response(response, query)
