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
    stored. `save` writes what this build parsed (the build calls it once, after the history)."""

    def __init__(self, cache: BlobCache) -> None:
        self.cache = cache
        self.file = PackedFile(cache.directory / FILE_NAME if cache.directory is not None else None, PARSER_CODE)
        self.memory: dict[str, dict[str, Located]] = {}
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

    def get(self, front_matter: str) -> dict[str, Located] | None:
        if front_matter in self.memory:
            return self.memory[front_matter]
        payload = self._entries().get(self._key(front_matter))
        if payload is None:
            return None
        try:  # the file's digest vouches for its shape: only what this class wrote reads back
            fields = {key: Located(value if type(value) is str else decode_value(value), line, item_lines,
                                   column, item_columns)
                      for key, value, line, item_lines, column, item_columns in payload}
        except (TypeError, ValueError, IndexError, KeyError):
            return None
        self.cache.hits += 1
        self.memory[front_matter] = fields
        return fields

    def __setitem__(self, front_matter: str, fields: dict[str, Located]) -> None:
        self.memory[front_matter] = fields
        self.cache.misses += 1
        self.added += 1
        self._entries()[self._key(front_matter)] = tuple(
            (key, encode_value(located.value), located.line, located.item_lines, located.column,
             located.item_columns)
            for key, located in fields.items())

    def save(self) -> None:
        """Write the packed file if this build parsed anything new."""
        if self.added:
            self.file.save(self._entries())
            self.added = 0
