"""Pages in headless Chromium through playwright (Debian's `chromium`, no browser download), fully offline.

`look(path, width)` opens a local page at a viewport width and reports what a reader's browser would: how wide the
page is, what the console said, and every request that was not for a local file (each one is also aborted, so
nothing can leave the machine even if a page tried).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser import find_chromium


@dataclass
class Look:
    """What one page did at one width."""

    width: int
    scroll_width: int
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    screenshot: Path | None = None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium driven by playwright; skipped without Chromium, except under CI, where that fails."""
    found = find_chromium()
    if found is None:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail("chromium is missing but CI must run the browser tests: apt-get install -y chromium")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=found, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield launched
        finally:
            launched.close()


def look(browser: Any, path: Path, width: int, screenshot: Path | None = None) -> Look:
    """Open `path` at `width` px; return its scroll width, console messages and non-local requests."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    found = Look(width, 0, screenshot=screenshot)
    page.on("console", lambda message: found.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: found.console.append(f"pageerror: {error}"))

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:", "about:")):
            request_route.continue_()
        else:
            found.requests.append(url)
            request_route.abort()

    page.route("**/*", route)
    try:
        page.goto(path.as_uri(), wait_until="load")
        found.scroll_width = int(page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"))
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        page.close()
    return found
