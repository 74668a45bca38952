"""Browser tests' helpers: a built site served on 127.0.0.1, and one Chromium per session.

Chromium and Playwright are optional: without them browser tests skip, unless
CHARTER_REQUIRE_BROWSER=1 (as in CI), when their absence is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

HOST = "127.0.0.1"
SCREENSHOTS = Path(__file__).resolve().parent.parent / ".screenshots"
"""Where browser tests leave pictures of what they saw, for a person to look at (git-ignored)."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served_site(path: Path) -> Iterator[str]:
    """Serve `path` over HTTP on 127.0.0.1 and a free port; yields the base URL, ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(path))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="served-site", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CHARTER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CHARTER_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (the system one: Playwright's downloaded browsers are never used)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _unavailable("no chromium executable on PATH")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class PageWatch:
    """What went wrong while a page was open: console errors, failed and off-site requests."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.console_errors, *self.failed_requests, *self.foreign_requests]


@contextmanager
def watched_page(browser: Any) -> Iterator[tuple[Any, PageWatch]]:
    """A fresh page plus a record of its console errors, page errors and stray requests."""
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch()

    def on_console(message: Any) -> None:
        if message.type == "error":
            watch.console_errors.append(f"console: {message.text}")

    def on_request(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname != HOST:
            watch.foreign_requests.append(f"off-site: {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.console_errors.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: watch.failed_requests.append(
        f"failed: {request.url} ({request.failure})"))
    page.on("request", on_request)
    try:
        yield page, watch
    finally:
        context.close()


def screenshot(target: Any, name: str) -> Path:
    """A picture of a page or an element, in SCREENSHOTS, named for what it shows."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path
