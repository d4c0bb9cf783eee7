"""``antqsearch check``: what the extractors found in each article, and what is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .corpus import Skipped, find_articles, read_article
from .indexer import CorpusMissing
from .metadata import apply_overrides, extract_metadata

CHECKED_FIELDS = ("title", "date", "province", "officials", "author")


def check_article(corpus_dir: Path, path: Path) -> dict[str, Any]:
    """One row of the report: the extracted metadata, and the names of missing fields."""
    raw = read_article(corpus_dir, path)
    if isinstance(raw, Skipped):
        return {"id": str(path), "skipped": raw.reason}
    try:
        meta = apply_overrides(extract_metadata(raw.text), raw.overrides)
    except ValueError as exc:
        return {"id": raw.id, "skipped": f"tệp sửa siêu dữ liệu không hợp lệ: {exc}"}
    row: dict[str, Any] = {
        "id": raw.id,
        "title": meta.title,
        "date": meta.date,
        "year": meta.year,
        "province": meta.province,
        "district": meta.district,
        "ward": meta.ward,
        "officials": list(meta.officials),
        "author": meta.author,
    }
    row["missing"] = [name for name in CHECKED_FIELDS if not row[name]]
    return row


def check_corpus(corpus_dir: Path) -> list[dict[str, Any]]:
    """The report for every article of a corpus folder."""
    if not corpus_dir.is_dir():
        raise CorpusMissing(f"Không tìm thấy thư mục bài viết: {corpus_dir}")
    rows = []
    for item in find_articles(corpus_dir):
        if isinstance(item, Skipped):
            rows.append({"id": item.path, "skipped": item.reason})
        else:
            rows.append(check_article(corpus_dir, item))
    return rows
