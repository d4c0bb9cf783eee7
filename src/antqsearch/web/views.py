"""The site's pages and JSON API as one blueprint (``site``): search, the results part,
help, articles, suggestions, a health check.

The views only turn URL parameters into a :class:`SearchRequest` (``params``) and a
:class:`SearchPage` into a template's plain data (``page``), so that the templates stay dumb.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request

from ..complete import suggestions
from ..search import ArticleNotFound, BadRequest, SearchService
from ..serving import READY, SERVICE
from ..settings import MAX_ID_CHARS, MAX_SUGGEST_CHARS
from ..store import IndexNotReady
from .errors import error_page, json_response, log
from .page import article_json, chips, facet_groups, page_numbers, took, year_chart
from .params import QUERY_PARAM_CHARS, Params

site = Blueprint("site", __name__)


def _service() -> SearchService:
    service: SearchService = current_app.extensions[SERVICE]
    return service


def _check_id(article_id: str) -> None:
    if (
        ".." in article_id
        or article_id.startswith("/")
        or "\\" in article_id
        or "\x00" in article_id
        or len(article_id) > MAX_ID_CHARS.default
    ):
        abort(404)


def _search_context(params: Params) -> dict[str, Any]:
    page = _service().search(params.to_request())
    return {
        "params": params,
        "page": page,
        "error": None,
        "groups": facet_groups(page),
        "chart": year_chart(page, params),
        "chips": chips(params),
        "numbers": page_numbers(page.page, page.pages),
        "last": page.pages,
        "first_shown": (page.page - 1) * page.per_page + 1,
        "last_shown": min(page.total, page.page * page.per_page),
        "took": took(page.took_ms),
    }


@site.route("/")
def search() -> Any:
    params = Params.from_args(request.args)
    # province:"…" typed in the box becomes a ticked filter that unticking really removes
    # (the page's links are built without it in q; the script also fixes the address).
    params = params.lifted() or params
    try:
        return render_template("search.html", **_search_context(params))
    except BadRequest as exc:
        return render_template("search.html", params=params, page=None, error=str(exc)), 400


@site.route("/ket-qua")
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


@site.route("/tro-giup")
def help_page() -> Any:
    return render_template("help.html", params=Params())


@site.route("/api/goi-y")
def api_suggest() -> Any:
    text = (request.args.get("q") or "")[: MAX_SUGGEST_CHARS.default]
    return json_response({"query": text, "suggestions": suggestions(_service(), text)})


@site.route("/article/<path:article_id>")
def article(article_id: str) -> Any:
    _check_id(article_id)
    params = Params.from_args(request.args)
    try:
        found = _service().article(article_id, params.q)
    except ArticleNotFound:
        return error_page(404, "Không tìm thấy bài viết này; có thể nó đã bị gỡ khỏi chỉ mục.")
    return render_template("article.html", article=found, params=params)


@site.route("/api/search")
def api_search() -> Any:
    try:
        page = _service().search(Params.from_args(request.args).to_request())
    except BadRequest as exc:
        return json_response({"error": str(exc)}, 400)
    return json_response(page.to_json())


@site.route("/api/article/<path:article_id>")
def api_article(article_id: str) -> Any:
    _check_id(article_id)
    try:
        found = _service().article(article_id,
                                   (request.args.get("q") or "")[:QUERY_PARAM_CHARS])
    except ArticleNotFound:
        return json_response({"error": "Không tìm thấy bài viết."}, 404)
    return json_response(article_json(found))


@site.route("/healthz")
def healthz() -> Any:
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    ready = current_app.extensions.get(READY)
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
