"""Parsed front matter kept between builds, so a rebuild parses only the YAML that commits changed.

Keys are digests of the front-matter text (content-addressed like git's blob ids, and shared by
every version whose front matter did not change); values are located fields in a tagged JSON form
that no field value can forge.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from generator.cache import BlobCache, fingerprint
from generator.source.yamlsafe import Located

PARSER_CODE = fingerprint("source.documents", "source.yamlsafe")
NAMESPACE = "front-matter"


def encode_value(value: Any) -> list[Any]:
    if value is None:
        return ["n"]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        return ["f", repr(value)]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, list):
        return ["l", [encode_value(item) for item in value]]
    if isinstance(value, dict):
        return ["m", [[key, encode_value(item)] for key, item in value.items()]]
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode_value(encoded: list[Any]) -> Any:
    kind = encoded[0]
    if kind == "n":
        return None
    if kind in {"b", "i", "s"}:
        expected = {"b": bool, "i": int, "s": str}[kind]
        if type(encoded[1]) is not expected:
            raise ValueError("a cached value of the wrong type")
        return encoded[1]
    if kind == "f":
        return float(encoded[1])
    if kind == "d":
        return dt.date.fromisoformat(encoded[1])
    if kind == "l":
        return [decode_value(item) for item in encoded[1]]
    if kind == "m":
        return {str(key): decode_value(item) for key, item in encoded[1]}
    raise ValueError(f"unknown cached kind {kind!r}")


class PersistentFieldsMemo:
    """A `documents.FieldsMemo` backed by the build cache; failures to parse are never stored."""

    def __init__(self, cache: BlobCache) -> None:
        self.cache = cache
        self.memory: dict[str, dict[str, Located]] = {}

    @staticmethod
    def _key(front_matter: str) -> str:
        digest = hashlib.sha256(front_matter.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{digest}-{PARSER_CODE}"

    def get(self, front_matter: str) -> dict[str, Located] | None:
        if front_matter in self.memory:
            return self.memory[front_matter]
        payload = self.cache.read(NAMESPACE, self._key(front_matter))
        if payload is None:
            return None
        try:
            fields = {str(key): Located(decode_value(value), int(line), tuple(int(n) for n in item_lines),
                                        int(column), tuple(int(n) for n in item_columns))
                      for key, value, line, item_lines, column, item_columns in payload}
        except (TypeError, ValueError, IndexError, KeyError):
            return None
        self.cache.hits += 1
        self.memory[front_matter] = fields
        return fields

    def __setitem__(self, front_matter: str, fields: dict[str, Located]) -> None:
        self.memory[front_matter] = fields
        self.cache.misses += 1
        self.cache.write(NAMESPACE, self._key(front_matter), [
            [key, encode_value(located.value), located.line, list(located.item_lines), located.column,
             list(located.item_columns)]
            for key, located in fields.items()
        ])
