"""Progress on a terminal, nothing of it elsewhere, and the build's one-line summary in every log."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.project import agreement, write_project

SUMMARY = re.compile(r"charter: (\d+) pages written \((\d+) versions of (\d+) agreements\) in \d+\.\d s")


def on_a_terminal(command: list[str], cwd: Path) -> str:
    """Run `command` with its standard streams on a pseudo-terminal, as a person at a shell would."""
    leader, follower = pty.openpty()
    environment = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen(command, cwd=cwd, stdin=follower, stdout=follower, stderr=follower, env=environment)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")


def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", {f"a{n}.md": agreement(f"A{n}") for n in range(5)})


def test_a_build_on_a_terminal_shows_its_progress_and_then_the_summary(tmp_path: Path) -> None:
    root = project(tmp_path)
    shown = on_a_terminal([sys.executable, "-m", "generator.cli", "build", "--no-history"], root)
    assert "Writing pages" in shown
    assert "\x1b[" in shown  # drawn and redrawn in place
    summary = SUMMARY.search(shown)
    assert summary is not None and summary.group(2, 3) == ("0", "5")


def test_a_build_in_a_log_has_no_progress_only_the_summary(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--no-history"], cwd=root,
                            capture_output=True, text=True, check=True)
    assert "Writing pages" not in result.stderr and "\x1b[" not in result.stderr
    summary = SUMMARY.search(result.stderr)
    assert summary is not None
    assert int(summary.group(1)) == len(list((root / "site").rglob("index.html")))  # the theme writes 404.html


def test_a_check_on_a_terminal_counts_the_files_and_prints_the_same_result(tmp_path: Path) -> None:
    root = project(tmp_path)
    shown = on_a_terminal([sys.executable, "-m", "generator.cli", "check"], root)
    assert "Checking agreements" in shown
    assert shown.rstrip().endswith("0 errors, 0 warnings, 0 notices in 7 files checked")
    plain = subprocess.run([sys.executable, "-m", "generator.cli", "check"], cwd=root, capture_output=True,
                           text=True, check=True)
    assert (plain.stdout, plain.stderr) == ("0 errors, 0 warnings, 0 notices in 7 files checked\n", "")


def test_the_display_on_a_terminal_runs_no_thread_so_a_build_there_still_forks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.diffs.consecutive import can_fork
    from generator.engine.progress import BuildReport

    monkeypatch.setenv("FORCE_COLOR", "1")  # rich takes standard error for a terminal
    monkeypatch.setenv("TERM", "xterm")
    started = threading.active_count()
    report = BuildReport()
    assert not report.display.disable, "the display is drawn, as on a terminal"
    with report.composing():
        assert threading.active_count() == started
        report.start_writing(3, 0, 1)
        for _ in range(3):
            report.page_written()
        assert threading.active_count() == started
        assert can_fork() == (started == 1)
    report.finish()
