"""Parsed front matter kept between builds, so a rebuild parses only the YAML that commits changed.

All entries sit in one packed file (`cache.PackedFile`), read once per build and written once at its
end (`save`): at 50,000 versions a file per entry cost more to open than the YAML cost to parse.
Keys are digests of the front-matter text (content-addressed like git's blob ids, and shared by
every version whose front matter did not change). Values keep their types: a date or a mapping is a
tagged tuple, which no YAML value is, so no field value can forge another type.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from generator.cache import BlobCache, PackedFile, fingerprint
from generator.source.yamlsafe import Located

PARSER_CODE = fingerprint("source.documents", "source.yamlsafe", "source.parsed_cache")
FILE_NAME = "front-matter.pack"
PLAIN = (str, bool, int, float, type(None))


def encode_value(value: Any) -> Any:
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, dt.date):
        return ("d", value.isoformat())
    if isinstance(value, list):
        return [encode_value(item) for item in value]
    if isinstance(value, dict):
        return ("m", tuple((key, encode_value(item)) for key, item in value.items()))
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode_value(encoded: Any) -> Any:
    if isinstance(encoded, PLAIN):
        return encoded
    if isinstance(encoded, list):
        return [decode_value(item) for item in encoded]
    kind, payload = encoded
    if kind == "d":
        return dt.date.fromisoformat(payload)
    if kind == "m":
        return {str(key): decode_value(item) for key, item in payload}
    raise ValueError(f"unknown cached kind {kind!r}")


class PersistentFieldsMemo:
    """A `documents.FieldsMemo` backed by the build cache's packed file; failures to parse are never
    stored. `save` writes what this build parsed (the build calls it once, after the history).

    Each front matter's fields are one dict however often they are asked for, by text or by digest, and
    the memo knows the digest of each dict it handed out: a kept history (generator.history.kept) names
    its versions' fields by digest rather than holding them again."""

    def __init__(self, cache: BlobCache) -> None:
        self.cache = cache
        self.file = PackedFile(cache.directory / FILE_NAME if cache.directory is not None else None, PARSER_CODE)
        self.memory: dict[str, dict[str, Located]] = {}
        self.by_digest: dict[bytes, dict[str, Located]] = {}
        self.digests: dict[int, bytes] = {}
        """id of a dict handed out -> its digest: each is held in `by_digest`, so no id is reused."""
        self.stored: dict[bytes, Any] | None = None
        self.added = 0

    @staticmethod
    def _key(front_matter: str) -> bytes:
        return hashlib.blake2b(front_matter.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def _entries(self) -> dict[bytes, Any]:
        if self.stored is None:
            loaded = self.file.load()
            self.stored = loaded if isinstance(loaded, dict) else {}
        return self.stored

    def _hold(self, digest: bytes, fields: dict[str, Located]) -> None:
        self.by_digest[digest] = fields
        self.digests[id(fields)] = digest

    def get(self, front_matter: str) -> dict[str, Located] | None:
        if front_matter in self.memory:
            return self.memory[front_matter]
        fields = self.kept(self._key(front_matter))
        if fields is not None:
            self.memory[front_matter] = fields
        return fields

    def kept(self, digest: bytes) -> dict[str, Located] | None:
        """The fields of the front matter with this digest, if they were ever parsed."""
        if digest in self.by_digest:
            return self.by_digest[digest]
        payload = self._entries().get(digest)
        if payload is None:
            return None
        try:  # the file's digest vouches for its shape: only what this class wrote reads back
            fields = {key: Located(value if type(value) is str else decode_value(value), line, item_lines,
                                   column, item_columns)
                      for key, value, line, item_lines, column, item_columns in payload}
        except (TypeError, ValueError, IndexError, KeyError):
            return None
        self.cache.hits += 1
        self._hold(digest, fields)
        return fields

    def digest_of(self, fields: dict[str, Located]) -> bytes | None:
        """The digest of the front matter these fields (as this memo handed them out) were parsed from."""
        return self.digests.get(id(fields))

    def __setitem__(self, front_matter: str, fields: dict[str, Located]) -> None:
        self.memory[front_matter] = fields
        self.cache.misses += 1
        self.added += 1
        digest = self._key(front_matter)
        self._hold(digest, fields)
        self._entries()[digest] = tuple(
            (key, encode_value(located.value), located.line, located.item_lines, located.column,
             located.item_columns)
            for key, located in fields.items())

    def save(self) -> None:
        """Write the packed file if this build parsed anything new."""
        if self.added:
            self.file.save(self._entries())
            self.added = 0
