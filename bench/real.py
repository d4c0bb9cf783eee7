"""The speed bench on real news (`make bench-real`): ../shared/corpus-real/baomoi-2017.jsonl.gz.

    .venv/bin/python bench/real.py [--articles N] [--floor-articles 5000] [--repeat 3]
        [--http-requests 600] [--concurrency 8] [--workers 2] [--workdir DIR] [--keep]
    .venv/bin/python bench/real.py --render bench/results/real-N.json
    .venv/bin/python bench/real.py --http-only bench/.work/real-N [--http-runs 3]

Steps, all in one run on the same machine (ratios are within the run):
`antqsearch import` of the JSONL (or of its first N articles); `antqsearch index --full`
(wall time, peak memory of its process tree); the build against the pyvi floor on the
first `--floor-articles` articles (model load + `ViTokenizer.tokenize` on the same pool),
with our extraction + pyvi and our segmentation alone on that pool (which part of the gap
is ours); rebuilds with nothing and 1% changed, and the index folder's size after them;
queries (top 10, facets, snippets) through the search service, SQLite FTS5 and tantivy-py
over the same documents; the first and second search over HTTP after the server reports
ready; the HTTP load with one waitress process and with `--workers` gunicorn workers.
The text is for measurement only: nothing from it is kept (the work dir is removed).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import queries as bench_queries
import speed
from load import percentile

from antqsearch.corpus import RawArticle, read_article
from antqsearch.indexer import analyse
from antqsearch.search import SearchService
from antqsearch.segment import segment
from antqsearch.text import fold_diacritics

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SOURCE = REPO.parent / "shared" / "corpus-real" / "baomoi-2017.jsonl.gz"
RESULTS = BENCH / "results"
MB = 1024 * 1024
KEYWORDS = (
    "an ninh", "công an", "an ninh trật tự", "tai nạn giao thông", "giá vàng", "bóng đá",
    "thời tiết", "Hà Nội", "Thành phố Hồ Chí Minh", "bất động sản", "chứng khoán",
    "xuất khẩu", "học sinh", "bệnh viện", "tội phạm", "ma túy", "Quốc hội", "Thủ tướng",
    "lãi suất", "ngân hàng", "giáo dục", "du lịch", "cháy", "bão", "World Cup",
    "cảnh sát giao thông", "tham nhũng", "nông thôn mới", "kinh tế", "Mỹ",
)
TYPOS = ("an nin trat tu", "giá vag", "bong da viet nam", "tai nan giao thong", "ngan hnag")


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- corpus


def sample_jsonl(source: Path, target: Path, count: int) -> int:
    """The first ``count`` non-blank lines of the export, as a plain JSONL file."""
    written = 0
    with gzip.open(source, "rb") as read, open(target, "wb") as out:
        for line in read:
            if written >= count:
                break
            if line.strip():
                out.write(line)
                written += 1
    return written


def run_import(source: Path, corpus: Path, log: Path) -> dict[str, Any]:
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        done = subprocess.run([speed._cli(), "import", str(source), "--corpus", str(corpus)],
                              stdout=out, stderr=subprocess.STDOUT, check=False)
    text = log.read_text(encoding="utf-8")
    if done.returncode != 0:
        raise SystemExit(f"antqsearch import failed ({done.returncode}):\n{text[-2000:]}")
    return {"wall_s": round(time.perf_counter() - started, 2),
            "summary": text.strip().splitlines()[-1],
            "files": sum(1 for _ in corpus.glob("*.txt"))}


def read_articles(corpus: Path, limit: int | None = None) -> list[RawArticle]:
    raws = []
    for path in sorted(corpus.glob("*.txt"))[:limit]:
        raw = read_article(corpus, path)
        if isinstance(raw, RawArticle):
            raws.append(raw)
    return raws


def folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / MB, 1)


def change_some(corpus: Path, share: float, seed: int) -> int:
    """Add a sentence to ``share`` of the articles (deterministic)."""
    paths = sorted(corpus.glob("*.txt"))
    chosen = random.Random(f"{seed}:modify").sample(paths, max(1, round(len(paths) * share)))
    for path in chosen:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("\nBài viết đã được cập nhật thêm thông tin.\n")
    return len(chosen)


# ----------------------------------------------------------------------------- queries


def make_queries(raws: Sequence[RawArticle], count: int, seed: int) -> list[bench_queries.Query]:
    """Keywords, whole words (as pyvi segments them) of titles, quoted phrases, typos and
    browse pages; a third without diacritics, a tenth with a year filter."""
    rng = random.Random(f"{seed}:real-queries")
    titles = [r.text.split("\n", 1)[0] for r in rng.sample(list(raws), min(len(raws), 400))]
    texts: list[str] = list(KEYWORDS) + list(TYPOS)
    while len(texts) < count - 4:
        words = [w.text for w in segment(rng.choice(titles)) if any(c.isalpha() for c in w.text)]
        if not words:
            continue
        size = rng.choice((1, 2, 2, 3))
        start = rng.randrange(max(1, len(words) - size + 1))
        text = " ".join(words[start:start + size]).replace("_", " ")
        texts.append(f'"{text}"' if rng.random() < 0.15 and " " in text else text)
    queries = []
    for i, text in enumerate(texts):
        if i >= len(KEYWORDS) + len(TYPOS) and rng.random() < 0.33:
            text = fold_diacritics(text)
        year = ("2017",) if rng.random() < 0.1 else ()
        queries.append(bench_queries.Query(text, (), year, "real"))
    queries += [bench_queries.Query("", (), (), "browse")] * (count - len(queries))
    return queries


class Fts5(speed.Fts5):
    """FTS5 over the imported articles (year from the header's date, no province)."""

    def build_from(self, raws: Sequence[tuple[str, str, str]]) -> float:
        started = time.perf_counter()
        with self.db:
            for doc_id, title, body in raws:
                self.db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                                (title, body, "", 2017, doc_id))
            self.db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        return round(time.perf_counter() - started, 3)


class Tantivy:
    """tantivy-py over the same documents: top 10 with a snippet of the body and the
    count (no facet counts: tantivy-py has no aggregation API)."""

    def __init__(self, path: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("title", stored=True)
        builder.add_text_field("body", stored=True)
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_integer_field("year", indexed=True, fast=True, stored=True)
        self.schema = builder.build()
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        self.path = path
        self.index = tantivy.Index(self.schema, path=str(path))

    def build(self, raws: Sequence[tuple[str, str, str]]) -> float:
        started = time.perf_counter()
        writer = self.index.writer(heap_size=256 * MB, num_threads=os.cpu_count() or 1)
        for doc_id, title, body in raws:
            writer.add_document(self.tantivy.Document(id=doc_id, title=title, body=body,
                                                      year=2017))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        return round(time.perf_counter() - started, 3)

    def search(self, query: bench_queries.Query) -> int:
        match = bench_queries.fts5_match(query.text)  # quoted words ANDed, "a b" phrases
        if match is None:
            parsed = self.tantivy.Query.all_query()
        else:
            parsed = self.index.parse_query(match.replace('" "', '" AND "'), ["title", "body"])
        found = self.searcher.search(parsed, 10, count=True)
        if match is not None:
            snippets = self.tantivy.SnippetGenerator.create(
                self.searcher, parsed, self.schema, "body")
            for _, address in found.hits:
                snippets.snippet_from_doc(self.searcher.doc(address)).to_html()
        return int(found.count or 0)


# ----------------------------------------------------------------------------- HTTP


def serve(index: Path, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = [speed._cli(), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--index", str(index), "--workers", str(workers)]
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def timed_get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return round((time.perf_counter() - started) * 1000, 1)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy, every core (/proc/stat: all but idle
    and iowait; guest time is already in user time)."""
    with open("/proc/stat", encoding="ascii") as handle:
        ticks = [int(x) for x in handle.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of a process and each of its descendants, by process id."""
    return {p: process_cpu(p) for p in speed._tree(pid)}


def cpu_split(before: dict[int, float], after: dict[int, float], root: int) -> dict[str, Any]:
    """CPU used under load by the server's processes: the root (waitress, or gunicorn's
    master) and each other process (the workers), in seconds."""
    used = {p: round(after[p] - before.get(p, 0.0), 2) for p in after}
    return {"server_cpu_s": round(sum(used.values()), 2), "root_cpu_s": used.get(root, 0.0),
            "worker_cpu_s": sorted((v for p, v in used.items() if p != root), reverse=True)}


def http_run(index: Path, paths: Sequence[str], workdir: Path, workers: int, requests: int,
             concurrency: int) -> dict[str, Any]:
    """Start, wait for /healthz 200, time the first and second searches, then the load;
    the CPU the server's processes and the load generator used under load."""
    port = speed._free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = serve(index, port, workers, workdir / f"serve-{workers}.log")
    try:
        speed._wait_healthy(url, server, timeout=600)
        ready = round(time.perf_counter() - started, 2)
        first = timed_get(f"{url}/?" + urlencode({"q": "giá xăng dầu tăng"}))
        second = timed_get(f"{url}/?" + urlencode({"q": "đội tuyển bóng đá"}))
        paths_file = workdir / "http-paths.txt"
        paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
        busy_before = machine_busy()
        cpu_before, children_before = tree_cpu(server.pid), resource.getrusage(
            resource.RUSAGE_CHILDREN)
        with speed.TreeMemory(server.pid) as memory:
            done = subprocess.run(
                [sys.executable, str(BENCH / "load.py"), "--url", url, "--paths",
                 str(paths_file), "--requests", str(requests), "--concurrency",
                 str(concurrency)], capture_output=True, text=True, timeout=900, check=True)
        cpu_after, children_after = tree_cpu(server.pid), resource.getrusage(
            resource.RUSAGE_CHILDREN)
        busy = machine_busy() - busy_before
    finally:
        stop(server)
    result: dict[str, Any] = json.loads(done.stdout)
    load_cpu = (children_after.ru_utime + children_after.ru_stime
                - children_before.ru_utime - children_before.ru_stime)
    result.update(workers=workers, ready_s=ready, first_ms=first, second_ms=second,
                  peak_tree_pss_mb=round(memory.peak_pss / MB, 1),
                  load_cpu_s=round(load_cpu, 2), **cpu_split(cpu_before, cpu_after, server.pid))
    # What the rest of the machine used meanwhile, in cores: other sessions' jobs take the
    # cores the workers need (the ratio means little when this is not near 0).
    others = busy - result["server_cpu_s"] - load_cpu
    result["others_cores"] = round(max(0.0, others) / max(result["seconds"], 1e-9), 2)
    done_requests = max(1, int(result["requests"]))
    result["server_cpu_ms_per_request"] = round(result["server_cpu_s"] * 1000 / done_requests, 1)
    result["load_cpu_ms_per_request"] = round(load_cpu * 1000 / done_requests, 2)
    return result


# ----------------------------------------------------------------------------- report


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _x(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "—"


def table(r: dict[str, Any]) -> str:
    b, q, f, t = r["build"], r["queries"], r["fts5"], r.get("tantivy") or {}
    h1, hn = r.get("http1") or {}, r.get("httpn") or {}
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, ours: str, ref: str = "", ratio: str = "") -> None:
        rows.append((name, ours, ref, ratio))

    n = r["articles"]
    row(f"**Build** ({n:,} real articles, {r['workers']} workers)", "**antqsearch**",
        "**reference**", "**ratio**")
    row("import (JSONL → .txt), wall (s)", _f(r["import"]["wall_s"]))
    fl = b["floor"]
    row(f"full build of the first {fl['articles']:,}, wall (s)", _f(fl["build"]["wall_s"]),
        f"pyvi floor {_f(fl['floor_s'])}", _x(fl["build"]["wall_s"], fl["floor_s"]))
    row("  pyvi floor = model load + `ViTokenizer.tokenize` (s)", "",
        f"{_f(fl['model_load_s'], 2)} + {_f(fl['tokenize_s'])}")
    row("  extraction + pyvi, no Whoosh (s)", _f(fl["analyse_s"]),
        f"tokenize {_f(fl['tokenize_s'])}", _x(fl["analyse_s"], fl["tokenize_s"]))
    row("  our segmentation alone (s)", _f(fl["segment_s"]), f"tokenize {_f(fl['tokenize_s'])}",
        _x(fl["segment_s"], fl["tokenize_s"]))
    row(f"full build of all {n:,}, wall (s)", _f(b["full"]["wall_s"]))
    row("peak memory of the build tree, PSS / main RSS (MB)",
        f"{_f(b['full']['peak_tree_pss_mb'], 0)} / {_f(b['full']['peak_main_rss_mb'], 0)}")
    row("index size (MB)", _f(b["index_mb"]), f"FTS5 {_f(f['db_mb'])}",
        _x(b["index_mb"], f["db_mb"]))
    row("rebuild, nothing changed (s)", _f(b["nochange"]["wall_s"], 2))
    row(f"rebuild, 1% changed ({b['changed_articles']:,} articles) (s)",
        _f(b["changed"]["wall_s"], 2))
    row("index folder after the rebuilds (MB; generations)",
        f"{_f(b['after_mb'])}; {b['generations']}")
    row(f"**Queries** ({q['queries']}, warm, median of {q['repeat']}, each query through "
        "the three in turn, ms)", "**antqsearch**",
        "**FTS5 / tantivy-py**", "**ratio to tantivy**")
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        row(key.split("_")[0], _f(q[key]), f"{_f(f[key], 2)} / {_f(t.get(key), 2)}",
            _x(q[key], t.get(key)))
    row("first query in a new process (ms)", _f(q["cold_first_ms"]),
        f"{_f(f['cold_first_ms'], 2)} / {_f(t.get('cold_first_ms'), 2)}")
    row(f"**HTTP** ({h1.get('requests', 0):,} requests, {h1.get('concurrency', 0)} "
        "clients)", "**1 process (waitress)**",
        f"**{hn.get('workers', '—')} workers (gunicorn)**", "**ratio**")
    row("ready after start (s; /healthz 200)", _f(h1.get("ready_s"), 2),
        _f(hn.get("ready_s"), 2))
    row("first / second search after ready (ms)",
        f"{_f(h1.get('first_ms'))} / {_f(h1.get('second_ms'))}",
        f"{_f(hn.get('first_ms'))} / {_f(hn.get('second_ms'))}")
    row("requests/s", _f(h1.get("requests_per_s")), _f(hn.get("requests_per_s")),
        _x(hn.get("requests_per_s"), h1.get("requests_per_s")))
    lat = "latency p50 / p95 / p99 (ms)"
    row(lat, "/".join(_f(h1.get(k)) for k in ("p50_ms", "p95_ms", "p99_ms")),
        "/".join(_f(hn.get(k)) for k in ("p50_ms", "p95_ms", "p99_ms")))
    row("errors", str(h1.get("errors", "—")), str(hn.get("errors", "—")))
    row("server CPU per request (ms)", _f(h1.get("server_cpu_ms_per_request")),
        _f(hn.get("server_cpu_ms_per_request")))
    row("other work on the machine under load (cores)", _f(h1.get("others_cores"), 2),
        _f(hn.get("others_cores"), 2))
    row("server tree PSS, peak under load (MB)", _f(h1.get("peak_tree_pss_mb"), 0),
        _f(hn.get("peak_tree_pss_mb"), 0))
    row("machine load (1-min) at start / end", f"{r['loadavg_start']} / {r['loadavg_end']}",
        "other work skews every number")
    goals = [
        ("build / pyvi floor", _x(fl["build"]["wall_s"], fl["floor_s"]), "≤ 1.2×",
         fl["build"]["wall_s"] <= 1.2 * fl["floor_s"]),
        ("build peak memory (tree PSS)", f"{_f(b['full']['peak_tree_pss_mb'], 0)} MB",
         "≤ 800 MB", b["full"]["peak_tree_pss_mb"] <= 800),
        ("rebuild, nothing changed", f"{_f(b['nochange']['wall_s'], 2)} s", "≤ 2 s",
         b["nochange"]["wall_s"] <= 2),
        ("old generations removed", f"{b['generations']} left", "1", b["generations"] == 1),
        ("query p95 / tantivy p95", _x(q["p95_ms"], t.get("p95_ms")), "≤ 3×",
         bool(t.get("p95_ms")) and q["p95_ms"] <= 3 * t["p95_ms"]),
        ("first search after ready", f"{_f(h1.get('first_ms'))} ms", "≤ 300 ms",
         bool(h1) and h1["first_ms"] <= 300),
        ("HTTP req/s, workers / one process", _x(hn.get("requests_per_s"),
                                                  h1.get("requests_per_s")), "≥ 1.8×",
         bool(hn and h1) and hn["requests_per_s"] >= 1.8 * h1["requests_per_s"]),
        ("HTTP p95 (workers)", f"{_f(hn.get('p95_ms'))} ms", "≤ 200 ms",
         bool(hn) and hn["p95_ms"] <= 200),
    ]
    row("**Goals**", "**measured**", "**goal**", "")
    for name, measured, goal, ok in goals:
        row(name, measured, goal, "met" if ok else "**not met**")
    widths = [max(len(x[i]) for x in rows) for i in range(4)]
    lines = []
    for k, cells in enumerate(rows):
        padded = [c.ljust(w) for c, w in zip(cells, widths, strict=True)]
        lines.append("| " + " | ".join(padded) + " |")
        if k == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def http_table(runs: Sequence[dict[str, Any]]) -> str:
    """One line per run: one process against the workers, in the same run."""
    lines = ["| run | 1 process req/s | workers req/s | ratio | p95 1 / workers (ms) "
             "| server CPU ms/req 1 / workers | load CPU ms/req | worker CPU (s) "
             "| others' cores 1 / workers |",
             "|---|---|---|---|---|---|---|---|---|"]
    for k, run in enumerate(runs, 1):
        h1, hn = run["http1"], run["httpn"]
        lines.append(
            f"| {k} | {_f(h1['requests_per_s'])} | {_f(hn['requests_per_s'])} "
            f"| {_x(hn['requests_per_s'], h1['requests_per_s'])} "
            f"| {_f(h1['p95_ms'])} / {_f(hn['p95_ms'])} "
            f"| {_f(h1['server_cpu_ms_per_request'])} / {_f(hn['server_cpu_ms_per_request'])} "
            f"| {_f(h1['load_cpu_ms_per_request'], 2)} / {_f(hn['load_cpu_ms_per_request'], 2)} "
            f"| {', '.join(_f(x, 2) for x in hn['worker_cpu_s'])} "
            f"| {_f(h1.get('others_cores'), 2)} / {_f(hn.get('others_cores'), 2)} |")
    return "\n".join(lines)


def http_only(workdir: Path, args: argparse.Namespace) -> int:
    """The HTTP part alone on a work dir kept by an earlier run (``--keep``): one process
    and the workers, interleaved, ``--http-runs`` times."""
    corpus, index = workdir / "corpus", workdir / "index"
    if not (index / "CURRENT").is_file():
        print(f"bench-real: no index in {index} (run once with --keep)", file=sys.stderr)
        return 2
    raws = read_articles(corpus)
    paths = speed.http_paths(make_queries(raws, args.queries, args.seed))
    del raws
    runs = []
    for k in range(args.http_runs):
        step(f"HTTP run {k + 1}: one process, then {args.workers} workers")
        runs.append({
            "http1": http_run(index, paths, workdir, 1, args.http_requests, args.concurrency),
            "httpn": http_run(index, paths, workdir, args.workers, args.http_requests,
                              args.concurrency),
            "loadavg": round(os.getloadavg()[0], 2)})
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "real-http.json"
    out.write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(http_table(runs))
    return 0


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, help="only the first N articles")
    parser.add_argument("--floor-articles", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--http-requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers to compare")
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--render", type=Path)
    parser.add_argument("--http-only", type=Path, metavar="WORKDIR",
                        help="only the HTTP load, on a work dir kept with --keep")
    parser.add_argument("--http-runs", type=int, default=3,
                        help="with --http-only: interleaved runs of both servers")
    args = parser.parse_args(argv)
    if args.render:
        print(table(json.loads(args.render.read_text(encoding="utf-8"))))
        return 0
    if args.http_only:
        return http_only(args.http_only, args)
    if not args.source.is_file():
        print(f"bench-real: {args.source} is missing. It is the shared real-news corpus "
              "(../shared/corpus-real/ beside the repository, measurement only); without it "
              "use `make bench` (synthetic articles).", file=sys.stderr)
        return 2
    name = f"real-{args.articles or 'all'}"
    workdir = args.workdir or BENCH / ".work" / name
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    corpus, index = workdir / "corpus", workdir / "index"
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    r: dict[str, Any] = {"workers": workers, "python": platform.python_version(),
                         "sqlite": sqlite3.sqlite_version, "started": time.strftime("%F %T"),
                         "loadavg_start": round(os.getloadavg()[0], 2)}
    try:
        source = args.source
        if args.articles:
            source = workdir / "sample.jsonl"
            sample_jsonl(args.source, source, args.articles)
        step(f"import {source.name}")
        r["import"] = run_import(source, corpus, workdir / "import.log")
        r["articles"] = n = r["import"]["files"]
        b: dict[str, Any] = {}
        step(f"full build of {n:,} articles")
        b["full"] = speed.run_index(corpus, index, True, workdir / "build-full.log")
        b["index_mb"] = speed.index_size(index) / MB

        floor_n = min(args.floor_articles, n)
        step(f"build vs pyvi floor on the first {floor_n:,}")
        floor_corpus, floor_index = workdir / "floor-corpus", workdir / "floor-index"
        floor_corpus.mkdir()
        for path in sorted(corpus.glob("*.txt"))[:floor_n]:
            shutil.copy2(path, floor_corpus / path.name)
        fl: dict[str, Any] = {"articles": floor_n}
        fl["build"] = speed.run_index(floor_corpus, floor_index, True, workdir / "floor.log")
        fl["model_load_s"] = speed.model_load_seconds()
        raws = read_articles(floor_corpus)
        fl["tokenize_s"] = speed.pooled(speed._pyvi_tokenize, [x.text for x in raws], workers)
        fl["floor_s"] = round(fl["model_load_s"] + fl["tokenize_s"], 3)
        fl["analyse_s"] = speed.pooled(analyse, raws, workers)
        fl["segment_s"] = speed.pooled(speed._segment_count, [x.text for x in raws], workers)
        b["floor"] = fl
        shutil.rmtree(floor_corpus)
        shutil.rmtree(floor_index)
        del raws

        step("rebuild, nothing changed")
        time.sleep(2.5)  # past the stat settle time of the files just imported
        speed.run_index(corpus, index, False, workdir / "build-settle.log")  # stats recorded
        b["nochange"] = speed.run_index(corpus, index, False, workdir / "build-nochange.log")

        all_raws = read_articles(corpus)
        docs = [(x.id, *(x.text.split("\n", 1) + [""])[:2]) for x in all_raws]
        query_list = make_queries(all_raws, args.queries, args.seed)
        del all_raws
        step("SQLite FTS5 and tantivy-py: builds")
        fts = Fts5(workdir / "fts5.db")
        r["fts5"] = {"build_s": fts.build_from(docs),
                     "db_mb": round(fts.path.stat().st_size / MB, 1)}
        runs = {"fts5": fts.search}
        try:
            tv = Tantivy(workdir / "tantivy")
            r["tantivy"] = {"build_s": tv.build(docs), "index_mb": folder_mb(tv.path)}
            runs["tantivy"] = tv.search
        except ImportError:
            r["tantivy"] = None
            step("tantivy-py is not installed (make install installs it): no tantivy column")
        step(f"{len(query_list)} queries through each, interleaved")
        timed = speed.ours(index, query_list, args.repeat, runs)
        r["queries"] = timed["ours"]
        r["fts5"].update(timed["fts5"])
        if r["tantivy"] is not None:
            r["tantivy"].update(timed["tantivy"])
        fts.close()
        del docs

        paths = speed.http_paths(query_list)
        step("HTTP, one process (waitress)")
        r["http1"] = http_run(index, paths, workdir, 1, args.http_requests, args.concurrency)
        step(f"HTTP, {args.workers} worker processes (gunicorn)")
        r["httpn"] = http_run(index, paths, workdir, args.workers, args.http_requests,
                              args.concurrency)

        b["changed_articles"] = change_some(corpus, 0.01, args.seed)
        step(f"rebuild, {b['changed_articles']} articles changed")
        b["changed"] = speed.run_index(corpus, index, False, workdir / "build-changed.log")
        b["after_mb"] = folder_mb(index)
        b["generations"] = len(list(index.glob("gen-*")))
        after = SearchService(index)
        b["after_update_p95_ms"] = round(percentile(
            [after.search(speed._request(x)).took_ms for x in query_list[:50]], 95), 1)
        b["index_mb"] = round(b["index_mb"], 1)
        r["build"] = b
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    r["loadavg_end"] = round(os.getloadavg()[0], 2)
    r["total_s"] = round(time.perf_counter() - started, 1)
    r["table"] = table(r)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps(r, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(r["table"])
    print(f"\n{n:,} articles, {r['total_s']:.0f} s in all (written to "
          f"{out.relative_to(REPO)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
