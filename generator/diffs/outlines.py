"""Each cached diff's outline, so that a warm build reads no diff (generator.diffs.consecutive)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from generator.cache import BlobCache, PackedFile
from generator.diffs.change import Change, Shown, decode_shown, decode_step, encode_change, encode_step
from generator.history.versions import AgreementHistory, Version

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

Compute = Callable[[Change | None, Version, str], Change]
"""(the change before, the version, its cache key) -> the version's change, computed."""


OUTLINES_FILE = "diff-outlines.pack"


class Outlines:
    """Each cached diff's outline (its summary, whether a reader sees it, its blocks' steps and the clauses
    read), in one packed file of the build cache: what every page but a diff's own needs of a change. A
    warm build serves every committed diff from it and reads no diff entry: a page showing a diff reads
    its entry (`Change.shown`) only when it is rendered afresh. A save keeps only this build's outlines."""

    def __init__(self, cache: BlobCache, code: str) -> None:
        """`code`: the fingerprint of the code that computes the diffs."""
        self.cache = cache
        path = cache.directory / OUTLINES_FILE if cache.directory is not None else None
        self.file = PackedFile(path, code)
        loaded = self.file.load()
        self.stored: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        self.used: dict[str, Any] = {}
        self.added = 0

    def changes(self, history: AgreementHistory, keys: Sequence[str | None],
                compute: Compute) -> tuple[Change, ...] | None:
        """Newest first, when every version's diff is committed and outlined; None to diff the history.
        `compute` diffs a version again, should its entry be gone when a page needs it."""
        if not all(key is not None and key in self.stored for key in keys):
            return None
        found: list[Change] = []
        previous: Change | None = None
        for version, key in zip(history.versions, keys, strict=True):
            assert key is not None
            try:
                change = self._outlined(version, key, self.stored[key], previous, compute)
            except (TypeError, ValueError):  # the file's digest vouches for its shape: this class wrote it
                return None
            self.used[key] = self.stored[key]
            found.append(change)
            if not version.is_removed:
                previous = change
        self.cache.hits += len(found)
        return tuple(reversed(found))

    def _outlined(self, version: Version, key: str, outline: Any, previous: Change | None,
                  compute: Compute) -> Change:
        summary, visible, steps, clauses = outline
        recompute = partial(compute, previous, version, key)
        return Change(version, str(summary), bool(visible), tuple(decode_step(step) for step in steps),
                      tuple((str(anchor), str(title)) for anchor, title in clauses), key,
                      partial(_entry, self.cache, key, recompute))

    def keep(self, changes: Sequence[Change]) -> None:
        for change in changes:
            if change.key is not None:
                self.used[change.key] = (change.summary, change.visible,
                                         [encode_step(step) for step in change.steps], list(change.clauses))
                self.added += change.key not in self.stored

    def save(self) -> None:
        if self.added:
            self.file.save(self.used)
            self.added = 0


def _entry(cache: BlobCache, key: str, recompute: Callable[[], Change]) -> Shown:
    """An outlined change's diff, from its cache entry; computed again (and kept) when the entry is gone."""
    payload = cache.read("diffs", key)
    if payload is not None:
        try:
            return decode_shown(payload)
        except (KeyError, TypeError, ValueError):
            log.debug("ignoring a cache entry of the wrong shape diffs/%s", key)
    change = recompute()
    cache.write("diffs", key, encode_change(change))
    return change.shown()
