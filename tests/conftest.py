"""Shared fixtures: the repo's corpus, a test corpus, and indexes built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus"
TEST_CORPUS = Path(__file__).resolve().parent / "data" / "corpus"


@pytest.fixture(scope="session")
def seed_corpus() -> Path:
    """The five real articles shipped in corpus/."""
    return SEEDS


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the five real articles, built once."""
    from antqsearch.indexer import build_index

    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index(SEEDS, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def test_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real articles plus the made-up ones of tests/data/corpus, in one folder."""
    folder = tmp_path_factory.mktemp("test-corpus")
    for source in (SEEDS, TEST_CORPUS):
        for path in source.glob("*.txt"):
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def analysed_articles(test_corpus: Path) -> list[Any]:
    """The test corpus's articles, each read and analysed as a build's worker does."""
    from antqsearch.corpus import RawArticle, find_articles, read_article
    from antqsearch.indexer import analyse
    from antqsearch.record import AnalysedArticle

    found = []
    for path in find_articles(test_corpus):
        raw = read_article(test_corpus, path, None)
        if isinstance(raw, RawArticle):
            doc = analyse(raw)
            assert isinstance(doc, AnalysedArticle)
            found.append(doc)
    return found


@pytest.fixture(scope="session")
def test_index(test_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the test corpus, built once."""
    from antqsearch.indexer import build_index

    index_dir = tmp_path_factory.mktemp("test-index")
    build_index(test_corpus, index_dir)
    return index_dir
