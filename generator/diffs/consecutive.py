"""The diffs stage: each version of each agreement read once and diffed against the one before it.

Between history and pages: the pages only show what this stage returns. The cache is the one the
build made (compose passes it in). One entry per version holds its reading (what the browser's
comparison needs) and its diff, keyed by the two blobs compared, the words their `[[links]]` read
as, and the diff code's fingerprint, so a rebuild after one commit reads and diffs one version. A
history whose diffs are all in the cache is served from their outlines (generator.diffs.outlines)
and reads none of its entries: a page showing a diff reads it when it is rendered afresh.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

from markupsafe import Markup

from generator.cache import BlobCache, fingerprint
from generator.diffs.change import (Change, ClauseStep, DiffBlock, Shown, decoder, encode_change, held_change,
                                    same)
from generator.diffs.clauses import diff_fields, diff_readings, diff_summary
from generator.diffs.outlines import Outlines
from generator.diffs.reading import ClauseText, LinkText, link_fingerprint, reading_form
from generator.diffs.render import body_diff_blocks, render_field_diff_html
from generator.history.versions import AgreementHistory, Version
from generator.vocabulary import AMENDED, REFORMATTED

DIFF_CODE = fingerprint("diffs.consecutive", "diffs.change", "diffs.outlines", "diffs.reading", "diffs.clauses",
                        "diffs.match", "diffs.render", "source.markup")


def compute_change(previous: Change | None, version: Version, link_text: LinkText | None,
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
    return held_change(version, Shown(reading, Markup(fields_html), blocks), diff_summary(body_diff),  # noqa: S704
                 body_diff.changed or bool(body_diff.retargeted), key)


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
        shared.append(dataclasses.replace(change, load=partial(same, held)))
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
            change = compute_change(previous, version, link_text)
        else:
            compute = partial(compute_change, previous, version, link_text, key)
            change = cache.get_or_compute("diffs", key, compute, encode=encode_change, decode=decoder(version, key))
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
    encoded = [[encode_change(change) for change in consecutive_diffs(_WORK["histories"][agreement_id], cache,
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
                    decoded = [decoder(version, key)(payload)
                               for (version, key), payload in zip(versions, reversed(payloads), strict=True)]
                    found[agreement_id] = tuple(reversed(_sharing(decoded)))
    finally:
        _WORK.clear()
    return found


def can_fork() -> bool:
    """Forking is safe only while this process runs one thread (`mkdocs serve` runs more: one process)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _compute_keyed(link_text: LinkText | None, previous: Change | None, version: Version, key: str) -> Change:
    return compute_change(previous, version, link_text, key)


def history_diffs(histories: Mapping[str, AgreementHistory], cache: BlobCache,
                  link_text: LinkText | None = None, workers: int = 1) -> dict[str, tuple[Change, ...]]:
    """Agreement id -> its consecutive diffs, newest first: the one place a build computes diffs.

    A history whose diffs are all outlined (`Outlines`) reads none of them. With `workers` > 1 the
    agreements that have versions to diff afresh (not in the cache) are diffed in that many forked
    processes, when there are enough of them to pay for the start and this process runs one thread; the
    result is the same."""
    keys = {agreement_id: _keys(history, link_text) for agreement_id, history in histories.items()}
    outlines = Outlines(cache, DIFF_CODE)
    found: dict[str, tuple[Change, ...]] = {}
    for agreement_id, history in histories.items():
        outlined = outlines.changes(history, keys[agreement_id], partial(_compute_keyed, link_text))
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
