"""``antqsearch import``: JSONL (plain, gzip) and saved HTML pages, good and broken."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from antqsearch.cli import main
from antqsearch.corpus import read_article, split_header
from antqsearch.importer import file_name, import_articles
from antqsearch.indexer import build_index
from antqsearch.search import SearchRequest, SearchService
from antqsearch.web import create_app

BODY = (
    "Sáng 12-5, công an xã Hòa Bình tổ chức ngày hội toàn dân bảo vệ an ninh Tổ quốc. "
    "Hàng trăm người dân đã đến dự và cùng nhau ký cam kết giữ gìn trật tự thôn xóm.\n\n"
    "Buổi lễ kết thúc bằng phần văn nghệ của các em học sinh trường tiểu học."
)
GOOD = {
    "id": "bai-1",
    "title": "Xã Hòa Bình tổ chức ngày hội an ninh",
    "text": BODY,
    "date": "2017-05-12T08:30:00+07:00",
    "url": "https://bao-mau.example/bai-1.html",
    "source": "Báo Mẫu",
    "author": "Lan Phương",
    "summary": "Người dân xã Hòa Bình ký cam kết giữ gìn trật tự.",
}


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _good(**changes: object) -> str:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False)


def test_jsonl_good_and_broken_lines(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "bai.jsonl", [
        _good(),
        '{"id": "bai-2", "title": "Thiếu dấu đóng"',
        "",
        "[1, 2, 3]",
        _good(id="bai-4", title=""),
        _good(id="bai-5", text=None),
        _good(id="bai-6", title=42),
        json.dumps({"title": "Không có id", "text": "Nội dung."}, ensure_ascii=False),
        _good(id="bai-8", date="hôm qua", url=None, source=None, author=None, summary=None),
        _good(),  # the same id again
    ])
    corpus = tmp_path / "corpus"
    summary = import_articles(source, corpus)
    where = {p.where: p.reason for p in summary.problems}
    assert set(where) == {"bai.jsonl:2", "bai.jsonl:4", "bai.jsonl:5", "bai.jsonl:6",
                          "bai.jsonl:7", "bai.jsonl:8", "bai.jsonl:10"}
    assert "JSON không hợp lệ" in where["bai.jsonl:2"]
    assert "đối tượng JSON" in where["bai.jsonl:4"]
    assert "'title' rỗng" in where["bai.jsonl:5"]
    assert "thiếu trường 'text'" in where["bai.jsonl:6"]
    assert "'title' phải là chuỗi" in where["bai.jsonl:7"]
    assert "id" in where["bai.jsonl:8"]
    assert "trùng" in where["bai.jsonl:10"]
    assert [n.where for n in summary.notes] == ["bai.jsonl:9"]
    assert (summary.written, summary.rewritten, summary.unchanged) == (2, 0, 0)
    assert sorted(p.name for p in corpus.iterdir()) == ["bai-1.txt", "bai-8.txt"]
    header, rest = split_header((corpus / "bai-1.txt").read_text(encoding="utf-8"))
    assert header == {"source": "Báo Mẫu", "url": GOOD["url"], "date": "2017-05-12",
                      "author": "Lan Phương"}
    assert rest.startswith(f"{GOOD['title']}\n\n{GOOD['summary']}\n\n")
    bare, rest = split_header((corpus / "bai-8.txt").read_text(encoding="utf-8"))
    assert bare == {} and rest.startswith(GOOD["title"])


def test_reimport_is_idempotent_and_rewrites_only_changes(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "a.jsonl", [_good(), _good(id="bai-2")])
    corpus = tmp_path / "corpus"
    import_articles(source, corpus)
    first, second = corpus / "bai-1.txt", corpus / "bai-2.txt"
    os.utime(first, ns=(1_000_000_000, 1_000_000_000))
    os.utime(second, ns=(1_000_000_000, 1_000_000_000))
    _jsonl(source, [_good(), _good(id="bai-2", title="Tiêu đề đã sửa")])
    dry = import_articles(source, corpus, dry_run=True)
    assert (dry.written, dry.rewritten, dry.unchanged) == (0, 1, 1)
    assert "Tiêu đề đã sửa" not in second.read_text(encoding="utf-8")
    summary = import_articles(source, corpus)
    assert (summary.written, summary.rewritten, summary.unchanged) == (0, 1, 1)
    assert first.stat().st_mtime_ns == 1_000_000_000  # untouched
    assert second.stat().st_mtime_ns != 1_000_000_000
    assert "Tiêu đề đã sửa" in second.read_text(encoding="utf-8")
    assert not [p for p in corpus.iterdir() if p.name.startswith(".")]


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "a.jsonl", [_good()])
    summary = import_articles(source, tmp_path / "corpus", dry_run=True)
    assert summary.written == 1 and not (tmp_path / "corpus").exists()


def test_gzip_and_truncated_gzip(tmp_path: Path) -> None:
    lines = [_good(id=f"bai-{n}") for n in range(200)]
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"))
    whole = tmp_path / "a.jsonl.gz"
    whole.write_bytes(data)
    summary = import_articles(whole, tmp_path / "c1")
    assert summary.written == 200 and not summary.problems
    cut = tmp_path / "b.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    summary = import_articles(cut, tmp_path / "c2")
    assert 0 < summary.written < 200
    assert len(summary.problems) == 1 and "gzip" in summary.problems[0].reason
    assert summary.problems[0].where == f"b.jsonl.gz:{summary.written + 1}"


def test_not_utf8_line(tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl"
    source.write_bytes(_good().encode("utf-8") + b"\n" + _good(id="x").encode("cp1258",
                                                                               "replace") + b"\n")
    summary = import_articles(source, tmp_path / "corpus")
    assert summary.written == 1
    assert [(p.where, "UTF-8" in p.reason) for p in summary.problems] == [("a.jsonl:2", True)]


@pytest.mark.parametrize("article_id", ["../../etc/passwd", "/tmp/x", ".hidden", "..", "a/b",
                                        "ừ nhé?*:<>|", "x" * 500, "con\x00trol", "123"])
def test_file_names_are_safe(article_id: str) -> None:
    name = file_name(article_id)
    assert "/" not in name and "\x00" not in name and not name.startswith(".")
    assert name.endswith(".txt") and len(name) < 200
    assert file_name(article_id) == name  # stable


def test_file_names_differ_for_different_ids() -> None:
    assert file_name("a/b") != file_name("a_b") != file_name("a?b")


def test_numeric_id(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "a.jsonl", [_good(id=123)])
    import_articles(source, tmp_path / "corpus")
    assert (tmp_path / "corpus" / "123.txt").is_file()


PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Thôn Đông tổ chức ngày hội | Báo Thử Nghiệm</title>
<meta property="og:title" content="Thôn Đông tổ chức ngày hội an ninh">
<meta property="og:site_name" content="Báo Thử Nghiệm">
<meta property="og:url" content="https://bao-thu.example/thon-dong.html">
<meta name="author" content="Trần Minh Khoa">
<meta property="article:published_time" content="2019-08-19T07:00:00+07:00">
</head><body>
<nav><a href="/">Trang chủ</a> | <a href="/xa-hoi">Xã hội</a></nav>
<article>
<h1>Thôn Đông tổ chức ngày hội an ninh</h1>
<p>Sáng 19-8, thôn Đông, xã Kim Quan đã tổ chức ngày hội toàn dân bảo vệ an ninh Tổ quốc
với sự tham gia của đông đảo bà con nhân dân trong thôn và các thôn lân cận.</p>
<p>Tại buổi lễ, trưởng thôn đã báo cáo kết quả phong trào trong năm qua, trong đó nhấn mạnh
việc giữ gìn trật tự an toàn giao thông và phòng chống cháy nổ trong mùa khô.</p>
<p>Nhiều tập thể và cá nhân có thành tích xuất sắc đã được khen thưởng tại ngày hội.</p>
</article>
<footer>Bản quyền thuộc về Báo Thử Nghiệm. Liên hệ quảng cáo.</footer>
</body></html>
"""


def test_html_folder(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    (pages / "2019").mkdir(parents=True)
    (pages / "2019" / "thon-dong.html").write_text(PAGE, encoding="utf-8")
    (pages / "empty.html").write_bytes(b"")
    (pages / "binary.htm").write_bytes(bytes(range(256)) * 20)
    (pages / "menu-only.html").write_text(
        "<html><body><nav><a href='/'>Trang chủ</a></nav></body></html>", encoding="utf-8")
    (pages / "notes.txt").write_text("không phải trang", encoding="utf-8")
    corpus = tmp_path / "corpus"
    summary = import_articles(pages, corpus)
    bad = {Path(p.where).name for p in summary.problems}
    assert bad == {"empty.html", "binary.htm", "menu-only.html"}
    assert summary.written == 1
    (written,) = corpus.iterdir()
    header, rest = split_header(written.read_text(encoding="utf-8"))
    assert header == {"source": "Báo Thử Nghiệm", "url": "https://bao-thu.example/thon-dong.html",
                      "date": "2019-08-19", "author": "Trần Minh Khoa"}
    assert rest.startswith("Thôn Đông tổ chức ngày hội an ninh\n\n")
    assert "khen thưởng" in rest and "Trang chủ" not in rest and "quảng cáo" not in rest
    assert import_articles(pages, corpus).unchanged == 1


def test_header_is_read_by_the_indexer_and_shown(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "a.jsonl", [_good(), _good(id="bai-2", url="javascript:alert(1)",
                                                         source=None)])
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    import_articles(source, corpus)
    raw = read_article(corpus, corpus / "bai-1.txt")
    assert not isinstance(raw, str) and getattr(raw, "source", None) == "Báo Mẫu"
    build_index(corpus, index, workers=1)
    service = SearchService(index)
    page = service.search(SearchRequest("ngày hội"))
    hits = {h.id: h for h in page.hits}
    assert hits["bai-1"].source == "Báo Mẫu" and hits["bai-1"].source_url == GOOD["url"]
    assert hits["bai-1"].date == "2017-05-12" and hits["bai-1"].author == "Lan Phương"
    assert hits["bai-2"].source_url is None  # never a javascript: link
    article = service.article("bai-1")
    assert article.title == GOOD["title"] and article.source == "Báo Mẫu"
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    html = client.get("/article/bai-1").get_data(as_text=True)
    assert f'href="{GOOD["url"]}"' in html and "Báo Mẫu" in html
    data = client.get("/api/search?q=ng%C3%A0y+h%E1%BB%99i").get_json()
    assert {h["source_url"] for h in data["hits"]} == {GOOD["url"], None}
    assert client.get("/api/article/bai-1").get_json()["source"] == "Báo Mẫu"


def test_cli_import(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "a.jsonl", [_good(), "not json"])
    corpus = tmp_path / "corpus"
    result = CliRunner().invoke(main, ["import", str(source), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "1 mới" in result.output and "a.jsonl:2" in result.output
    result = CliRunner().invoke(main, ["import", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2
    bad = _jsonl(tmp_path / "b.jsonl", ["nope"])
    result = CliRunner().invoke(main, ["import", str(bad), "--corpus", str(corpus)])
    assert result.exit_code == 1
