"""Git's blobs kept in one file on disk between builds, and read back only when a stage uses one.

A build needs every version's text, but a stage needs one at a time: holding them all (as bytes, then
as text) was most of a long history's memory. So the git read appends each blob it streams to a data
file, and the build reads a blob back with one `pread` when a stage asks. A rebuild asks git only for
blobs made since, after checking each kept one against its id (git's own hash of its bytes), so a
damaged or foreign file is read from git again, never served.

The data file only grows while builds append to it; when less than half of it is still wanted (after
history was rewritten, or on another branch) the wanted blobs are copied to a new file and the old one
is removed. An index, written whole and renamed into place, names the data file and where each blob
is in it: a build killed mid-write leaves bytes no index names, never an entry that is wrong.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import weakref
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path

from generator.cache import PackedFile, fingerprint
from generator.entrypack import append_at_end
from generator.errors import CharterError

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

STORE_CODE = fingerprint("repository.blobs")
Places = dict[str, tuple[int, int]]
"""Blob id -> (offset, size) in the data file."""


class StoreChangedError(CharterError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"the build's cache file {path} changed while the build read it\n"
                         "  help: run the build again; if it fails again, delete the cache folder")


def blob_id(data: bytes, like: str) -> str:
    """The id git gives these bytes as a blob, in the hash of the repository's ids (SHA-1 or SHA-256)."""
    digest = hashlib.sha256() if len(like) == 64 else hashlib.sha1()  # noqa: S324 - git's own id, not a secret
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


class Blobs(Mapping[str, bytes]):
    """Read-only: the wanted blobs, each read from the data file on every use (one system call)."""

    def __init__(self, path: Path, descriptor: int, places: Places) -> None:
        self._path = path
        self._descriptor = descriptor
        self._places = places
        weakref.finalize(self, os.close, descriptor)

    def __getitem__(self, key: str) -> bytes:
        offset, size = self._places[key]
        data = os.pread(self._descriptor, size, offset)
        if len(data) != size:
            raise StoreChangedError(self._path)
        return data

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def __contains__(self, key: object) -> bool:
        return key in self._places


class BlobStore:
    """The data file and its index in `directory`, open for one git read."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._index = PackedFile(directory / "index.pack", STORE_CODE)
        found = self._index.load()
        valid = (isinstance(found, list) and len(found) == 2 and isinstance(found[0], str)
                 and found[0] == Path(found[0]).name and isinstance(found[1], dict))
        name, places = (found[0], found[1]) if valid and found is not None else (f"{secrets.token_hex(8)}.data", {})
        self._path = directory / name
        directory.mkdir(parents=True, exist_ok=True)
        self._descriptor = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        self._places: Places = places if valid and os.fstat(self._descriptor).st_size > 0 else {}

    def missing(self, wanted: Iterable[str]) -> list[str]:
        """The wanted blobs the store does not hold intact: each held one is read and checked by its id."""
        found: list[str] = []
        for sha in wanted:
            place = self._places.get(sha)
            if place is None or blob_id(os.pread(self._descriptor, place[1], place[0]), sha) != sha:
                found.append(sha)
                self._places.pop(sha, None)
        return found

    def add(self, sha: str, data: bytes) -> None:
        """Appended where the file ends now (another build may be appending too)."""
        self._places[sha] = _append(self._descriptor, data)

    def finish(self, wanted: Collection[str]) -> Blobs:
        """The wanted blobs, readable; the index saved, and the data file compacted when mostly unwanted."""
        places = {sha: self._places[sha] for sha in wanted}
        size = os.fstat(self._descriptor).st_size
        if size > 2 * sum(length for _, length in places.values()) + (1 << 20):
            places = self._compacted(places)
        self._index.save([self._path.name, self._places])
        return Blobs(self._path, os.dup(self._descriptor), places)

    def close(self) -> None:
        os.close(self._descriptor)

    def _compacted(self, places: Places) -> Places:
        """A new data file of the wanted blobs alone, used once it is whole; readers of the old one keep
        reading it until they end. Where the new one cannot be written, the old one stays."""
        path = self.directory / f"{secrets.token_hex(8)}.data"
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            moved = {sha: _append(descriptor, os.pread(self._descriptor, size, offset))
                     for sha, (offset, size) in places.items()}
        except OSError as error:
            os.close(descriptor)
            path.unlink(missing_ok=True)
            log.debug("cannot compact the blob store in %s: %s", self.directory, error)
            return places
        os.close(self._descriptor)
        self._path.unlink(missing_ok=True)
        self._path, self._descriptor, self._places = path, descriptor, moved
        log.debug("compacted the blob store to %d blobs", len(moved))
        return dict(moved)


def _append(descriptor: int, data: bytes) -> tuple[int, int]:
    """(offset, size) of `data`, written at the end of the file (another build may be appending too)."""
    return append_at_end(descriptor, data), len(data)


def open_store(cache_dir: Path | None) -> BlobStore | None:
    """The store in the cache folder; None without one, or where it cannot be written (blobs are then
    held in memory, as a build without a cache holds them)."""
    if cache_dir is None:
        return None
    try:
        return BlobStore(cache_dir / "blobs")
    except OSError as error:
        log.debug("cannot open the blob store in %s: %s", cache_dir, error)
        return None
