"""The same commit gives a byte-identical site, whatever the timezone, locale or file creation order."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_diffs_made_in_worker_processes_give_the_one_process_site(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers (forced to start on a small charter) make the site one process makes, byte for byte,
    with no cache and with one; what they cache serves a one-process build the same."""
    import dataclasses
    import datetime as dt

    from generator.compose import compose
    from generator.diffs import consecutive
    from tests.test_pipeline import settings_for

    project = project_in_order(tmp_path / "p", list(AGREEMENTS))
    repo = GitRepo(project)
    for number in range(3):
        repo.commit(f"Amend seeds {number}", f"2025-0{number + 4}-01T09:00:00Z", **{
            "agreements__food__seeds.md": agreement("Seed Exchange", amends="[water]",
                                                    body=f"## Seeds\n\nGifts {number}, [[water#shares]].\n")})
    started: list[int] = []
    real = consecutive._parallel

    def spied(*args: object, **options: object) -> object:
        started.append(len(args[1]))  # type: ignore[arg-type]
        return real(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(consecutive, "PARALLEL_TEXT", 0)
    # Earlier tests in this process (the browser's) leave threads behind, which a build would not fork
    # beside; the work forked here takes no lock those threads hold.
    monkeypatch.setattr(consecutive, "can_fork", lambda: True)
    monkeypatch.setattr(consecutive, "_parallel", spied)
    settings = settings_for(project)

    def site(workers: int, cache: Path | None) -> object:
        output = compose(dataclasses.replace(settings, workers=workers, cache_dir=cache),
                         fallback_as_of=dt.date(2030, 1, 1))
        assert output.site is not None, output.load.problems
        return output.site

    alone = site(1, None)
    assert started == []
    assert site(2, None) == alone and started == [3]
    assert site(2, tmp_path / "cache") == alone and started == [3, 3]
    assert site(1, tmp_path / "cache") == alone
    assert site(2, tmp_path / "cache") == alone and started == [3, 3], "all cached: nothing to start"
