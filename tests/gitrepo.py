"""Real temporary git repositories with fixed, dated commits, for history and end-to-end tests."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from generator.history.histories import agreement_histories
from generator.history.versions import AgreementHistory
from generator.repository.model import RepositoryFacts
from generator.repository.read import read_repository
from generator.settings import REGISTRY_FILES
from generator.source.documents import FieldsMemo

BASE_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Ana Example",
    "GIT_AUTHOR_EMAIL": "ana@example.org",
    "GIT_COMMITTER_NAME": "Ana Example",
    "GIT_COMMITTER_EMAIL": "ana@example.org",
    "TZ": "UTC",
    "LC_ALL": "C",
}


class GitRepo:
    """A repository whose commits carry the dates the test names, so histories are exact."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = "2020-01-01T12:00:00Z", author: str | None = None) -> str:
        env = {**os.environ, **BASE_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        if author:
            name, _, email = author.partition(" <")
            env["GIT_AUTHOR_NAME"] = name
            env["GIT_AUTHOR_EMAIL"] = email.rstrip(">") or "someone@example.org"
        result = subprocess.run(["git", *args], cwd=self.root, env=env, check=True, capture_output=True, text=True)
        return result.stdout.strip()

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, message: str, date: str, author: str | None = None, **files: str) -> str:
        """Write `files` (keyword names use '__' for '/'), stage everything, commit at `date`."""
        for name, text in files.items():
            self.write(name.replace("__", "/"), text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date, author=author)
        return self.git("rev-parse", "HEAD")


def read_histories(root: Path, paths: Mapping[str, str], as_of: dt.date, registries_dir: str = "docs",
                   front_matters: FieldsMemo | None = None) -> tuple[RepositoryFacts, dict[str, AgreementHistory]]:
    """The git read and the history stage, as a build runs them, for agreements at `paths` (id -> path)."""
    registries = tuple(f"{registries_dir}/{name}" for name in REGISTRY_FILES)
    facts = read_repository(root, list(paths.values()), ["agreements", *registries], registries)
    return facts, agreement_histories(facts, paths, as_of, front_matters)
