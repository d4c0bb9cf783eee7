"""Without pyvi (simulated: its loader raises), the command line prints a clear Vietnamese
message and exits non-zero, and the site answers a Vietnamese 503: never a traceback or a 500.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from antqsearch import segment
from antqsearch.cli import main
from antqsearch.segment import SegmenterUnavailable
from antqsearch.serving import READY, warm_app
from antqsearch.web import create_app

pytest_plugins = ["webfixtures"]
QUERY = "bộ tách từ vắng mặt hôm nay"  # words with diacritics: pyvi segments them


@pytest.fixture
def no_pyvi(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise SegmenterUnavailable("Không tải được pyvi: No module named 'pyvi'")

    monkeypatch.setattr(segment, "_pyvi", missing)


def _fails_clearly(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "Lỗi: Không tải được pyvi" in result.output and "cài lại antqsearch" in result.output
    return result.output


def test_cli_search_says_pyvi_is_missing(no_pyvi: None, web_index: Path) -> None:
    _fails_clearly(["search", QUERY, "--index", str(web_index)])


def test_cli_index_says_pyvi_is_missing(no_pyvi: None, seed_corpus: Path, tmp_path: Path) -> None:
    _fails_clearly(["index", "--corpus", str(seed_corpus), "--index", str(tmp_path / "index")])
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_site_answers_a_vietnamese_503(
    no_pyvi: None, web_app: Flask, no_server_errors: None
) -> None:
    client = web_app.test_client()
    page = client.get("/", query_string={"q": QUERY})
    assert page.status_code == 503
    text = page.get_data(as_text=True)
    assert "Chưa tìm kiếm được" in text and "bộ tách từ tiếng Việt (pyvi)" in text
    assert "Traceback" not in text and "No module" not in text
    api = client.get("/api/search", query_string={"q": QUERY})
    assert api.status_code == 503 and "pyvi" in api.get_json()["error"]
    article = client.get("/api/article/000_ae1a3d5dfa8173e5", query_string={"q": QUERY + " x"})
    assert article.status_code == 503
    assert client.get("/healthz").status_code == 200  # the index itself is fine
    assert client.get("/").status_code == 200  # browsing needs no segmenter


def test_warm_up_without_pyvi_still_marks_the_app_ready(
    no_pyvi: None, web_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app({"INDEX_DIR": str(web_index)})
    warm_app(app)
    assert app.extensions[READY].is_set()
    assert "Cảnh báo: Không tải được pyvi" in capsys.readouterr().err
