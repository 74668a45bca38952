"""`mkdocs serve` rebuilds when an agreement changes, though agreements live outside docs_dir."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.project import agreement, write_project

DEADLINE_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, text: str) -> bool:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8"):
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    return False


def test_serve_reloads_when_an_agreement_changes(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"water.md": agreement("Water Accord")})
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}/agreements/water/"
    try:
        assert wait_for(url, "Water Accord"), "the first build was never served"
        (project / "agreements" / "water.md").write_text(agreement("Water Accord, Renewed"), encoding="utf-8")
        assert wait_for(url, "Water Accord, Renewed"), "the change to the agreement was not rebuilt"
    finally:
        server.terminate()
        server.wait(timeout=30)
