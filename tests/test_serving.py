"""Serving: warm before ready (/healthz 503 until then), new generations swapped in by a
background thread, and several gunicorn worker processes over one index."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from robustfixtures import CLI, article_text, cli_env, free_port, get

from antqsearch.indexer import build_index
from antqsearch.search import SearchRequest, SearchService
from antqsearch.serving import READY, AllWarm, not_ready, warm_app
from antqsearch.store import current_generation
from antqsearch.web import create_app


def _site(tmp_path: Path, count: int = 4) -> tuple[Path, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for n in range(count):
        (corpus / f"bai_{n}.txt").write_text(article_text(f"Bài số {n}", f"ma{n:04d}"), "utf-8")
    build_index(corpus, index, workers=1)
    return corpus, index


def _wait(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.05)


def test_healthz_is_503_until_warm(tmp_path: Path) -> None:
    _, index = _site(tmp_path)
    app = create_app({"INDEX_DIR": str(index), "TESTING": True})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # a plain app is ready at once
    not_ready(app)
    response = client.get("/healthz")
    assert response.status_code == 503 and "khởi động" in response.get_data(as_text=True)
    warm_app(app)
    assert app.extensions[READY].is_set()
    assert client.get("/healthz").status_code == 200
    service: SearchService = app.extensions["antqsearch"]
    assert service.opened is not None  # opened by the warm-up, not by a reader


def test_warm_up_without_index_still_becomes_ready(tmp_path: Path) -> None:
    app = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True})
    not_ready(app)
    warm_app(app)
    assert app.test_client().get("/healthz").status_code == 503  # ready, but no index


def test_watcher_swaps_in_a_warm_generation(tmp_path: Path) -> None:
    corpus, index = _site(tmp_path)
    service = SearchService(index)
    service.warm_up()
    old = current_generation(index)
    warmed: list[str | None] = []
    service.watch(interval=0.05, warm=warmed.append)
    (corpus / "bai_9.txt").write_text(article_text("Bài mới", "moixyz"), "utf-8")
    build_index(corpus, index, workers=1)
    _wait(lambda: service.search(SearchRequest("moixyz")).total == 1)
    _wait(lambda: bool(warmed))  # the watcher calls warm just after the swap
    assert warmed and old is not None
    _wait(lambda: not old.exists())  # the old generation went with its last reader


def test_all_warm_waits_for_every_worker() -> None:
    import threading

    gate = AllWarm(3)
    arrived: list[bool] = []
    first = [threading.Thread(target=lambda: arrived.append(gate.arrive_and_wait(10)))
             for _ in range(2)]
    for thread in first:
        thread.start()
    time.sleep(0.2)
    assert arrived == []  # two of three warm: nobody accepts yet
    assert gate.arrive_and_wait(10)
    for thread in first:
        thread.join(10)
    assert arrived == [True, True]
    assert gate.arrive_and_wait(0)  # a worker restarted later does not wait


def test_all_warm_gives_up_after_its_timeout() -> None:
    started = time.monotonic()
    assert not AllWarm(2).arrive_and_wait(0.1)
    assert time.monotonic() - started < 5


def _opened_index(pid: int, index: Path) -> bool:
    """Whether a process has a file of the index open or mapped."""
    root = str(index.resolve())
    try:
        links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False
    return any(link.startswith(root) for link in links) or root in maps


@pytest.mark.slow
def test_serve_several_workers(tmp_path: Path) -> None:
    corpus, index = _site(tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=cli_env(corpus, index), stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        def healthy() -> bool:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                return get(base, "/healthz", timeout=2)[0] == 200
            except OSError:
                return False

        _wait(healthy, timeout=120)
        workers = [int(p) for p in Path(f"/proc/{server.pid}/task/{server.pid}/children")
                   .read_text().split()]
        assert len(workers) == 2
        # Ready means every worker is: none accepted a client while another one warmed.
        assert all(_opened_index(pid, index) for pid in workers)
        for n in range(4):
            status, body = get(base, f"/api/search?q=ma{n:04d}")
            assert status == 200 and json.loads(body)["hits"][0]["id"] == f"bai_{n}"
        old = current_generation(index)
        (corpus / "bai_9.txt").write_text(article_text("Bài mới", "moixyz"), "utf-8")
        build_index(corpus, index, workers=1)

        def everyone_sees_it() -> bool:  # ten answers in a row, whichever worker answers
            return all(json.loads(get(base, "/api/search?q=moixyz")[1])["total"] == 1
                       for _ in range(10))

        _wait(everyone_sees_it)
        assert old is not None
        _wait(lambda: not old.exists())  # both workers let it go
        assert server.poll() is None
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    assert server.returncode == 0, log.read_text(errors="replace")
