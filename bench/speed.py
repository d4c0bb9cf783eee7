"""Speed and scale: build, rebuilds, queries and HTTP on a synthetic corpus, in one run.

    python bench/speed.py --articles 10000 [--queries 220] [--workdir DIR] [--keep]
                          [--skip-http] [--repeat 3] [--http-requests N] [--concurrency C]

1. Generates N articles (bench/synth.py) into the work dir (bench/.work/speed-N).
2. Build: ``antqsearch index --full`` in a subprocess (wall time, docs/s, peak memory of
   the process tree, index size); the pyvi floor — what running pyvi alone over the same
   texts costs: its model load (in a fresh process) plus pyvi's own
   ``ViTokenizer.tokenize`` with a fork pool of the same number of workers; our segmenter
   alone (pyvi's model fed by ``segment.segment``);
   extraction + pyvi without Whoosh (the indexer's ``analyse``, same pool); a rebuild with
   nothing changed; a rebuild with 1% of the articles changed.
3. Queries (bench/queries.py) through ``SearchService.search`` in this process, warm,
   with facet counts and snippets; the same documents and queries in SQLite FTS5
   (``unicode61 remove_diacritics 2``, ``snippet()``, facet counts by GROUP BY).
4. HTTP: ``antqsearch serve`` (waitress) in a subprocess, loaded by bench/load.py from a
   second process; requests/s, latency percentiles, errors, the server's memory.

Prints one Markdown table and writes it, with every number, to bench/results/speed-N.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import queries as bench_queries
import synth
from load import percentile

from antqsearch.backend.whoosh import WhooshBackend
from antqsearch.corpus import RawArticle, read_article
from antqsearch.indexer import analyse
from antqsearch.search import SearchRequest, SearchService
from antqsearch.segment import load_segmenter, segment
from antqsearch.store import current_generation, open_current

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
MB = 1024 * 1024

# ------------------------------------------------------------------------------- memory


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(c) for c in handle.read().split())
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        stack.extend(_children(current))
    return pids


def process_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; (0, 0) when it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                    break
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        pass
    return rss, pss


class TreeMemory:
    """Polls the memory of a process and its descendants; keeps the peaks.

    Once a second: reading ``smaps_rollup`` walks a process's page tables on the same
    cores as the build, and polling every 0.1 s made a 10,000-article build 26% slower
    (68.9 s against 54.5 s).
    """

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = self.peak_root_rss = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        pids = _tree(self.pid)
        sizes = [process_memory(p) for p in pids]
        self.peak_rss = max(self.peak_rss, sum(r for r, _ in sizes))
        self.peak_pss = max(self.peak_pss, sum(p for _, p in sizes))
        self.peak_root_rss = max(self.peak_root_rss, sizes[0][0] if sizes else 0)
        self.peak_processes = max(self.peak_processes, len(pids))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def as_dict(self) -> dict[str, float]:
        return {
            "peak_tree_pss_mb": round(self.peak_pss / MB, 1),
            "peak_tree_rss_mb": round(self.peak_rss / MB, 1),
            "peak_main_rss_mb": round(self.peak_root_rss / MB, 1),
            "processes": self.peak_processes,
        }


# ------------------------------------------------------------------------------- build


def _cli() -> str:
    beside = Path(sys.executable).parent / "antqsearch"
    return str(beside) if beside.exists() else (shutil.which("antqsearch") or "antqsearch")


def run_index(corpus: Path, index: Path, full: bool, log: Path) -> dict[str, Any]:
    """``antqsearch index`` in a subprocess: wall time, peak memory, its summary line."""
    command = [_cli(), "index", "--corpus", str(corpus), "--index", str(index)]
    if full:
        command.append("--full")
    with open(log, "w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        with TreeMemory(process.pid) as memory:
            code = process.wait()
        wall = time.perf_counter() - started
    text = log.read_text(encoding="utf-8")
    if code != 0:
        raise SystemExit(f"antqsearch index failed ({code}):\n{text[-2000:]}")
    said = re.search(r"trong ([\d.]+) giây|\(([\d.]+) giây\)", text)
    inner = float(next(g for g in said.groups() if g)) if said else None
    summary = text.strip().splitlines()[-1] if text.strip() else ""
    return {"wall_s": round(wall, 3), "build_s": inner, "summary": summary,
            **memory.as_dict()}


def index_size(index: Path) -> int:
    generation = current_generation(index)
    if generation is None:
        return 0
    return sum(p.stat().st_size for p in generation.rglob("*") if p.is_file())


def model_load_seconds() -> float:
    """pyvi import + model load, in a fresh process (what every build pays once)."""
    code = ("import time; t = time.perf_counter(); "
            "from antqsearch.segment import load_segmenter; "
            "load_segmenter(); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return round(float(out.stdout.strip()), 3)


def _segment_count(text: str) -> int:
    return len(segment(text))


def _pyvi_tokenize(text: str) -> int:
    """pyvi as its users call it: the floor of any pyvi-based build."""
    return len(load_segmenter().tokenize(text))


def pooled(function: Callable[[Any], Any], items: Sequence[Any], workers: int) -> float:
    """Seconds to map ``function`` over ``items`` with a fork pool, as the indexer does."""
    load_segmenter()  # the model is loaded before the fork (excluded: measured apart)
    started = time.perf_counter()
    if workers <= 1:
        for item in items:
            function(item)
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for _ in pool.imap(function, items, chunksize=8):
                pass
    return round(time.perf_counter() - started, 3)


def read_corpus(corpus: Path) -> list[RawArticle]:
    raws = []
    for path in sorted(corpus.glob("*.txt")):
        raw = read_article(corpus, path)
        if isinstance(raw, RawArticle):
            raws.append(raw)
    return raws


def metadata_agreement(index: Path, truths: Sequence[synth.Truth]) -> dict[str, float]:
    """Share of articles whose indexed province, year and officials are the generated ones."""
    _, source = open_current(index, WhooshBackend().open)
    by_id = {t.id: t for t in truths}
    counts = {"province": 0, "year": 0, "officials": 0}
    total = 0
    for docnum in np.flatnonzero(source.live()):
        record = source.record(int(docnum))
        truth = by_id.get(record.id)
        if truth is None:
            continue
        total += 1
        counts["province"] += record.province == truth.province
        counts["year"] += (record.year or 0) == (truth.year or 0)
        counts["officials"] += set(truth.officials) <= set(record.officials)
    source.close()
    return {k: round(100 * v / max(1, total), 1) for k, v in counts.items()}


# ------------------------------------------------------------------------------- queries


def _request(query: bench_queries.Query) -> SearchRequest:
    return SearchRequest(query.text, province=query.province, year=query.year)


def latency_stats(times_ms: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(times_ms, 50), 2),
        "p95_ms": round(percentile(times_ms, 95), 2),
        "p99_ms": round(percentile(times_ms, 99), 2),
        "max_ms": round(max(times_ms, default=0.0), 2),
        "mean_ms": round(statistics.fmean(times_ms), 2) if times_ms else 0.0,
    }


def time_queries(run: Callable[[bench_queries.Query], int],
                 queries: Sequence[bench_queries.Query], repeat: int) -> dict[str, Any]:
    """Cold first query, a warm-up pass, then ``repeat`` timed passes (median per query)."""
    result: dict[str, Any] = time_interleaved({"run": run}, queries, repeat)["run"]
    return result


def time_interleaved(runs: dict[str, Callable[[bench_queries.Query], int]],
                     queries: Sequence[bench_queries.Query], repeat: int) -> dict[str, Any]:
    """Each engine's cold first query, a warm-up pass, then ``repeat`` timed passes (median
    per query), each query through every engine in turn: a machine that slows down or
    speeds up during the run (a shared host) slows them all alike, so their ratio holds
    (one engine's queries, then the next's, gave p95 ratios of 3.2 and 4.1 for the same
    code within ten minutes)."""
    results: dict[str, Any] = {}
    for name, run in runs.items():
        started = time.perf_counter()
        run(queries[0])
        results[name] = {"cold_first_ms": round((time.perf_counter() - started) * 1000, 1)}
    totals = {name: [run(q) for q in queries] for name, run in runs.items()}
    samples = {name: [[] for _ in queries] for name in runs}
    for _ in range(repeat):
        for i, query in enumerate(queries):
            for name, run in runs.items():
                started = time.perf_counter()
                run(query)
                samples[name][i].append((time.perf_counter() - started) * 1000)
    for name in runs:
        medians = [statistics.median(s) for s in samples[name]]
        slowest = sorted(range(len(queries)), key=lambda i: -medians[i])[:5]
        results[name].update({
            "queries": len(queries),
            "repeat": repeat,
            **latency_stats(medians),
            "zero_hits": sum(1 for t in totals[name] if t == 0),
            "slowest": [{"query": queries[i].label(), "kind": queries[i].kind,
                         "ms": round(medians[i], 1), "hits": totals[name][i]} for i in slowest],
            "per_query_ms": [round(m, 2) for m in medians],
        })
    return results


def ours(index: Path, queries: Sequence[bench_queries.Query], repeat: int,
         peers: dict[str, Callable[[bench_queries.Query], int]] | None = None
         ) -> dict[str, Any]:
    """The queries through the search service, in this process, under "ours" (with its
    memory), and through each of ``peers`` under its name, interleaved (see
    :func:`time_interleaved`); the service is let go on return."""
    rss_before = process_memory(os.getpid())[0]
    service = SearchService(index)
    timed: dict[str, Any] = time_interleaved(
        {"ours": lambda q: service.search(_request(q)).total, **(peers or {})}, queries, repeat)
    timed["ours"]["service_rss_mb"] = round((process_memory(os.getpid())[0] - rss_before) / MB, 1)
    return timed


def after_update(index: Path, queries: Sequence[bench_queries.Query]) -> dict[str, Any]:
    """Every query once on the incrementally updated index (it has deleted documents)."""
    service = SearchService(index)
    times, errors = [], {}
    for query in queries:
        started = time.perf_counter()
        try:
            service.search(_request(query))
        except Exception as exc:  # report, do not hide: the table shows it
            key = f"{type(exc).__name__}: {exc}"[:160]
            errors[key] = errors.get(key, 0) + 1
            continue
        times.append((time.perf_counter() - started) * 1000)
    return {"errors": sum(errors.values()), "error_kinds": errors, **latency_stats(times)}


class Fts5:
    """The same documents in SQLite FTS5, queried with the same work as a results page."""

    def __init__(self, path: Path) -> None:
        if path.exists():
            path.unlink()
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, province UNINDEXED, "
            "year UNINDEXED, id UNINDEXED, tokenize=\"unicode61 remove_diacritics 2\")"
        )

    def build(self, corpus: Path, truths: Sequence[synth.Truth]) -> float:
        by_id = {t.id: t for t in truths}
        started = time.perf_counter()
        with self.db:
            for path in sorted(corpus.glob("*.txt")):
                title, _, body = path.read_text(encoding="utf-8").partition("\n")
                truth = by_id[path.stem]
                self.db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                                (title, body, truth.province, truth.year, path.stem))
            self.db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        return round(time.perf_counter() - started, 3)

    @staticmethod
    def _where(match: str | None, province: Sequence[str],
               year: Sequence[str]) -> tuple[str, list[Any]]:
        clauses, params = [], []
        if match:
            clauses.append("docs MATCH ?")
            params.append(match)
        if province:
            clauses.append(f"province IN ({','.join('?' * len(province))})")
            params.extend(province)
        if year:
            clauses.append(f"year IN ({','.join('?' * len(year))})")
            params.extend(int(y) for y in year)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def search(self, query: bench_queries.Query) -> int:
        """Top 10 with snippets, the total, and province and year counts; returns the total."""
        match = bench_queries.fts5_match(query.text)
        where, params = self._where(match, query.province, query.year)
        order = "rank" if match else "year DESC"
        self.db.execute(
            "SELECT id, title, snippet(docs, 1, '<mark>', '</mark>', '…', 24) FROM docs"
            f"{where} ORDER BY {order} LIMIT 10", params).fetchall()
        total = self.db.execute(f"SELECT count(*) FROM docs{where}", params).fetchone()[0]
        where, params = self._where(match, (), query.year)
        self.db.execute(f"SELECT province, count(*) FROM docs{where} GROUP BY province",
                        params).fetchall()
        where, params = self._where(match, query.province, ())
        self.db.execute(f"SELECT year, count(*) FROM docs{where} GROUP BY year",
                        params).fetchall()
        return int(total)

    def close(self) -> None:
        self.db.close()


# ------------------------------------------------------------------------------- HTTP


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"antqsearch serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                if response.status == 200:
                    return response.read().decode("utf-8").strip()
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit("antqsearch serve did not become healthy in time")


def http_paths(queries: Sequence[bench_queries.Query]) -> list[str]:
    """The JSON API and the HTML page, alternately, for every query."""
    paths = []
    for i, query in enumerate(queries):
        params = [("q", query.text)] + [("province", p) for p in query.province]
        params += [("year", y) for y in query.year]
        paths.append(("/api/search?" if i % 2 == 0 else "/?") + urlencode(params))
    return paths


def run_http(index: Path, queries: Sequence[bench_queries.Query], workdir: Path,
             requests: int, concurrency: int) -> dict[str, Any]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / "serve.log"
    paths_file = workdir / "http-paths.txt"
    paths_file.write_text("\n".join(http_paths(queries)) + "\n", encoding="utf-8")
    command = [_cli(), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--index", str(index)]
    with open(log, "w", encoding="utf-8") as out:
        started = time.perf_counter()
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            health = _wait_healthy(url, server, timeout=300)
            ready = time.perf_counter() - started
            rss_before, pss_before = process_memory(server.pid)
            load_command = [sys.executable, str(BENCH / "load.py"), "--url", url,
                            "--paths", str(paths_file), "--requests", str(requests),
                            "--concurrency", str(concurrency)]
            with TreeMemory(server.pid) as memory:
                done = subprocess.run(load_command, capture_output=True, text=True,
                                      timeout=900, check=True)
            rss_after, pss_after = process_memory(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    result = json.loads(done.stdout)
    result.update(
        server_ready_s=round(ready, 2),
        health=health,
        server_rss_before_mb=round(rss_before / MB, 1),
        server_rss_after_mb=round(rss_after / MB, 1),
        server_peak_rss_mb=round(memory.peak_root_rss / MB, 1),
        server_pss_after_mb=round(pss_after / MB, 1),
        mix="JSON API and HTML page alternately, the benchmark's queries in order",
    )
    return result


# ------------------------------------------------------------------------------- report


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "—"


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _mark(ok: bool, n: int = 0, at: int = 0) -> str:
    word = "met" if ok else "**not met**"
    return word if n == at or not at else f"{word} at {n:,}"


def table(r: dict[str, Any]) -> str:
    b, q, f = r["build"], r["queries"], r["fts5"]
    n = r["articles"]
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, ours: str, ref: str = "", ratio: str = "") -> None:
        rows.append((name, ours, ref, ratio))

    full, tokenize, load = b["full"], b["pyvi_floor_s"], b["model_load_s"]
    floor = load + tokenize
    row(f"**Build** ({n:,} articles, {r['words_mean']:.0f} words avg, {r['workers']} workers)",
        "**antqsearch**", "**pyvi floor / FTS5**", "**ratio**")
    row("full build, wall (s)", _f(full["wall_s"]), f"floor {_f(floor)}",
        _ratio(full["wall_s"], floor))
    row("docs/s", _f(n / full["wall_s"]), f"floor {_f(n / floor)}")
    row("pyvi floor = model load + `ViTokenizer.tokenize` (s)", "",
        f"{_f(load, 2)} + {_f(tokenize)}")
    row("build without the model load vs tokenize alone (s)", _f(full["wall_s"] - load),
        f"tokenize {_f(tokenize)}", _ratio(full["wall_s"] - load, tokenize))
    row("extraction + pyvi, no Whoosh, model loaded (s)", _f(b["analyse_s"]),
        f"tokenize {_f(tokenize)}", _ratio(b["analyse_s"], tokenize))
    row("our segmentation alone (pyvi's model, own features) (s)", _f(b["segment_s"]),
        f"tokenize {_f(tokenize)}", _ratio(b["segment_s"], tokenize))
    row("peak memory, build tree PSS / main RSS (MB)",
        f"{_f(full['peak_tree_pss_mb'], 0)} / {_f(full['peak_main_rss_mb'], 0)}")
    row("index size (MB)", _f(b["index_mb"]), f"FTS5 {_f(f['db_mb'])}",
        _ratio(b["index_mb"], f["db_mb"]))
    row("build vs FTS5 build (s)", _f(full["wall_s"]), f"FTS5 {_f(f['build_s'])}",
        _ratio(full["wall_s"], f["build_s"]))
    row("rebuild, nothing changed (s)", _f(b["nochange"]["wall_s"], 2))
    row(f"rebuild, 1% changed ({b['changed_articles']} articles) (s)",
        _f(b["changed"]["wall_s"], 2))
    upd = r.get("after_update")
    if upd:
        kinds = sorted({k.split(":")[0] for k in upd["error_kinds"]})
        shown = (f"p95 {_f(upd['p95_ms'])} ms, {upd['errors']} errors"
                 + (f" ({', '.join(kinds)})" if kinds else ""))
        row("queries on the updated index (once each)", shown)
    row("metadata = generated (province / year / officials %)",
        f"{r['metadata']['province']} / {r['metadata']['year']} / {r['metadata']['officials']}")
    load = r.get("loadavg_start")
    if load is not None:
        row("machine load (1-min average) at start / end",
            f"{load} / {r.get('loadavg_end', '—')}", "other work skews every number")
    row(f"**Queries** ({q['queries']}, warm, median of {q['repeat']} runs, ms)",
        "**antqsearch**", "**FTS5**", "**ratio**")
    for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"):
        row(key.replace("_ms", ""), _f(q[key], 1), _f(f[key], 2), _ratio(q[key], f[key]))
    row("queries with no hit", str(q["zero_hits"]), str(f["zero_hits"]))
    row("first query, cold (ms)", _f(q["cold_first_ms"]), _f(f["cold_first_ms"], 2))
    for i, slow in enumerate(q["slowest"], start=1):
        row(f"slowest {i}: {slow['query']} ({slow['hits']} hits)", _f(slow["ms"]))
    h = r.get("http")
    if h:
        row(f"**HTTP** (waitress, {h['requests']} requests, {h['concurrency']} clients)",
            "**antqsearch**", "", "")
        row("requests/s", _f(h["requests_per_s"]))
        row("latency p50 / p95 / p99 (ms)", f"{h['p50_ms']} / {h['p95_ms']} / {h['p99_ms']}")
        row("errors", str(h["errors"]))
        row("server RSS after start / after load (MB)",
            f"{h['server_rss_before_mb']} / {h['server_rss_after_mb']}")
    row("**Goals**", "**measured**", "**goal**", "")
    ratio = full["wall_s"] / floor if floor else 0
    row("build / pyvi floor", f"{ratio:.2f}×", "≤ 1.3×", _mark(ratio <= 1.3))
    nochange = b["nochange"]["wall_s"]
    row(f"no-change rebuild ({n:,} articles)", f"{nochange:.2f} s", "< 5 s at 10,000",
        _mark(nochange < 5, n, 10_000))
    row(f"query p95 ({n:,} articles)", f"{q['p95_ms']:.1f} ms", "≤ 50 ms at 50,000",
        _mark(q["p95_ms"] <= 50, n, 50_000))
    fts_ratio = q["p95_ms"] / f["p95_ms"] if f["p95_ms"] else 0
    row("query p95 / FTS5 p95", f"{fts_ratio:.2f}×", "≤ 5×", _mark(fts_ratio <= 5))
    if h:
        row(f"server memory after load ({n:,} articles)", f"{h['server_rss_after_mb']} MB",
            "≤ 400 MB at 50,000", _mark(h["server_rss_after_mb"] <= 400, n, 50_000))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for index, cells in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths,
                                                                    strict=True)) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# ------------------------------------------------------------------------------- main


def _step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=220)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the work dir afterwards")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries")
    parser.add_argument("--http-requests", type=int)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=synth.SEED)
    parser.add_argument("--render", type=Path, help="only print the table of a results file")
    args = parser.parse_args(argv)
    if args.render:
        print(table(json.loads(args.render.read_text(encoding="utf-8"))))
        return 0
    n = args.articles
    workdir = args.workdir or BENCH / ".work" / f"speed-{n}"
    corpus, index = workdir / "corpus", workdir / "index"
    workers = os.cpu_count() or 1
    result: dict[str, Any] = {
        "articles": n, "workers": workers, "seed": args.seed,
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "machine": f"{platform.machine()}, {workers} CPUs", "started": time.strftime("%F %T"),
        "loadavg_start": round(os.getloadavg()[0], 2),
    }
    if result["loadavg_start"] > 0.5:
        _step(f"warning: the machine is busy (load {result['loadavg_start']}): "
              "timings will be noisy")
    started = time.perf_counter()

    _step(f"generating {n:,} articles in {corpus}")
    t0 = time.perf_counter()
    truths = synth.generate(corpus, n, args.seed)
    result["generate_s"] = round(time.perf_counter() - t0, 2)
    result["words_mean"] = statistics.fmean(t.words for t in truths)

    build: dict[str, Any] = {}
    shutil.rmtree(index, ignore_errors=True)
    _step("full build (antqsearch index --full)")
    build["full"] = run_index(corpus, index, True, workdir / "build-full.log")
    build["index_mb"] = round(index_size(index) / MB, 1)
    result["metadata"] = metadata_agreement(index, truths)
    _step("pyvi floor and extraction + pyvi (same pool)")
    build["model_load_s"] = model_load_seconds()
    raws = read_corpus(corpus)
    build["pyvi_floor_s"] = pooled(_pyvi_tokenize, [r.text for r in raws], workers)
    build["segment_s"] = pooled(_segment_count, [r.text for r in raws], workers)
    build["analyse_s"] = pooled(analyse, raws, workers)
    del raws
    _step("rebuild, nothing changed")
    build["nochange"] = run_index(corpus, index, False, workdir / "build-nochange.log")
    result["build"] = build

    query_list = bench_queries.make_queries(args.queries, args.seed, truths)
    _step(f"{len(query_list)} queries, antqsearch")
    result["queries"] = ours(index, query_list, args.repeat)["ours"]

    _step("SQLite FTS5: build and queries")
    fts = Fts5(workdir / "fts5.db")
    fts5: dict[str, Any] = {"build_s": fts.build(corpus, truths)}
    fts5["db_mb"] = round(fts.path.stat().st_size / MB, 1)
    fts5.update(time_queries(fts.search, query_list, args.repeat))
    fts.close()
    result["fts5"] = fts5

    if not args.skip_http:
        requests = args.http_requests or (1000 if n >= 5000 else 400)
        _step(f"HTTP: {requests} requests, {args.concurrency} clients")
        result["http"] = run_http(index, query_list, workdir, requests, args.concurrency)

    changed = synth.modify(corpus, 0.01, args.seed)
    build["changed_articles"] = len(changed)
    _step(f"rebuild, {len(changed)} articles changed; the queries again on the result")
    build["changed"] = run_index(corpus, index, False, workdir / "build-changed.log")
    result["after_update"] = after_update(index, query_list)

    result["loadavg_end"] = round(os.getloadavg()[0], 2)
    result["total_s"] = round(time.perf_counter() - started, 1)
    result["table"] = table(result)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"speed-{n}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(result["table"])
    print(f"\n{n:,} articles, {result['total_s']:.0f} s in all; written to "
          f"{out.relative_to(REPO)}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
