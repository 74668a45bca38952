"""What a build wrote to the cache's packs (generator.entrypack), read from their files as the next build
would read them: each entry's place, its bytes, and an entry damaged on disk."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from generator.cache import written_entries

Places = dict[str, tuple[int, int]]


def places(cache_dir: Path, namespace: str) -> Places:
    """Each key's newest entry: an entry written again has a new place, so the places a build changed are
    the entries it wrote."""
    return written_entries(cache_dir, namespace)


def data_file(folder: Path) -> Path:
    """A pack's one data file."""
    (found,) = folder.glob("*.data")
    return found


def entry_bytes(cache_dir: Path, namespace: str, key: str) -> bytes:
    offset, length = places(cache_dir, namespace)[key]
    with data_file(cache_dir / namespace).open("rb") as stream:
        stream.seek(offset)
        return stream.read(length)


def payload_text(cache_dir: Path, namespace: str, key: str) -> str:
    """The entry's payload (the line after its header), as text."""
    return entry_bytes(cache_dir, namespace, key).decode("utf-8").partition("\n")[2]


def damage(cache_dir: Path, namespace: str, key: str, change: Callable[[str], str]) -> None:
    """The entry for `key` replaced on disk by `change` of its text, as a writer gone wrong would leave
    it: the damaged bytes appended and named by the key's line, the intact ones no longer named."""
    damaged = change(entry_bytes(cache_dir, namespace, key).decode("utf-8")).encode("utf-8")
    data = data_file(cache_dir / namespace)
    with data.open("ab") as stream:
        offset = stream.seek(0, os.SEEK_END)
        stream.write(damaged)
    with data.with_suffix(".keys").open("a", encoding="ascii") as stream:
        stream.write(f"{key} {offset} {len(damaged)}\n")
