"""One namespace of the build cache in three files: entries appended to a data file, a line per entry
appended to a keys file, and an index of the keys as of some build, written whole.

A cold build writes an entry for each version's body, each diff and each page: at 5,000 agreements some
200,000. Created as a file each, they were a quarter of a cold build in one process, nearly all of it the
file system making files. Appended to one file, each costs a write.

Every process of a build (the forked writers too) appends through its own descriptor opened with
O_APPEND, so each entry lands whole at the end wherever the others are, and its place is its own. Its
line in the keys file, `key offset length`, is appended after it: a line names only bytes already
written. An entry is read with one `pread` and checked by the caller (its header names its key and
the digest of its payload), so bytes cut short by a kill, or bytes a line misnames, are never served.

A build reads the index, then only the lines after it. When many lines follow it, the index is written
again. An entry written again (a page rendered again) leaves its old bytes behind; when less than half of
the data file is still named, the named entries are copied to new files and the old ones removed. Both
happen under a lock, when a process first opens the namespace, so two processes never do them at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

REINDEX = 1024
"""Lines after the index from which it is written again: fewer cost less to read than the index to write."""
Places = dict[str, tuple[int, int]]
"""Key -> (offset, length) of its newest entry in the data file."""


class Index(Protocol):
    """A file of plain values read and written whole, that reads as None when damaged (a `PackedFile`)."""

    def load(self) -> Any | None: ...

    def save(self, payload: Any) -> None: ...


class EntryPack:
    """A namespace's entries, opened on first use in each process."""

    def __init__(self, folder: Path, index: Index) -> None:
        self.folder, self.index = folder, index
        self.places: Places = {}
        self._read_to = 0
        self._token = ""
        self._pid = 0
        self._data = self._keys = -1

    def get(self, key: str) -> bytes | None:
        """The bytes of the newest entry for `key`, as written or damaged since; None when none is named."""
        place = self._place(key)
        return None if place is None else os.pread(self._data, place[1], place[0])

    def has(self, key: str) -> bool:
        return self._place(key) is not None

    def put(self, key: str, entry: bytes) -> None:
        self._ready()
        offset = append_at_end(self._data, entry)
        append_at_end(self._keys, f"{key} {offset} {len(entry)}\n".encode("ascii"))
        self.places[key] = (offset, len(entry))

    def _place(self, key: str) -> tuple[int, int] | None:
        """Where `key`'s entry is, looking again at the keys file when it is not known: a forked writer may
        have written it since."""
        self._ready()
        place = self.places.get(key)
        if place is None and self._read_keys():
            place = self.places.get(key)
        return place

    def _ready(self) -> None:
        """The files open in this process: a forked writer opens its own descriptors, so that where each of
        its appends landed is its own, and keeps the places it inherited."""
        if self._pid == os.getpid():
            return
        if self._pid:
            for descriptor in (self._data, self._keys):
                os.close(descriptor)
            self._open_files()
        else:
            self._open_first()
        self._pid = os.getpid()

    def _open_files(self) -> None:
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND
        self._data = os.open(self.folder / f"{self._token}.data", flags, 0o644)
        self._keys = os.open(self.folder / f"{self._token}.keys", flags, 0o644)

    def _open_first(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with _locked(self.folder / "lock"):
            found = _valid_index(self.index.load(), self.folder)
            self._token, self._read_to, self.places = found if found else (secrets.token_hex(8), 0, {})
            _remove_others(self.folder, self._token)
            self._open_files()
            added = self._read_keys()
            size = os.fstat(self._data).st_size
            if size > 2 * sum(length for _, length in self.places.values()) + (1 << 20):
                self._compact()
            elif found and added < REINDEX:
                return
            self.index.save([self._token, self._read_to, self.places])  # a new token at once, for the others

    def _read_keys(self) -> int:
        """Lines appended to the keys file since it was last read, merged into the places: how many."""
        self._read_to, count = _merge_lines(self._keys, self._read_to, self.places)
        return count

    def _compact(self) -> None:
        """The named entries copied to new files, which replace the old; where they cannot be written, the
        old stay."""
        old_token, old_data, old_keys = self._token, self._data, self._keys
        self._token = secrets.token_hex(8)
        self._data = self._keys = -1
        try:
            self._open_files()
            moved: Places = {}
            for key, (offset, length) in self.places.items():
                moved[key] = (append_at_end(self._data, os.pread(old_data, length, offset)), length)
            append_at_end(self._keys, "".join(f"{key} {offset} {length}\n"
                                              for key, (offset, length) in moved.items()).encode("ascii"))
        except OSError as error:
            log.debug("cannot compact the cache's entries in %s: %s", self.folder, error)
            for descriptor in (self._data, self._keys):
                if descriptor != -1:
                    os.close(descriptor)
            _remove_others(self.folder, old_token)
            self._token, self._data, self._keys = old_token, old_data, old_keys
            return
        for descriptor in (old_data, old_keys):
            os.close(descriptor)
        _remove_others(self.folder, self._token)
        self.places, self._read_to = moved, os.fstat(self._keys).st_size
        log.debug("compacted the cache's entries in %s to %d", self.folder, len(moved))


def _merge_lines(keys: int, read_to: int, places: Places) -> tuple[int, int]:
    """The lines of the keys file after `read_to` merged into `places`: where reading ends now, and how
    many lines. A line cut short (its writer killed) is left for a later look, and a malformed one
    skipped."""
    size = os.fstat(keys).st_size
    if size <= read_to:
        return read_to, 0
    chunk = os.pread(keys, size - read_to, read_to)
    whole = chunk.rfind(b"\n") + 1
    lines = chunk[:whole].splitlines()
    for line in lines:
        key, _, place = line.decode("ascii", errors="replace").partition(" ")
        offset, _, length = place.partition(" ")
        if offset.isdigit() and length.isdigit():
            places[key] = (int(offset), int(length))
    return read_to + whole, len(lines)


def _valid_index(found: object, folder: Path) -> tuple[str, int, Places] | None:
    """The index's token, the length of the keys file it covers and its places, when its files are there
    and the keys file is at least that long."""
    if (isinstance(found, list) and len(found) == 3 and isinstance(found[0], str) and found[0].isalnum()
            and isinstance(found[1], int) and isinstance(found[2], dict)):
        token, read_to, places = found
        with contextlib.suppress(OSError):
            if (folder / f"{token}.data").is_file() and (folder / f"{token}.keys").stat().st_size >= read_to:
                return token, read_to, places
    return None


def _remove_others(folder: Path, token: str) -> None:
    """Files of another token (left by a compaction or a build killed before its index) and the folders of
    the cache's earlier layout, a file per entry: nothing reads them any more."""
    for path in folder.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.suffix in (".data", ".keys") and path.stem != token:
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def append_at_end(descriptor: int, data: bytes) -> int:
    """Where `data` starts, written at the end of a file opened with O_APPEND: where the write left this
    descriptor is where it ended, whoever else appended before."""
    if os.write(descriptor, data) != len(data):
        raise OSError("a short write to the build cache")
    return os.lseek(descriptor, 0, os.SEEK_CUR) - len(data)


def written(folder: Path, index: Index) -> Places:
    """Each key's place as the files on disk name it, read without writing anything: for tests and tools
    that ask what a build wrote."""
    found = _valid_index(index.load(), folder)
    if found is None:
        return {}
    token, read_to, places = found
    keys = os.open(folder / f"{token}.keys", os.O_RDONLY)
    try:
        _merge_lines(keys, read_to, places)
    finally:
        os.close(keys)
    return places
