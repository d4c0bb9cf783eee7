"""The production server (``antqsearch serve``, waitress) on 127.0.0.1: rebuilds while it
serves, HTTP hardening and a short, bounded load test. Loopback only; every loop is bounded
by a request count and a number of seconds."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from robustfixtures import (
    LoadReport,
    article_text,
    get,
    rss_kb,
    run_cli,
    run_load,
    search_paths,
    serving,
    write_synthetic_corpus,
)

from antqsearch.cli import MAX_REQUEST_BODY
from antqsearch.cli import main as cli_main
from antqsearch.indexer import build_index

# Subprocesses, real builds and servers: `make test` runs them, `make test-quick` not.
pytestmark = pytest.mark.slow
ARTICLES = 60


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Path, Path]]:
    """A synthetic corpus, its index, and the real server on it: (URL, process, corpus, index)."""
    folder = tmp_path_factory.mktemp("site")
    corpus, index = folder / "corpus", folder / "index"
    write_synthetic_corpus(corpus, ARTICLES)
    build_index(corpus, index, workers=1)
    with serving(index, folder / "serve.log") as (base, process):
        yield base, process, corpus, index


def api(base: str, query: str) -> dict[str, Any]:
    status, body = get(base, f"/api/search?q={quote(query)}&per_page=100")
    assert status == 200, body[:300]
    data: dict[str, Any] = json.loads(body)
    return data


def valid_page(path: str, status: int, body: bytes) -> str | None:
    """A load check: API answers are whole JSON pages with hits, HTML pages end properly."""
    if path.startswith("/api/"):
        data = json.loads(body)
        if data["total"] < 1 or not data["hits"]:
            return f"{path}: no hits"
    elif path.startswith("/article/"):
        if b"</html>" not in body:
            return f"{path}: truncated page"
    elif b"</html>" not in body or b'class="hit__title"' not in body:
        return f"{path}: no results on the page"
    return None


def swap_paths(count: int) -> list[str]:
    """Searches that match every generation, and articles present in every generation."""
    paths = []
    for i, path in enumerate(search_paths(count)):
        paths.append(f"/article/bai_{i % 40:04d}?q=an+ninh" if i % 7 == 3 else path)
    return paths


def requests_between(report: LoadReport, start: float, end: float) -> int:
    return sum(1 for t in report.finished_at if start <= t <= end)


def test_rebuild_while_serving_loses_no_request(site: tuple[str, Any, Path, Path]) -> None:
    base, process, corpus, index = site
    assert api(base, "ma0003")["hits"][0]["id"] == "bai_0003"
    fds_before = open_files(process.pid)
    stop = threading.Event()
    reports: list[LoadReport] = []
    load = threading.Thread(
        target=lambda: reports.append(
            run_load(base, swap_paths(4000), workers=4, max_seconds=60, check=valid_page,
                     stop=stop)
        ),
        daemon=True,
    )
    load.start()
    try:
        time.sleep(1.0)
        # 1st rebuild: one article changed, three added
        text = (corpus / "bai_0003.txt").read_text(encoding="utf-8")
        (corpus / "bai_0003.txt").write_text(text.replace("ma0003", "doimoiabc"), "utf-8")
        for n in range(3):
            (corpus / f"moi_{n}.txt").write_text(
                article_text(f"Bài mới số {n} trong lúc phục vụ", "bomoixyz"), "utf-8")
        first_start = time.monotonic()
        result = run_cli(corpus, index, "index")
        first_end = time.monotonic()
        assert result.returncode == 0, result.stderr
        assert "3 thêm, 1 sửa" in result.stdout, result.stdout
        found = wait_until(lambda: api(base, "bomoixyz")["total"] == 3)
        assert {h["id"] for h in api(base, "bomoixyz")["hits"]} == {"moi_0", "moi_1", "moi_2"}
        assert [h["id"] for h in api(base, "doimoiabc")["hits"]] == ["bai_0003"]
        assert api(base, "ma0003")["total"] == 0
        # 2nd rebuild: one article removed, a full rebuild
        (corpus / "moi_2.txt").unlink()
        second_start = time.monotonic()
        result = run_cli(corpus, index, "index", "--full")
        second_end = time.monotonic()
        assert result.returncode == 0, result.stderr
        wait_until(lambda: api(base, "bomoixyz")["total"] == 2)
        time.sleep(1.0)
    finally:
        stop.set()
        load.join(timeout=90)
    report = reports[0]
    fds_after = open_files(process.pid)
    during = requests_between(report, first_start, first_end) + requests_between(
        report, second_start, second_end)
    print(f"\nROBUSTNESS swap: {report.requests} requests while serving, {during} of them "
          f"during the two rebuilds, {len(report.errors)} failed; new articles findable "
          f"{found:.2f} s after the build ended, without a restart; server open files "
          f"{fds_before} before, {fds_after} after")
    assert report.errors == [], report.errors[:5]
    assert requests_between(report, first_start, first_end) >= 20
    assert requests_between(report, second_start, second_end) >= 20
    assert report.finished_at[-1] > second_end  # the load outlived both swaps
    assert len(list(index.glob("gen-*"))) <= 2
    assert fds_after <= fds_before + 20  # old generations' files are let go


def open_files(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


def wait_until(condition: Any, timeout: float = 20) -> float:
    """Seconds until ``condition()`` is true (polled); fails after ``timeout``."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "condition never became true"
        time.sleep(0.05)
    return time.monotonic() - started


def test_bounded_load(site: tuple[str, Any, Path, Path]) -> None:
    base, process, _, _ = site
    warm = run_load(base, search_paths(100), workers=4, max_seconds=30)
    assert warm.errors == []
    before = rss_kb(process.pid)
    report = run_load(base, search_paths(400), workers=4, max_seconds=60, pid=process.pid,
                      check=valid_page)
    after = rss_kb(process.pid)
    print(f"\nROBUSTNESS load: {report.summary()}; server RSS {before // 1024} MB before, "
          f"{after // 1024} MB after (samples {[r // 1024 for r in report.rss_kb]} MB)")
    assert report.errors == [], report.errors[:5]
    assert report.requests == 400
    assert after - before < 60 * 1024, (before, after)  # stable: no growth per request
    assert report.percentile(99) < 5000


# ----------------------------------------------------------------------------- hardening
def raw_request(base: str, head: bytes, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes on a socket; the status, headers and body of the answer."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.connect()
    assert connection.sock is not None
    connection.sock.sendall(head + body)
    response = http.client.HTTPResponse(connection.sock)
    response.begin()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def check_security_headers(headers: dict[str, str]) -> None:
    csp = headers["content-security-policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    script = directives.get("script-src", directives.get("default-src"))
    assert script is not None and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("method", "path", "status", "text"),
    [
        ("GET", "/", 200, "antqsearch"),
        ("GET", "/api/search?q=an", 200, '"hits"'),
        ("GET", "/static/app.css", 200, ""),
        ("GET", "/healthz", 200, "ok"),
        ("GET", "/khong-co-trang", 404, "Không tìm thấy trang"),
        ("GET", "/article/khong-co", 404, "Không tìm thấy bài viết"),
        ("GET", "/api/article/khong-co", 404, "Không tìm thấy bài viết"),
        ("POST", "/", 405, "Phương thức không được hỗ trợ"),
        ("DELETE", "/api/search", 405, "Phương thức không được hỗ trợ"),
        ("PUT", "/article/bai_0001", 405, "Phương thức không được hỗ trợ"),
        ("GET", "/?page=abc", 400, "Số trang phải là số nguyên dương"),
    ],
)
def test_every_answer_is_hardened_and_vietnamese(
    site: tuple[str, Any, Path, Path], method: str, path: str, status: int, text: str
) -> None:
    base = site[0]
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
    got, headers, body = raw_request(base, head.encode())
    assert got == status, body[:300]
    page = body.decode()
    assert text in page
    check_security_headers(headers)
    if headers["content-type"].startswith("text/html"):
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
        assert "Traceback" not in page and "Werkzeug" not in page


def test_request_size_limits(site: tuple[str, Any, Path, Path]) -> None:
    base, process, _, _ = site
    big = MAX_REQUEST_BODY * 160  # 10 MB announced; waitress refuses before buffering it
    head = (f"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {big}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    status, _, _ = raw_request(base, head, b"x" * 1024)
    assert status == 413
    head = (f"GET /?q={'a' * 300_000} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").encode()
    status, _, _ = raw_request(base, head)
    assert status in (400, 414, 431)
    status, body = get(base, "/?q=" + "an+" * 30_000)  # 100 kB query: served, trimmed
    assert status == 200 and "quá dài" in body.decode()
    assert process.poll() is None and get(base, "/healthz")[0] == 200


def test_serve_never_runs_in_debug_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import waitress

    served: dict[str, Any] = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app, **kw))
    monkeypatch.setenv("FLASK_DEBUG", "1")
    result = CliRunner().invoke(cli_main, ["serve", "--index", str(tmp_path), "--port", "1"])
    assert result.exit_code == 0, result.output
    assert served["app"].debug is False
    assert served["expose_tracebacks"] is False
    assert served["max_request_body_size"] == MAX_REQUEST_BODY
    assert served["host"] == "127.0.0.1"
    shutil.rmtree(tmp_path, ignore_errors=True)
