"""Ranking quality on the dev sets: antqsearch vs plain BM25 over syllables (and folded).

    python bench/relevance.py                  # every set, with and without diacritics
    python bench/relevance.py --quick          # a deterministic sample of each set's queries
    python bench/relevance.py --set news-keyword --mode plain
    python bench/relevance.py --variant "bm25-idf:idf=bm25" --variant "b-head:b_head=0.3"
    python bench/relevance.py --passages P.jsonl --queries Q.jsonl --qrels R.tsv

Sets (``../shared/eval``): ``xquad`` (XQuAD-vi: questions over Wikipedia paragraphs),
``news-keyword`` and ``news-lead`` (news-dev: 2–3 distinctive words of an article's lead,
and the lead's first sentence, over 6,000 news articles). The mode ``plain`` types the
queries as they are, ``folded`` without diacritics (:func:`antqsearch.text.fold_diacritics`).

The passages are written as article files and indexed once by the real indexer; the index
is kept under ``bench/.work/eval/`` keyed by the passages and the hash of the code that
builds it, so a change to the ranking costs only the queries. Every query goes through the
service's ranking (:meth:`SearchService.rank`: the same parse, query building and matching
as a search, without facets and snippets). ``--variant LABEL:key=value,…`` ranks again with
other :class:`Weights` and prints each variant's delta to the default, per set and mode.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from antqsearch.analysis import ANALYSIS_VERSION
from antqsearch.indexer import build_index
from antqsearch.querybuild import Weights
from antqsearch.search import SearchService
from antqsearch.text import fold_diacritics

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO.parent / "shared" / "eval"
WORK = REPO / "bench" / ".work" / "eval"
RESULTS = REPO / "bench" / "results"
DEPTH = 100
# The code whose change changes an index (everything the indexer runs, and its data).
# Modules that cannot change what an index holds (the query side and the edges): every other
# module of the package is hashed into the cached indexes' key, so a new module that the
# indexer uses rebuilds them rather than leaving a stale cache.
QUERY_SIDE = frozenset({
    "cli.py", "clicktext.py", "clioutput.py", "complete.py", "datefilter.py", "engine.py",
    "generation.py", "importer.py", "links.py", "plan.py", "queryanalysis.py", "querybuild.py",
    "querylang.py", "ranking.py", "reload.py", "report.py", "search.py", "searchtypes.py",
    "service.py", "serving.py", "snippets.py", "suggest.py", "backend/memory.py",
})
# A quick run takes every n-th query of a set, about this many.
QUICK_QUERIES = 130
MODES = ("plain", "folded")
# The baseline each mode is judged against.
PEERS = {"plain": "bm25", "folded": "bm25 folded"}


@dataclass(frozen=True)
class EvalSet:
    name: str
    passages: Path
    queries: Path
    qrels: Path


SETS = {
    "xquad": EvalSet("xquad", EVAL / "xquad-vi" / "passages.jsonl",
                     EVAL / "xquad-vi" / "queries.jsonl", EVAL / "xquad-vi" / "qrels.tsv"),
    "news-keyword": EvalSet("news-keyword", EVAL / "news-dev" / "passages.jsonl",
                            EVAL / "news-dev" / "queries-keyword.jsonl",
                            EVAL / "news-dev" / "qrels-keyword.tsv"),
    "news-lead": EvalSet("news-lead", EVAL / "news-dev" / "passages.jsonl",
                         EVAL / "news-dev" / "queries-lead.jsonl",
                         EVAL / "news-dev" / "qrels-lead.tsv"),
}

# A ranker: query text → (ids best first, up to DEPTH; a test of "matched at all").
Ranker = Callable[[str], tuple[list[str], Callable[[str], bool]]]


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


METRICS = ("mrr@10", "recall@1", "recall@10", "recall@100", "matched")


def reciprocal_ranks(ranked: dict[str, list[str]],
                     qrels: dict[str, set[str]]) -> dict[str, float]:
    """Each query's 1 / rank of its first target in the first 10 (0 if none there)."""
    found = {}
    for qid, gold in qrels.items():
        first = next((i for i, doc in enumerate(ranked.get(qid, [])[:10]) if doc in gold), None)
        found[qid] = 0.0 if first is None else 1 / (first + 1)
    return found


def best_of(*runs: dict[str, float]) -> float:
    """MRR@10 of a per-query oracle that takes, for each query, the better of ``runs``
    (the ceiling of any choice or mixture between two rankings).

    >>> best_of({"a": 1.0, "b": 0.0}, {"a": 0.5, "b": 0.5})
    0.75
    """
    return round(sum(max(run[q] for run in runs) for q in runs[0]) / max(1, len(runs[0])), 4)


def metrics(ranked: dict[str, list[str]], matched: dict[str, float],
            qrels: dict[str, set[str]]) -> dict[str, float]:
    """MRR@10, Recall@1/10/100 and the share of targets matched at all, over queries."""
    totals = dict.fromkeys(METRICS, 0.0)
    totals["mrr@10"] = sum(reciprocal_ranks(ranked, qrels).values())
    for qid, gold in qrels.items():
        hits = ranked.get(qid, [])[:DEPTH]
        ranks = [i for i, doc in enumerate(hits) if doc in gold]
        totals["recall@1"] += len([r for r in ranks if r == 0]) / len(gold)
        totals["recall@10"] += len([r for r in ranks if r < 10]) / len(gold)
        totals["recall@100"] += len(ranks) / len(gold)
        totals["matched"] += matched.get(qid, 0.0)
    count = max(1, len(qrels))
    return {name: round(value / count, 4) for name, value in totals.items()} | {
        "queries": len(qrels)}


def index_key(passages: Path) -> str:
    """The passages file and the code that indexes it, as a short hash."""
    digest = hashlib.sha256(f"{ANALYSIS_VERSION}\n{passages.resolve()}\n"
                            f"{passages.stat().st_size}\n{passages.stat().st_mtime_ns}".encode())
    package = REPO / "src" / "antqsearch"
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        if name not in QUERY_SIDE and not name.startswith("web/"):
            digest.update(name.encode() + path.read_bytes())
    for data in sorted((package / "data").glob("*")):
        digest.update(data.name.encode() + data.read_bytes())
    return digest.hexdigest()[:16]


def cached_index(passages_path: Path, passages: list[dict[str, str]]) -> Path:
    """The index of the passages, built once per passages file and indexing code."""
    folder = WORK / f"{passages_path.parent.name}-{passages_path.stem}-{index_key(passages_path)}"
    index_dir = folder / "index"
    if (index_dir / "CURRENT").exists():
        return index_dir
    for stale in WORK.glob(f"{passages_path.parent.name}-{passages_path.stem}-*"):
        shutil.rmtree(stale, ignore_errors=True)  # built by other code
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for passage in passages:
        text = f"{passage.get('title', '').strip()}\n\n{passage['text'].strip()}\n"
        (corpus / f"{passage['id']}.txt").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    build_index(corpus, index_dir)
    print(f"indexed {len(passages)} passages of {passages_path} in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return index_dir


def ours(index_dir: Path, weights: Weights) -> Ranker:
    """The service's ranking over the cached index."""
    service = SearchService(index_dir, weights)
    numbers = service.document_numbers()
    names = {n: i for i, n in numbers.items()}

    def rank(query: str) -> tuple[list[str], Callable[[str], bool]]:
        docs, mask = service.rank(query, DEPTH)
        return [names[d] for d in docs], lambda doc: bool(mask[numbers[doc]])

    return rank


_WORD = re.compile(r"[^\W_]+")


def _syllables(text: str, folded: bool = False) -> list[str]:
    words = _WORD.findall(text.lower())
    return [fold_diacritics(w) for w in words] if folded else words


def bm25_baseline(passages: list[dict[str, str]], folded: bool = False,
                  k1: float = 1.5, b: float = 0.75) -> Ranker:
    """Plain BM25 (bm25s; its default parameters are the baseline's) over lower-cased
    syllables of title + text."""
    import bm25s

    ids = [p["id"] for p in passages]
    corpus = [_syllables(f"{p.get('title', '')} {p['text']}", folded) for p in passages]
    vocab = {i: set(doc) for i, doc in zip(ids, corpus, strict=True)}
    retriever = bm25s.BM25(k1=k1, b=b)
    retriever.index(corpus, show_progress=False)

    def rank(query: str) -> tuple[list[str], Callable[[str], bool]]:
        tokens = _syllables(query, folded) or ["∅"]
        docs, scores = retriever.retrieve([tokens], k=min(DEPTH, len(ids)), show_progress=False)
        ranked = [ids[int(i)] for i, s in zip(docs[0], scores[0], strict=True) if s > 0]
        return ranked, lambda doc: bool(vocab[doc] & set(tokens))

    return rank


def evaluate(rank: Ranker, queries: Sequence[dict[str, str]], qrels: dict[str, set[str]],
             folded: bool) -> tuple[dict[str, float], dict[str, float]]:
    """The metrics of a ranker over the queries, and each query's reciprocal rank."""
    ranked, matched = {}, {}
    for query in queries:
        qid = query["qid"]
        if qid not in qrels:
            continue
        ids, is_matched = rank(fold_diacritics(query["query"]) if folded else query["query"])
        ranked[qid] = ids
        matched[qid] = sum(is_matched(d) for d in qrels[qid]) / len(qrels[qid])
    asked = {q["qid"]: qrels[q["qid"]] for q in queries if q["qid"] in qrels}
    return metrics(ranked, matched, asked), reciprocal_ranks(ranked, asked)


def parse_variant(text: str) -> tuple[str, Weights]:
    """``LABEL:key=value,key=value`` → (label, Weights with those values)."""
    label, _, settings = text.partition(":")
    types = {f.name: f.type for f in dataclasses.fields(Weights)}
    values: dict[str, Any] = {}
    for item in filter(None, settings.split(",")):
        key, _, value = item.partition("=")
        kind = str(types.get(key.strip(), ""))
        if not kind:
            raise SystemExit(f"unknown weight {key!r}; known: {', '.join(types)}")
        convert: Callable[[str], Any] = {"float": float, "int": int, "bool": _bool}.get(kind, str)
        values[key.strip()] = convert(value.strip())
    return label, dataclasses.replace(Weights(), **values)


def _bool(text: str) -> bool:
    return text.lower() in ("1", "true", "yes", "on")


def sample(queries: list[dict[str, str]], quick: bool) -> list[dict[str, str]]:
    return queries[:: max(1, len(queries) // QUICK_QUERIES)] if quick else queries


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every system on every chosen set and mode, as table rows."""
    rows: list[dict[str, Any]] = []
    indexes: dict[Path, tuple[Path, list[dict[str, str]]]] = {}
    variants = [("antqsearch", Weights()), *map(parse_variant, args.variant)]
    for eval_set in args.sets:
        if eval_set.passages not in indexes:
            passages = load_jsonl(eval_set.passages)
            indexes[eval_set.passages] = (cached_index(eval_set.passages, passages), passages)
        index_dir, passages = indexes[eval_set.passages]
        queries = sample(load_jsonl(eval_set.queries), args.quick)[: args.limit or None]
        qrels = load_qrels(eval_set.qrels)
        systems: dict[str, Ranker] = {label: ours(index_dir, w) for label, w in variants}
        if not args.no_baselines:
            systems["bm25"] = bm25_baseline(passages)
            systems["bm25 folded"] = bm25_baseline(passages, folded=True)
        for mode in args.modes:
            per_query: dict[str, dict[str, float]] = {}
            row_of: dict[str, dict[str, Any]] = {}
            for name, rank in systems.items():
                if mode == "plain" and name == "bm25 folded":
                    continue
                started = time.perf_counter()
                result, per_query[name] = evaluate(rank, queries, qrels, folded=mode == "folded")
                row_of[name] = {"set": eval_set.name, "mode": mode, "system": name, **result,
                                "seconds": round(time.perf_counter() - started, 1)}
                rows.append(row_of[name])
                print(f"  {eval_set.name:<13} {mode:<7} {name:<24} MRR@10 {result['mrr@10']:.4f}"
                      f"  ({row_of[name]['seconds']} s)", file=sys.stderr)
            if PEERS[mode] in per_query:
                row_of["antqsearch"]["best_of_both"] = best_of(per_query["antqsearch"],
                                                               per_query[PEERS[mode]])
    return rows


def print_table(rows: list[dict[str, Any]], variants: Sequence[str]) -> None:
    """The main table, the margins over the baselines, and each variant's deltas."""
    head = (f"| {'set':<13} | {'mode':<7} | {'system':<24} | MRR@10 |    R@1 |   R@10 |"
            f"  R@100 | matched |    n |")
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for row in rows:
        if row["system"] in variants:
            continue
        print(f"| {row['set']:<13} | {row['mode']:<7} | {row['system']:<24} | "
              f"{row['mrr@10']:.4f} | {row['recall@1']:.4f} | {row['recall@10']:.4f} | "
              f"{row['recall@100']:.4f} | {row['matched']:>7.4f} | {row['queries']:>4} |")
    found = {(r["set"], r["mode"], r["system"]): r for r in rows}
    print()
    for (name, mode, system), row in found.items():
        if system != "antqsearch":
            continue
        peer = PEERS[mode]
        if (name, mode, peer) in found:
            goal = 0.05 if mode == "folded" and name.startswith("news") else 0.02
            base = found[(name, mode, peer)]["mrr@10"]
            diff = row["mrr@10"] - base
            verdict = "met" if diff >= goal - 1e-9 else "NOT met"
            print(f"{name:<13} {mode:<7} antqsearch − {peer:<11} = {diff:+.4f} MRR@10 "
                  f"(goal ≥ +{goal:.2f}: {verdict}; the better of the two on each query: "
                  f"{row['best_of_both'] - base:+.4f})")
    if variants:
        print_deltas(found, variants)


def print_deltas(found: dict[tuple[str, str, str], dict[str, Any]],
                 variants: Sequence[str]) -> None:
    cells = sorted({(n, m) for n, m, s in found if s == "antqsearch"},
                   key=lambda c: (list(SETS).index(c[0]), MODES.index(c[1])))
    print()
    print("| variant (Δ MRR@10 vs antqsearch) | " + " | ".join(
        f"{n} {m}" for n, m in cells) + " | worst |")
    print("|---|" + "---|" * (len(cells) + 1))
    for variant in variants:
        deltas = [found[(n, m, variant)]["mrr@10"] - found[(n, m, "antqsearch")]["mrr@10"]
                  for n, m in cells]
        print(f"| {variant} | " + " | ".join(f"{d:+.4f}" for d in deltas)
              + f" | {min(deltas):+.4f} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", action="append", choices=sorted(SETS), dest="set_names",
                        help="only these sets (repeatable; default: all)")
    parser.add_argument("--mode", action="append", choices=MODES, dest="modes",
                        help="plain (as typed) or folded (no diacritics); default both")
    parser.add_argument("--passages", type=Path, help="a set of your own (with --queries, "
                        "--qrels)")
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--qrels", type=Path)
    parser.add_argument("--quick", action="store_true",
                        help=f"every n-th query, about {QUICK_QUERIES} per set")
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries")
    parser.add_argument("--variant", action="append", default=[],
                        help="LABEL:key=value,… another Weights to compare (repeatable)")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--json", type=Path, help="write every row to this file")
    args = parser.parse_args(argv)
    if args.passages:
        args.sets = [EvalSet(args.passages.parent.name, args.passages, args.queries, args.qrels)]
    else:
        args.sets = [SETS[n] for n in (args.set_names or SETS)]
    args.modes = args.modes or list(MODES)
    for eval_set in args.sets:
        for path in (eval_set.passages, eval_set.queries, eval_set.qrels):
            if path is None or not path.is_file():
                print(f"missing data file: {path}", file=sys.stderr)
                return 2
    started = time.perf_counter()
    rows = run(args)
    print_table(rows, [parse_variant(v)[0] for v in args.variant])
    print(f"\n{'quick sample, ' if args.quick else ''}{time.perf_counter() - started:.0f} s; "
          f"weights: {Weights()}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
