"""A build cache on disk, keyed by git blob ids, so a rebuild recomputes only what commits changed.

An entry is trusted only if it names its own key, the fingerprint of the code that computed it,
and a digest of its payload: a corrupt, foreign or stale entry is recomputed and written again, never
served. The digest is of the payload's bytes as written, on the line after the header, so checking it
costs one hash and no second serialisation (a warm build reads thousands of entries). Entries are
appended to one pack per namespace (generator.entrypack), so a killed build leaves bytes no key names,
never an entry that is served half-written; a file replaced whole goes through `write_whole`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import marshal
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from generator.entrypack import EntryPack, Places, written

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

FORMAT = 2
T = TypeVar("T")


def fingerprint(*modules: str) -> str:
    """A digest of the source of the modules (dotted, under generator/) that compute an entry: changed code,
    changed key."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for name in modules:
        digest.update((Path(__file__).parent / f"{name.replace('.', '/')}.py").read_bytes())
    return digest.hexdigest()[:16]


def write_whole(path: str, *parts: bytes) -> None:
    """The file at `path` replaced whole, by a temporary file renamed into place: a reader sees the old
    bytes or the new, and a killed build leaves no half-written file. The temporary file is named by the
    process and thread, which no other writer shares, rather than by `tempfile.mkstemp`'s search for an
    unused name; and its folder is made only when it is missing. A cold build writes an entry for each of
    tens of thousands of versions, and those two steps were a quarter of the time each write took."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}-{threading.get_ident()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        descriptor = os.open(temporary, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        descriptor = os.open(temporary, flags, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            for part in parts:
                stream.write(part)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _header(key: str, body: bytes) -> bytes:
    header = {"format": FORMAT, "key": key, "digest": hashlib.sha256(body).hexdigest()}
    return json.dumps(header, sort_keys=True).encode() + b"\n"


def sealed(key: str, payload: Any) -> bytes:
    """An entry's bytes: the header naming its key and the digest of the payload, then the payload."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return _header(key, body) + body


def unsealed(key: str, data: bytes) -> Any | None:
    """The payload of an entry sealed for `key`; None for one damaged, cut short or written for another."""
    _, _, body = data.partition(b"\n")
    if not data.startswith(_header(key, body)):
        log.debug("ignoring a corrupt or foreign cache entry %s", key)
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


class SealedFile:
    """One entry in a file of its own, replaced whole: for an entry each build replaces, such as a site's
    stamps, which appended to a pack would leave a copy behind every build."""

    def __init__(self, path: Path | None, key: str) -> None:
        self.path, self.key = path, key

    def read(self) -> Any | None:
        if self.path is None:
            return None
        try:
            return unsealed(self.key, self.path.read_bytes())
        except OSError:
            return None

    def write(self, payload: Any) -> None:
        if self.path is None:
            return
        try:
            write_whole(os.fspath(self.path), sealed(self.key, payload))
        except OSError as error:
            log.debug("cannot write the cache file %s: %s", self.path, error)


class BlobCache:
    """Sealed entries in packs, one under `directory/<namespace>/` (generator.entrypack); a cache without a
    directory computes every time. Where a namespace's files cannot be opened or written, the build goes
    on without them."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._packs: dict[str, EntryPack | None] = {}
        self.hits = 0
        self.misses = 0

    def _pack(self, namespace: str) -> EntryPack | None:
        if self.directory is None:
            return None
        if namespace not in self._packs:
            self._packs[namespace] = EntryPack(self.directory / namespace, _index(self.directory, namespace))
        return self._packs[namespace]

    def _failed(self, namespace: str, error: OSError) -> None:
        log.debug("cannot use the cache's entries in %s: %s", namespace, error)
        self._packs[namespace] = None

    def read(self, namespace: str, key: str) -> Any | None:
        pack = self._pack(namespace)
        try:
            data = pack.get(key) if pack is not None else None
        except OSError as error:
            self._failed(namespace, error)
            return None
        return unsealed(key, data) if data is not None else None

    def has(self, namespace: str, key: str) -> bool:
        """Whether an entry may be there (one look at the index; `read` still checks it)."""
        pack = self._pack(namespace)
        try:
            return pack is not None and pack.has(key)
        except OSError as error:
            self._failed(namespace, error)
            return False

    def write(self, namespace: str, key: str, payload: Any) -> None:
        pack = self._pack(namespace)
        if pack is None:
            return
        try:
            pack.put(key, sealed(key, payload))
        except OSError as error:
            self._failed(namespace, error)

    def get_or_compute(self, namespace: str, key: str, compute: Callable[[], T],
                       encode: Callable[[T], Any], decode: Callable[[Any], T]) -> T:
        payload = self.read(namespace, key)
        if payload is not None:
            try:
                value = decode(payload)
            except (KeyError, TypeError, ValueError):
                log.debug("ignoring a cache entry of the wrong shape %s/%s", namespace, key)
            else:
                self.hits += 1
                return value
        self.misses += 1
        value = compute()
        encoded = encode(value)
        if encoded is not None:  # None: nothing of this value can be kept
            self.write(namespace, key, encoded)
        return value


PACK_MAGIC = b"charter-pack 1 "
PACK_CODE = fingerprint("entrypack")


class PackedFile:
    """One cache file of plain values (str, bytes, int, float, None, tuples, lists and dicts of them),
    read whole and written whole: many small entries (front matter, the parsed log) load in one read,
    where a file per entry would cost a file-system round trip each.

    The file names its `code` fingerprint and a digest of its body; anything else reads as empty. marshal
    rather than pickle: it builds plain values only, never runs code."""

    def __init__(self, path: Path | None, code: str) -> None:
        self.path = path
        self.code = code.encode("ascii")

    def load(self) -> Any | None:
        if self.path is None:
            return None
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        header, _, body = data.partition(b"\n")
        expected = PACK_MAGIC + self.code + b" " + hashlib.sha256(body).hexdigest().encode("ascii")
        if header != expected:
            log.debug("ignoring a corrupt, foreign or stale cache file %s", self.path)
            return None
        try:
            return marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return None

    def save(self, payload: Any) -> None:
        if self.path is None:
            return
        body = marshal.dumps(payload)
        header = PACK_MAGIC + self.code + b" " + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n"
        try:
            write_whole(os.fspath(self.path), header, body)
        except OSError as error:
            log.debug("cannot write the cache file %s: %s", self.path, error)


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates as Jinja compiled them in an earlier build: compiling the theme's and the charter's
    templates again was a tenth of a warm build. Jinja files each under its name and file and compiles it
    again when its source's checksum differs; each file here is a `PackedFile`, so one cut short or
    damaged reads as absent, where Jinja's own files would be unpickled as they are. Compiled templates
    are code, as the templates they come from are: the cache folder is one only the builds write."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, bucket: jinja2.bccache.Bucket) -> PackedFile:
        return PackedFile(self.directory / f"{bucket.key}.pack", "jinja-" + jinja2.__version__)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self._file(bucket).load()
        if isinstance(found, bytes):
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._file(bucket).save(bucket.bytecode_to_string())


def _index(directory: Path, namespace: str) -> PackedFile:
    return PackedFile(directory / namespace / "index.pack", PACK_CODE)


def written_entries(directory: Path, namespace: str) -> Places:
    """Each key's place in a namespace's pack, as its files name it now (for tests and tools)."""
    return written(directory / namespace, _index(directory, namespace))


def compiled_templates(directory: Path | None, environment: str) -> CompiledTemplates | None:
    """Where an environment's compiled templates are kept in the cache folder: one folder each, since what
    Jinja compiles depends on the environment's options as well as the source."""
    return CompiledTemplates(directory / "templates" / environment) if directory is not None else None
