"""The diffs stage: each version of each agreement read once and diffed against the one before it.

Between history and pages: the pages only show what this stage returns. The cache is the one the
build made (compose passes it in). One entry per version holds its reading (what the browser's
comparison needs) and its diff, keyed by the two blobs compared, the words their `[[links]]` read
as, and the diff code's fingerprint, so a rebuild after one commit reads and diffs one version.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from markupsafe import Markup

from generator.cache import BlobCache, PackedFile, fingerprint
from generator.diffs.clauses import ChangeKind, diff_fields, diff_readings, diff_summary
from generator.diffs.reading import (NOTES_ANCHOR, ClauseText, LinkText, ReadingForm, link_fingerprint,
                                    reading_form)
from generator.diffs.render import body_diff_blocks, render_field_diff_html
from generator.history.versions import AgreementHistory, Version
from generator.vocabulary import AMENDED, REFORMATTED

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

DIFF_CODE = fingerprint("diffs.consecutive", "diffs.reading", "diffs.clauses", "diffs.match", "diffs.render",
                        "source.markup")


@dataclass(frozen=True)
class ClauseStep:
    """What one version did to one clause (never "unchanged"), as much as following a clause needs."""

    kind: ChangeKind
    anchor: str
    """Its anchor in this version ("" for the preamble)."""
    old_anchor: str
    """Its anchor in the version before ("" when added)."""
    title: str
    old_title: str
    section_id: str
    """Its section's id on the history page, `v<n>-<anchor>`; "" for the preamble."""


@dataclass(frozen=True)
class DiffBlock:
    """A changed clause's section of a diff, or (with no step) a run of unchanged clauses folded."""

    html: Markup
    step: ClauseStep | None = None


@dataclass(frozen=True)
class Shown:
    """What a page showing the diff needs: the version as read (the browser's comparison), and the diff of
    its fields and of its body. Most of a change's size, and needed only where a page is rendered afresh."""

    reading: ReadingForm
    fields_html: Markup
    blocks: tuple[DiffBlock, ...]

    @property
    def body_html(self) -> Markup:
        # Each block was escaped by generator.diffs.render.
        return Markup("".join(f"{block.html}\n" for block in self.blocks))  # noqa: S704


@dataclass(frozen=True)
class Change:
    """A version against the one before it: what every page needs of it, and what the pages showing the
    diff need, through `shown`."""

    version: Version
    summary: str
    visible: bool
    """Whether a reader sees the body change: not when the Markdown was only re-wrapped or re-spaced."""
    steps: tuple[ClauseStep | None, ...]
    """Each block's step, as `shown().blocks` hold them: all that following a clause needs."""
    clauses: tuple[tuple[str, str], ...]
    """The version's clauses as read (anchor, title), without the preamble and the notes: where following
    a clause back begins."""
    key: str | None
    """Its cache key, which names everything the diff shows (None for the uncommitted version): a page
    showing it is cached under the key, without reading the diff back (generator.pages.history)."""
    load: Callable[[], Shown] = field(compare=False, repr=False)

    def shown(self) -> Shown:
        """Held when this build computed or read the diff whole; for a change served from the outlines
        (`history_diffs`), read from its cache entry at each call, so a long history's diffs are never all
        in memory and a warm build reads none of them."""
        return self.load()

    @property
    def reading(self) -> ReadingForm:
        return self.shown().reading

    @property
    def fields_html(self) -> Markup:
        return self.shown().fields_html

    @property
    def blocks(self) -> tuple[DiffBlock, ...]:
        return self.shown().blocks

    @property
    def body_html(self) -> Markup:
        return self.shown().body_html


def _held(version: Version, shown: Shown, summary: str, visible: bool, key: str | None) -> Change:
    clauses = tuple((clause.anchor, clause.title) for clause in shown.reading.clauses
                    if not clause.is_preamble and clause.anchor != NOTES_ANCHOR)
    return Change(version, summary, visible, tuple(block.step for block in shown.blocks), clauses, key,
                  partial(_same, shown))


def _same(shown: Shown) -> Shown:
    return shown


def _compute(previous: Change | None, version: Version, link_text: LinkText | None,
             key: str | None = None) -> Change:
    reading = reading_form(version.body, link_text)
    body_diff = diff_readings(previous.reading if previous is not None else reading_form(""), reading)
    before = previous.version.front_matter if previous is not None else None
    after = version.front_matter
    fields = diff_fields(before, after) if after is not None else ()
    fields_html = render_field_diff_html((*fields, *body_diff.retargeted))
    blocks = tuple(
        # Escaped by generator.diffs.render, which renders every text through html.escape.
        DiffBlock(Markup(block.html), None if block.change is None else ClauseStep(  # noqa: S704
            block.change.kind, block.change.anchor, block.change.old_anchor, block.change.title,
            block.change.old_title, block.section_id))
        for block in body_diff_blocks(body_diff, id_prefix=f"v{version.number}-"))
    return _held(version, Shown(reading, Markup(fields_html), blocks), diff_summary(body_diff),  # noqa: S704
                 body_diff.changed or bool(body_diff.retargeted), key)


def _encode_step(step: ClauseStep | None) -> list[str]:
    return [] if step is None else [step.kind, step.anchor, step.old_anchor, step.title, step.old_title,
                                    step.section_id]


def _decode_step(data: Sequence[str]) -> ClauseStep | None:
    return ClauseStep(*data) if data else None  # type: ignore[arg-type]


def _encode(change: Change) -> list[Any]:
    shown = change.shown()
    return [shown.reading.to_json(), str(shown.fields_html),
            [[str(block.html), *_encode_step(block.step)] for block in shown.blocks], change.summary,
            change.visible]


def _decode_shown(payload: list[Any]) -> Shown:
    reading, fields, blocks, _, _ = payload
    # Written by _encode from a Change that _compute escaped.
    return Shown(ReadingForm.from_json(reading), Markup(fields),  # noqa: S704
                 tuple(DiffBlock(Markup(html), _decode_step(step)) for html, *step in blocks))  # noqa: S704


def _decoder(version: Version, key: str | None) -> Callable[[list[Any]], Change]:
    def decode(payload: list[Any]) -> Change:
        return _held(version, _decode_shown(payload), str(payload[3]), bool(payload[4]), key)
    return decode


def _keys(history: AgreementHistory, link_text: LinkText | None) -> list[str | None]:
    """Each version's cache key (None for the uncommitted one): the blobs compared, their links' words,
    the version's number and the diff code, so any change to what a diff shows is a new key."""
    keys: list[str | None] = []
    previous_key = "none"
    for version in history.versions:
        if version.revision is None:
            keys.append(None)
            continue
        key = f"{version.revision.blob or 'removed'}-{link_fingerprint(version.body, link_text)}"
        keys.append(f"{previous_key}-{key}-{version.number}-{DIFF_CODE}")
        if not version.is_removed:
            previous_key = key
    return keys


def _sharing(changes: Sequence[Change]) -> list[Change]:
    """The changes (oldest first, each held whole), each reading holding the clauses it has unchanged from
    the version before as that version's objects: a build holds the readings it computed or read until
    their history pages are written, and an amendment seldom touches more than a few clauses, so a long
    history keeps about one copy of each clause's tokens, not one per version."""
    shared: list[Change] = []
    kept: dict[ClauseText, ClauseText] = {}
    for change in changes:
        shown = change.shown()
        clauses = tuple(kept.get(clause, clause) for clause in shown.reading.clauses)
        reading = dataclasses.replace(shown.reading, clauses=clauses)
        held = dataclasses.replace(shown, reading=reading)
        shared.append(dataclasses.replace(change, load=partial(_same, held)))
        if not change.version.is_removed:
            kept = {clause: clause for clause in clauses}
    return shared


def consecutive_diffs(history: AgreementHistory, cache: BlobCache, link_text: LinkText | None = None,
                      keys: list[str | None] | None = None) -> list[Change]:
    """Newest first: each version against the one before it; `link_text` gives `[[links]]` their words.
    `keys` are the versions' cache keys when the caller has them already (`_keys`).

    A removal shows the whole text removed; the restoration after it is compared with the text before
    the removal, so its diff shows what the agreement's life across the gap changed, as its events do."""
    found: list[Change] = []
    previous: Change | None = None
    keys = _keys(history, link_text) if keys is None else keys
    for version, key in zip(history.versions, keys, strict=True):
        if key is None:
            change = _compute(previous, version, link_text)
        else:
            compute = partial(_compute, previous, version, link_text, key)
            change = cache.get_or_compute("diffs", key, compute, encode=_encode, decode=_decoder(version, key))
        found.append(change)
        if not version.is_removed:
            previous = change
    return list(reversed(_sharing(found)))


PARALLEL_TEXT = 2_000_000
"""Characters of text to diff below which one process does it all: starting workers costs more than
diffing a small charter (2,000 short versions, or 50 of real length)."""
_WORK: dict[str, Any] = {}
"""What forked workers inherit (the histories, the cache, the links' words): nothing is sent to them."""


def _diff_in_worker(batch: list[str]) -> tuple[list[list[list[Any]]], int, int]:
    cache: BlobCache = _WORK["cache"]
    hits, misses = cache.hits, cache.misses
    encoded = [[_encode(change) for change in consecutive_diffs(_WORK["histories"][agreement_id], cache,
                                                                _WORK["link_text"])]
               for agreement_id in batch]
    return encoded, cache.hits - hits, cache.misses - misses


def _parallel(histories: Mapping[str, AgreementHistory], pending: list[str], cache: BlobCache,
              link_text: LinkText | None, workers: int, keys: Mapping[str, list[str | None]]
              ) -> dict[str, tuple[Change, ...]]:
    """The `pending` agreements in `workers` forked processes, in batches of about equal work; results are
    decoded here, onto this process's versions, exactly as a cache hit is, so the pages cannot tell."""
    batches: list[list[str]] = [[] for _ in range(workers * 4)]
    loads = [0] * len(batches)
    for agreement_id in sorted(pending, key=lambda key: -len(histories[key].versions)):
        lightest = loads.index(min(loads))
        batches[lightest].append(agreement_id)
        loads[lightest] += len(histories[agreement_id].versions)
    found: dict[str, tuple[Change, ...]] = {}
    _WORK.update(histories=histories, cache=cache, link_text=link_text)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = pool.map(_diff_in_worker, batches)
            for batch, (encoded, hits, misses) in zip(batches, results, strict=True):
                cache.hits, cache.misses = cache.hits + hits, cache.misses + misses
                for agreement_id, payloads in zip(batch, encoded, strict=True):
                    versions = zip(histories[agreement_id].versions, keys[agreement_id], strict=True)
                    decoded = [_decoder(version, key)(payload)
                               for (version, key), payload in zip(versions, reversed(payloads), strict=True)]
                    found[agreement_id] = tuple(reversed(_sharing(decoded)))
    finally:
        _WORK.clear()
    return found


def can_fork() -> bool:
    """Forking is safe only while this process runs one thread (`mkdocs serve` runs more: one process)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


OUTLINES_FILE = "diff-outlines.pack"


class Outlines:
    """Each cached diff's outline (its summary, whether a reader sees it, its blocks' steps and the clauses
    read), in one packed file of the build cache: what every page but a diff's own needs of a change. A
    warm build serves every committed diff from it and reads no diff entry: a page showing a diff reads
    its entry (`Change.shown`) only when it is rendered afresh. A save keeps only this build's outlines."""

    def __init__(self, cache: BlobCache) -> None:
        self.cache = cache
        path = cache.directory / OUTLINES_FILE if cache.directory is not None else None
        self.file = PackedFile(path, DIFF_CODE)
        loaded = self.file.load()
        self.stored: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        self.used: dict[str, Any] = {}
        self.added = 0

    def changes(self, history: AgreementHistory, keys: Sequence[str | None],
                link_text: LinkText | None) -> tuple[Change, ...] | None:
        """Newest first, when every version's diff is committed and outlined; None to diff the history."""
        if not all(key is not None and key in self.stored for key in keys):
            return None
        found: list[Change] = []
        previous: Change | None = None
        for version, key in zip(history.versions, keys, strict=True):
            assert key is not None
            try:
                change = self._outlined(version, key, self.stored[key], previous, link_text)
            except (TypeError, ValueError):  # the file's digest vouches for its shape: this class wrote it
                return None
            self.used[key] = self.stored[key]
            found.append(change)
            if not version.is_removed:
                previous = change
        self.cache.hits += len(found)
        return tuple(reversed(found))

    def _outlined(self, version: Version, key: str, outline: Any, previous: Change | None,
                  link_text: LinkText | None) -> Change:
        summary, visible, steps, clauses = outline
        recompute = partial(_compute, previous, version, link_text, key)
        return Change(version, str(summary), bool(visible), tuple(_decode_step(step) for step in steps),
                      tuple((str(anchor), str(title)) for anchor, title in clauses), key,
                      partial(_entry, self.cache, key, recompute))

    def keep(self, changes: Sequence[Change]) -> None:
        for change in changes:
            if change.key is not None:
                self.used[change.key] = (change.summary, change.visible,
                                         [_encode_step(step) for step in change.steps], list(change.clauses))
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
            return _decode_shown(payload)
        except (KeyError, TypeError, ValueError):
            log.debug("ignoring a cache entry of the wrong shape diffs/%s", key)
    change = recompute()
    cache.write("diffs", key, _encode(change))
    return change.shown()


def history_diffs(histories: Mapping[str, AgreementHistory], cache: BlobCache,
                  link_text: LinkText | None = None, workers: int = 1) -> dict[str, tuple[Change, ...]]:
    """Agreement id -> its consecutive diffs, newest first: the one place a build computes diffs.

    A history whose diffs are all outlined (`Outlines`) reads none of them. With `workers` > 1 the
    agreements that have versions to diff afresh (not in the cache) are diffed in that many forked
    processes, when there are enough of them to pay for the start and this process runs one thread; the
    result is the same."""
    keys = {agreement_id: _keys(history, link_text) for agreement_id, history in histories.items()}
    outlines = Outlines(cache)
    found: dict[str, tuple[Change, ...]] = {}
    for agreement_id, history in histories.items():
        outlined = outlines.changes(history, keys[agreement_id], link_text)
        if outlined is not None:
            found[agreement_id] = outlined
    rest = [agreement_id for agreement_id in histories if agreement_id not in found]
    pending: list[str] = [] if workers <= 1 or not can_fork() else [
        agreement_id for agreement_id in rest
        if cache.directory is None or any(key is not None and not cache.has("diffs", key)
                                          for key in keys[agreement_id])]
    worth = bool(pending) and sum(len(version.body) for key in pending
                                  for version in histories[key].versions) >= PARALLEL_TEXT
    parallel = _parallel(histories, pending, cache, link_text, workers, keys) if worth else {}
    for agreement_id in rest:
        changes = parallel.get(agreement_id) or tuple(
            consecutive_diffs(histories[agreement_id], cache, link_text, keys[agreement_id]))
        outlines.keep(changes)
        found[agreement_id] = changes
    outlines.save()
    return {agreement_id: found[agreement_id] for agreement_id in histories}


def settle_reformatted(histories: Mapping[str, AgreementHistory], diffs: Mapping[str, tuple[Change, ...]]
                       ) -> tuple[dict[str, AgreementHistory], dict[str, tuple[Change, ...]]]:
    """Histories and diffs where an edit no reader sees (a paragraph re-wrapped) is "reformatted", not
    "amended": history tells a body change from the bytes alone, and only this stage reads the text as
    readers do. So the history table, /changes/, the feeds, the timeline and the counts all agree."""
    settled_histories, settled_diffs = dict(histories), dict(diffs)
    for agreement_id, changes in diffs.items():
        settled = {change.version.number: _reformatted(change.version) for change in changes
                   if not change.visible and any(event.kind == AMENDED for event in change.version.events)}
        if not settled:
            continue
        history = histories[agreement_id]
        settled_histories[agreement_id] = dataclasses.replace(history, versions=tuple(
            settled.get(version.number, version) for version in history.versions))
        settled_diffs[agreement_id] = tuple(
            dataclasses.replace(change, version=settled.get(change.version.number, change.version))
            for change in changes)
    return settled_histories, settled_diffs


def _reformatted(version: Version) -> Version:
    events = tuple(dataclasses.replace(event, kind=REFORMATTED) if event.kind == AMENDED else event
                   for event in version.events)
    return dataclasses.replace(version, events=events)
