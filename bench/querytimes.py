"""Query latency of one code version over an existing index (for before/after comparisons).

    python bench/querytimes.py --index DIR --articles N [--repeat 3] [--weights k=v,...]

The 220 queries of ``bench/queries.py`` (the speed bench's), through
``SearchService.search``: a warm-up pass, then ``--repeat`` timed passes, the median per
query. Prints JSON: p50/p95/max over all queries and over the multi-syllable queries typed
without diacritics. Run it twice with ``PYTHONPATH`` pointing at two source trees, in turn,
to compare two versions of the code under the same conditions.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

import queries as bench_queries
from load import percentile

from antqsearch import search
from antqsearch.querybuild import Weights
from antqsearch.search import SearchRequest, SearchService
from antqsearch.text import has_diacritics, syllable_terms


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--weights", default="", help="key=value,… overriding Weights()")
    parser.add_argument("--queries-file", type=Path, help="the queries as JSON: written if "
                        "missing, read if present (the same queries for two code versions)")
    args = parser.parse_args()
    values = dict(item.split("=", 1) for item in args.weights.split(",") if item)
    types = {f.name: f.type for f in dataclasses.fields(Weights)}
    casts = {"float": float, "int": int, "bool": lambda v: v in ("1", "true"), "str": str}
    weights = Weights(**{k: casts[str(types[k])](v) for k, v in values.items()})
    service = SearchService(args.index, weights)
    if args.queries_file and args.queries_file.exists():
        queries = [bench_queries.Query(q[0], tuple(q[1]), tuple(q[2]), q[3])
                   for q in json.loads(args.queries_file.read_text(encoding="utf-8"))]
    else:
        queries = bench_queries.make_queries()
        if args.queries_file:
            args.queries_file.write_text(json.dumps(
                [[q.text, q.province, q.year, q.kind] for q in queries], ensure_ascii=False),
                encoding="utf-8")
    requests = [SearchRequest(q.text, province=q.province, year=q.year) for q in queries]
    for request in requests:
        service.search(request)
    samples: list[list[float]] = [[] for _ in requests]
    totals = []
    for _ in range(args.repeat):
        for i, request in enumerate(requests):
            started = time.perf_counter()
            totals.append(service.search(request).total)
            samples[i].append((time.perf_counter() - started) * 1000)
    medians = [statistics.median(s) for s in samples]
    accentless = [m for q, m in zip(queries, medians, strict=True)
                  if len(syllable_terms(q.text)) > 1 and not has_diacritics(q.text)]
    hits = totals[-len(requests):]
    loose = [h for q, h in zip(queries, hits, strict=True)
             if len(syllable_terms(q.text)) > 1 and not has_diacritics(q.text)]

    def stats(values: list[float]) -> dict[str, float]:
        return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2),
                "max": round(max(values), 2), "n": len(values)}

    print(json.dumps({"code": str(Path(search.__file__).parent), "weights": args.weights,
                      "all": stats(medians), "accentless_multi": stats(accentless),
                      "accentless_multi_mean_hits": round(statistics.fmean(loose), 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
