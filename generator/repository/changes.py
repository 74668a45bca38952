"""What a branch touched, for `charter check --changed-since REF`: a command-line question, not a build's.

The repository is found as the build finds it (`open_repository`: from the project folder upward,
since a charter may live in a sub-folder of a larger one), and a handful of git processes answer
whatever the branch's size. The build never calls this: it reads git once, in read.py.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import git

from generator.checks.problems import Problem
from generator.errors import CharterError
from generator.repository.read import open_repository
from generator.settings import REGISTRY_FILES, Settings
from generator.source.agreements import agreement_id
from generator.source.documents import DocumentError, read_document


class ChangesError(CharterError):
    pass


@dataclass(frozen=True)
class Touched:
    """Files a change touched, as paths relative to the repository's top folder."""

    paths: frozenset[str]
    """Files added, modified or renamed to, committed since the fork point or not yet committed."""
    former_ids: frozenset[str]
    """Ids that deleted or renamed-away agreements had: links to them may now be broken."""


def named_from_top(problems: Sequence[Problem], root: Path) -> list[Problem]:
    """Problems with paths from the repository's top folder, as GitHub names files, when the project
    lies in a sub-folder of its repository."""
    with open_repository(root) as repo:
        top = Path(repo.working_tree_dir).resolve() if repo is not None and repo.working_tree_dir else None
    if top is None or top == root.resolve():
        return list(problems)
    prefix = root.resolve().relative_to(top).as_posix()
    return [replace(problem, path=f"{prefix}/{problem.path}") for problem in problems]


def _former_id(path: str, data: bytes) -> str:
    try:
        return agreement_id(read_document(path, data))
    except DocumentError:
        return os.path.basename(path).removesuffix(".md")


def changed_since(root: Path, ref: str) -> tuple[Path, Touched]:
    """The repository's top folder, and what changed from the fork point with `ref` to the working copy."""
    with open_repository(root) as repo:
        if repo is None or repo.working_tree_dir is None:
            raise ChangesError(f"{root} is not in a git repository, so there is no change to compare")
        try:
            bases = repo.merge_base(ref, "HEAD")
        except git.GitCommandError as error:
            detail = error.stderr.strip().removeprefix("stderr: ").strip("'").strip()
            raise ChangesError(f"cannot compare with '{ref}': {detail}; fetch it first (for example "
                               "`git fetch origin main`, or `fetch-depth: 0` in GitHub Actions)") from None
        if not bases or not isinstance(bases[0], git.Commit):
            raise ChangesError(f"'{ref}' and HEAD share no history, so there is no fork point to compare with")
        paths: set[str] = set(repo.untracked_files)
        former: set[str] = set()
        for change in bases[0].diff(None):  # renames detected (-M), the working copy included
            if change.b_path and not change.deleted_file:
                paths.add(change.b_path)
            if change.a_path and change.a_blob is not None and (change.deleted_file or change.renamed_file):
                former.add(_former_id(change.a_path, change.a_blob.data_stream.read()))
        return Path(repo.working_tree_dir), Touched(frozenset(paths), frozenset(former))


def touched_files(settings: Settings, files: Sequence[str], ref: str | None,
                  config_file: Path) -> tuple[set[str], frozenset[str]] | None:
    """The files named and, with `ref`, those changed since it (as problems name them) and the ids
    of agreements deleted or renamed away; None when a registry or the config is among them."""
    missing = sorted(name for name in files if not Path(name).exists())
    if missing:
        raise ChangesError(f"no such file: {', '.join(missing)}")
    touched = {settings.relative(Path(name)) for name in files}
    former: frozenset[str] = frozenset()
    if ref is not None:
        top, change = changed_since(settings.root, ref)
        touched |= {settings.relative(top / path) for path in change.paths}
        former = change.former_ids
    docs = settings.relative(settings.docs_dir)
    if touched & {settings.relative(config_file), *(f"{docs}/{name}" for name in REGISTRY_FILES)}:
        return None
    return touched, former
