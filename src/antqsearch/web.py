"""The web app: HTML search pages, the JSON API of design §6 and a health check.

``create_app`` opens one :class:`SearchService` per app; the views only turn URL
parameters into a :class:`SearchRequest` and a :class:`SearchPage` into a template's
plain data (links, chips, chart bars, pages), so that the templates stay dumb.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup

from .config import Settings
from .search import (
    Article,
    ArticleNotFound,
    BadRequest,
    FacetValue,
    Hit,
    SearchPage,
    SearchRequest,
    SearchService,
    whole_number,
)
from .store import IndexNotReady

TEMPLATES = Path(__file__).parent / "templates"
EXTENSION = "antqsearch"
FACET_NAMES = ("province_2025", "province", "year", "official")
FACET_LABELS = {"province_2025": "Tỉnh/thành (từ 7/2025)", "province": "Tỉnh/thành (trước 7/2025)",
                "year": "Năm", "official": "Quan chức"}
SORT_LABELS = (("relevance", "Liên quan nhất"), ("date", "Mới nhất"))
MAX_QUERY_CHARS = 1000  # the service keeps 500 and tells the reader
MAX_SELECTED_VALUES = 50
MAX_VALUE_CHARS = 200
FACET_SHOWN = 10
DEFAULT_PER_PAGE = 10
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
HTTP_MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Máy chủ không hiểu yêu cầu này."),
    404: ("Không tìm thấy trang", "Địa chỉ này không có trên antqsearch."),
    405: ("Phương thức không được hỗ trợ", "Trang này chỉ nhận yêu cầu GET."),
    413: ("Yêu cầu quá lớn", "Dữ liệu gửi lên vượt quá giới hạn cho phép."),
    500: ("Đã có lỗi xảy ra", "Máy chủ gặp sự cố khi xử lý yêu cầu. Vui lòng thử lại sau."),
    503: (
        "Chỉ mục chưa sẵn sàng",
        "Chỉ mục tìm kiếm chưa được lập hoặc đang được thay "
        "thế. Người quản trị cần chạy “antqsearch index”; vui lòng thử lại sau ít phút.",
    ),
}
log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class Params:
    """The search parameters of a URL, kept as the reader typed them to rebuild links."""

    q: str = ""
    province: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    official: tuple[str, ...] = ()
    sort: str = "relevance"
    page: str = "1"
    per_page: str = ""
    province_2025: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args: Any) -> Params:
        """Read ``q``, the facets (repeatable), ``sort``, ``page`` and ``per_page``."""
        facets = {name: _values(args.getlist(name)) for name in FACET_NAMES}
        return cls(
            q=(args.get("q") or "")[:MAX_QUERY_CHARS],
            sort=args.get("sort") or "relevance",
            page=args.get("page") or "1",
            per_page=args.get("per_page") or "",
            **facets,
        )

    def to_request(self) -> SearchRequest:
        """The service's request; BadRequest (with a Vietnamese message) when invalid."""
        for name in FACET_NAMES:
            if len(getattr(self, name)) > MAX_SELECTED_VALUES:
                raise BadRequest(f"Quá nhiều giá trị lọc (tối đa {MAX_SELECTED_VALUES}).")
        return SearchRequest(
            query=self.q,
            province=self.province,
            province_2025=self.province_2025,
            year=self.year,
            official=self.official,
            sort=self.sort,
            page=whole_number(self.page, "Số trang"),
            per_page=whole_number(self.per_page or str(DEFAULT_PER_PAGE), "Số kết quả mỗi trang"),
        )

    @property
    def has_filters(self) -> bool:
        return bool(self.province or self.province_2025 or self.year or self.official)

    @property
    def from_search(self) -> bool:
        return bool(self.q or self.has_filters or self.sort != "relevance" or self.page != "1")

    def items(self, page: bool = True) -> list[tuple[str, str]]:
        """URL pairs, defaults left out."""
        pairs = [("q", self.q)] if self.q else []
        for name in FACET_NAMES:
            pairs += [(name, value) for value in getattr(self, name)]
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.per_page:
            pairs.append(("per_page", self.per_page))
        if page and self.page != "1":
            pairs.append(("page", self.page))
        return pairs

    def url(self, **changes: Any) -> str:
        """The search page with these parameters changed (back to page 1 unless given)."""
        changes.setdefault("page", "1")
        return _with_query(url_for("search"), replace(self, **changes).items())

    def toggle(self, facet: str, value: str) -> str:
        values: tuple[str, ...] = getattr(self, facet)
        chosen = tuple(v for v in values if v != value) if value in values else (*values, value)
        return self.url(**{facet: chosen})

    def cleared(self) -> str:
        return self.url(province=(), province_2025=(), year=(), official=())

    def article_url(self, article_id: str) -> str:
        return _with_query(url_for("article", article_id=article_id), self.items())

    def hidden(self, *skip: str) -> list[tuple[str, str]]:
        """Pairs for hidden inputs of a form that sets the ``skip`` parameters itself."""
        return [(k, v) for k, v in self.items(page=False) if k not in skip]


def _values(raw: Iterable[str]) -> tuple[str, ...]:
    values = (v.strip()[:MAX_VALUE_CHARS] for v in raw)
    return tuple(dict.fromkeys(v for v in values if v))


def _with_query(path: str, pairs: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(pairs)}" if pairs else path


# ----------------------------------------------------------------------------- view data
@dataclass(frozen=True)
class Option:
    value: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    shown: list[Option]
    more: list[Option]


@dataclass(frozen=True)
class Bar:
    year: str
    count: int
    url: str
    selected: bool
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_width: float
    baseline: float
    bars: list[Bar]


def facet_groups(page: SearchPage, params: Params) -> list[FacetGroup]:
    """The sidebar: every facet, the first values shown and the rest behind "Xem thêm"."""
    groups = []
    for name in FACET_NAMES:
        values: list[FacetValue] = page.facets.get(name, [])
        options = [
            Option(v.value, v.count, v.selected, params.toggle(name, v.value)) for v in values
        ]
        shown = [o for i, o in enumerate(options) if i < FACET_SHOWN or o.selected]
        more = [o for i, o in enumerate(options) if i >= FACET_SHOWN and not o.selected]
        groups.append(FacetGroup(name, FACET_LABELS[name], shown, more))
    return groups


def year_chart(page: SearchPage, params: Params, width: int = 260, height: int = 120) -> Chart:
    """Bars of articles per year (the year facet ignores the year selection)."""
    years = sorted((v for v in page.facets.get("year", []) if v.count), key=lambda v: v.value)
    top, bottom = 18.0, height - 20.0
    if not years:
        return Chart(width, height, 0, bottom, [])
    slot = width / len(years)
    bar_width = min(44.0, slot * 0.7)
    peak = max(v.count for v in years)
    bars = []
    for i, v in enumerate(years):
        bar_height = max(2.0, (bottom - top) * v.count / peak)
        x = i * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                v.value,
                v.count,
                params.url(year=(v.value,)),
                v.selected,
                round(x, 1),
                round(bottom - bar_height, 1),
                round(bar_height, 1),
            )
        )
    return Chart(width, height, round(bar_width, 1), bottom, bars)


def page_numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None marks a gap."""
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if previous and number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    url: str


def chips(params: Params) -> list[Chip]:
    """Selected filters, each with the link that removes it."""
    return [
        Chip(FACET_LABELS[name], value, params.toggle(name, value))
        for name in FACET_NAMES
        for value in getattr(params, name)
    ]


def format_date(value: str | None) -> str:
    """ISO ``2023-07-19`` → ``19/07/2023``; ``2023-08`` → ``08/2023``."""
    if not value:
        return ""
    parts = str(value).split("-")
    return "/".join(reversed(parts))


def paragraphs(body_html: str) -> list[Markup]:
    """The escaped, marked body split on newlines (marks never span one)."""
    return [Markup(line) for line in body_html.split("\n") if line.strip()]


def related_json(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "title": hit.title,
        "url": hit.url,
        "date": hit.date,
        "province": hit.province,
        "province_2025": hit.province_2025,
    }


def article_json(article: Article) -> dict[str, Any]:
    keys = (
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
    )
    data = {key: getattr(article, key) for key in keys}
    data["related"] = [related_json(hit) for hit in article.related]
    return data


# ----------------------------------------------------------------------------- views
def _service() -> SearchService:
    service: SearchService = current_app.extensions[EXTENSION]
    return service


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _json(data: Any, status: int = 200) -> Response:
    response: Response = current_app.json.response(data)  # type: ignore[assignment]
    response.status_code = status
    return response


def _error_page(status: int, message: str | None = None) -> tuple[str, int]:
    heading, text = HTTP_MESSAGES.get(status, HTTP_MESSAGES[500])
    html = render_template("error.html", status=status, heading=heading, message=message or text)
    return html, status


def _check_id(article_id: str) -> None:
    if (
        ".." in article_id
        or article_id.startswith("/")
        or "\\" in article_id
        or "\x00" in article_id
        or len(article_id) > 300
    ):
        abort(404)


def search() -> Any:
    params = Params.from_args(request.args)
    try:
        page = _service().search(params.to_request())
    except BadRequest as exc:
        html = render_template("search.html", params=params, page=None, error=str(exc))
        return html, 400
    last = page.pages
    context = {
        "params": params,
        "page": page,
        "error": None,
        "groups": facet_groups(page, params),
        "chart": year_chart(page, params),
        "chips": chips(params),
        "numbers": page_numbers(page.page, last),
        "last": last,
        "first_shown": (page.page - 1) * page.per_page + 1,
        "last_shown": min(page.total, page.page * page.per_page),
    }
    return render_template("search.html", **context)


def article(article_id: str) -> Any:
    _check_id(article_id)
    params = Params.from_args(request.args)
    try:
        found = _service().article(article_id, params.q)
    except ArticleNotFound:
        return _error_page(404, "Không tìm thấy bài viết này; có thể nó đã bị gỡ khỏi chỉ mục.")
    return render_template("article.html", article=found, params=params)


def api_search() -> Any:
    try:
        page = _service().search(Params.from_args(request.args).to_request())
    except BadRequest as exc:
        return _json({"error": str(exc)}, 400)
    return _json(page.to_json())


def api_article(article_id: str) -> Any:
    _check_id(article_id)
    try:
        found = _service().article(article_id, (request.args.get("q") or "")[:MAX_QUERY_CHARS])
    except ArticleNotFound:
        return _json({"error": "Không tìm thấy bài viết."}, 404)
    return _json(article_json(found))


def healthz() -> Any:
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    ready = current_app.extensions.get("antqsearch.ready")  # see serving.py
    if ready is not None and not ready.is_set():
        return "đang khởi động: chỉ mục chưa sẵn sàng\n", 503, headers
    try:
        health = _service().health()
    except IndexNotReady as exc:
        log.warning("healthz: %s", exc)
        return "chỉ mục chưa sẵn sàng\n", 503, headers
    built = health.built_at
    when = (
        datetime.fromtimestamp(built, tz=timezone.utc).isoformat(timespec="seconds")
        if built
        else "không rõ"
    )
    return f"ok {health.documents} bài, lập lúc {when}\n", 200, headers


def handle_error(exc: Exception) -> Any:
    """Index not ready → 503; HTTP errors → their page; anything else → logged 500."""
    code = getattr(exc, "code", None)
    if isinstance(exc, IndexNotReady):
        log.warning("index not ready: %s", exc)
        status, message = 503, "Chỉ mục chưa sẵn sàng; vui lòng thử lại sau."
    elif isinstance(code, int) and hasattr(exc, "get_response"):
        status, message = code, None
    else:
        log.exception("unexpected error on %s", request.path)
        status, message = 500, None
    if _is_api():
        return _json({"error": message or HTTP_MESSAGES.get(status, HTTP_MESSAGES[500])[0]}, status)
    return _error_page(status, None)


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask app; ``INDEX_DIR`` defaults to ``ANTQ_INDEX_DIR`` or ``index``."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES),
        static_folder=str(TEMPLATES / "static"),
        static_url_path="/static",
    )
    app.config.update(
        INDEX_DIR=str(Settings.from_env().index_dir),
        MAX_CONTENT_LENGTH=64 * 1024,
        MAX_FORM_MEMORY_SIZE=64 * 1024,
    )
    app.config.update(config or {})
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = SearchService(Path(app.config["INDEX_DIR"]))
    app.add_url_rule("/", "search", search)
    app.add_url_rule("/article/<path:article_id>", "article", article)
    app.add_url_rule("/api/search", "api_search", api_search)
    app.add_url_rule("/api/article/<path:article_id>", "api_article", api_article)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.register_error_handler(Exception, handle_error)
    app.after_request(add_security_headers)
    app.jinja_env.filters["vndate"] = format_date
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals.update(sort_labels=SORT_LABELS, blank_params=Params())
    return app
