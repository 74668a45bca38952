"""Whole sites built once per test session: the sample charter and a 40-agreement demo.

Several test modules read every page of them (ids, links, the browser's comparison), and a demo
build takes seconds, so each is built once; `mkdocs_build` is the one way tests run a real build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project import REPO_ROOT

DEMO_SEED, DEMO_AGREEMENTS = 1, 40


def mkdocs_build(cwd: Path, *args: str) -> None:
    """`mkdocs build --strict` as a maintainer runs it, with a fixed date so pages are reproducible."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="session")
def sample_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("sample-site")
    mkdocs_build(REPO_ROOT, "-f", str(REPO_ROOT / "mkdocs.yml"), "-d", str(site))
    return site


@pytest.fixture(scope="session")
def demo_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`charter demo DIR --agreements 40`, built with this checkout's templates."""
    from generator.demo import theme_files, write_demo

    project = tmp_path_factory.mktemp("demo-40") / "charter"
    write_demo(project, seed=DEMO_SEED, agreements=DEMO_AGREEMENTS,
               theme_files=theme_files(REPO_ROOT / "site_overrides"))
    mkdocs_build(project)
    return project / "site"


@pytest.fixture(scope="session")
def renamed_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small charter whose agreement was renamed (and so re-addressed): its site holds redirect pages."""
    from tests.test_renames import renamed_project

    repo = renamed_project(tmp_path_factory.mktemp("renamed-site") / "charter")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=repo.root, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr  # not --strict: a link by a former id is a warning
    return repo.root / "site"
