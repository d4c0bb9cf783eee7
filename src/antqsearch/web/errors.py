"""Error pages and error JSON, in Vietnamese: never a traceback, never a path of the server.

An index that is not ready, or a Vietnamese word segmenter (pyvi) that cannot be loaded, is
a 503 (the site is there, searching is not, for now); HTTP errors get their own page; any
other exception is logged (to ``antqsearch.web``) and becomes a friendly 500.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, current_app, render_template, request

from ..segment import SegmenterUnavailable
from ..store import IndexNotReady

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
SEGMENTER_HEADING = "Chưa tìm kiếm được"
SEGMENTER_MESSAGE = (
    "Máy chủ chưa tải được bộ tách từ tiếng Việt (pyvi) nên chưa tìm kiếm được. Người quản "
    "trị cần cài lại antqsearch (“make install”); vui lòng thử lại sau."
)
# The tests watch this logger: an ERROR on it means the 500 handler ran.
log = logging.getLogger("antqsearch.web")


def json_response(data: Any, status: int = 200) -> Response:
    response: Response = current_app.json.response(data)  # type: ignore[assignment]
    response.status_code = status
    return response


def error_page(status: int, message: str | None = None,
               heading: str | None = None) -> tuple[str, int]:
    default_heading, text = HTTP_MESSAGES.get(status, HTTP_MESSAGES[500])
    html = render_template("error.html", status=status, heading=heading or default_heading,
                           message=message or text)
    return html, status


def handle_error(exc: Exception) -> Any:
    """Index not ready or no segmenter → 503; HTTP errors → their page; anything else →
    logged 500."""
    code = getattr(exc, "code", None)
    heading = page_message = None
    if isinstance(exc, IndexNotReady):
        log.warning("index not ready: %s", exc)
        status, message = 503, "Chỉ mục chưa sẵn sàng; vui lòng thử lại sau."
    elif isinstance(exc, SegmenterUnavailable):
        log.warning("segmenter unavailable: %s", exc)
        status, message = 503, SEGMENTER_MESSAGE
        heading, page_message = SEGMENTER_HEADING, SEGMENTER_MESSAGE
    elif isinstance(code, int) and hasattr(exc, "get_response"):
        status, message = code, None
    else:
        log.exception("unexpected error on %s", request.path)
        status, message = 500, None
    if request.path.startswith("/api/"):
        return json_response(
            {"error": message or HTTP_MESSAGES.get(status, HTTP_MESSAGES[500])[0]}, status)
    return error_page(status, page_message, heading)
