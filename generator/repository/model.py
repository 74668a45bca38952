"""What git holds, as read once per build: raw facts, with no judgement of what they mean for the charter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Commit:
    """One commit of the main line, as the log streams it before its changes."""

    commit: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored: dt.datetime
    committed: dt.datetime
    message: str
    trailers: tuple[tuple[str, str], ...]
    """(key, value) pairs in the order git's own trailer parser found them (`git interpret-trailers`)."""

    @property
    def subject(self) -> str:
        return " ".join(self.message.strip().split("\n\n", 1)[0].split())

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    def trailer(self, key: str) -> tuple[str, ...]:
        """Values of a trailer, case-insensitively, as git treats trailer keys."""
        return tuple(value for name, value in self.trailers if name.lower() == key.lower())


@dataclass(frozen=True)
class Revision(Commit):
    """One commit's change to one file, as the main line saw it."""

    path: str
    blob: str
    """Empty for a deletion."""
    change: str
    """added, modified, renamed or deleted."""
    old_path: str | None = None
    """The path before a rename."""

    @property
    def is_deletion(self) -> bool:
        return self.change == "deleted"


@dataclass(frozen=True)
class Tag:
    name: str
    commit: str
    tagged: dt.datetime | None
    message: str


@dataclass(frozen=True)
class RepositoryFacts:
    """Everything the build needs from git, read in one go, so no later stage runs git."""

    is_repository: bool
    revisions: tuple[Revision, ...] = ()
    """Every change to an agreement or registry file on the main line, newest first (git log's order)."""
    contents: Mapping[str, bytes] = field(default_factory=dict, hash=False)
    """Blob id -> bytes, for every agreement and registry revision that is not a deletion. With a cache
    folder, each is read from disk when it is used (generator.repository.blobs), so no stage need hold
    every version's text at once."""
    working: Mapping[str, bytes] = field(default_factory=dict, hash=False)
    """Current path -> bytes of the working copy, for the files that differ from HEAD (CRLF read as LF)
    or that HEAD does not hold; every readable file when there is no repository or no commit."""
    head_date: dt.datetime | None = None
    """Committer date of HEAD; None without a commit."""
    tags: tuple[Tag, ...] = ()
    """Annotated tags of commits, by name."""
    mainline: tuple[str, ...] = ()
    """The first-parent chain of HEAD, oldest first: a commit's place in it orders versions and tags."""
    unfinished: tuple[str, ...] = ()
    """Operations git is in the middle of (a rebase, a merge...), in words."""
    unchanging: tuple[Commit, ...] = ()
    """Commits of the main line that change none of the files read but carry trailers (a consent given
    to a version some time after it was committed), newest first."""

    def changes_to(self, paths: tuple[str, ...]) -> tuple[Revision, ...]:
        """The revisions of the given paths (the registries, say), oldest first."""
        return tuple(reversed([revision for revision in self.revisions if revision.path in paths]))
