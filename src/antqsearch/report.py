"""``antqsearch check``: what the extractors found in each article, and what is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .corpus import CorpusMissing, RawArticle, Skipped, find_articles, read_article
from .record import article_metadata, article_record

CHECKED_FIELDS = ("title", "date", "province", "officials", "author")
# The record's fields a row shows, in this order.
REPORTED = ("id", "title", "date", "year", "province", "district", "ward", "officials",
            "author")


def check_article(corpus_dir: Path, path: Path) -> dict[str, Any]:
    """One row of the report: the extracted metadata, and the names of missing fields."""
    raw = read_article(corpus_dir, path)
    if not isinstance(raw, RawArticle):
        reason = raw.reason if isinstance(raw, Skipped) else "?"
        return {"id": str(path), "skipped": reason}
    meta = article_metadata(raw)
    if isinstance(meta, Skipped):
        return {"id": raw.id, "skipped": meta.reason}
    record = article_record(raw, meta)
    row: dict[str, Any] = {name: getattr(record, name) for name in REPORTED}
    row.update(officials=list(record.officials), warnings=list(meta.warnings),
               title_is_lead=record.lead_chars > 0)
    row["missing"] = [name for name in CHECKED_FIELDS if not row[name]]
    if row["title_is_lead"]:  # no headline: the title shown is the lead sentence
        row["missing"].append("headline")
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
