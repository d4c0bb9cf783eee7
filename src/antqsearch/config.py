"""Settings shared by every command and the web app (standard library only)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

CORPUS_ENV = "ANTQ_CORPUS_DIR"
INDEX_ENV = "ANTQ_INDEX_DIR"


@dataclass(frozen=True)
class Settings:
    """Where the articles are read from and where the index lives."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
    ) -> Settings:
        """Settings from ``ANTQ_CORPUS_DIR``/``ANTQ_INDEX_DIR``; explicit arguments win."""
        env = os.environ if environ is None else environ
        corpus = corpus_dir or env.get(CORPUS_ENV) or cls.corpus_dir
        index = index_dir or env.get(INDEX_ENV) or cls.index_dir
        return cls(Path(corpus), Path(index))
