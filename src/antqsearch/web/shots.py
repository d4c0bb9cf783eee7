"""The site on a free local port (in a thread), and its screenshot tour in headless Chromium.

Used by ``scripts/screenshots.py`` (docs/screenshots/) and by the browser tests, which take
the same tour: every page at 1366×900 and 390×844. Chromium is the system's, never a
downloaded one; playwright is imported only when a tour is taken.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus
from urllib.request import urlopen

from .app import create_app

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--lang=vi",
]


def chromium_env() -> dict[str, str | float | bool]:
    """Chromium's environment: a Vietnamese UI, so date inputs read dd/mm/yyyy as a Vietnamese
    reader's browser shows them (needs Debian's chromium-l10n, installed by `make chromium`)."""
    return {**os.environ, "LANGUAGE": "vi"}


DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
QUERY = "an ninh trật tự"


@contextmanager
def serve(index_dir: Path) -> Iterator[str]:
    """The app on a free local port, in a thread; yields its base URL."""
    import waitress
    from waitress import wasyncore

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


def take(base: str, out: Path, chromium: str, browser: Any = None,
         prefix: str = "") -> list[Path]:
    """Open the pages and write the PNGs (with ``browser`` if given); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    with urlopen(f"{base}/?q={quote_plus(QUERY)}") as response:  # the first query loads pyvi
        response.read()
    if browser is not None:
        return _shoot(browser, base, out, prefix)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, env=chromium_env()
        )
        try:
            return _shoot(browser, base, out, prefix)
        finally:
            browser.close()


# name, viewport, address, what to do before the shot
SHOTS = (
    ("home-desktop.png", DESKTOP, "/", None),
    ("search-desktop.png", DESKTOP, "/?q=" + quote_plus(QUERY), None),
    ("search-phone.png", PHONE, "/?q=" + quote_plus(QUERY), None),
    ("filters-phone.png", PHONE, "/?q=" + quote_plus(QUERY), "drawer"),
    ("dates-desktop.png", DESKTOP, "/?q=" + quote_plus(QUERY) + "&from=2023-01-01", None),
    ("suggest-desktop.png", DESKTOP, "/", "suggest"),
    ("article-desktop.png", DESKTOP, "/?q=" + quote_plus(QUERY), "open"),
    ("article-phone.png", PHONE, "/?q=" + quote_plus(QUERY), "open"),
    ("empty-results.png", DESKTOP, "/?q=blockchain&province=" + quote_plus("Thanh Hóa"),
     None),
    ("help-phone.png", PHONE, "/tro-giup", None),
)


def _act(page: Any, action: str | None) -> None:
    if action == "open":
        page.locator(".hit__title a").first.click()
        page.wait_for_load_state()
    elif action == "drawer":
        page.locator(".filters__toggle").click()
        option = page.locator(".facet--province_2025 .facet__option, .facet--province "
                              ".facet__option").first
        option.click()
        page.locator("[data-apply][data-count-for]").wait_for()
    elif action == "suggest":
        page.locator("#q").press_sequentially("thanh", delay=40)
        page.locator("#q-suggestions[data-for]").wait_for()


def _shoot(browser: Any, base: str, out: Path, prefix: str = "") -> list[Path]:
    written = []
    for name, viewport, url, action in SHOTS:
        context = browser.new_context(
            viewport=viewport,
            device_scale_factor=1,
            is_mobile=viewport is PHONE,
            has_touch=viewport is PHONE,
            locale="vi-VN",
        )
        page = context.new_page()
        page.goto(base + url)
        _act(page, action)
        page.screenshot(path=str(out / (prefix + name)))
        written.append(out / (prefix + name))
        context.close()
    return written
