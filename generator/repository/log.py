"""The one `git log` of a build: its format, and a parser that reads the stream as git writes it.

Each commit is a record `\\x1e` + eight NUL-ended fields (hash, parents, author name and email,
author and committer dates, message, trailers), then its `--raw -z` changes: `:<modes> <blobs> <kind>`,
NUL, the path (two paths for a rename or copy), NUL. Trailers come from git's own parser
(`%(trailers)`), so `Consented-by:` lines mean exactly what `git interpret-trailers` says they mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from generator.repository.model import Revision

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
        "--first-parent", "--diff-merges=first-parent", "-M", "--raw", "-z", "--no-abbrev", "--no-color",
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


def parse_log(stream: Iterable[bytes]) -> Iterator[Revision]:
    """Revisions (one per commit and changed path), newest first, from the `LOG_FORMAT` stream's tokens."""
    header: list[str] = []
    stream = iter(stream)
    for raw in stream:
        token = raw.lstrip(b"\n")
        if token.startswith(RECORD):
            fields = [token[1:], *(next(stream, b"") for _ in range(HEADER_FIELDS - 1))]
            header = [part.decode("utf-8", "replace") for part in fields]
        elif token.startswith(b":") and header:
            meta = token[1:].decode("ascii").split()
            kind = CHANGES.get(meta[4][:1], "modified")
            count = 2 if meta[4][:1] in ("R", "C") else 1
            paths = [next(stream, b"").decode("utf-8", "surrogateescape") for _ in range(count)]
            sha, parents, name, email, authored, committed, message, trailers = header
            yield Revision(
                sha, tuple(parents.split()), name, email, dt.datetime.fromisoformat(authored),
                dt.datetime.fromisoformat(committed), message, parse_trailers(trailers), paths[-1],
                "" if kind == "deleted" else meta[3], kind, paths[0] if count == 2 else None,
            )
