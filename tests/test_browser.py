"""End to end in headless Chromium (the system's /usr/bin/chromium, never downloaded)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SON_LU_ID = "000_ae1a3d5dfa8173e5"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install chromium)"
    ),
]
pytest_plugins = ["webfixtures"]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def browser(screenshots: Any) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=screenshots.CHROMIUM_ARGS,
            env=screenshots.chromium_env(),
        )
        yield chromium
        chromium.close()


class Console:
    """Console errors and uncaught exceptions of a page (CSP violations show up here)."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", self._message)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _message(self, message: Any) -> None:
        if message.type in ("error", "warning") and "Content-Security-Policy" in message.text:
            self.errors.append(message.text)
        elif message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Console]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    console = Console(tab)
    yield tab, console
    context.close()


def test_search_filter_open_article(web_server: str, page: tuple[Any, Console]) -> None:
    tab, console = page
    expect = sync_api.expect
    tab.goto(web_server + "/")
    box = tab.locator("#q")
    expect(box).to_be_focused()
    box.fill("an ninh trật tự")
    box.press("Enter")
    tab.wait_for_url(re.compile(r"\?q=an\+ninh"))
    expect(tab.locator(".hit").first).to_be_visible()
    expect(tab.locator(".hit mark").first).to_be_visible()
    expect(tab.locator("#results-summary")).to_contain_text("kết quả")
    expect(tab.locator(".filters button.js-hide")).to_be_hidden()

    everything = tab.locator(".hit").count()
    option = tab.locator(".facet--province .facet__option").first
    province = option.locator(".facet__value").inner_text()
    count = int(option.locator(".facet__count").inner_text())
    with tab.expect_navigation():
        option.locator("input").check()
    assert "province=" in tab.url
    expect(tab.locator(".hit")).to_have_count(count)
    assert count <= everything
    for meta in tab.locator(".hit__meta").all_inner_texts():
        assert province in meta
    expect(tab.locator(".chip").first).to_contain_text(province)

    with tab.expect_navigation():
        tab.locator("label[for=sort-date]").click()
    assert "sort=date" in tab.url and "province=" in tab.url

    tab.locator(".hit__title a").first.click()
    tab.wait_for_url(re.compile(r"/article/"))
    expect(tab.locator(".article__body mark").first).to_be_visible()
    expect(tab.locator(".related__title")).to_have_text("Bài liên quan")
    tab.locator(".back-link").click()
    tab.wait_for_url(re.compile(r"province="))
    assert "q=an+ninh" in tab.url
    assert console.errors == []


def test_unaccented_name_and_slash_shortcut(web_server: str, page: tuple[Any, Console]) -> None:
    tab, console = page
    tab.goto(f"{web_server}/article/{SON_LU_ID}")
    tab.locator("body").click(position={"x": 5, "y": 500})
    tab.keyboard.press("/")
    sync_api.expect(tab.locator("#q")).to_be_focused()
    tab.keyboard.type("nguyen van thi")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"q=nguyen"))
    first = tab.locator(".hit__title a").first
    assert f"/article/{SON_LU_ID}?" in (first.get_attribute("href") or "")
    assert "Sơn Lư" in first.inner_text()
    assert console.errors == []


def test_phone_layout_has_no_horizontal_scroll(web_server: str, browser: Any) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    console = Console(tab)
    for url in (
        "/?q=an+ninh+tr%E1%BA%ADt+t%E1%BB%B1",
        f"/article/{SON_LU_ID}?q=an+ninh",
        "/?q=camra&province=Thanh+H%C3%B3a",
    ):
        tab.goto(web_server + url)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 375, url
    tab.goto(web_server + "/?q=an+ninh")
    filters = tab.locator("details.filters")
    assert filters.get_attribute("open") is None  # collapsed on phones
    tab.locator(".filters__toggle").click()
    sync_api.expect(tab.locator(".facet--province")).to_be_visible()
    context.close()
    assert console.errors == []


def test_works_without_javascript(web_server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(web_server + "/?q=an+ninh")
    tab.locator(".facet--province input").first.check()
    with tab.expect_navigation():
        tab.locator(".filters button[type=submit]").click()
    assert "province=" in tab.url
    context.close()


def test_screenshot_script_runs(
    web_server: str, browser: Any, tmp_path: Path, screenshots: Any
) -> None:
    written = screenshots.take(web_server, tmp_path, str(CHROMIUM), browser=browser)
    assert [p.name for p in written] == [name for name, *_ in screenshots.SHOTS]
    assert len(written) >= 8
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in written)
