"""The package ships py.typed, so its types are a promise to users: mypy --strict must pass."""

from __future__ import annotations

import subprocess
import sys

from tests.project import REPO_ROOT


def test_the_package_is_mypy_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "generator"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (REPO_ROOT / "generator" / "py.typed").is_file()
