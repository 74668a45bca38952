"""From git's raw facts to each agreement's history, keyed by agreement id once for every later stage.

Each agreement is followed back from its current path through the log (newest first): through
renames (`git mv` keeps its history) and through deletions, so an agreement deleted and later
restored at the same path keeps its earlier life, with the removal as a version of its own. The
history starts at the oldest addition reached. A staged, uncommitted move is not history yet.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence

from generator.cache import BlobCache
from generator.history.kept import kept_history
from generator.history.versions import NO_TEXT, AgreementHistory, Snapshot, Text, build_history
from generator.repository.model import RepositoryFacts, Revision
from generator.source.documents import FieldsMemo
from generator.source.parsed_cache import PersistentFieldsMemo

Entries = Mapping[str, list[tuple[int, Revision]]]
"""Path -> (place in the log, newest first = 0, revision), in log order."""


def follow(revisions: Sequence[Revision], paths: Mapping[str, str]) -> dict[str, tuple[Revision, ...]]:
    """For each key, the revisions of the file now at its path, oldest first; `revisions` are newest first."""
    by_path: dict[str, list[tuple[int, Revision]]] = {}
    ordinal = {commit: number for number, commit in enumerate(dict.fromkeys(r.commit for r in revisions))}
    for revision in revisions:
        by_path.setdefault(revision.path, []).append((ordinal[revision.commit], revision))
    return {key: _chain(by_path, path) for key, path in paths.items()}


def _chain(by_path: Entries, path: str) -> tuple[Revision, ...]:
    chain: list[Revision] = []
    position = -1
    while True:
        entries = by_path.get(path, [])
        found = bisect.bisect_right(entries, position, key=lambda entry: entry[0])
        if found == len(entries):
            break
        position, revision = entries[found]
        chain.append(revision)
        if revision.change == "added":
            restores = found + 1 < len(entries) and entries[found + 1][1].is_deletion
            if not restores:
                break
        elif revision.change == "renamed" and revision.old_path is not None:
            path = revision.old_path
    return tuple(reversed(chain))


def _snapshots(facts: RepositoryFacts, chain: Sequence[Revision], path: str) -> list[Snapshot]:
    snapshots = [Snapshot(r, r.path, NO_TEXT if r.is_deletion else Text(r.blob, facts.contents))
                 for r in chain]
    if path in facts.working:
        snapshots.append(Snapshot(None, path, Text(path, facts.working)))
    return snapshots


def agreement_histories(facts: RepositoryFacts, paths: Mapping[str, str], as_of: dt.date,
                        front_matters: FieldsMemo | None = None, cache: BlobCache | None = None
                        ) -> dict[str, AgreementHistory]:
    """Agreement id -> its history, for `paths` (id -> current path); an uncommitted version is dated
    `as_of`, the build's one date. With the build's `cache` and its front-matter memo, a history built
    from the same snapshots before is read back (generator.history.kept)."""
    chains = follow(facts.revisions, paths)
    if cache is not None and isinstance(front_matters, PersistentFieldsMemo):
        return {key: kept_history(cache, front_matters, key, _snapshots(facts, chains[key], path), as_of)
                for key, path in paths.items()}
    return {key: build_history(key, _snapshots(facts, chains[key], path), as_of, front_matters)
            for key, path in paths.items()}
