"""The same commit gives a byte-identical site, whatever the timezone, locale or file creation order."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

from tests.gitrepo import GitRepo
from tests.project import agreement, write_project

AGREEMENTS = {
    "water.md": agreement("Water Accord", themes="[nature-diversity]", review_by="2026-01-01",
                          body="## Shares\n\nBy season.\n"),
    "food/seeds.md": agreement("Seed Exchange", amends="[water]", body="## Seeds\n\nGifts, [[water#shares]].\n"),
    "zeta.md": agreement("Zeta Practice", form="practised", status="proposed"),
}
AMENDED_WATER = agreement("Water Accord", themes="[nature-diversity]", review_by="2027-01-01",
                          body="## Shares\n\nBy season and by need.\n")


def project_in_order(root: Path, names: list[str]) -> Path:
    """Write the files in the given order, then commit the same history with the same dates."""
    write_project(root, {name: AGREEMENTS[name] for name in names})
    repo = GitRepo(root)
    repo.commit("Propose the charter", date="2024-03-01T09:00:00+02:00")
    repo.commit("Renew the water accord", date="2025-03-01T09:00:00-05:00", **{"agreements__water.md": AMENDED_WATER})
    return root


def build(project: Path, **environment: str) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **environment}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return project / "site"


def differences(left: Path, right: Path) -> list[str]:
    found: list[str] = []
    comparison = filecmp.dircmp(left, right)
    found += [f"only in one: {name}" for name in comparison.left_only + comparison.right_only]
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    found += [str(left / name) for name in mismatch + errors]
    for name in comparison.common_dirs:
        found += differences(left / name, right / name)
    return found


def test_two_builds_of_one_commit_are_byte_identical(tmp_path: Path) -> None:
    names = list(AGREEMENTS)
    first = project_in_order(tmp_path / "a", names)
    second = project_in_order(tmp_path / "b", list(reversed(names)))
    assert GitRepo(first).git("rev-parse", "HEAD") == GitRepo(second).git("rev-parse", "HEAD")
    left = build(first, TZ="UTC", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    right = build(second, TZ="Pacific/Kiritimati", LANG="de_DE.UTF-8", LC_ALL="de_DE.UTF-8")
    assert differences(left, right) == []
    assert len(list(left.rglob("*.html"))) > 10


def test_the_as_of_date_is_the_newest_commit_unless_source_date_epoch_says_otherwise(tmp_path: Path) -> None:
    project = project_in_order(tmp_path / "p", list(AGREEMENTS))
    water = build(project) / "agreements" / "water" / "index.html"
    assert "charter-flag--overdue" not in water.read_text(encoding="utf-8")  # review 2027 > commit 2025
    later = str(int(1893456000))  # 2030-01-01
    water = build(project, SOURCE_DATE_EPOCH=later) / "agreements" / "water" / "index.html"
    assert "charter-flag--overdue" in water.read_text(encoding="utf-8")
