"""Every setting and limit, declared once with its default and help text (standard library only).

Datasette's habit: a ``Setting(name, default, help)`` per knob, in one place; the service,
the web app, the command line (its option defaults and help), the query language and the
templates read them from here. The values are constants (nothing here changes at run time);
the folders come from the environment (:meth:`Folders.from_env`).

>>> MAX_QUERY_CHARS.default
500
>>> [s.name for s in SETTINGS if s.env]
['corpus_dir', 'index_dir']
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: its name, its default, what it is for (in Vietnamese: the command line
    shows it), and the environment variable that sets it, if any."""

    name: str
    default: T
    help: str
    env: str | None = None


# ----------------------------------------------------------------------------- folders
CORPUS_ENV = "ANTQ_CORPUS_DIR"
INDEX_ENV = "ANTQ_INDEX_DIR"
CORPUS_DIR = Setting("corpus_dir", "corpus", "Thư mục bài viết (mặc định corpus/).",
                     env=CORPUS_ENV)
INDEX_DIR = Setting("index_dir", "index", "Thư mục chỉ mục (mặc định index/).", env=INDEX_ENV)

# ----------------------------------------------------------------------------- queries
MAX_QUERY_CHARS = Setting(
    "max_query_chars", 500,
    "Số ký tự tối đa của câu tìm kiếm; phần sau bị bỏ, kèm một thông báo cho người đọc "
    "(địa chỉ trang giữ gấp đôi số này để báo được điều đó).")
MAX_CLAUSES = Setting("max_clauses", 32, "Số từ hoặc cụm từ tối đa của câu tìm kiếm.")
MAX_SUGGEST_CHARS = Setting("max_suggest_chars", 100,
                            "Số ký tự tối đa của phần gõ dở được gợi ý.")
MAX_SUGGESTIONS = Setting("max_suggestions", 8, "Số gợi ý tối đa khi đang gõ.")

# ----------------------------------------------------------------------------- results
PER_PAGE = Setting("per_page", 10, "Số kết quả mỗi trang.")
MAX_PER_PAGE = Setting("max_per_page", 100, "Số kết quả tối đa mỗi trang.")
MAX_PAGE = Setting("max_page", 1000, "Số trang kết quả tối đa.")
LISTED_FACET_VALUES = Setting(
    "listed_facet_values", 100,
    "Số giá trị nhiều bài nhất của một nhóm lọc mà một trang liệt kê (giá trị đã chọn "
    "luôn được liệt kê).")
SHOWN_FACET_VALUES = Setting("shown_facet_values", 10,
                             "Số giá trị một nhóm lọc hiện trước nút “Xem thêm”.")
MAX_SELECTED_VALUES = Setting("max_selected_values", 50,
                              "Số giá trị tối đa được chọn trong một nhóm lọc.")
MAX_VALUE_CHARS = Setting("max_value_chars", 200,
                          "Số ký tự tối đa của một giá trị lọc trên địa chỉ trang.")
MAX_DATE_CHARS = Setting("max_date_chars", 40,
                         "Số ký tự tối đa của một ngày (từ, đến, khoảng) trên địa chỉ trang.")
MAX_ID_CHARS = Setting("max_id_chars", 300, "Số ký tự tối đa của mã bài viết trên địa chỉ.")
RELATED_ARTICLES = Setting("related_articles", 5, "Số bài liên quan trên trang một bài viết.")
RELATED_TERMS = Setting("related_terms", 12,
                        "Số từ khóa của thân bài dùng để tìm các bài liên quan.")
STORED_CACHE = Setting("stored_cache", 2048,
                       "Số bài (trường lưu trữ đã giải mã) giữ trong bộ nhớ đệm mỗi chỉ mục.")
ANALYSIS_CACHE = Setting(
    "analysis_cache", 256,
    "Số câu tìm kiếm đã phân tích giữ lại mỗi chỉ mục (trang bài viết dùng lại phân tích "
    "của lần tìm dẫn đến nó).")

# ----------------------------------------------------------------------------- serving
HOST = Setting("host", "127.0.0.1", "Địa chỉ lắng nghe.")
PORT = Setting("port", 8000, "Cổng.")
THREADS = Setting("threads", 8, "Số luồng phục vụ (mỗi tiến trình).")
WORKERS = Setting("workers", 1,
                  "Số tiến trình phục vụ (trên 1: gunicorn, mỗi tiến trình một bản chỉ mục).")
MAX_REQUEST_BODY = Setting("max_request_body", 64 * 1024,
                           "Số byte tối đa của thân một yêu cầu (trang chỉ nhận GET).")
MAX_REQUEST_HEADERS = Setting("max_request_headers", 256 * 1024,
                              "Số byte tối đa của phần đầu một yêu cầu.")
WATCH_SECONDS = Setting("watch_seconds", 1.0,
                        "Mỗi bao nhiêu giây máy chủ xem chỉ mục có thế hệ mới chưa.")

SETTINGS: tuple[Setting[Any], ...] = (
    CORPUS_DIR, INDEX_DIR,
    MAX_QUERY_CHARS, MAX_CLAUSES, MAX_SUGGEST_CHARS, MAX_SUGGESTIONS,
    PER_PAGE, MAX_PER_PAGE, MAX_PAGE, LISTED_FACET_VALUES, SHOWN_FACET_VALUES,
    MAX_SELECTED_VALUES, MAX_VALUE_CHARS, MAX_DATE_CHARS, MAX_ID_CHARS, RELATED_ARTICLES,
    RELATED_TERMS, STORED_CACHE, ANALYSIS_CACHE,
    HOST, PORT, THREADS, WORKERS, MAX_REQUEST_BODY, MAX_REQUEST_HEADERS, WATCH_SECONDS,
)


@dataclass(frozen=True)
class Folders:
    """Where the articles are read from and where the index lives."""

    corpus_dir: Path = Path(CORPUS_DIR.default)
    index_dir: Path = Path(INDEX_DIR.default)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
    ) -> Folders:
        """Folders from ``ANTQ_CORPUS_DIR``/``ANTQ_INDEX_DIR``; explicit arguments win.

        >>> Folders.from_env({"ANTQ_INDEX_DIR": "/srv/idx"}).index_dir.as_posix()
        '/srv/idx'
        """
        env = os.environ if environ is None else environ
        corpus = corpus_dir or env.get(CORPUS_ENV) or CORPUS_DIR.default
        index = index_dir or env.get(INDEX_ENV) or INDEX_DIR.default
        return cls(Path(corpus), Path(index))

