"""Headless Chromium for tests, offline: a `chromium` fixture and helpers that load a local page and read what it did.

No browser-automation package is used: Chromium runs once per page with `--dump-dom` or `--screenshot`, logs its
console to stderr (`--enable-logging=stderr`, lines tagged `CONSOLE`) and its network activity to a NetLog JSON file.
All traffic is sent to a dead loopback proxy and every host name fails to resolve, so nothing leaves the machine
even if something tried.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TIMEOUT = 90
ALLOWED_SCHEMES = ("file:", "data:", "about:", "chrome:", "chrome-error:", "chrome-untrusted:", "devtools:")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """Return the Chromium binary (Debian's `chromium` package), or None."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture
def chromium() -> str:
    """The Chromium binary; the test is skipped without it, except under CI (env CI set), where that fails."""
    found = find_chromium()
    if found:
        return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail("chromium is missing but CI must run the browser tests: apt-get install -y chromium")
    pytest.skip("chromium is not installed (apt-get install -y chromium); the browser tests need it")


@dataclass
class PageRun:
    """What one headless Chromium run printed and logged."""

    returncode: int
    stdout: str
    stderr: str
    netlog: dict[str, Any]


def run_page(binary: str, page: Path, workdir: Path, *extra: str) -> PageRun:
    """Load a local page once in headless Chromium with a fresh profile; `extra` adds e.g. --dump-dom."""
    workdir.mkdir(parents=True, exist_ok=True)
    netlog = workdir / "net.json"
    command = [binary, *FLAGS, f"--user-data-dir={workdir / 'profile'}", f"--log-net-log={netlog}", *extra, page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    return PageRun(done.returncode, done.stdout, done.stderr, load_netlog(netlog))


def load_netlog(path: Path) -> dict[str, Any]:
    """Return a NetLog file as JSON, closing it first if Chromium stopped before writing its end."""
    if not path.exists():
        return {"events": []}
    text = path.read_text(encoding="utf-8", errors="replace").rstrip()
    try:
        loaded: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError:
        loaded = json.loads(text.rstrip(",") + "]}")
    return loaded


def console_lines(stderr: str) -> list[str]:
    """Return the page's console messages and uncaught errors from Chromium's stderr log."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def _event_type(netlog: dict[str, Any], name: str) -> int | None:
    types: dict[str, int] = netlog.get("constants", {}).get("logEventTypes", {})
    return types.get(name)


def page_requests(netlog: dict[str, Any]) -> list[str]:
    """Return every URL the page asked for (anything but file:, data:, about:, chrome:), from the NetLog.

    Every fetch a page causes (an image, a style sheet, a script's fetch, a navigation) starts a URL request whose
    initiator is the page's origin ("null" for a file:// page). Requests Chromium makes for itself (update checks,
    network time, account and search features) start with the initiator "not an origin", and its preconnects to the
    default search engine start no URL request at all; neither is something the page did.
    """
    start = _event_type(netlog, "URL_REQUEST_START_JOB")
    urls = set()
    for event in netlog.get("events", []):
        params = event.get("params") or {}
        if event.get("type") == start and params.get("initiator") != "not an origin" and "url" in params:
            urls.add(str(params["url"]))
    return sorted(u for u in urls if not u.startswith(ALLOWED_SCHEMES))
