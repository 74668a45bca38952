"""Consent warnings that history keeps for good, acknowledged in mkdocs.yml so a strict build passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import BASE_ENV, GitRepo
from tests.project import agreement, mkdocs_yml, write_project
from tests.sites import mkdocs_build

TYPO = "valley-farmer"


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def with_acknowledged(*entries: str) -> str:
    """The test project's mkdocs.yml with `consent_acknowledged` under the charter plugin."""
    option = f"      consent_acknowledged: {json.dumps(list(entries))}\n"
    return mkdocs_yml().replace("      templates_dir: ", f"{option}      templates_dir: ")


def strict_build(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def typo_commits(tmp_path: Path) -> tuple[GitRepo, str, str]:
    """A commit whose trailer names a party no registry knows, and a later one naming a version not there."""
    repo = GitRepo(tmp_path / "repo")
    write_project(repo.root, {"water.md": agreement("Water")})
    typo = repo.commit("Adopt water", "2021-01-01T10:00:00Z", trailers=(f"Consented-by: {TYPO}",))
    stray = repo.commit("Consent", "2021-01-02T10:00:00Z",
                        trailers=("Consent-to: water v9", "Consented-by: river-collective"))
    return repo, typo, stray


def test_an_unknown_party_fails_a_strict_build_until_its_commit_is_acknowledged(
        typo_commits: tuple[GitRepo, str, str]) -> None:
    repo, typo, stray = typo_commits
    failed = strict_build(repo.root)
    assert failed.returncode != 0
    assert f"warning[consent-party-unknown]: commit {typo[:12]}" in failed.stderr
    assert f"warning[consent-target-unknown]: commit {stray[:12]}" in failed.stderr

    (repo.root / "mkdocs.yml").write_text(with_acknowledged(f"{typo[:10]} {TYPO}"), encoding="utf-8")
    still = strict_build(repo.root)
    assert still.returncode != 0, "the other commit's warning is not acknowledged"
    assert "consent-party-unknown" not in still.stderr
    assert f"warning[consent-target-unknown]: commit {stray[:12]}" in still.stderr

    (repo.root / "mkdocs.yml").write_text(with_acknowledged(f"{typo[:10]} {TYPO}", stray.upper()),
                                          encoding="utf-8")
    mkdocs_build(repo.root)


def test_an_acknowledgement_covers_only_the_name_it_gives(typo_commits: tuple[GitRepo, str, str]) -> None:
    repo, typo, stray = typo_commits
    repo.commit("Consent again", "2021-01-03T10:00:00Z",
                trailers=("Consent-to: water v1", f"Consented-by: {TYPO}", "Consented-by: seed-netwrk"))
    (repo.root / "mkdocs.yml").write_text(with_acknowledged(f"{typo[:7]} {TYPO}", f"{typo[:7]} seed-netwrk",
                                                            stray[:7]), encoding="utf-8")
    failed = strict_build(repo.root)
    assert failed.returncode != 0
    warned = [line for line in failed.stderr.splitlines() if "consent-party-unknown" in line]
    assert len(warned) == 2, "the same names in a new commit still warn"
    assert all(typo[:12] not in line for line in warned)


@pytest.mark.parametrize("entry", ["abc12 valley-farmer", "valley-farmer", "0123456 two words", ""])
def test_a_malformed_acknowledgement_is_a_configuration_error(typo_commits: tuple[GitRepo, str, str],
                                                              entry: str) -> None:
    repo, _, _ = typo_commits
    (repo.root / "mkdocs.yml").write_text(with_acknowledged(entry), encoding="utf-8")
    failed = strict_build(repo.root)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert f"consent_acknowledged: {entry!r} is not `<commit> <party-id>`" in failed.stderr
