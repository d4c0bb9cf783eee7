"""``create_app``: the Flask app factory (one :class:`SearchService` per app)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response

from ..facets import DECLARED, FACET, FACETS
from ..links import article_url
from ..search import SearchService
from ..serving import SERVICE
from ..settings import MAX_QUERY_CHARS, MAX_REQUEST_BODY, Folders
from .errors import handle_error
from .page import paragraphs
from .params import Params, format_date
from .views import site

TEMPLATES = Path(__file__).parent.parent / "templates"
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


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def template_globals() -> dict[str, Any]:
    """What every template may read: the facets, the limits it shows, the sort labels."""
    nouns = tuple(dict.fromkeys(f.short.lower() for f in DECLARED))
    return {
        "sort_labels": SORT_LABELS,
        "blank_params": Params(),
        "filter_keys": (*FACETS, "range", "from", "to"),
        "facets": FACET,
        "facet_nouns": nouns,  # "tỉnh/thành", "năm", "quan chức"
        "max_query_chars": MAX_QUERY_CHARS.default,
    }


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask app; ``INDEX_DIR`` defaults to ``ANTQ_INDEX_DIR`` or ``index``."""
    app = Flask(
        "antqsearch.web",
        template_folder=str(TEMPLATES),
        static_folder=str(TEMPLATES / "static"),
        static_url_path="/static",
    )
    app.config.update(
        INDEX_DIR=str(Folders.from_env().index_dir),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BODY.default,
        MAX_FORM_MEMORY_SIZE=MAX_REQUEST_BODY.default,
    )
    app.config.update(config or {})
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[SERVICE] = SearchService(Path(app.config["INDEX_DIR"]),
                                              article_url=article_url)
    app.register_blueprint(site)
    app.register_error_handler(Exception, handle_error)
    app.after_request(add_security_headers)
    app.jinja_env.filters["vndate"] = format_date
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals.update(template_globals())
    return app
