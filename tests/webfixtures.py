"""Fixtures of the web tests: an index of corpus/, the Flask app, a live waitress server.

tests/conftest.py belongs to the library tests; the web tests load this module with
``pytest_plugins = ["webfixtures"]``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def web_index(seed_index: Path) -> Path:
    """An index of the five real articles of corpus/, built once per session."""
    return seed_index


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


@pytest.fixture(scope="session")
def screenshots() -> Any:
    """antqsearch.web.shots (as scripts/screenshots.py uses it): serving the app in a thread,
    the Chromium flags and the screenshot tour."""
    return importlib.import_module("antqsearch.web.shots")


@pytest.fixture(scope="session")
def web_server(web_index: Path, screenshots: Any) -> Iterator[str]:
    """create_app served by waitress on a free local port; yields the base URL."""
    with screenshots.serve(web_index) as base:
        yield base
