"""``antqsearch import``: newsroom exports (JSONL, saved HTML pages) → ``corpus/*.txt``.

Each article becomes one ``.txt`` file in the form the indexer reads (see
:func:`antqsearch.corpus.split_header`)::

    source: Báo Mẫu
    url: https://example.vn/bai-viet-1
    date: 2017-05-03
    author: Minh Anh

    Headline

    Lead paragraph (summary)

    Body …

The file name comes from the article's id (safe characters only, never a path), so that
importing the same export again rewrites only the articles that changed: a file whose
bytes would be the same is not touched (its mtime stays, the next build skips it).
A line or page that cannot be imported is reported with its line number or path and the
reason; every other article is imported.
"""

from __future__ import annotations

import contextlib
import datetime
import gzip
import hashlib
import json
import os
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .corpus import HEADER_KEYS, MAX_ARTICLE_BYTES
from .text import normalize_text

HTML_SUFFIXES = (".html", ".htm")
MAX_NAME_CHARS = 120
MAX_LINE_BYTES = MAX_ARTICLE_BYTES
_UNSAFE_RE = re.compile(r"[^\w.-]+")
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?=$|[T\s])")
_DMY_RE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?=$|\s)")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportedArticle:
    """One article of an export, with its fields already checked."""

    id: str
    title: str
    text: str
    date: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Problem:
    """A line or page not imported (or a field dropped), where and why."""

    where: str
    reason: str


@dataclass
class ImportSummary:
    """What an import did (or would do, with ``dry_run``)."""

    written: int = 0
    rewritten: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # imported, but a field was dropped
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return self.written + self.rewritten + self.unchanged


class BadArticle(ValueError):
    """An article record that cannot be imported; the message says why, in Vietnamese."""


# ----------------------------------------------------------------------------- fields


def file_name(article_id: str) -> str:
    """A safe file name (no folder, no leading dot) for an article id, stable across runs.

    >>> file_name("baomoi-2541492")
    'baomoi-2541492.txt'
    >>> file_name("../../etc/passwd")[:17]
    'etc_passwd-936d7c'
    """
    cleaned = _UNSAFE_RE.sub("_", unicodedata.normalize("NFC", article_id)).strip("._")
    if cleaned == article_id and len(cleaned) <= MAX_NAME_CHARS:
        return f"{cleaned}.txt"
    digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]
    return f"{cleaned[:MAX_NAME_CHARS] or 'bai'}-{digest}.txt"


def iso_date(value: str) -> str | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM``) from an ISO date or time, or ``DD/MM/YYYY``.

    >>> iso_date("2017-05-03T08:00:00+07:00"), iso_date("3/5/2017"), iso_date("hôm qua")
    ('2017-05-03', '2017-05-03', None)
    """
    if match := _ISO_RE.match(value):
        year, month, day = match.group(1), match.group(2), match.group(3)
    elif match := _DMY_RE.match(value):
        day, month, year = match.groups()
    else:
        return None
    try:
        if day is None:
            datetime.date(int(year), int(month), 1)
            return f"{int(year):04d}-{int(month):02d}"
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _one_line(value: str) -> str:
    return " ".join(normalize_text(value).split())


def _text_field(record: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadArticle(f"thiếu trường '{key}'" if value is None else f"'{key}' rỗng")
        return None
    if not isinstance(value, str):
        raise BadArticle(f"'{key}' phải là chuỗi, không phải {type(value).__name__}")
    return value


def article_from_record(record: object) -> tuple[ImportedArticle, list[str]]:
    """Check one JSONL record; BadArticle when it cannot be imported, else the article and
    the notes about optional fields that were dropped."""
    if not isinstance(record, dict):
        raise BadArticle(f"cần một đối tượng JSON, không phải {type(record).__name__}")
    raw_id = record.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or not str(raw_id).strip():
        raise BadArticle("thiếu 'id' (chuỗi hoặc số)")
    title = _text_field(record, "title", required=True)
    text = _text_field(record, "text", required=True)
    assert title is not None and text is not None
    notes: list[str] = []
    optional: dict[str, str | None] = {}
    for key in ("date", "url", "source", "author", "summary"):
        try:
            optional[key] = _text_field(record, key)
        except BadArticle as exc:
            notes.append(f"bỏ trường {key}: {exc}")
            optional[key] = None
    raw_date = optional["date"]
    date = iso_date(raw_date) if raw_date else None
    if raw_date and date is None:
        notes.append(f"bỏ trường date: {raw_date[:40]!r} không phải ngày (cần YYYY-MM-DD)")
    return ImportedArticle(
        id=str(raw_id).strip(), title=_one_line(title), text=normalize_text(text), date=date,
        url=_one_line(optional["url"] or "") or None,
        source=_one_line(optional["source"] or "") or None,
        author=_one_line(optional["author"] or "") or None,
        summary=normalize_text(optional["summary"]) if optional["summary"] else None,
    ), notes


def source_of(url: str | None) -> str | None:
    """The site of a link, as a source name when the export gives none.

    >>> source_of("http://www.baomoi.com/a/c/1.epi")
    'baomoi.com'
    """
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def article_text(article: ImportedArticle) -> str:
    """The ``.txt`` form of an article (header lines, headline, lead, body)."""
    header = {
        "source": article.source or source_of(article.url),
        "url": article.url,
        "date": article.date,
        "author": article.author,
    }
    assert set(header) <= set(HEADER_KEYS)
    lines = [f"{key}: {value}" for key, value in header.items() if value]
    parts = ["\n".join(lines)] if lines else []
    parts.append(article.title)
    body = article.text.strip()
    summary = (article.summary or "").strip()
    if summary and not body.startswith(summary[:200]):
        parts.append(summary)
    parts.append(body)
    return "\n\n".join(parts) + "\n"


# ----------------------------------------------------------------------------- readers


def jsonl_articles(path: Path) -> Iterator[tuple[str, ImportedArticle | BadArticle, list[str]]]:
    """``(where, article or the reason it is bad, notes)`` for each non-blank line."""
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    number = 0
    try:
        with opener(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):  # noqa: B007  # used after the loop
                if not line.strip():
                    continue
                where = f"{path.name}:{number}"
                yield (where, *_parse_line(line))
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield (f"{path.name}:{number + 1}",
               BadArticle(f"tệp gzip hỏng hoặc bị cắt ({exc}); các dòng sau không đọc được"), [])


def _parse_line(line: bytes) -> tuple[ImportedArticle | BadArticle, list[str]]:
    if len(line) > MAX_LINE_BYTES:
        return BadArticle(f"dòng quá dài ({len(line) / 1048576:.1f} MB)"), []
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return BadArticle(f"không phải UTF-8 (byte 0x{line[exc.start]:02x})"), []
    except json.JSONDecodeError as exc:
        return BadArticle(f"JSON không hợp lệ: {exc.msg} (ký tự {exc.pos + 1})"), []
    try:
        return article_from_record(record)
    except BadArticle as exc:
        return exc, []


def html_articles(folder: Path) -> Iterator[tuple[str, ImportedArticle | BadArticle, list[str]]]:
    """``(path, article or the reason it is bad, notes)`` for each saved page of a folder."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(HTML_SUFFIXES):
                continue
            path = Path(dirpath) / name
            page_id = path.relative_to(folder).with_suffix("").as_posix()
            try:
                yield str(path), html_article(page_id, path), []
            except BadArticle as exc:
                yield str(path), exc, []


def html_article(page_id: str, path: Path) -> ImportedArticle:
    """Headline, date, author, site and body of a saved page (trafilatura)."""
    import trafilatura  # imported here: loading it costs a second that `index` never needs

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadArticle(f"không đọc được tệp ({exc.strerror or exc})") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise BadArticle(f"tệp quá lớn ({len(data) / 1048576:.1f} MB)")
    if not data.strip():
        raise BadArticle("tệp rỗng")
    try:
        doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                          include_tables=False)
    except Exception as exc:  # the extractor's own errors on malformed pages
        raise BadArticle(f"không trích được nội dung ({type(exc).__name__}: {exc})") from None
    if doc is None:
        raise BadArticle("không tìm thấy nội dung bài viết trong trang")
    found = doc if isinstance(doc, dict) else doc.as_dict()
    text, title = found.get("text") or "", found.get("title") or ""
    if not text.strip():
        raise BadArticle("không tìm thấy thân bài trong trang")
    if not title.strip():
        raise BadArticle("không tìm thấy tiêu đề trong trang")
    url = found.get("url") or None
    return ImportedArticle(
        id=page_id,
        title=_one_line(title),
        text=normalize_text(text),
        date=iso_date(found["date"]) if found.get("date") else None,
        url=url if url and url.startswith(("http://", "https://")) else None,
        source=_one_line(found.get("sitename") or "") or None,
        author=_one_line(found.get("author") or "") or None,
        summary=None,
    )


# ----------------------------------------------------------------------------- writing


def _write_if_changed(path: Path, data: bytes, dry_run: bool) -> str:
    """'written', 'rewritten' or 'unchanged'; an unchanged file is not touched."""
    try:
        old = path.read_bytes() if path.is_file() else None
    except OSError:
        old = None
    if old == data:
        return "unchanged"
    if not dry_run:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return "written" if old is None else "rewritten"


def import_articles(
    source: Path, corpus_dir: Path, dry_run: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import a JSONL file (plain or ``.gz``) or a folder of saved HTML pages."""
    if source.is_dir():
        items = html_articles(source)
    elif source.is_file():
        items = jsonl_articles(source)
    else:
        raise FileNotFoundError(f"Không tìm thấy {source}")
    summary = ImportSummary(dry_run=dry_run)
    if not dry_run:
        corpus_dir.mkdir(parents=True, exist_ok=True)
    claimed: dict[str, str] = {}  # file name → where it was first imported from
    for where, found, notes in items:
        summary.notes += [Problem(where, n) for n in notes]
        if isinstance(found, BadArticle):
            summary.problems.append(Problem(where, str(found)))
            continue
        name = file_name(found.id)
        if name in claimed:
            summary.problems.append(Problem(where, f"id {found.id!r} trùng với {claimed[name]}"))
            continue
        claimed[name] = where
        outcome = _write_if_changed(
            corpus_dir / name, article_text(found).encode("utf-8"), dry_run
        )
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if progress:
            progress(summary.imported)
    return summary
