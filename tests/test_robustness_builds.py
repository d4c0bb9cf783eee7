"""Interrupted, concurrent and damaged builds: the site keeps serving the previous index,
the next build succeeds, and a broken index is a clear message, never a traceback or 500."""

from __future__ import annotations

import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from robustfixtures import (
    SEEDS,
    article_text,
    get,
    run_cli,
    serving,
    start_cli,
    write_synthetic_corpus,
)

from antqsearch.cli import main as cli_main
from antqsearch.indexer import build_index
from antqsearch.search import SearchRequest, SearchService
from antqsearch.store import (
    CURRENT,
    BuildInProgress,
    build_lock,
    current_generation,
    read_manifest,
)
from antqsearch.web import create_app

# Subprocesses, real builds and servers: `make test` runs them, `make test-quick` not.
pytestmark = pytest.mark.slow
ARTICLES = 120
LOCKED_MESSAGE = "Một tiến trình lập chỉ mục khác đang chạy"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus of 200 synthetic articles (a full build takes a few seconds), indexed."""
    folder = tmp_path_factory.mktemp("builds")
    corpus, index = folder / "corpus", folder / "index"
    write_synthetic_corpus(corpus, ARTICLES)
    result = run_cli(corpus, index, "index")
    assert result.returncode == 0, result.stderr
    return corpus, index


def assert_serves(index: Path, documents: int, service: SearchService | None = None) -> None:
    """The index opens and searches: every article is there, a unique word finds its own."""
    service = service or SearchService(index)
    assert service.stats()["documents"] == documents
    page = service.search(SearchRequest("ma0007"))
    assert [hit.id for hit in page.hits] == ["bai_0007"]
    assert service.search(SearchRequest("an ninh")).total >= ARTICLES


class Build:
    """``antqsearch index --full`` in a subprocess, its stderr collected by a thread."""

    def __init__(self, corpus: Path, index: Path, *args: str) -> None:
        self.process = start_cli(corpus, index, "index", *args)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def progress(self) -> float:
        """The share of articles analysed so far (0 before the first progress line)."""
        for line in reversed(self.lines):
            if match := re.search(r"(\d+)/(\d+) bài", line):
                return int(match[1]) / int(match[2])
        return 0.0

    def wait_for(self, share: float, timeout: float = 60) -> bool:
        """Wait until ``share`` of the articles are analysed; False if the build ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.lines and self.progress() >= share:
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.01)
        return False

    def kill(self, whole_group: bool = True) -> bool:
        """SIGKILL the build (and its workers); True if it was still running."""
        running = self.process.poll() is None
        if whole_group:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            self.process.kill()
        self.finish()
        return running

    def finish(self, timeout: float = 120) -> int:
        self.process.wait(timeout=timeout)
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        self.stdout = self.process.stdout.read()
        self.process.stdout.close()
        if self.process.stderr is not None:
            self.process.stderr.close()
        return self.process.returncode


def wait_for_lock(index: Path, timeout: float = 20) -> float:
    """Seconds until the build lock is free (workers orphaned by a kill exit by themselves)."""
    started = time.monotonic()
    while True:
        try:
            with build_lock(index):
                return time.monotonic() - started
        except BuildInProgress:
            assert time.monotonic() - started < timeout, "the build lock was never released"
            time.sleep(0.1)


KILL_POINTS: list[tuple[str, Callable[[Build], object], bool]] = [
    ("0.3 s", lambda b: time.sleep(0.3), True),
    ("1 s", lambda b: time.sleep(1.0), True),
    ("2 s", lambda b: time.sleep(2.0), True),
    ("first progress line", lambda b: b.wait_for(0.0), True),
    ("half analysed", lambda b: b.wait_for(0.5), True),
    ("half analysed, main process only", lambda b: b.wait_for(0.5), False),
    ("all analysed (commit)", lambda b: b.wait_for(1.0), True),
]


def test_sigkill_during_a_build_keeps_the_previous_index(big: tuple[Path, Path]) -> None:
    corpus, index = big
    open_service = SearchService(index)  # the site, with the index open before the kills
    assert_serves(index, ARTICLES, open_service)
    documents, survived = ARTICLES, 0
    for number, (label, wait, whole_group) in enumerate(KILL_POINTS):
        before = current_generation(index)
        build = Build(corpus, index, "--full")
        wait(build)
        killed = build.kill(whole_group)
        survived += killed
        after = current_generation(index)
        assert after is not None, label
        if killed and after != before:
            # The kill came after the swap, while the process was ending: what was
            # published is the whole new generation, never a part of one.
            manifest = read_manifest(after)
            assert manifest is not None and len(manifest.hashes) == documents, label
        progress = f"{build.progress():.0%} analysed" if build.lines else "before analysis"
        print(f"\nROBUSTNESS kill at {label}: killed={killed}, {progress}")
        assert_serves(index, documents, open_service)
        assert_serves(index, documents)
        if not whole_group:
            waited = wait_for_lock(index)
            print(f"ROBUSTNESS   lock free {waited:.1f} s after killing the main process only")
        # the next build succeeds and sees a change
        (corpus / f"moi_{number}.txt").write_text(
            article_text(f"Bài mới sau lần dừng {number}", f"saukill{number}x"), encoding="utf-8"
        )
        if number == len(KILL_POINTS) - 1:  # the last one as the operator runs it
            result = run_cli(corpus, index, "index")
            assert result.returncode == 0, (label, result.stderr)
            assert "1 thêm" in result.stdout, result.stdout
        else:
            assert build_index(corpus, index).added == 1, label
        documents += 1
        assert SearchService(index).search(SearchRequest(f"saukill{number}x")).total == 1
        assert_serves(index, documents, open_service)
    generations = sorted(p.name for p in index.glob("gen-*"))
    assert len(generations) <= 2, generations  # abandoned generations were pruned
    assert not list(index.glob(f".{CURRENT}.*.tmp"))
    print(f"ROBUSTNESS kills survived: {survived} of {len(KILL_POINTS)} (rest had finished)")
    assert survived >= 3  # the time points before analysis always kill a running build


def test_ctrl_c_stops_a_build_with_one_clear_line(big: tuple[Path, Path]) -> None:
    """Ctrl-C (SIGINT to the terminal's process group: the build and its workers) stops the
    build: "Đã hủy!", no worker's traceback, the previous index kept and served."""
    corpus, index = big
    before = current_generation(index)
    assert before is not None
    documents = SearchService(index).stats()["documents"]
    build = Build(corpus, index, "--full")
    assert build.wait_for(0.0), build.lines
    os.killpg(build.process.pid, signal.SIGINT)
    code = build.finish()
    output = "\n".join(build.lines) + build.stdout
    assert code != 0, output
    assert "Đã hủy!" in output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert current_generation(index) == before
    assert not [p for p in index.glob("gen-*") if p.name > before.name]
    assert_serves(index, documents)


def test_a_second_build_exits_with_a_clear_message(big: tuple[Path, Path]) -> None:
    corpus, index = big
    before = current_generation(index)
    with build_lock(index):  # a build in progress (this process holds the lock)
        second = run_cli(corpus, index, "index", "--full")
    assert second.returncode == 2
    assert LOCKED_MESSAGE in second.stderr and "Traceback" not in second.stderr
    assert current_generation(index) == before
    first = Build(corpus, index, "--full")  # a real build holding the lock
    assert first.wait_for(0.0), first.lines
    if first.process.poll() is None:
        with pytest.raises(BuildInProgress, match=LOCKED_MESSAGE):
            build_index(corpus, index)
    assert first.finish() == 0, first.lines
    assert_serves(index, len(list(corpus.glob("*.txt"))))


def test_two_builds_started_together_do_not_corrupt_the_index(big: tuple[Path, Path]) -> None:
    corpus, index = big
    builds = [Build(corpus, index, "--full"), Build(corpus, index, "--full")]
    codes = [b.finish() for b in builds]
    assert 0 in codes, [b.lines for b in builds]
    for build, code in zip(builds, codes, strict=True):
        assert code in (0, 2), build.lines
        if code == 2:
            assert any(LOCKED_MESSAGE in line for line in build.lines), build.lines
    print(f"\nROBUSTNESS two builds at once: exit codes {codes}")
    assert_serves(index, len(list(corpus.glob("*.txt"))))
    assert len(list(index.glob("gen-*"))) <= 2


# ----------------------------------------------------------------------------- damaged index
def _generation(index: Path) -> Path:
    generation = current_generation(index)
    assert generation is not None
    return generation


def _segment(index: Path) -> Path:
    return next(_generation(index).glob("*.seg"))


def _toc(index: Path) -> Path:
    return next(_generation(index).glob("*.toc"))


DAMAGES: dict[str, Callable[[Path], object]] = {
    "no index folder": lambda i: shutil.rmtree(i),
    "index folder is a file": lambda i: (shutil.rmtree(i), i.write_text("x")),
    "no CURRENT": lambda i: (i / CURRENT).unlink(),
    "CURRENT empty": lambda i: (i / CURRENT).write_text(""),
    "CURRENT binary": lambda i: (i / CURRENT).write_bytes(b"\xff\xfe\x00\x01rac"),
    "CURRENT points outside": lambda i: (i / CURRENT).write_text("../../etc\n"),
    "CURRENT names a missing generation": lambda i: (i / CURRENT).write_text("gen-khong-co\n"),
    "CURRENT is a folder": lambda i: ((i / CURRENT).unlink(), (i / CURRENT).mkdir()),
    "generation deleted": lambda i: shutil.rmtree(_generation(i)),
    "table of contents deleted": lambda i: _toc(i).unlink(),
    "table of contents truncated": lambda i: _toc(i).write_bytes(_toc(i).read_bytes()[:40]),
    "table of contents garbage": lambda i: _toc(i).write_bytes(os.urandom(3000)),
    "segment deleted": lambda i: _segment(i).unlink(),
    "segment empty": lambda i: _segment(i).write_bytes(b""),
    "segment truncated": lambda i: _segment(i).write_bytes(_segment(i).read_bytes()[:1000]),
    "segment garbage": lambda i: _segment(i).write_bytes(os.urandom(_segment(i).stat().st_size)),
    "manifest garbage": lambda i: (_generation(i) / "manifest.json").write_text("{hỏng"),
}


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("small") / "index"
    build_index(SEEDS, index)
    return index


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_index_gives_clear_messages_and_a_friendly_page(
    damage: str, small_index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index = tmp_path / "index"
    shutil.copytree(small_index, index, symlinks=True)
    DAMAGES[damage](index)
    runner = CliRunner()
    for args in (["search", "an ninh"], ["stats"], ["search", "", "--json"]):
        result = runner.invoke(cli_main, [*args, "--index", str(index)])
        assert result.exit_code == 2, (damage, args, result.output, result.exception)
        assert "Lỗi:" in result.stderr and "chỉ mục" in result.stderr.lower(), result.stderr
        assert "Traceback" not in result.output
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    for url in ("/", "/?q=an+ninh", "/api/search?q=an", "/healthz", "/article/000_x"):
        response = client.get(url)
        assert response.status_code == 503, (damage, url)
        text = response.get_data(as_text=True)
        assert "chỉ mục chưa sẵn sàng" in text.lower(), (damage, url, text[:300])
        assert str(tmp_path) not in text  # no server paths shown to readers
    assert not [r for r in caplog.records if r.levelname == "ERROR"], damage
    # the operator's plain `antqsearch index` repairs it (a full build when it cannot open)
    if index.is_file():
        result = runner.invoke(cli_main, ["index", "--corpus", str(SEEDS), "--index", str(index)])
        assert result.exit_code == 2 and "không ghi được chỉ mục" in result.stderr
        index.unlink()
    summary = build_index(SEEDS, index)
    assert summary.total == 5
    assert SearchService(index).search(SearchRequest("Nguyễn Văn Thi")).total >= 1


def test_damaged_index_through_the_real_command(small_index: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(small_index, index)
    _segment(index).write_bytes(b"")
    result = run_cli(SEEDS, index, "search", "an ninh")
    assert result.returncode == 2 and "bị hỏng" in result.stderr
    assert "antqsearch index" in result.stderr and "Traceback" not in result.stderr
    result = run_cli(SEEDS, index, "index")
    assert result.returncode == 0, result.stderr
    assert "toàn bộ" in result.stdout  # a full rebuild, since the old one could not open
    assert run_cli(SEEDS, index, "search", "an ninh").returncode == 0


def test_serve_warns_about_a_missing_index(tmp_path: Path) -> None:
    """`antqsearch serve` starts without an index, says so, and serves the friendly page."""
    log = tmp_path / "serve.log"
    with serving(tmp_path / "khong-co", log) as (base, _):
        status, body = get(base, "/?q=an+ninh")
        assert status == 503 and "Chỉ mục chưa sẵn sàng" in body.decode()
        assert get(base, "/healthz")[0] == 503
    output = log.read_text(encoding="utf-8")
    assert "Cảnh báo: Chưa có chỉ mục" in output and "Traceback" not in output
