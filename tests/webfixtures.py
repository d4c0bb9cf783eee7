"""Fixtures of the web tests: an index of corpus/, the Flask app, a live waitress server.

tests/conftest.py belongs to the library tests; the web tests load this module with
``pytest_plugins = ["webfixtures"]``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the five real articles of corpus/, built once per session."""
    from antqsearch.indexer import build_index

    index_dir = tmp_path_factory.mktemp("web-index")
    build_index(CORPUS, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def web_app(web_index: Path) -> Flask:
    from antqsearch.web import create_app

    app = create_app({"INDEX_DIR": str(web_index), "TESTING": True})
    return app


@pytest.fixture
def web_client(web_app: Flask) -> FlaskClient:
    return web_app.test_client()


@pytest.fixture
def no_server_errors(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Fail the test if the app logged an unexpected error (the 500 handler ran)."""
    caplog.set_level(logging.WARNING, logger="antqsearch.web")
    yield
    if "allow_server_error" in request.fixturenames:
        return
    errors = [
        r
        for r in caplog.get_records("setup") + caplog.get_records("call")
        if r.name == "antqsearch.web" and r.levelno >= logging.ERROR
    ]
    assert not errors, f"the 500 handler ran: {[r.getMessage() for r in errors]}"


@pytest.fixture
def allow_server_error() -> None:
    """Name it in a test that provokes the 500 page on purpose."""


def _run(server: object, stopping: threading.Event) -> None:
    try:
        server.run()  # type: ignore[attr-defined]
    except Exception:
        if not stopping.is_set():
            raise


@pytest.fixture(scope="session")
def web_server(web_index: Path) -> Iterator[str]:
    """create_app served by waitress on a free local port; yields the base URL."""
    import waitress
    from waitress import wasyncore

    from antqsearch.web import create_app

    app = create_app({"INDEX_DIR": str(web_index)})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()
    thread = threading.Thread(target=_run, args=(server, stopping), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)
        thread.join(timeout=5)
