"""A corpus of hostile files: the build finishes, indexes every readable article with its
text intact, lists every skipped file with its reason, stays small in memory on the big
file and never follows a link out of the corpus folder."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from robustfixtures import MessyCorpus, build_messy_corpus, deny_reading, run_cli

from antqsearch.corpus import Skipped, read_article
from antqsearch.indexer import BuildSummary, build_index, plan_build
from antqsearch.report import check_corpus
from antqsearch.search import SearchRequest, SearchService
from antqsearch.web import create_app

# Subprocesses, real builds and servers: `make test` runs them, `make test-quick` not.
pytestmark = pytest.mark.slow
AS_ROOT = os.geteuid() == 0


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> MessyCorpus:
    folder = tmp_path_factory.mktemp("messy")
    return build_messy_corpus(folder / "corpus", folder / "outside.txt")


@pytest.fixture(scope="module")
def unreadable_denied(messy: MessyCorpus) -> Iterator[None]:
    """chmod 000 does not stop root: make opening that file fail as it would for a user."""
    with pytest.MonkeyPatch.context() as patch:
        if AS_ROOT:
            assert messy.unreadable is not None
            deny_reading(patch, messy.unreadable)
        yield


@pytest.fixture(scope="module")
def messy_build(
    messy: MessyCorpus, unreadable_denied: None, tmp_path_factory: pytest.TempPathFactory
) -> tuple[BuildSummary, Path]:
    index_dir = tmp_path_factory.mktemp("messy-index")
    summary = build_index(messy.root, index_dir, workers=1)
    print(
        f"\nROBUSTNESS corpus: {messy.tried} hostile files tried, {summary.total} indexed, "
        f"{len(summary.skipped)} skipped, {len(messy.ignored)} not articles (ignored)"
    )
    for skipped in summary.skipped:
        print(f"ROBUSTNESS   skipped {Path(skipped.path).relative_to(messy.root)}: "
              f"{skipped.reason}")
    return summary, index_dir


def test_every_readable_article_is_indexed_and_found(
    messy: MessyCorpus, messy_build: tuple[BuildSummary, Path]
) -> None:
    summary, index_dir = messy_build
    service = SearchService(index_dir)
    assert summary.total == len(messy.findable) == service.stats()["documents"]
    for article_id, word in messy.findable.items():
        page = service.search(SearchRequest(word, per_page=50))
        assert article_id in [hit.id for hit in page.hits], (article_id, word)


def test_every_skipped_file_is_listed_with_its_reason(
    messy: MessyCorpus, messy_build: tuple[BuildSummary, Path]
) -> None:
    summary, _ = messy_build
    reasons = {Path(s.path).relative_to(messy.root).as_posix(): s.reason for s in summary.skipped}
    assert set(reasons) == set(messy.skipped)
    for name, fragment in messy.skipped.items():
        assert fragment in reasons[name], (name, reasons[name])


def test_nothing_outside_the_corpus_or_not_an_article_is_indexed(
    messy: MessyCorpus, messy_build: tuple[BuildSummary, Path]
) -> None:
    service = SearchService(messy_build[1])
    for word in (messy.outside_word, "khongphaibai", "khongdocduoc", "baiquanlon"):
        assert service.search(SearchRequest(word)).total == 0, word
    ids = {hit.id for hit in service.search(SearchRequest("", per_page=100)).hits}
    assert not any("vong-lap" in i or "ra-ngoai" in i or i.startswith(".") for i in ids)


def test_text_is_intact(messy: MessyCorpus, messy_build: tuple[BuildSummary, Path]) -> None:
    service = SearchService(messy_build[1])
    crlf = service.article("crlf")
    assert "\r" not in crlf.body_html and crlf.title == "Bài CRLF"
    assert service.article("cr-don").title == "Bài CR đơn"
    assert "Quỳnh Lưu" in service.article("nfd").body_html  # NFC now
    assert "khônggianẩn" in service.article("vo-hinh").body_html
    assert service.article("utf16-khong-bom").title == "Bài UTF-16 không BOM"
    title_only = service.search(SearchRequest("chienluocmotdong")).hits[0]
    assert title_only.title == "Chỉ một dòng tiêu đề về chienluocmotdong"
    html = service.article("html")
    assert html.title == "Bài có <b>HTML</b> & <script>alert('x')</script>"  # stored as text
    assert "<script>" not in html.body_html and "&lt;script&gt;" in html.body_html
    assert "<img" not in html.body_html
    assert service.article("trung-1").body_html == service.article("trung-2").body_html


def test_article_markup_is_shown_as_text_on_the_site(
    messy_build: tuple[BuildSummary, Path],
) -> None:
    client = create_app({"INDEX_DIR": str(messy_build[1]), "TESTING": True}).test_client()
    for url in ("/article/html", "/article/html?q=script", "/?q=htmlchenvao", "/?q=script"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert "<script>alert" not in text and "<img src=x" not in text, url
        assert "<b>HTML</b>" not in text and "&lt;b&gt;HTML&lt;/b&gt;" in text, url
    data = client.get("/api/search?q=htmlchenvao").get_json()
    hit = data["hits"][0]  # JSON carries the title as text, the snippet as escaped HTML
    assert hit["title"] == "Bài có <b>HTML</b> & <script>alert('x')</script>"
    assert "<script>" not in hit["snippet_html"] and "<img" not in hit["snippet_html"]
    path = "/article/th%C6%B0%20m%E1%BB%A5c/con/s%C3%A2u/b%C3%A0i%20l%E1%BB%93ng"
    assert client.get(path).status_code == 200


def test_title_only_article_opens(messy_build: tuple[BuildSummary, Path]) -> None:
    service = SearchService(messy_build[1])
    assert service.article("chi-tieu-de").title.startswith("Chỉ một dòng tiêu đề")


def test_memory_stays_bounded_on_the_big_file(messy: MessyCorpus, unreadable_denied: None) -> (
        None):
    big = messy.root / "qua-lon.txt"
    assert big.stat().st_size >= 20 * 1024 * 1024
    tracemalloc.start()
    try:
        result = read_article(messy.root, big)
        _, single = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        plan = plan_build(messy.root, None)
        _, whole = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(result, Skipped) and "quá lớn" in result.reason
    assert single < 256 * 1024, single  # the 20 MB are never loaded
    assert whole < 2 * 1024 * 1024, whole  # the whole messy corpus is read in < 2 MB
    assert len(plan.to_analyse) == len(messy.findable)
    print(f"\nROBUSTNESS corpus: peak Python memory reading the 20 MB file {single // 1024} kB, "
          f"reading the whole messy corpus {whole // 1024} kB")


def test_unreadable_file_is_skipped_for_a_normal_user(messy: MessyCorpus) -> None:
    """Without the monkeypatch: as a normal user chmod 000 gives a Skipped by itself."""
    if AS_ROOT:
        pytest.skip("running as root: chmod 000 does not stop root (simulated in the build)")
    assert messy.unreadable is not None
    result = read_article(messy.root, messy.unreadable)
    assert isinstance(result, Skipped) and "không đọc được" in result.reason


def test_check_command_report_survives_the_messy_corpus(
    messy: MessyCorpus, unreadable_denied: None
) -> None:
    rows = check_corpus(messy.root)
    skipped = {Path(r["id"]).name for r in rows if "skipped" in r}
    assert {Path(name).name for name in messy.skipped} <= skipped
    assert len(rows) - len(skipped) == len(messy.findable)


def test_cli_index_lists_the_skipped_files(messy: MessyCorpus, tmp_path: Path) -> None:
    result = run_cli(messy.root, tmp_path / "index", "index")
    assert result.returncode == 0, result.stderr
    assert "Đã lập chỉ mục" in result.stdout
    for name in messy.skipped:
        if name == "khong-doc-duoc.txt" and AS_ROOT:
            continue  # readable by root in a subprocess without the monkeypatch
        assert f"bỏ qua {messy.root / name}:" in result.stderr, name
    assert "Traceback" not in result.stderr
