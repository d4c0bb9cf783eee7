"""The web app: HTML search pages, the JSON API of design §6, suggestions, a health check.

``create_app`` opens one :class:`SearchService` per app; the views only turn URL
parameters into a :class:`SearchRequest` (``webparams``) and a :class:`SearchPage` into a
template's plain data (``webpage``: links, chips, chart bars, pages), so that the templates
stay dumb.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, render_template, request

from .complete import suggestions
from .config import Settings
from .facets import FACETS
from .search import ArticleNotFound, BadRequest, SearchService
from .store import IndexNotReady
from .webpage import (
    article_json,
    chips,
    facet_groups,
    page_numbers,
    paragraphs,
    took,
    year_chart,
)
from .webparams import MAX_QUERY_CHARS, Params, format_date

__all__ = ["create_app", "format_date", "page_numbers"]

TEMPLATES = Path(__file__).parent / "templates"
EXTENSION = "antqsearch"
SORT_LABELS = (("relevance", "Liên quan nhất"), ("date", "Mới nhất"))
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


def _search_context(params: Params) -> dict[str, Any]:
    page = _service().search(params.to_request())
    return {
        "params": params,
        "page": page,
        "error": None,
        "groups": facet_groups(page, params),
        "chart": year_chart(page, params),
        "chips": chips(params),
        "numbers": page_numbers(page.page, page.pages),
        "last": page.pages,
        "first_shown": (page.page - 1) * page.per_page + 1,
        "last_shown": min(page.total, page.page * page.per_page),
        "took": took(page.took_ms),
    }


def search() -> Any:
    params = Params.from_args(request.args)
    # province:"…" typed in the box becomes a ticked filter that unticking really removes
    # (the page's links are built without it in q; the script also fixes the address).
    params = params.lifted() or params
    try:
        return render_template("search.html", **_search_context(params))
    except BadRequest as exc:
        return render_template("search.html", params=params, page=None, error=str(exc)), 400


def search_part() -> Any:
    """The results and sidebar alone, for the page's script to swap in place; the header
    ``X-Search-URL`` is the page's own address for the same search."""
    params = Params.from_args(request.args)
    params = params.lifted() or params
    try:
        html, status = render_template("_results.html", **_search_context(params)), 200
    except BadRequest as exc:
        html = render_template("_results.html", params=params, page=None, error=str(exc))
        status = 400
    headers = {"Cache-Control": "no-store", "X-Search-URL": params.url(page=params.page)}
    return html, status, headers


def help_page() -> Any:
    return render_template("help.html", params=Params())


def api_suggest() -> Any:
    text = (request.args.get("q") or "")[:100]
    return _json({"query": text, "suggestions": suggestions(_service(), text)})


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
    app.add_url_rule("/ket-qua", "search_part", search_part)
    app.add_url_rule("/tro-giup", "help_page", help_page)
    app.add_url_rule("/api/goi-y", "api_suggest", api_suggest)
    app.register_error_handler(Exception, handle_error)
    app.after_request(add_security_headers)
    app.jinja_env.filters["vndate"] = format_date
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals.update(sort_labels=SORT_LABELS, blank_params=Params(),
                                 filter_keys=(*FACETS, "range", "from", "to"))
    return app
