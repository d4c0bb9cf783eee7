"""Helpers of the robustness tests: hostile and synthetic corpora, subprocess builds,
a live production server and a bounded load generator (loopback only).

Load the fixtures with ``pytest_plugins = ["robustfixtures"]``; import the helpers.
"""

from __future__ import annotations

import codecs
import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus"
CLI = [sys.executable, "-m", "antqsearch.cli"]

HEAD = "Ngày hội toàn dân bảo vệ an ninh Tổ quốc"


def article_text(title: str, *words: str) -> str:
    """A small well-formed article whose body carries the given (unique) words."""
    extra = " ".join(words)
    return (
        f"{title}\n\n"
        f"Sáng 19-7-2023, tại xã Quảng Đức (Quảng Xương), Thanh Hóa đã tổ chức {HEAD}. "
        f"Phó Chủ tịch UBND tỉnh Nguyễn Văn Thi dự ngày hội. {extra}\n\n"
        "Lực lượng công an xã cùng Nhân dân giữ vững an ninh trật tự trên địa bàn.\n"
    )


# ----------------------------------------------------------------------------- messy corpus
@dataclass
class MessyCorpus:
    """A folder of hostile files and what the build must make of each of them."""

    root: Path
    # article id → a word (or phrase) the search must find in it
    findable: dict[str, str] = field(default_factory=dict)
    # path relative to root → a fragment the skip reason must contain
    skipped: dict[str, str] = field(default_factory=dict)
    # names the build must neither index nor list (not an article at all)
    ignored: list[str] = field(default_factory=list)
    # a file outside the corpus that links point at; its word must never be found
    outside_word: str = "ngoaivungxyzzy"
    unreadable: Path | None = None
    tried: int = 0


def cp1258(text: str) -> bytes:
    """Text in Windows-1258, the legacy Vietnamese code page (tones as combining marks)."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out += (base + "".join(c for c in decomposed if c in tones)).encode("cp1258")
    return bytes(out)


def _write(root: Path, name: str, data: bytes | str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def build_messy_corpus(root: Path, outside: Path) -> MessyCorpus:
    """Every hostile file of the issue, each with its expected fate."""
    mc = MessyCorpus(root)
    root.mkdir(parents=True, exist_ok=True)

    def ok(name: str, data: bytes | str, word: str) -> None:
        _write(root, name, data)
        mc.findable[name[: -len(".txt")]] = word

    def bad(name: str, data: bytes | str, reason: str) -> Path:
        mc.skipped[name] = reason
        return _write(root, name, data)

    bad("rong.txt", b"", "rỗng")
    bad("khoang-trang.txt", " \n\t\r\n  \u00a0\n", "rỗng")
    bad("nhi-phan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "nhị phân")
    bad("ma-cu-cp1258.txt", cp1258(article_text("Bài mã cũ Hòa Bình", "macu")), "UTF-8")
    ok("utf16-bom.txt", codecs.BOM_UTF16_LE + article_text("Bài UTF-16", "utfmuoisau").encode(
        "utf-16-le"), "utfmuoisau")
    ok("utf16-khong-bom.txt", article_text("Bài UTF-16 không BOM", "khongbomle").encode(
        "utf-16-le"), "khongbomle")
    ok("utf16-be.txt", article_text("Bài UTF-16 BE", "bigendianvn").encode("utf-16-be"),
       "bigendianvn")
    ok("crlf.txt", article_text("Bài CRLF", "dongcrlf").replace("\n", "\r\n"), "dongcrlf")
    ok("cr-don.txt", article_text("Bài CR đơn", "dongcrdon").replace("\n", "\r"), "dongcrdon")
    ok("nfd.txt", unicodedata.normalize("NFD", article_text("Bài NFD", "Quỳnh Lưu")),
       "Quỳnh Lưu")
    zw = article_text("Bài có ký tự vô hình", "kh\u200bông\u200cgian\u2060ẩn\ufeff")
    ok("vo-hinh.txt", zw, "khônggianẩn")
    ok("chi-tieu-de.txt", "Chỉ một dòng tiêu đề về chienluocmotdong\n", "chienluocmotdong")
    ok("tên có dấu cách (bản 2) Đắk Lắk.txt", article_text("Bài tên lạ", "tenlakhoangtrang"),
       "tenlakhoangtrang")
    ok("thư mục/con/sâu/bài lồng.txt", article_text("Bài lồng sâu", "longsauvn"), "longsauvn")
    html = article_text(
        "Bài có <b>HTML</b> & <script>alert('x')</script>",
        "<script>document.cookie</script> <img src=x onerror=alert(1)> htmlchenvao",
    )
    ok("html.txt", html, "htmlchenvao")
    same = article_text("Bài trùng nội dung", "noidungtrung")
    ok("trung-1.txt", same, "noidungtrung")
    ok("trung-2.txt", same, "noidungtrung")
    big = bad("qua-lon.txt", b"", "quá lớn")
    with open(big, "wb") as handle:  # 20 MB of real text, written in chunks
        chunk = (article_text("Bài rất lớn", "baiquanlon") * 40).encode()
        while handle.tell() < 20 * 1024 * 1024:
            handle.write(chunk)

    for name in (".an.txt", ".thu-muc-an/bai.txt", "ghi-chu.md", "bai.txt.bak", "README"):
        _write(root, name, article_text("Không phải bài", "khongphaibai"))
        mc.ignored.append(name)

    outside.write_text(article_text("Bên ngoài", mc.outside_word), encoding="utf-8")
    os.symlink(outside, root / "lien-ket-ra-ngoai.txt")
    mc.skipped["lien-ket-ra-ngoai.txt"] = "ngoài"
    os.symlink(outside.parent, root / "thu-muc-ra-ngoai")  # a folder link is never walked
    os.symlink(root, root / "thư mục" / "vong-lap")  # a folder loop
    os.symlink(root / "vong-b.txt", root / "vong-a.txt")  # a file link loop
    os.symlink(root / "vong-a.txt", root / "vong-b.txt")
    mc.skipped["vong-a.txt"] = "liên kết"
    mc.skipped["vong-b.txt"] = "liên kết"
    os.symlink(root / "khong-ton-tai.txt", root / "lien-ket-gay.txt")
    mc.skipped["lien-ket-gay.txt"] = "liên kết"
    os.symlink(root / "crlf.txt", root / "lien-ket-trong.txt")  # inside: read as an article
    mc.findable["lien-ket-trong"] = "dongcrlf"

    os.mkfifo(root / "ong-dan.txt")  # reading a FIFO would block the build forever
    mc.skipped["ong-dan.txt"] = "không phải tệp thường"
    (root / "thu-muc.txt").mkdir()  # a folder named like an article
    mc.ignored.append("thu-muc.txt")
    mc.ignored += ["thu-muc-ra-ngoai", "thư mục/vong-lap"]

    mc.unreadable = _write(root, "khong-doc-duoc.txt", article_text("Bí mật", "khongdocduoc"))
    mc.unreadable.chmod(0)
    mc.skipped["khong-doc-duoc.txt"] = "không đọc được"
    mc.tried = len(mc.findable) + len(mc.skipped) + len(mc.ignored)
    return mc


def deny_reading(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make opening ``path`` fail as chmod 000 does for a normal user (tests run as root)."""
    import builtins
    import io

    real_open = io.open
    target = os.path.realpath(path)

    def guarded(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, os.PathLike)) and os.path.realpath(file) == target:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", guarded)
    monkeypatch.setattr(builtins, "open", guarded)


# ----------------------------------------------------------------------------- synthetic corpus
def seed_sentences() -> list[str]:
    """The sentences of the real articles, to make synthetic ones from."""
    sentences: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 40]
    return sentences


def write_synthetic_corpus(folder: Path, count: int, start: int = 0, tag: str = "") -> None:
    """``count`` articles made of the seed sentences, each with a unique word ``maNNNN``."""
    folder.mkdir(parents=True, exist_ok=True)
    sentences = seed_sentences()
    provinces = ["Thanh Hóa", "Nghệ An", "Đắk Lắk", "Hà Nội", "Cà Mau", "Lào Cai"]
    for i in range(start, start + count):
        body = [sentences[(i * 7 + k * 13) % len(sentences)] for k in range(12)]
        paras = "\n\n".join(" ".join(body[k : k + 3]) for k in range(0, 12, 3))
        title = f"{HEAD} tại {provinces[i % len(provinces)]} số {i} {tag}".strip()
        text = f"{title}\n\nNgày 1{i % 9}/0{1 + i % 9}/202{i % 4}. {paras}\n\nma{i:04d}{tag}\n"
        (folder / f"bai_{i:04d}.txt").write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------- subprocesses
def cli_env(corpus: Path, index: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ANTQ_CORPUS_DIR=str(corpus),
        ANTQ_INDEX_DIR=str(index),
        PYTHONPATH=str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", ""),
        PYTHONUNBUFFERED="1",
    )
    return env


def run_cli(corpus: Path, index: Path, *args: str, timeout: float = 120) -> (
        subprocess.CompletedProcess[str]):
    """``antqsearch ARGS`` with the corpus and index of a test; output captured."""
    return subprocess.run(
        [*CLI, *args], env=cli_env(corpus, index), capture_output=True, text=True,
        timeout=timeout, check=False,
    )


def start_cli(corpus: Path, index: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, *args], env=cli_env(corpus, index), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL a subprocess started by start_cli and every process it forked."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(
    index: Path, log: Path, threads: int = 8, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``antqsearch serve`` (waitress) on a free loopback port, its output in ``log``;
    yields (base URL, process)."""
    port = free_port()
    command = [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port),
               "--threads", str(threads)]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, env={**cli_env(index.parent, index), **(env or {})}, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if get(base, "/healthz", timeout=2)[0] in (200, 503):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def get(base: str, path: str, timeout: float = 10) -> tuple[int, bytes]:
    """One GET on the loopback server: (status, body)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def rss_kb(pid: int) -> int:
    """The resident memory of a process, in kB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class LoadReport:
    """What a load run measured."""

    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    finished_at: list[float] = field(default_factory=list)  # time.monotonic() of each
    seconds: float = 0.0
    rss_kb: list[int] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"{self.requests} requests in {self.seconds:.1f} s = {self.rate:.0f} req/s; "
            f"p50 {self.percentile(50):.0f} ms, p95 {self.percentile(95):.0f} ms, "
            f"p99 {self.percentile(99):.0f} ms; {len(self.errors)} errors"
        )


QUERIES = [
    "an ninh trật tự", "an ninh to quoc", "camera an ninh Thanh Hóa", '"Nguyễn Văn Thi"',
    "ngày hội", "công an xã", "phong trào toàn dân", "Quan Sơn", "ANTQ", "mô hình",
]


def search_paths(count: int) -> list[str]:
    """A fixed mix of HTML and API searches, facets, sorts and pages."""
    paths = []
    for i in range(count):
        params: list[tuple[str, str]] = [("q", QUERIES[i % len(QUERIES)])]
        if i % 3 == 1:
            params.append(("sort", "date"))
        if i % 5 == 2:
            params.append(("page", "2"))
        route = "/api/search" if i % 2 else "/"
        paths.append(f"{route}?{urlencode(params)}")
    return paths


def run_load(
    base: str,
    paths: list[str],
    workers: int = 4,
    max_seconds: float = 60,
    pid: int | None = None,
    check: Callable[[str, int, bytes], str | None] | None = None,
    stop: threading.Event | None = None,
) -> LoadReport:
    """Send each path once (``workers`` keep-alive connections), bounded by ``max_seconds``
    and stopped early when ``stop`` is set.

    A request fails on an exception, a status other than 200, or when ``check`` returns
    a message. With ``pid``, the server's RSS is sampled every 50 requests.
    """
    report = LoadReport()
    lock = threading.Lock()
    queue = iter(list(enumerate(paths)))
    deadline = time.monotonic() + max_seconds
    host, port = base.removeprefix("http://").split(":")

    def worker() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=15)
        while time.monotonic() < deadline and not (stop and stop.is_set()):
            with lock:
                item = next(queue, None)
            if item is None:
                break
            number, path = item
            started = time.perf_counter()
            error = None
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    error = f"{path}: HTTP {response.status} {body[:200]!r}"
                elif check is not None:
                    error = check(path, response.status, body)
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                error = f"{path}: {type(exc).__name__} {exc}"
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=15)
            elapsed = time.perf_counter() - started
            with lock:
                report.requests += 1
                report.latencies.append(elapsed)
                report.finished_at.append(time.monotonic())
                if error:
                    report.errors.append(error)
                if pid is not None and number % 50 == 0:
                    report.rss_kb.append(rss_kb(pid))
        connection.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=max_seconds + 30)
    report.seconds = time.perf_counter() - started
    return report
