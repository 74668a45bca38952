"""The one `git log` of a build: its format, and a parser that reads the stream as git writes it.

Each commit is a record `\\x1e` + eight NUL-ended fields (hash, parents, author name and email,
author and committer dates, message, trailers), then its `--raw -z` changes: `:<modes> <blobs> <kind>`,
NUL, the path (two paths for a rename or copy), NUL. Trailers come from git's own parser
(`%(trailers)`), so `Consented-by:` lines mean exactly what `git interpret-trailers` says they mean.
`--sparse` lists every commit of the main line, also those that change none of the paths (their
record has no changes): so the stream is the main line, and a consent given in a commit of its own
is read with the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from generator.repository.model import Commit, Revision

RECORD = b"\x1e"
TRAILER_SEPARATOR = "\x1f"
KEY_VALUE_SEPARATOR = "\x1d"
TRAILERS = "%(trailers:only,unfold,separator=%x1f,key_value_separator=%x1d)"
LOG_FORMAT = f"%x1e%H%x00%P%x00%aN%x00%aE%x00%aI%x00%cI%x00%B%x00{TRAILERS}%x00"
HEADER_FIELDS = 8
CHANGES = {"A": "added", "C": "added", "M": "modified", "T": "modified", "R": "renamed", "D": "deleted"}


def log_arguments(relative: str, pathspecs: Iterable[str]) -> list[str]:
    """`git log` options for the main line of HEAD, paths shown relative to the project folder."""
    return [
        "--first-parent", "--sparse", "--diff-merges=first-parent", "-M", "--raw", "-z", "--no-abbrev",
        "--no-color",
        "--no-show-signature", "--no-ext-diff", "--no-textconv", f"--relative={relative}" if relative else "--relative",
        "--encoding=UTF-8", f"--format={LOG_FORMAT}", "HEAD", "--", *pathspecs,
    ]


def tokens(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """NUL-separated tokens of a byte stream, as the chunks arrive."""
    rest = b""
    for chunk in chunks:
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def parse_trailers(field: str) -> tuple[tuple[str, str], ...]:
    """(key, value) pairs from the `TRAILERS` field."""
    pairs = (item.partition(KEY_VALUE_SEPARATOR) for item in field.strip("\n").split(TRAILER_SEPARATOR) if item)
    return tuple((key.strip(), value.strip()) for key, _, value in pairs)


def parse_log(stream: Iterable[bytes]) -> Iterator[Commit | Revision]:
    """Each commit of the `LOG_FORMAT` stream's tokens, newest first, followed by its revisions (one per
    changed path)."""
    commit: Commit | None = None
    stream = iter(stream)
    for raw in stream:
        token = raw.lstrip(b"\n")
        if token.startswith(RECORD):
            fields = [token[1:], *(next(stream, b"") for _ in range(HEADER_FIELDS - 1))]
            sha, parents, name, email, authored, committed, message, trailers = (
                part.decode("utf-8", "replace") for part in fields)
            commit = Commit(sha, tuple(parents.split()), name, email, dt.datetime.fromisoformat(authored),
                            dt.datetime.fromisoformat(committed), message, parse_trailers(trailers))
            yield commit
        elif token.startswith(b":") and commit is not None:
            meta = token[1:].decode("ascii").split()
            kind = CHANGES.get(meta[4][:1], "modified")
            count = 2 if meta[4][:1] in ("R", "C") else 1
            paths = [next(stream, b"").decode("utf-8", "surrogateescape") for _ in range(count)]
            yield Revision(**vars(commit), path=paths[-1], blob="" if kind == "deleted" else meta[3],
                           change=kind, old_path=paths[0] if count == 2 else None)
