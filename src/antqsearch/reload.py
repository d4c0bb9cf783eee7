"""The reload policy: which index generation a request uses, and when a new one replaces it.

A build replaces the one-line file ``CURRENT``, never rewrites it: while its inode and
time stay the same, the generation is the one already open (a stat, not a read, per
request). With :meth:`CurrentGeneration.watch`, a background thread opens and prepares
(warms) a new generation before it replaces the one in use, so that no request waits for
the opening; the old one goes when its last request lets it go.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .generation import Generation
from .store import CURRENT, current_generation

log = logging.getLogger(__name__)
Opener = Callable[[], Generation]
Prepared = TypeVar("Prepared")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


class CurrentGeneration:
    """The generation that ``CURRENT`` names in an index folder, opened with ``opener``."""

    def __init__(self, index_dir: Path, opener: Opener) -> None:
        self.index_dir = index_dir
        self._opener = opener
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._stamp: tuple[int, int] | None = None
        self._watcher: threading.Thread | None = None

    @property
    def opened(self) -> Generation | None:
        """The generation in use, if one was opened (never opens one)."""
        return self._generation

    def get(self) -> Generation:
        """The current generation, reopened when CURRENT names a new one (IndexNotReady
        when there is none); with a watcher, the one it last swapped in."""
        generation = self._generation
        if generation is not None and self._watcher is not None:
            return generation
        stamp = _stamp(self.index_dir / CURRENT)
        if generation is not None and stamp is not None and stamp == self._stamp:
            return generation
        path = current_generation(self.index_dir)
        with self._lock:
            if self._generation is None or self._generation.path != path:
                self._generation = self._opener()
            self._stamp = stamp
            return self._generation

    def watch(self, interval: float, prepare: Callable[[Generation], Prepared],
              swapped: Callable[[Prepared], None] | None = None) -> None:
        """Open each new generation in a background thread, ``prepare`` it (warm it up),
        swap it in when ready, then call ``swapped`` with what ``prepare`` returned."""
        if self._watcher is not None:
            return
        self._watcher = threading.Thread(target=self._watch,
                                         args=(interval, prepare, swapped),
                                         name="antqsearch-watch", daemon=True)
        self._watcher.start()

    def _watch(self, interval: float, prepare: Callable[[Generation], Prepared],
               swapped: Callable[[Prepared], None] | None) -> None:
        while True:
            time.sleep(interval)
            stamp = _stamp(self.index_dir / CURRENT)
            if stamp is None or stamp == self._stamp:
                continue
            path = current_generation(self.index_dir)
            if self._generation is not None and self._generation.path == path:
                self._stamp = stamp
                continue
            try:
                fresh = self._opener()
                prepared = prepare(fresh)
            except Exception as exc:  # keep serving the generation in use
                log.warning("new index generation not opened: %s", exc)
                self._stamp = stamp
                continue
            with self._lock:
                self._generation, self._stamp = fresh, stamp
            del fresh  # the old generation goes when its last request lets it go
            if swapped is not None:
                swapped(prepared)
