"""Read the charter's past from git with a fixed number of processes, whatever the number of files.

The commands, run in the project root:

- `git rev-parse --is-shallow-repository`: is this a repository, and is its history complete;
- `git log --first-parent --diff-merges=first-parent -M --raw -z ... HEAD -- <agreements> <registries>`:
  every revision of every agreement and registry file, in one stream;
- `git cat-file --batch`: HEAD's commit object (the site's "as of" date) and every blob needed;
- `git for-each-ref refs/tags`: annotated tags, which mark charter editions;
- `git rev-list --first-parent HEAD`: the main line, which tells what stood at a tag's commit.

Merges: the log walks the first-parent chain (the main line) and diffs a merge against its first
parent. So an amendment that landed through a merged pull request is ONE revision, the merge, with
the merge's author, date and message; the branch's own commits are not revisions (their work in
progress was never the charter). Commits made on the main line directly are revisions as usual.

Renames: `-M` detects moves in the stream; each agreement is followed back from its current path
through its renames, so `git mv` keeps its history, which starts at the newest commit that added
the file. A move that also rewrote over half the file reads as a new file; a staged, uncommitted
move is not history yet. Trailers (`Consented-by: party-id`) are parsed, not judged; a commit that
touches no charter file (an empty "consent" commit) is not in the stream.

Working copy: an agreement whose bytes (CRLF read as LF) differ from its newest committed blob, or
that was never committed, gets a trailing uncommitted version (compared in Python, no process).
Needs git 2.31 or newer (`--diff-merges`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import os
import posixpath
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.source.documents import FieldsMemo
from generator.errors import CharterError
from generator.history.versions import AgreementHistory, Snapshot, build_history
from generator.settings import REGISTRY_FILES

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

WITHOUT_HISTORY = (
    "or build without history by setting the plugin option `history: false` (CLI: `--no-history`)"
)
NOT_A_REPOSITORY = "not a git repository: showing the working copy as uncommitted"
NO_COMMITS = "the git repository has no commits yet: showing the working copy as uncommitted"
RECORD = b"\x1e"
LOG_FORMAT = "%x1e%H%x00%P%x00%aN%x00%aE%x00%aI%x00%cI%x00%B%x00"
TAG_FIELDS = (
    "refname:strip=2", "objecttype", "*objectname", "*objecttype", "taggerdate:iso-strict", "contents",
)
TAG_FORMAT = "".join(f"%({name})%00" for name in TAG_FIELDS)
CHANGES = {"A": "added", "C": "added", "M": "modified", "T": "modified", "R": "renamed", "D": "deleted"}
TRAILER = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)\Z")


class GitError(CharterError):
    """A git call failed: the message carries git's own words and what to do."""


class GitNotFoundError(GitError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"the git program could not be run ({reason}): install git and put it on PATH, "
                         f"{WITHOUT_HISTORY}")


class ShallowCloneError(GitError):
    def __init__(self) -> None:
        super().__init__("the repository is a shallow clone, so its history is incomplete: fetch the full "
                         "history with `git fetch --unshallow`, or in GitHub Actions set `fetch-depth: 0` on "
                         f"actions/checkout; {WITHOUT_HISTORY}")


@dataclass(frozen=True)
class Revision:
    """One commit's change to one file, as the main line saw it."""

    commit: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored: dt.datetime
    committed: dt.datetime
    message: str
    trailers: tuple[tuple[str, str], ...]
    path: str
    blob: str
    """Empty for a deletion."""
    change: str
    """added, modified, renamed or deleted."""
    old_path: str | None = None
    """The path before a rename."""

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
class Tag:
    name: str
    commit: str
    tagged: dt.datetime | None
    message: str


@dataclass(frozen=True)
class RepositoryHistory:
    by_agreement: Mapping[str, AgreementHistory] = field(hash=False)
    is_repository: bool
    newest_commit_date: dt.datetime | None = None
    """Committer date of HEAD: the site's default "as of" date."""
    warnings: tuple[str, ...] = ()
    tags: tuple[Tag, ...] = ()
    registry_revisions: tuple[Revision, ...] = ()
    """Changes to the registry files, oldest first."""
    mainline: tuple[str, ...] = ()
    """The first-parent chain of HEAD, oldest first: a commit's place in it orders versions and tags."""


def parse_trailers(message: str) -> tuple[tuple[str, str], ...]:
    """`Key: value` lines of the last paragraph, if every line there is one (or continues one)."""
    paragraphs = [part for part in re.split(r"\n[ \t]*\n", message.strip()) if part.strip()]
    if len(paragraphs) < 2:
        return ()
    found: list[tuple[str, str]] = []
    for line in paragraphs[-1].split("\n"):
        match = TRAILER.match(line)
        if line[:1] in (" ", "\t") and found:
            found[-1] = (found[-1][0], f"{found[-1][1]} {line.strip()}".strip())
        elif match:
            found.append((match[1], match[2].strip()))
        else:
            return ()
    return tuple(found)


def parse_log(data: bytes) -> tuple[Revision, ...]:
    """Revisions (one per commit and changed path), newest first, from the `LOG_FORMAT` -z --raw stream."""
    tokens = data.split(b"\0")
    revisions: list[Revision] = []
    header: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        if token.startswith(RECORD):
            header = [part.decode("utf-8", "replace") for part in [token[1:], *tokens[i + 1 : i + 7]]]
            i += 7
        elif token.startswith(b":") and header:
            meta = token[1:].decode("ascii").split()
            kind = CHANGES.get(meta[4][:1], "modified")
            count = 2 if meta[4][:1] in ("R", "C") else 1
            paths = [part.decode("utf-8", "surrogateescape") for part in tokens[i + 1 : i + 1 + count]]
            sha, parents, name, email, authored, committed, message = header
            revisions.append(Revision(
                sha, tuple(parents.split()), name, email, dt.datetime.fromisoformat(authored),
                dt.datetime.fromisoformat(committed), message, parse_trailers(message), paths[-1],
                "" if kind == "deleted" else meta[3], kind, paths[0] if count == 2 else None,
            ))
            i += 1 + count
        else:
            i += 1
    return tuple(revisions)


def follow(revisions: Sequence[Revision], paths: Mapping[str, str]) -> dict[str, tuple[Revision, ...]]:
    """For each key, the revisions of the file now at its path, oldest first, following renames back.

    `revisions` are newest first. A deletion met before anything else (the file was deleted in
    git and written again in the working copy) is passed over: its older history still applies.
    """
    by_path: dict[str, list[tuple[int, Revision]]] = {}
    ordinal = {commit: number for number, commit in enumerate(dict.fromkeys(r.commit for r in revisions))}
    for revision in revisions:
        by_path.setdefault(revision.path, []).append((ordinal[revision.commit], revision))
    return {key: _chain(by_path, path) for key, path in paths.items()}


def _chain(by_path: Mapping[str, list[tuple[int, Revision]]], path: str) -> tuple[Revision, ...]:
    chain: list[Revision] = []
    position = -1
    while True:
        entries = by_path.get(path, [])
        found = bisect.bisect_right(entries, position, key=lambda entry: entry[0])
        if found == len(entries):
            break
        position, revision = entries[found]
        if revision.change == "deleted" and chain:
            break
        if revision.change != "deleted":
            chain.append(revision)
        if revision.change == "added":
            break
        if revision.change == "renamed" and revision.old_path is not None:
            path = revision.old_path
    return tuple(reversed(chain))


def parse_batch(data: bytes, count: int) -> tuple[bytes | None, ...]:
    """Contents of `count` objects from `git cat-file --batch` output; None for a missing one."""
    found: list[bytes | None] = []
    offset = 0
    for _ in range(count):
        end = data.index(b"\n", offset)
        header = data[offset:end].split()
        offset = end + 1
        if len(header) == 3 and header[2].isdigit():
            size = int(header[2])
            found.append(data[offset : offset + size])
            offset += size + 1
        else:
            found.append(None)
    return tuple(found)


def committer_date(commit_object: bytes) -> dt.datetime | None:
    """The committer date of a raw commit object (its `committer ... <stamp> <+hhmm>` header)."""
    for line in commit_object.split(b"\n"):
        if not line:
            break
        if line.startswith(b"committer "):
            stamp, offset = line.rsplit(b" ", 2)[1:]
            sign = -1 if offset.startswith(b"-") else 1
            delta = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
            return dt.datetime.fromtimestamp(int(stamp), dt.timezone(sign * delta))
    return None


def parse_tags(data: bytes) -> tuple[Tag, ...]:
    """Annotated tags of commits from `git for-each-ref --format=TAG_FORMAT` output."""
    tokens = data.split(b"\0")
    width = len(TAG_FIELDS)
    tags: list[Tag] = []
    for start in range(0, len(tokens) - width + 1, width):
        name, kind, target, target_kind, date, message = (
            token.decode("utf-8", "replace") for token in tokens[start : start + width]
        )
        if kind == "tag" and target_kind == "commit":
            tagged = dt.datetime.fromisoformat(date) if date else None
            tags.append(Tag(name.lstrip("\n"), target, tagged, message))
    return tuple(tags)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    command = ["git", "--literal-pathspecs", "-c", "log.showSignature=false", *args]
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "C", "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(command, cwd=root, input=stdin, capture_output=True, env=env, check=False)
    except OSError as error:
        raise GitNotFoundError(error.strerror or str(error)) from None


def _checked(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    result = _git(root, *args, stdin=stdin)
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"`git {args[0]}` failed in {root}: {said}\n"
                       f"  help: fix the repository (git 2.31 or newer is needed), {WITHOUT_HISTORY}")
    return result.stdout


def _is_repository(root: Path) -> bool:
    """False outside a repository; raise for a shallow clone or any other failure of git."""
    result = _git(root, "rev-parse", "--is-shallow-repository")
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in said:
            return False
        raise GitError(f"git cannot read the repository in {root}: {said}\n  help: {WITHOUT_HISTORY}")
    if result.stdout.strip() == b"true":
        raise ShallowCloneError()
    return True


UNFINISHED = {
    "rebase-merge": "a rebase", "rebase-apply": "a rebase or `git am`", "MERGE_HEAD": "a merge",
    "CHERRY_PICK_HEAD": "a cherry-pick", "REVERT_HEAD": "a revert",
}


def unfinished_operations(root: Path) -> list[str]:
    """Warn when git is mid-rebase or mid-merge: history then ends at a commit that is not a branch's."""
    git_dir = root / ".git"
    return [f"the repository is in the middle of {operation}: history shows the commits made so far; "
            "finish it (for example `git rebase --continue` or `git merge --continue`) or abort it"
            for marker, operation in UNFINISHED.items() if (git_dir / marker).exists()]


def _read_working(root: Path, path: str) -> bytes | None:
    try:
        return (root / path).read_bytes()
    except OSError:
        return None


def _differs(committed: bytes, working: bytes) -> bool:
    return committed != working and committed.replace(b"\r\n", b"\n") != working.replace(b"\r\n", b"\n")


def _histories(snapshots: Mapping[str, list[Snapshot]], working: Mapping[str, bytes | None],
               paths: Mapping[str, str], today: dt.date,
               front_matters: FieldsMemo | None = None) -> dict[str, AgreementHistory]:
    histories: dict[str, AgreementHistory] = {}
    for agreement_id, versions in snapshots.items():
        data = working[agreement_id]
        if data is not None and (not versions or _differs(versions[-1].data, data)):
            versions = [*versions, Snapshot(None, paths[agreement_id], data)]
        histories[agreement_id] = build_history(agreement_id, versions, today, front_matters)
    return histories


def read_histories(root: Path, agreements_dir: str, registries_dir: str, current_paths: Mapping[str, str],
                   as_of: dt.date | None = None, front_matters: FieldsMemo | None = None) -> RepositoryHistory:
    """Every agreement's versions and events; `current_paths` maps id -> path relative to `root`.

    `as_of` dates uncommitted versions (default: today).
    """
    today = as_of or dt.date.today()
    working = {agreement_id: _read_working(root, path) for agreement_id, path in current_paths.items()}
    empty: dict[str, list[Snapshot]] = {agreement_id: [] for agreement_id in current_paths}
    if not _is_repository(root):
        return RepositoryHistory(_histories(empty, working, current_paths, today), False,
                                 warnings=(NOT_A_REPOSITORY,))
    registries = tuple(posixpath.normpath(posixpath.join(registries_dir, name)) for name in REGISTRY_FILES)
    revisions = parse_log(_checked(
        root, "log", "--first-parent", "--diff-merges=first-parent", "-M", "--raw", "-z", "--no-abbrev",
        "--no-color", "--relative", "--encoding=UTF-8", f"--format={LOG_FORMAT}", "--ignore-missing", "HEAD",
        "--", posixpath.normpath(agreements_dir), *registries,
    ))
    chains = follow(revisions, current_paths)
    blobs = sorted({revision.blob for chain in chains.values() for revision in chain})
    objects = parse_batch(_checked(root, "cat-file", "--batch", stdin="".join(
        f"{name}\n" for name in ["HEAD", *blobs]).encode()), 1 + len(blobs))
    contents = dict(zip(blobs, objects[1:]))
    snapshots: dict[str, list[Snapshot]] = {}
    for agreement_id, chain in chains.items():
        for revision in chain:
            data = contents[revision.blob]
            if data is None:
                raise GitError(f"git cannot read {revision.path} at commit {revision.commit[:12]}: "
                               f"the object {revision.blob} is missing\n"
                               f"  help: run `git fsck`, {WITHOUT_HISTORY}")
            snapshots.setdefault(agreement_id, []).append(Snapshot(revision, revision.path, data))
    tags = parse_tags(_checked(root, "for-each-ref", f"--format={TAG_FORMAT}", "refs/tags"))
    mainline = _checked(root, "rev-list", "--first-parent", "--ignore-missing", "HEAD").decode().split()[::-1]
    head = committer_date(objects[0]) if objects[0] is not None else None
    log.debug("read %d revisions, %d blobs and %d tags from git", len(revisions), len(blobs), len(tags))
    registry_revisions = tuple(reversed([revision for revision in revisions if revision.path in registries]))
    warnings = (*([] if head is not None else [NO_COMMITS]), *unfinished_operations(root))
    return RepositoryHistory(_histories({**empty, **snapshots}, working, current_paths, today, front_matters),
                             True, head,
                             warnings, tags, registry_revisions, tuple(mainline))
