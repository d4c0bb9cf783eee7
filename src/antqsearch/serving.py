"""``antqsearch serve``: warm before ready, one waitress process or N gunicorn workers.

Warm-up (:func:`warm_app`) opens the index, loads pyvi, runs every kind of search, renders
the search, article and API pages once (Jinja compiles its templates on first use) and reads
the index files through the page cache. Until it is done ``/healthz`` answers 503, so that a
load balancer (or the benchmark) sends no reader to a cold server; then the first search is
as fast as the next ones.

With ``--workers N`` (N > 1, Linux), gunicorn pre-loads the app (pyvi's model and the
templates are loaded once, shared by the workers after the fork) and each worker opens its
own copy of the index before it accepts a request: Whoosh reads the index with seek + read
on open files, which worker processes must not share. At start, a warm worker waits for
the others (:class:`AllWarm`) before it accepts: a kept-alive connection stays with the
worker that accepted it, so the first worker ready would otherwise take every client that
connects while the others warm, and keep them (measured: one worker 15.5 s of CPU under
load, the other 0.2 s; no faster than one process). Every process watches ``CURRENT``
and swaps in a new generation, opened and warmed in the background, without a restart.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
import time
from typing import Any
from urllib.parse import quote

from flask import Flask

from .search import SearchService
from .segment import SegmenterUnavailable, load_segmenter
from .settings import WATCH_SECONDS
from .store import IndexNotReady

# app.extensions keys: the app's SearchService, and the event set once it is warm.
SERVICE = "antqsearch"
READY = "antqsearch.ready"
# How long a warm worker waits for the other workers at start (then it accepts anyway:
# a worker that cannot warm must not keep the site down).
ALL_WARM_SECONDS = 120.0
log = logging.getLogger(__name__)


class AllWarm:
    """A count of warm workers shared by the processes forked after it is made: each worker
    arrives once warm and waits until every worker has (a worker restarted later finds the
    count reached and does not wait)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.count = multiprocessing.get_context("fork").Value("i", 0)

    def arrive_and_wait(self, timeout: float = ALL_WARM_SECONDS) -> bool:
        """Count this worker warm; wait for the others. False when the wait timed out."""
        with self.count.get_lock():
            self.count.value += 1
        deadline = time.monotonic() + timeout
        while self.count.value < self.workers:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True


def service_of(app: Flask) -> SearchService:
    service: SearchService = app.extensions[SERVICE]
    return service


def render_pages(app: Flask, article_id: str | None) -> None:
    """Every page kind once through the app (templates compiled, caches filled)."""
    client = app.test_client()
    paths = ["/", "/?q=an+ninh+tr%E1%BA%ADt+t%E1%BB%B1", "/api/search?q=cong+an&sort=date",
             "/healthz", "/khong-co-trang-nay"]
    if article_id is not None:
        paths += [f"/article/{quote(article_id)}?q=an+ninh", f"/api/article/{quote(article_id)}"]
    for path in paths:
        client.get(path)


def warm_app(app: Flask) -> None:
    """Warm the app's service and pages, then mark the app ready (``/healthz`` 200)."""
    ready: threading.Event = app.extensions.setdefault(READY, threading.Event())
    try:
        article_id = service_of(app).warm_up()
        render_pages(app, article_id)
    # No index yet: /healthz says so, the first build fixes it. No pyvi: searches answer
    # 503 until it is reinstalled.
    except (IndexNotReady, SegmenterUnavailable) as exc:
        print(f"Cảnh báo: {exc}", file=sys.stderr, flush=True)
    finally:
        ready.set()


def watch_app(app: Flask) -> None:
    """Swap in new generations in the background, warming each (pages included)."""
    service_of(app).watch(WATCH_SECONDS.default, warm=lambda first: render_pages(app, first))


def not_ready(app: Flask) -> threading.Event:
    """Mark an app as not ready until :func:`warm_app` has run."""
    event = threading.Event()
    app.extensions[READY] = event
    return event


def serve_waitress(app: Flask, host: str, port: int, threads: int, **limits: Any) -> None:
    """One process: listen at once (``/healthz`` 503), warm in a background thread."""
    from waitress import serve as waitress_serve

    not_ready(app)

    def warm() -> None:
        warm_app(app)
        watch_app(app)

    threading.Thread(target=warm, name="antqsearch-warm", daemon=True).start()
    waitress_serve(app, host=host, port=port, threads=threads, ident="antqsearch",
                   expose_tracebacks=False, **limits)


def serve_gunicorn(app: Flask, host: str, port: int, workers: int, threads: int,
                   max_header_bytes: int) -> None:
    """N worker processes over the read-only index (gunicorn, pre-loaded app)."""
    from gunicorn.app.base import BaseApplication

    load_segmenter()  # loaded once in the master, shared by the workers after the fork
    render_pages_templates(app)
    all_warm = AllWarm(workers)

    def post_worker_init(worker: Any) -> None:
        warm_app(app)  # this worker's own index files, before it accepts
        watch_app(app)
        if not all_warm.arrive_and_wait():
            log.warning("worker %s accepts before the other workers are warm", worker.pid)

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "timeout": 300,  # a worker warms before its first heartbeat
        "graceful_timeout": 10,
        "limit_request_line": 8190,
        "limit_request_field_size": min(max_header_bytes, 65536),
        "post_worker_init": post_worker_init,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "antqsearch",
    }

    class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    not_ready(app)
    Server().run()


def render_pages_templates(app: Flask) -> None:
    """Compile every template in the master (no index opened: workers must not share its
    open files)."""
    for name in app.jinja_env.list_templates():
        if name.endswith(".html"):
            app.jinja_env.get_template(name)
