"""Reading the corpus: encodings, bad files, ids, links."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from antqsearch.corpus import RawArticle, Skipped, find_articles, read_article

TEXT = "Ngày hội toàn dân bảo vệ an ninh Tổ quốc\n\nNội dung bài viết ở Thanh Hóa.\n"


def _read(tmp_path: Path, name: str, data: bytes) -> RawArticle | Skipped:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return read_article(tmp_path, path)


def test_encodings_decode_to_the_same_text(tmp_path: Path) -> None:
    forms = {
        "utf8.txt": TEXT.encode(),
        "bom.txt": codecs.BOM_UTF8 + TEXT.encode(),
        "utf16.txt": TEXT.encode("utf-16"),
        "utf16le.txt": TEXT.encode("utf-16-le"),
        "utf16be.txt": TEXT.encode("utf-16-be"),
        "crlf.txt": TEXT.replace("\n", "\r\n").encode(),
        "nfd.txt": __import__("unicodedata").normalize("NFD", TEXT).encode(),
    }
    for name, data in forms.items():
        article = _read(tmp_path, name, data)
        assert isinstance(article, RawArticle), (name, article)
        assert article.text == TEXT, name


def test_bad_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    cases = {
        "empty.txt": b"",
        "blank.txt": b"  \n\t \n",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
        "legacy.txt": __import__("unicodedata").normalize("NFD", "Hòa bình").encode("cp1258"),
    }
    for name, data in cases.items():
        result = _read(tmp_path, name, data)
        assert isinstance(result, Skipped), name
        assert result.reason


def test_ids_and_discovery(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "bài (1).txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "notes.md").write_text(TEXT, encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text(TEXT, encoding="utf-8")
    os.symlink(outside, tmp_path / "link.txt")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    found = list(find_articles(tmp_path))
    paths = [p for p in found if isinstance(p, Path)]
    skipped = [p for p in found if isinstance(p, Skipped)]
    assert [p.name for p in paths] == ["bài (1).txt"]
    assert len(skipped) == 1 and "ngoài" in skipped[0].reason
    article = read_article(tmp_path, paths[0])
    assert isinstance(article, RawArticle) and article.id == "a/b/bài (1)"


def test_sidecar_overrides_and_hash(tmp_path: Path) -> None:
    first = _read(tmp_path, "x.txt", TEXT.encode())
    (tmp_path / "x.meta.json").write_text('{"province": "Nghệ An"}', encoding="utf-8")
    second = read_article(tmp_path, tmp_path / "x.txt")
    assert isinstance(first, RawArticle) and isinstance(second, RawArticle)
    assert second.overrides == {"province": "Nghệ An"}
    assert first.content_hash != second.content_hash
    (tmp_path / "x.meta.json").write_text("{not json", encoding="utf-8")
    assert isinstance(read_article(tmp_path, tmp_path / "x.txt"), Skipped)
