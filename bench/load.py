"""A bounded HTTP load generator, run as its own process (127.0.0.1 only).

    python bench/load.py --url http://127.0.0.1:8123 --paths paths.txt \
        --requests 1000 --concurrency 8 [--timeout 10] [--max-seconds 120]

C threads, each with one keep-alive connection, send N GET requests in total, cycling over
the paths (one per line). Prints one JSON object: requests/s, latency percentiles, status
counts and errors.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlsplit


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def run(host: str, port: int, paths: Sequence[str], requests: int, concurrency: int,
        timeout: float, max_seconds: float) -> dict[str, object]:
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        connection: http.client.HTTPConnection | None = None
        while time.monotonic() < deadline:
            with lock:
                number = next(counter)
            if number >= requests:
                break
            path = paths[number % len(paths)]
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, port, timeout=timeout)
                connection.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed * 1000)
                    statuses[str(response.status)] += 1
                    if response.status != 200:
                        errors[f"HTTP {response.status}"] += 1
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors[type(exc).__name__] += 1
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + timeout + 5)
    wall = time.perf_counter() - started
    done = len(latencies)
    return {
        "requests": done + sum(e for k, e in errors.items() if not k.startswith("HTTP")),
        "concurrency": concurrency,
        "seconds": round(wall, 3),
        "requests_per_s": round(done / wall, 1) if wall else 0.0,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
        "statuses": dict(statuses),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "timed_out": time.monotonic() >= deadline,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--paths", required=True, help="file with one path per line")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--max-seconds", type=float, default=180.0)
    args = parser.parse_args(argv)
    url = urlsplit(args.url)
    if url.hostname not in ("127.0.0.1", "localhost", "::1") or url.scheme != "http":
        parser.error("only http://127.0.0.1 is allowed")
    with open(args.paths, encoding="utf-8") as handle:
        paths = [line.strip() for line in handle if line.strip()]
    if not paths:
        parser.error("no paths")
    result = run(url.hostname, url.port or 80, paths, args.requests, args.concurrency,
                 args.timeout, args.max_seconds)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
