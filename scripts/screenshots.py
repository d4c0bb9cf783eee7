"""Take the screenshots of docs/screenshots/ with headless Chromium (never downloaded).

    python scripts/screenshots.py [--index DIR | --corpus DIR] [--out docs/screenshots]
                                  [--chromium /usr/bin/chromium]

Without ``--index`` the articles of ``--corpus`` (default ``corpus/``) are indexed into a
temporary folder first. The site is served by waitress on a free local port.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus
from urllib.request import urlopen

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
QUERY = "an ninh trật tự"


@contextmanager
def serve(index_dir: Path) -> Iterator[str]:
    """The app on a free local port, in a thread; yields its base URL."""
    import waitress
    from waitress import wasyncore

    from antqsearch.web import create_app

    server = waitress.create_server(
        create_app({"INDEX_DIR": str(index_dir)}), host="127.0.0.1", port=0, threads=4
    )
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except Exception:
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)
        thread.join(timeout=5)


def take(base: str, out: Path, chromium: str, browser: Any = None) -> list[Path]:
    """Open the pages and write the PNGs (with ``browser`` if given); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    with urlopen(f"{base}/?q={quote_plus(QUERY)}") as response:  # the first query loads pyvi
        response.read()
    if browser is not None:
        return _shoot(browser, base, out)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            return _shoot(browser, base, out)
        finally:
            browser.close()


def _shoot(browser: Any, base: str, out: Path) -> list[Path]:
    search = f"{base}/?q={quote_plus(QUERY)}"
    shots = [
        ("search-desktop.png", DESKTOP, search, False),
        ("search-phone.png", PHONE, search, False),
        ("article-desktop.png", DESKTOP, search, True),
        ("article-phone.png", PHONE, search, True),
        (
            "empty-results.png",
            DESKTOP,
            f"{base}/?q=camra&province={quote_plus('Thanh Hóa')}",
            False,
        ),
    ]
    written = []
    for name, viewport, url, open_first in shots:
        context = browser.new_context(
            viewport=viewport,
            device_scale_factor=1,
            is_mobile=viewport is PHONE,
            has_touch=viewport is PHONE,
        )
        page = context.new_page()
        page.goto(url)
        if open_first:
            page.locator(".hit__title a").first.click()
            page.wait_for_load_state()
        page.screenshot(path=str(out / name))
        written.append(out / name)
        context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an existing index folder")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="antq-shots-") as tmp:
        index_dir = args.index
        if index_dir is None:
            from antqsearch.indexer import build_index

            index_dir = Path(tmp) / "index"
            build_index(args.corpus, index_dir)
        with serve(index_dir) as base:
            for path in take(base, args.out, args.chromium):
                print(path)


if __name__ == "__main__":
    main()
