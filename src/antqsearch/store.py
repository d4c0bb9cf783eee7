"""The index folder: generations, the CURRENT pointer, the build lock, the manifest.

Each build writes a new generation folder ``gen-…`` and then replaces the one-line file
``CURRENT`` atomically (``os.replace``), so that a reader sees either the old index or the
new one, never a half-built one.

A process that reads a generation holds a shared ``flock`` on its ``.readers.lock`` file
(:class:`ReaderLease`) for as long as it has the generation open. An old generation is
removed, under an exclusive lock on that file, by the next build or by the last reader
that lets it go, and never while any process, in any process tree, still reads it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
LOCK = ".build.lock"
READERS = ".readers.lock"
Opened = TypeVar("Opened")


class IndexNotReady(RuntimeError):
    """No usable index in the folder; the message says why, in Vietnamese."""


class BuildInProgress(RuntimeError):
    """Another build holds the lock."""


@dataclass(frozen=True)
class Manifest:
    """What a generation holds: article id → content hash, and when it was built.

    ``stats`` has the size and mtime of each article file and of its sidecar when they
    were hashed (an article whose stat is the same is not read again); ``failed`` the
    articles that could not be analysed: id → ``[content hash, path, reason]`` (not
    retried until their content changes).
    """

    hashes: dict[str, str]
    built_at: float
    analysis_version: int
    stats: dict[str, list[int]] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {"hashes": self.hashes, "built_at": self.built_at, "version": self.analysis_version,
             "stats": self.stats, "failed": self.failed},
            ensure_ascii=False, separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, data: str) -> Manifest:
        raw: dict[str, Any] = json.loads(data)
        return cls(dict(raw["hashes"]), float(raw["built_at"]), int(raw["version"]),
                   dict(raw.get("stats") or {}), dict(raw.get("failed") or {}))


def current_generation(index_dir: Path) -> Path | None:
    """The folder that CURRENT names, or None when there is no usable pointer."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):  # missing, a folder, unreadable, not text
        return None
    if not name or "/" in name or name.startswith("."):
        return None
    path = index_dir / name
    return path if path.is_dir() else None


def read_manifest(generation: Path) -> Manifest | None:
    """The manifest of a generation, or None if it is missing or damaged."""
    try:
        return Manifest.from_json((generation / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_manifest(generation: Path, manifest: Manifest) -> None:
    """Write (or replace atomically) the manifest of a generation."""
    tmp = generation / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(tmp, generation / MANIFEST)


class ReaderLease:
    """A shared lock on a generation's ``.readers.lock``, held while a process reads it."""

    def __init__(self, generation: Path, handle: Any) -> None:
        self.generation = generation
        self._handle = handle

    @classmethod
    def take(cls, generation: Path) -> ReaderLease | None:
        """The lease, or None when the generation was removed meanwhile (read CURRENT
        again). A generation whose folder cannot be written (no lock file) is read
        without a lease."""
        path = generation / READERS
        handle: IO[bytes]
        try:
            handle = open(path, "rb")  # noqa: SIM115  # held until release()
        except FileNotFoundError:
            if not generation.is_dir():
                return None
            try:  # a generation from before leases: make its lock file
                handle = open(path, "a+b")  # noqa: SIM115
            except OSError:
                return cls(generation, None)
        except OSError:
            return cls(generation, None)
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)  # waits while a pruner removes it
        if not path.exists():  # removed before we got the lock
            handle.close()
            return None
        return cls(generation, handle)

    def release(self, index_dir: Path | None = None) -> None:
        """Let the generation go; remove it when it is no longer current and no other
        process reads it (``index_dir`` given)."""
        if self._handle is not None:
            self._handle.close()  # closing the file releases the flock
            self._handle = None
        if index_dir is not None and current_generation(index_dir) != self.generation:
            remove_unread(self.generation)


def remove_unread(generation: Path) -> bool:
    """Remove a generation unless a process holds a lease on it; True when removed."""
    try:
        handle = open(generation / READERS, "a+b")  # noqa: SIM115
    except FileNotFoundError:  # the folder is gone
        return True
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        # Unlink the lock file first, so that a reader that opened it meanwhile sees that
        # the generation is gone as soon as it gets its shared lock.
        with contextlib.suppress(OSError):
            (generation / READERS).unlink()
        shutil.rmtree(generation, ignore_errors=True)
    return True


def open_current(index_dir: Path,
                 opener: Callable[[Path], Opened]) -> tuple[Path, Opened]:
    """Open the current generation with ``opener`` (a backend's: it raises IndexNotReady
    when the folder cannot be read); IndexNotReady with a clear reason when none."""
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexNotReady(
            f"Chưa có chỉ mục trong {index_dir}: hãy chạy 'antqsearch index' trước."
        )
    return generation, opener(generation)


def open_leased(index_dir: Path,
                opener: Callable[[Path], Opened]) -> tuple[Path, Opened, ReaderLease]:
    """Open the current generation with a reader lease (released by the caller)."""
    for _ in range(10):
        generation = current_generation(index_dir)
        if generation is None:
            break
        lease = ReaderLease.take(generation)
        if lease is None:
            continue  # removed between reading CURRENT and the lock: read CURRENT again
        try:
            return generation, opener(generation), lease
        except BaseException:
            lease.release()
            raise
    return (*open_current(index_dir, opener), ReaderLease(Path(), None))  # IndexNotReady


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty generation folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = index_dir / f"gen-{stamp}-{os.getpid()}-{time.monotonic_ns() % 100000:05d}"
    path.mkdir()
    (path / READERS).touch()
    return path


def publish(index_dir: Path, generation: Path, manifest: Manifest, previous: Path | None) -> None:
    """Write the manifest, point CURRENT at the generation atomically, prune the rest.

    Call it while holding :func:`build_lock`: the pruning removes every other generation
    that no process reads (``previous`` included, once its last reader lets it go).
    """
    write_manifest(generation, manifest)
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    tmp.write_text(generation.name + "\n", encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    pointer = index_dir / CURRENT
    if pointer.is_dir() and not pointer.is_symlink():  # a stray folder would block the swap
        shutil.rmtree(pointer)
    os.replace(tmp, pointer)
    prune(index_dir, keep={generation})


def prune(index_dir: Path, keep: set[Path | None]) -> None:
    """Remove every generation folder not in ``keep`` (old or abandoned by a killed build)
    that no process reads."""
    for path in index_dir.glob("gen-*"):
        if path.is_dir() and path not in keep:
            remove_unread(path)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the build lock; BuildInProgress if another process holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildInProgress(
                "Một tiến trình lập chỉ mục khác đang chạy; hãy chờ nó xong rồi chạy lại."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
