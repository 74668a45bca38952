from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import browser  # noqa: F401 - a fixture, registered by import
from tests.gitrepo import GitRepo
from tests.sites import demo_site_dir, renamed_site_dir, sample_site_dir  # noqa: F401 - fixtures

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")
