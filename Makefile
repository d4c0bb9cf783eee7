# antqsearch — every target installs what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
export ANTQ_CORPUS_DIR ?= corpus
export ANTQ_INDEX_DIR ?= index

.PHONY: run test test-quick install chromium index lint eval eval-quick eval-metadata bench bench-quick bench-real screenshots clean

run: install ## Install, build the index if it is missing, serve on localhost
	@test -f $(ANTQ_INDEX_DIR)/CURRENT || $(BIN)/antqsearch index
	$(BIN)/antqsearch serve --host $(HOST) --port $(PORT)

test: install chromium ## Install everything and run the whole test suite
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

test-quick: install ## Lint, types and the tests not marked slow (no subprocesses, servers or browser)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -m "not slow"  # with .pyc: 2x faster

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

chromium: ## Debian's Chromium (+ its Vietnamese UI strings) for the browser tests, never a downloaded one
	@{ command -v chromium && test -f /usr/lib/chromium/locales/vi.pak; } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-l10n >/dev/null; }

index: install ## Build or update the index
	$(BIN)/antqsearch index

lint: install
	$(BIN)/ruff check src tests bench scripts

eval: install ## Ranking quality on every dev set, with and without diacritics, vs BM25
	$(BIN)/python bench/relevance.py --json bench/results/eval.json

eval-quick: install ## The same on a deterministic sample of each set's queries
	$(BIN)/python bench/relevance.py --quick

eval-metadata: install ## Year precision/coverage on dated news; seeds; a real-news sample
	$(BIN)/python bench/metadata.py

bench: install ## Speed: 10k synthetic articles, ours vs pyvi floor vs SQLite FTS5
	$(BIN)/python bench/speed.py --articles 10000

bench-quick: install
	$(BIN)/python bench/speed.py --articles 1000

bench-real: install ## Speed on ../shared/corpus-real (real news): ours vs pyvi, FTS5, tantivy-py
	$(BIN)/python bench/real.py $(if $(ARTICLES),--articles $(ARTICLES))

screenshots: install chromium ## Every page at 1366×900 and 390×844: seeds, 1,000 synthetic
	$(BIN)/python scripts/screenshots.py --prefix seeds-
	$(BIN)/python scripts/screenshots.py --synthetic 1000 --prefix synth-

clean:
	rm -rf $(VENV) index/gen-* index/CURRENT
