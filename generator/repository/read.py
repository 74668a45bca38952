"""Read the charter's past from git with a fixed number of processes, whatever the number of files.

GitPython finds the repository (searching parent folders, so the project may sit in a sub-folder of
it) and reads refs and the shallow and mid-operation markers itself; git runs once:

- `git log --first-parent --diff-merges=first-parent -M --raw -z ... HEAD`: every commit of the main
  line (which tells what stood at a tag's commit) and every revision of every agreement and registry
  file (kept by `log.Scope` as the stream is read);

and one `git cat-file --batch` (`objects.read_objects`) streams the tags and every blob. With a cache
folder the log's records are kept between builds, and a rebuild runs `git log <last HEAD>..HEAD`: only
the commits made since (no log at all when HEAD has not moved). The blobs are kept there too, on disk
(`blobs.BlobStore`), and read back when a stage uses one: a rebuild asks git only for blobs it has not
kept, so a rebuild on an unmoved HEAD without tags runs no git process at all.

Merges: the log walks the first-parent chain (the main line) and diffs a merge against its first
parent. So an amendment that landed through a merged pull request is ONE revision, the merge, with
the merge's author, date and message; the branch's own commits are not revisions (their work in
progress was never the charter). Renames: `-M` detects moves in the stream (a move that also rewrote
over half the file reads as a deletion and a new file). Trailers are git's own reading of them.

Working copy: a file whose bytes (CRLF read as LF) differ from what HEAD holds at its path, or that
HEAD does not hold, is reported with its bytes (compared in Python, no process). Needs git 2.31 or
newer (`--diff-merges`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import PackedFile, fingerprint
from generator.repository.blobs import open_store
from generator.repository.log import Record, Scope, from_records, log_arguments, parse_records, tokens
from generator.repository.objects import WITHOUT_HISTORY, GitError, MissingObjectError, read_objects
from generator.repository.model import Commit, RepositoryFacts, Revision, Tag

if TYPE_CHECKING:
    import git

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

UNFINISHED = {
    "rebase-merge": "a rebase", "rebase-apply": "a rebase or `git am`", "MERGE_HEAD": "a merge",
    "CHERRY_PICK_HEAD": "a cherry-pick", "REVERT_HEAD": "a revert",
}
NOT_A_REPOSITORY = "not a git repository: showing the working copy as uncommitted"
NO_COMMITS = "the git repository has no commits yet: showing the working copy as uncommitted"
CHUNK = 1 << 16
LOG_CODE = fingerprint("repository.log")
SIGNATURE = ("-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----")


class GitNotFoundError(GitError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"the git program could not be run ({reason}): install git and put it on PATH, "
                         f"{WITHOUT_HISTORY}")


class ShallowCloneError(GitError):
    def __init__(self) -> None:
        super().__init__("the repository is a shallow clone, so its history is incomplete: fetch the full "
                         "history with `git fetch --unshallow`, or in GitHub Actions set `fetch-depth: 0` on "
                         f"actions/checkout; {WITHOUT_HISTORY}")


def _failed(command: str, root: Path, said: str) -> GitError:
    return GitError(f"`git {command}` failed in {root}: {said.strip()}\n"
                    f"  help: fix the repository (git 2.31 or newer is needed), {WITHOUT_HISTORY}")


def _beyond_ceiling(root: Path, top: str | os.PathLike[str] | None) -> bool:
    """git's GIT_CEILING_DIRECTORIES, which GitPython's search does not know: from below one, git never
    climbs into it."""
    here, found = root.resolve(), Path(top or root).resolve()
    ceilings = [Path(path).resolve() for path in os.environ.get("GIT_CEILING_DIRECTORIES", "").split(os.pathsep)
                if os.path.isabs(path)]
    return any(here != ceiling and here.is_relative_to(ceiling) and ceiling.is_relative_to(found)
               for ceiling in ceilings)


@contextmanager
def open_repository(root: Path) -> Iterator[git.Repo | None]:
    """The repository holding `root` (None outside one); its git processes end with the block.

    GitPython runs `git version` when first imported, so a missing git shows here as an ImportError.
    """
    try:
        import git
    except ImportError:
        raise GitNotFoundError("GitPython found no git to run") from None
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        yield None
        return
    if _beyond_ceiling(root, repo.working_tree_dir):
        repo.close()
        yield None
        return
    repo.git.update_environment(GIT_LITERAL_PATHSPECS="1", GIT_TERMINAL_PROMPT="0")  # GitPython sets LC_ALL=C
    try:
        yield repo
    except git.GitCommandNotFound as error:
        raise GitNotFoundError(getattr(error.status, "strerror", None) or "not found") from None
    except git.GitCommandError as error:
        raise _failed(str(error.command[1] if len(error.command) > 1 else "git"), root,
                      error.stderr.strip().removeprefix("stderr: ").strip("'")) from None
    finally:
        repo.close()


def _signature_date(line: bytes) -> dt.datetime | None:
    """The date of a `committer`/`tagger` header line: `... <email> <seconds> <+hhmm>`."""
    try:
        stamp, offset = line.rsplit(b" ", 2)[1:]
        sign = -1 if offset.startswith(b"-") else 1
        delta = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
        return dt.datetime.fromtimestamp(int(stamp), dt.timezone(sign * delta))
    except ValueError:
        return None


def _headers(data: bytes) -> tuple[dict[bytes, bytes], bytes]:
    """The header lines of a raw commit or tag object (first of each name) and its message."""
    head, _, message = data.partition(b"\n\n")
    headers: dict[bytes, bytes] = {}
    for line in head.split(b"\n"):
        name, _, value = line.partition(b" ")
        headers.setdefault(name, value)
    return headers, message


def committer_date(commit_object: bytes) -> dt.datetime | None:
    committer = _headers(commit_object)[0].get(b"committer")
    return _signature_date(committer) if committer is not None else None


def _object(repo: git.Repo, sha: str) -> tuple[str, bytes]:
    """(type, bytes) of one object, through GitPython's persistent `cat-file --batch`."""
    try:
        stream = repo.odb.stream(bytes.fromhex(sha))
    except ValueError:
        raise MissingObjectError(sha) from None
    kind = stream.type
    return kind.decode("ascii") if isinstance(kind, bytes) else str(kind), stream.read()


def _head(repo: git.Repo) -> str | None:
    from git import SymbolicReference

    try:
        return SymbolicReference.dereference_recursive(repo, "HEAD")
    except ValueError:  # an unborn branch: no commit yet
        return None


def _tag(name: str, sha: str, kind: str, data: bytes) -> Tag | None:
    """An annotated tag of a commit; None for a lightweight tag or a tag of anything else."""
    if kind != "tag":
        return None
    headers, message = _headers(data)
    if headers.get(b"type") != b"commit":
        return None
    text = message.decode("utf-8", "replace")
    for marker in SIGNATURE:
        text = text.split(marker, 1)[0]
    tagger = headers.get(b"tagger")
    return Tag(name, headers[b"object"].decode("ascii"), _signature_date(tagger) if tagger else None, text)


def _unfinished(git_dir: Path) -> tuple[str, ...]:
    return tuple(operation for marker, operation in UNFINISHED.items() if (git_dir / marker).exists())


def _read_working(root: Path, path: str) -> bytes | None:
    try:
        return (root / path).read_bytes()
    except OSError:
        return None


def _differs(committed: bytes, working: bytes) -> bool:
    return committed != working and committed.replace(b"\r\n", b"\n") != working.replace(b"\r\n", b"\n")


def _at_head(revisions: tuple[Revision, ...]) -> dict[str, str]:
    """Path -> the blob HEAD holds there ("" for a path deleted or moved away), from the newest-first log."""
    found: dict[str, str] = {}
    for revision in revisions:
        found.setdefault(revision.path, revision.blob)
        if revision.old_path is not None:
            found.setdefault(revision.old_path, "")
    return found


def working_changes(root: Path, paths: Collection[str], committed: Mapping[str, str],
                    contents: Mapping[str, bytes]) -> dict[str, bytes]:
    """Working-copy bytes of the `paths` (relative to `root`) that differ from their `committed` blob."""
    found: dict[str, bytes] = {}
    for path in paths:
        data = _read_working(root, path)
        blob = committed.get(path, "")
        if data is not None and (not blob or _differs(contents[blob], data)):
            found[path] = data
    return found


def _split(stream: Iterable[Commit | Revision]
           ) -> tuple[tuple[Revision, ...], tuple[str, ...], tuple[Commit, ...]]:
    """The log's revisions (newest first), its commits (the main line, oldest first), and the commits that
    changed none of the paths but carry trailers (newest first)."""
    revisions: list[Revision] = []
    commits: list[str] = []
    unchanging: list[Commit] = []
    last: Commit | None = None
    for item in stream:
        if isinstance(item, Revision):
            revisions.append(item)
            last = None
            continue
        if last is not None and last.trailers:
            unchanging.append(last)
        commits.append(item.commit)
        last = item
    if last is not None and last.trailers:
        unchanging.append(last)
    return tuple(revisions), tuple(reversed(commits)), tuple(unchanging)


def _relative_to_top(repo: git.Repo, root: Path) -> str:
    top = Path(repo.working_tree_dir or root).resolve()
    relative = Path(os.path.relpath(root.resolve(), top)).as_posix()
    return "" if relative == "." else f"{relative}/"


def repository_warnings(facts: RepositoryFacts) -> tuple[str, ...]:
    """What a reader of the build log should know about the state git was in."""
    if not facts.is_repository:
        return (NOT_A_REPOSITORY,)
    return (*([] if facts.head_date is not None else [NO_COMMITS]), *(
        f"the repository is in the middle of {operation}: history shows the commits made so far; "
        "finish it (for example `git rebase --continue` or `git merge --continue`) or abort it"
        for operation in facts.unfinished))


def read_head_date(root: Path) -> dt.datetime | None:
    """HEAD's committer date alone (None without a repository or a commit): what `charter check` needs."""
    with open_repository(root) as repo:
        head = _head(repo) if repo is not None else None
        return committer_date(_object(repo, head)[1]) if repo is not None and head is not None else None


def _run_log(repo: git.Repo, scope: Scope, since: str | None = None) -> list[Record]:
    process = repo.git.log(*log_arguments(since), as_process=True)
    stdout = process.proc.stdout
    records = list(parse_records(tokens(iter(lambda: stdout.read(CHUNK), b"")), scope))
    process.wait()
    return records


def _read_log(repo: git.Repo, head: str, scope: Scope, store: PackedFile | None) -> list[Record]:
    """The main line's records, newest first. With a `store` from an earlier build whose HEAD is still on
    the main line, git reads only the commits made since (none when HEAD has not moved)."""
    import git

    cached = store.load() if store is not None else None
    key = [scope.prefix, list(scope.specs)]
    records: list[Record] | None = None
    if isinstance(cached, list) and len(cached) == 3 and cached[0] == key and isinstance(cached[2], list):
        since, older = cached[1], cached[2]
        if since == head:
            records = older
        else:
            try:
                newer = _run_log(repo, scope, since)
            except git.GitCommandError:  # the cached HEAD is gone (a rewritten history): read it all
                newer = []
            if newer and newer[-1][1].split()[:1] == [since]:
                records = newer + older
    if records is None:
        records = _run_log(repo, scope)
    if store is not None and (not isinstance(cached, list) or cached[1] != head):
        store.save([key, head, records])
    return records


def _read_objects(repo: git.Repo, others: list[str], wanted: list[str], cache_dir: Path | None
                  ) -> tuple[dict[str, tuple[str, bytes]], Mapping[str, bytes]]:
    """In one `cat-file`: the `others` (HEAD, tags) as (type, bytes), and the `wanted` blobs, kept on disk in
    `cache_dir` and read back when used (git reads only those not kept from an earlier build), or held in
    memory without one."""
    store = open_store(cache_dir)
    if store is None:
        objects = {sha: (kind, data) for sha, kind, data in read_objects(repo, [*others, *wanted])}
        return objects, {sha: objects[sha][1] for sha in wanted}
    objects, held = {}, {}
    try:
        others = list(dict.fromkeys(others))  # two tags of one commit
        asked = set(others)
        for sha, kind, data in read_objects(repo, [*others, *store.missing(wanted)]):
            if sha in asked:
                objects[sha] = (kind, data)
                asked.discard(sha)  # a tag of a blob asks it twice: as a tag, then as a blob
                continue
            try:
                store.add(sha, data)
            except OSError as error:  # a full disk, say: the rest are held in memory
                log.debug("cannot keep blob %s on disk: %s", sha, error)
                held[sha] = data
        kept = store.finish([sha for sha in wanted if sha not in held])
    finally:
        store.close()
    return objects, ({**kept, **held} if held else kept)  # a blob not kept: all are held, the disk is failing


def read_repository(root: Path, paths: Collection[str], pathspecs: Collection[str],
                    cache_dir: Path | None = None) -> RepositoryFacts:
    """Raw facts for the files now at `paths`; `pathspecs` (the agreements folder and the registries)
    bound what is read. Every path is relative to the project folder `root`, which may sit below the
    repository's top. The log's records are kept in `cache_dir`, so a rebuild reads only new commits."""
    with open_repository(root) as repo:
        if repo is None:
            working = {path: data for path in paths if (data := _read_working(root, path)) is not None}
            return RepositoryFacts(False, working=working)
        from git import SymbolicReference  # only now: open_repository turns a missing git into its own error

        if (Path(repo.common_dir) / "shallow").is_file():
            raise ShallowCloneError()
        unfinished = _unfinished(Path(repo.git_dir))
        head = _head(repo)
        if head is None:
            return RepositoryFacts(True, working=working_changes(root, paths, {}, {}), unfinished=unfinished)
        scope = Scope(_relative_to_top(repo, root), tuple(pathspecs))
        store = PackedFile(cache_dir / "git-log.pack", LOG_CODE) if cache_dir is not None else None
        records = _read_log(repo, head, scope, store)
        revisions, mainline, unchanging = _split(from_records(records))
        wanted = sorted({r.blob for r in revisions if r.blob})
        refs = [(ref.name, SymbolicReference.dereference_recursive(repo, ref.path))
                for ref in sorted(repo.tags, key=lambda ref: ref.name)]
        first = records[0] if records else None
        others = [*([head] if first is None or first[0] != head else []), *(sha for _, sha in refs)]
        objects, contents = _read_objects(repo, others, wanted, cache_dir)
        head_date = (dt.datetime.fromisoformat(first[5]) if first is not None and first[0] == head
                     else committer_date(objects[head][1]))
        tags = tuple(tag for name, sha in refs if (tag := _tag(name, sha, *objects[sha])) is not None)
        log.debug("read %d revisions, %d blobs and %d tags from git", len(revisions), len(wanted), len(tags))
        return RepositoryFacts(True, revisions, contents, working_changes(root, paths, _at_head(revisions), contents),
                               head_date, tags, mainline, unfinished=unfinished, unchanging=unchanging)
