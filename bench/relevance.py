"""Ranking quality on a retrieval test set: antqsearch vs plain BM25 over syllables.

    python bench/relevance.py --passages P.jsonl --queries Q.jsonl --qrels R.tsv \
        [--strip-diacritics] [--json]
    python bench/relevance.py --both        # both modes on ../shared/eval/xquad-vi

The passages are written as article files and indexed by the real indexer into a
temporary folder; every query goes through the real search service.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from antqsearch.indexer import build_index
from antqsearch.querybuild import Weights
from antqsearch.search import SearchRequest, SearchService
from antqsearch.text import fold_diacritics

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "xquad-vi"
K = 10

Ranker = Callable[[str], list[str]]


def load_jsonl(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2].strip() != "0":
            qrels.setdefault(parts[0], set()).add(parts[1])
    return qrels


def metrics(ranked: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    """MRR@10, Recall@1, Recall@10 and nDCG@10 (binary relevance), averaged over queries."""
    totals = {"mrr@10": 0.0, "recall@1": 0.0, "recall@10": 0.0, "ndcg@10": 0.0}
    for qid, gold in qrels.items():
        hits = ranked.get(qid, [])[:K]
        ranks = [i for i, doc in enumerate(hits) if doc in gold]
        totals["mrr@10"] += 1 / (ranks[0] + 1) if ranks else 0.0
        totals["recall@1"] += len([r for r in ranks if r == 0]) / len(gold)
        totals["recall@10"] += len(ranks) / len(gold)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(len(gold), K)))
        totals["ndcg@10"] += sum(1 / math.log2(r + 2) for r in ranks) / ideal
    count = max(1, len(qrels))
    return {name: round(value / count, 4) for name, value in totals.items()} | {
        "queries": len(qrels)}


def strip(text: str) -> str:
    return fold_diacritics(text)


def ours(passages: list[dict[str, str]], workdir: Path, weights: Weights) -> Ranker:
    """Index the passages with the real indexer; rank with the real search service."""
    corpus = workdir / "corpus"
    corpus.mkdir()
    for passage in passages:
        text = f"{passage.get('title', '').strip()}\n\n{passage['text'].strip()}\n"
        (corpus / f"{passage['id']}.txt").write_text(text, encoding="utf-8")
    build_index(corpus, workdir / "index")
    service = SearchService(workdir / "index", weights)

    def rank(query: str) -> list[str]:
        return [hit.id for hit in service.search(SearchRequest(query, per_page=K)).hits]

    return rank


_WORD = re.compile(r"[^\W_]+")


def _syllables(text: str, folded: bool = False) -> list[str]:
    words = _WORD.findall(text.lower())
    return [fold_diacritics(w) for w in words] if folded else words


def bm25_baseline(passages: list[dict[str, str]], folded: bool = False) -> Ranker:
    """Plain BM25 (bm25s, default parameters) over lower-cased syllables of title + text."""
    import bm25s

    ids = [p["id"] for p in passages]
    corpus = [_syllables(f"{p.get('title', '')} {p['text']}", folded) for p in passages]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)

    def rank(query: str) -> list[str]:
        tokens = _syllables(query, folded) or ["∅"]
        docs, _ = retriever.retrieve([tokens], k=min(K, len(ids)), show_progress=False)
        return [ids[int(i)] for i in docs[0]]

    return rank


def evaluate(rank: Ranker, queries: Sequence[dict[str, str]], qrels: dict[str, set[str]],
             stripped: bool) -> dict[str, float]:
    ranked = {}
    for query in queries:
        text = strip(query["query"]) if stripped else query["query"]
        ranked[query["qid"]] = rank(text)
    return metrics(ranked, {q["qid"]: qrels[q["qid"]] for q in queries if q["qid"] in qrels})


def run_mode(args: argparse.Namespace, stripped: bool, rankers: dict[str, Ranker],
             queries: list[dict[str, str]], qrels: dict[str, set[str]]) -> list[dict]:
    rows = []
    for name, rank in rankers.items():
        if stripped is False and name.endswith("(folded)"):
            continue
        started = time.perf_counter()
        result = evaluate(rank, queries, qrels, stripped)
        result["seconds"] = round(time.perf_counter() - started, 2)
        rows.append({"system": name, "mode": "no diacritics" if stripped else "diacritics",
                     **result})
    return rows


def print_table(rows: list[dict]) -> None:
    head = f"{'mode':<14} {'system':<24} {'MRR@10':>7} {'R@1':>7} {'R@10':>7} {'nDCG@10':>8}"
    print(head)
    print("-" * len(head))
    for row in rows:
        print(f"{row['mode']:<14} {row['system']:<24} {row['mrr@10']:>7.4f} "
              f"{row['recall@1']:>7.4f} {row['recall@10']:>7.4f} {row['ndcg@10']:>8.4f}")
    by_mode: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_mode.setdefault(row["mode"], {})[row["system"]] = row
    for mode, systems in by_mode.items():
        if "antqsearch" in systems and "bm25 syllables" in systems:
            diff = systems["antqsearch"]["mrr@10"] - systems["bm25 syllables"]["mrr@10"]
            print(f"{mode}: antqsearch − bm25 syllables = {diff:+.4f} MRR@10")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=Path, default=DEFAULT_DATA / "passages.jsonl")
    parser.add_argument("--queries", type=Path, default=DEFAULT_DATA / "queries.jsonl")
    parser.add_argument("--qrels", type=Path, default=DEFAULT_DATA / "qrels.tsv")
    parser.add_argument("--strip-diacritics", action="store_true",
                        help="remove the queries' diacritics (users who type without them)")
    parser.add_argument("--both", action="store_true", help="run with and without diacritics")
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON last")
    args = parser.parse_args(argv)

    for path in (args.passages, args.queries, args.qrels):
        if not path.is_file():
            print(f"missing data file: {path}", file=sys.stderr)
            return 2
    passages = load_jsonl(args.passages)
    queries = load_jsonl(args.queries)[: args.limit or None]
    qrels = load_qrels(args.qrels)
    modes = [False, True] if args.both else [args.strip_diacritics]
    with tempfile.TemporaryDirectory(prefix="antq-eval-") as tmp:
        started = time.perf_counter()
        rankers = {"antqsearch": ours(passages, Path(tmp), Weights())}
        print(f"indexed {len(passages)} passages in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        rankers["bm25 syllables"] = bm25_baseline(passages)
        rankers["bm25 syllables (folded)"] = bm25_baseline(passages, folded=True)
        rows = [row for mode in modes for row in run_mode(args, mode, rankers, queries, qrels)]
    print_table(rows)
    if args.json:
        ours_rows = [r for r in rows if r["system"] == "antqsearch"]
        keys = ("mrr@10", "recall@1", "recall@10", "ndcg@10", "queries")
        print(json.dumps({k: ours_rows[-1][k] for k in keys}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
