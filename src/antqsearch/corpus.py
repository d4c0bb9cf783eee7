"""Finding and reading the articles of a corpus folder.

Every ``*.txt`` under the folder (subfolders included, hidden files and links that lead
outside it excluded) is one article; its id is its path under the folder without ``.txt``.
Reading never raises for a bad file: it returns a :class:`Skipped` with the reason.
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .dates import real_date
from .text import normalize_text

MAX_ARTICLE_BYTES = 8 * 1024 * 1024
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f]")
MAX_SIDECAR_BYTES = 1024 * 1024
SIDECAR_SUFFIX = ".meta.json"
# Header lines an article file may start with (``antqsearch import`` writes them), up to
# the first blank line: ``source: Báo Mẫu``, ``url: https://…``, ``date: 2017-05-03``,
# ``author: Minh Anh``. ``date`` and ``author`` count as corrections (a sidecar wins).
HEADER_KEYS = ("source", "url", "date", "author")
_HEADER_RE = re.compile(r"^(source|url|date|author): ?(.*)$")


class UnreadableArticle(ValueError):
    """A file that cannot be an article; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class RawArticle:
    """An article as read: normalised text, content hash and operator overrides."""

    id: str
    path: str
    text: str
    content_hash: str
    overrides: dict[str, object] = field(default_factory=dict)
    source: str | None = None
    source_url: str | None = None
    warnings: tuple[str, ...] = ()  # header values dropped, "dòng N: …" (article indexed)


class CorpusMissing(FileNotFoundError):
    """The corpus folder does not exist."""


@dataclass(frozen=True)
class Unchanged:
    """An article whose content hash is the one already indexed."""

    id: str
    content_hash: str


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why."""

    path: str
    reason: str


def article_id(corpus_dir: Path, path: Path) -> str:
    """The article id: the path under the corpus folder, without ``.txt``, with ``/``."""
    return path.relative_to(corpus_dir).with_suffix("").as_posix()


def _link_problem(root: Path, path: Path) -> str | None:
    """Why a symbolic link cannot be read as an article, or None when it can."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return "liên kết hỏng (đích không tồn tại)"
    except (OSError, RuntimeError):  # ELOOP; Python < 3.13 raises RuntimeError for a loop
        return "liên kết vòng lặp (trỏ về chính nó)"
    try:
        target.relative_to(root)
    except ValueError:
        return "liên kết trỏ ra ngoài thư mục corpus"
    return None


def find_articles(corpus_dir: Path) -> Iterator[Path | Skipped]:
    """Yield the article files of a folder (sorted), or a Skipped for a bad link."""
    root = corpus_dir.resolve()
    for dirpath, dirnames, filenames in os.walk(corpus_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(".txt"):
                continue
            path = Path(dirpath) / name
            problem = _link_problem(root, path) if path.is_symlink() else None
            if problem:
                yield Skipped(str(path), problem)
                continue
            yield path


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 (with BOM, or plainly detectable)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    utf16 = _bomless_utf16(data)
    if utf16:
        return data.decode(utf16)
    if b"\x00" in data:
        raise UnreadableArticle("tệp nhị phân (có byte NUL)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableArticle(
            f"không phải văn bản UTF-8 (byte 0x{data[exc.start]:02x} ở vị trí {exc.start}; "
            "có thể là bảng mã cũ như Windows-1258, TCVN3 hay VNI: hãy lưu lại dạng UTF-8)"
        ) from None


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when text without a BOM has NULs in every other byte."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _check_text(text: str) -> str:
    if not text.strip():
        raise UnreadableArticle("tệp rỗng")
    controls = len(_CONTROL_RE.findall(text, 0, 20000))
    if controls > 0.01 * min(len(text), 20000):
        raise UnreadableArticle("tệp nhị phân (nhiều ký tự điều khiển)")
    return text


def _sidecar_bytes(path: Path) -> bytes:
    sidecar = path.with_name(path.name[: -len(".txt")] + SIDECAR_SUFFIX)
    return _read_bounded(sidecar, MAX_SIDECAR_BYTES) if sidecar.is_file() else b""


def _overrides(path: Path, data: bytes) -> dict[str, object]:
    if not data:
        return {}
    name = path.name[: -len(".txt")] + SIDECAR_SUFFIX
    try:
        overrides = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableArticle(f"tệp {name} không phải JSON hợp lệ: {exc}") from None
    if not isinstance(overrides, dict):
        raise UnreadableArticle(f"tệp {name} phải là một đối tượng JSON")
    return overrides


def _too_big(size: int, limit: int) -> UnreadableArticle:
    return UnreadableArticle(f"tệp quá lớn ({size / 1048576:.1f} MB > {limit / 1048576:g} MB)")


def _read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (never blocks on a FIFO, and
    never reads more than ``limit + 1`` bytes, even from a file that grows meanwhile)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableArticle("không phải tệp thường (thư mục, ống dẫn hay thiết bị)")
    if info.st_size > limit:
        raise _too_big(info.st_size, limit)
    with open(path, "rb") as handle:
        data = handle.read(info.st_size)  # read(limit) would allocate ``limit`` bytes at once
        while len(data) <= limit and (more := handle.read(65536)):
            data += more
    if len(data) > limit:
        raise _too_big(len(data), limit)
    return data


def split_header(text: str) -> tuple[dict[str, str], str]:
    r"""The header lines at the top of an article file, and the rest of the text.

    >>> split_header("source: Báo Mẫu\nurl: https://example.vn/1\n\nTiêu đề\n\nThân bài")
    ({'source': 'Báo Mẫu', 'url': 'https://example.vn/1'}, 'Tiêu đề\n\nThân bài')
    >>> split_header("Tiêu đề\nsource: không phải tiêu đề")[0]
    {}
    """
    lines = text.lstrip("\n").split("\n")
    header: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = _HEADER_RE.match(line)
        if match is None:
            if header and not line.strip():
                return header, "\n".join(lines[index + 1 :])
            return {}, text
        header[match.group(1)] = match.group(2).strip()
    return {}, text  # nothing but header lines: not a header


def read_article(
    corpus_dir: Path, path: Path, known_hash: str | None = None
) -> RawArticle | Unchanged | Skipped:
    """Read one article file; a file that cannot be read gives a Skipped with the reason.

    When the content hash equals ``known_hash`` the text is not decoded: Unchanged.
    """
    try:
        data = _read_bounded(path, MAX_ARTICLE_BYTES)
        sidecar = _sidecar_bytes(path)
        digest = hashlib.sha1(data + b"\x00" + sidecar).hexdigest()
        if digest == known_hash:
            return Unchanged(article_id(corpus_dir, path), digest)
        whole = normalize_text(decode_bytes(data))
        header, text = split_header(whole)
        text = _check_text(text)
        fixes, warnings = _header_overrides(header, whole)
        overrides = fixes | _overrides(path, sidecar)
    except UnreadableArticle as exc:
        return Skipped(str(path), str(exc))
    except OSError as exc:
        return Skipped(str(path), f"không đọc được tệp ({exc.strerror or exc})")
    except UnicodeDecodeError as exc:
        return Skipped(str(path), f"không giải mã được ({exc.reason})")
    return RawArticle(article_id(corpus_dir, path), str(path), text, digest, overrides,
                      header.get("source") or None, _web_link(header.get("url")), warnings)


def _header_overrides(
    header: dict[str, str], text: str
) -> tuple[dict[str, object], tuple[str, ...]]:
    """The header's date and author as corrections; a ``date:`` line that is not a real date
    costs the date, not the article: it is dropped with a warning naming the line."""
    fixes: dict[str, object] = {key: value for key in ("date", "author")
                                if (value := header.get(key))}
    date = header.get("date")
    if not date or real_date(date, datetime.date.today()):
        return fixes, ()
    del fixes["date"]
    lines = text.split("\n")
    number = next((i for i, line in enumerate(lines, 1) if line.startswith("date:")), 1)
    return fixes, (f"dòng {number}: dòng {lines[number - 1][:60]!r} không phải một ngày có "
                   "thật (cần YYYY, YYYY-MM hoặc YYYY-MM-DD), bỏ qua",)


def _web_link(url: str | None) -> str | None:
    """A link to the original only when it is http(s) (never ``javascript:`` in a page)."""
    return url if url and url.startswith(("http://", "https://")) and " " not in url else None
