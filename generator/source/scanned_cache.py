"""Scanned bodies kept between builds, so a rebuild parses only the Markdown that commits changed.

Building an agreement parses its body once for its clauses, headings and links (`markup.scan`): at
5,000 agreements, and the same again for each edition's charter as it stood, that was a tenth of a
warm build. The scans sit in one packed file (`cache.PackedFile`) keyed by a digest of the body and
its first line, like the front matter's (generator.source.parsed_cache). A save keeps only the scans
this build used, so the file holds the texts of one build, not of every build there was.
"""

from __future__ import annotations

import hashlib
from typing import Any

from generator.cache import BlobCache, PackedFile, fingerprint
from generator.model import Clause, Heading, WikiLink
from generator.source import markup
from generator.source.markup import Reference, Scan

SCAN_CODE = fingerprint("source.markup", "source.notation", "source.scanned_cache")
FILE_NAME = "scans.pack"


def _encoded(scan: Scan) -> tuple[Any, ...]:
    return (tuple((c.anchor, c.title, c.line) for c in scan.clauses),
            tuple((h.anchor, h.title, h.line, h.level) for h in scan.headings),
            tuple((w.target, w.anchor, w.line) for w in scan.links),
            tuple((r.target, r.fragment, r.line, r.written) for r in scan.references))


def _decoded(payload: Any) -> Scan:
    clauses, headings, links, references = payload
    return Scan(tuple(Clause(*item) for item in clauses), tuple(Heading(*item) for item in headings),
                tuple(WikiLink(*item) for item in links), tuple(Reference(*item) for item in references))


class PersistentScans:
    """`markup.scan`, served from the build cache's packed file where the body was scanned before; `save`
    writes the file once, at the build's end, if anything was scanned afresh."""

    def __init__(self, cache: BlobCache) -> None:
        self.cache = cache
        self.file = PackedFile(cache.directory / FILE_NAME if cache.directory is not None else None, SCAN_CODE)
        self.stored: dict[bytes, Any] | None = None
        self.used: dict[bytes, Any] = {}
        self.memory: dict[bytes, Scan] = {}
        self.added = 0

    def scan(self, body: str, body_line: int = 1) -> Scan:
        key = hashlib.blake2b(f"{body_line}\0{body}".encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = self.memory.get(key)
        if found is not None:
            return found
        if self.stored is None:
            loaded = self.file.load()
            self.stored = loaded if isinstance(loaded, dict) else {}
        payload = self.stored.get(key)
        if payload is not None:
            try:  # the file's digest vouches for its shape: only what this class wrote reads back
                found = _decoded(payload)
            except (TypeError, ValueError):
                found = None
        if found is None:
            found = markup.scan(body, body_line)
            payload = _encoded(found)
            self.added += 1
        self.used[key], self.memory[key] = payload, found
        return found

    def save(self, *, keep_unused: bool = False) -> None:
        """A build keeps the scans it used, so the file holds no text the charter left behind; a check,
        which reads only the current texts, keeps the rest of the file too."""
        if self.added:
            self.file.save({**(self.stored or {}), **self.used} if keep_unused else self.used)
            self.added = 0
