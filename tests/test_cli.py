"""Issue 13's command line: Vietnamese throughout (click's own text too), typed options,
snippets, a clean zero-result answer, an aligned ``check`` table, clear errors."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from antqsearch.cli import main

pytest_plugins = ["webfixtures"]

ENGLISH = ("Usage", "Options", "Show this message", "Show the version", "Error:", "Try '",
           "No such", "is not a valid", "TEXT", "Commands")


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("args", [["--help"], ["search", "--help"], ["check", "-h"],
                                  ["serve", "--help"], ["index", "--help"], ["stats", "--help"]])
def test_help_is_vietnamese(args: list[str]) -> None:
    text = run(*args)
    assert "Cách dùng:" in text and "Hiện hướng dẫn này rồi thoát." in text
    assert not [word for word in ENGLISH if word in text]


def test_search_options_are_typed() -> None:
    text = run("search", "--help")
    assert re.search(r"--page INTEGER", text) and "--sort [relevance|date]" in text
    assert "--from YYYY-MM-DD" in text


@pytest.mark.parametrize("args", [["--page", "abc"], ["--page", "0"], ["--sort", "x"],
                                  ["--per-page", "-1"], ["--bogus"], ["--from", "hôm qua"]])
def test_errors_are_vietnamese(web_index: Path, args: list[str]) -> None:
    text = run("search", "x", "--index", str(web_index), *args, code=2)
    assert "Lỗi:" in text and not [word for word in ENGLISH if word in text]


def test_search_prints_snippets_and_vietnamese_keys(web_index: Path) -> None:
    text = run("search", "nâng cao", "--index", str(web_index))
    assert re.search(r"^\s+… .*nâng cao", text, re.MULTILINE | re.IGNORECASE)
    assert "Tỉnh/thành (trước 7/2025): " in text and "Quan chức: " in text
    assert "province" not in text


def test_zero_results_are_clean(web_index: Path) -> None:
    text = run("search", "camera blockchain", "--from", "2030-01-01", "--index", str(web_index))
    assert text.strip() == "Không tìm thấy bài viết nào."


def test_page_past_the_end_fails(web_index: Path) -> None:
    text = run("search", "an ninh", "--page", "5", "--index", str(web_index), code=1)
    assert "trang 5/1" not in text and "vượt quá số trang" in text


def test_date_filter(web_index: Path) -> None:
    text = run("search", "--from", "2023-07-01", "--to", "2023-12-31", "--index", str(web_index))
    assert text.startswith("2 kết quả")


def test_check_is_an_aligned_table(seed_corpus: Path) -> None:
    lines = run("check", "--corpus", str(seed_corpus)).splitlines()
    assert lines[0].split()[:3] == ["Bài", "Tiêu", "đề"] and "Còn thiếu" in lines[0]
    assert set(lines[1]) <= {"─", " "}
    starts = [m.start() for m in re.finditer(r"(?<=  )\S", lines[1])]
    for line in lines[2:]:
        assert all(line[i - 2 : i] == "  " for i in starts), line
    assert "THIẾU" not in "\n".join(lines) and "tác giả" in "\n".join(lines)


def test_busy_port_is_a_message(web_index: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--index", str(web_index),
                                           "--port", str(port)])
    assert result.exit_code == 2 and result.exception is None or isinstance(
        result.exception, SystemExit)
    assert f"cổng {port}" in result.output and "Traceback" not in result.output
