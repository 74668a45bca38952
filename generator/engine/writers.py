"""Standalone pages written by forked processes, on a machine with more than one core, and the bodies of
the others rendered ahead.

A long charter's standalone pages (generator.engine.shell) are most of its build once MkDocs' own loop
is done, and each is rendered and written on its own: they split cleanly. The writers are forked, so
they inherit the pages, the layouts' chrome and the build's cache as they are, and nothing is sent to
them but where their batch starts and ends. Each page is rendered and written exactly as one process
would, so the site is byte for byte the same (tests/test_shell.py builds it both ways). What a writer
logs is handled in the build's own process, where MkDocs shows it once and `--strict` counts its
warnings; a page that fails fails the build with the page's own message.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from mkdocs.exceptions import PluginError

from generator.diffs.consecutive import can_fork
from generator.engine.publish import SiteWriter, Stamp
from generator.errors import CharterError
from generator.pages import Keyed, Page


def write_pages(pages: Sequence[Page], prepare: Callable[[Page], Keyed], writer: SiteWriter,
                written: Callable[[], None]) -> None:
    """Each page as `prepare` names and renders it whole, unless the site holds it as the last build
    wrote it from the same key (`SiteWriter.settled`)."""
    for page in pages:
        name, made = f"{page.url}index.html", prepare(page)
        if not writer.settled(name, made.key, made.holds):
            html, asked = made.render()
            writer(name, html.encode("utf-8", errors="xmlcharrefreplace"), made.key, asked)
        written()


PARALLEL_PAGES = 400
"""Standalone pages below which one process writes them all: forking costs more than a small charter."""
_WORK: dict[str, Any] = {}
"""What forked writers inherit (the pages, what renders them, the folders): nothing is sent to them."""


class _Held(logging.Handler):
    """A forked writer's log records, kept to be handled in the build's own process: there MkDocs shows
    them once and `--strict` counts the warnings."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
        self.records.append(record)


def _start_writer() -> None:
    held = _WORK["held"] = _Held()
    logging.getLogger("mkdocs").handlers = [held]
    logging.getLogger("mkdocs").propagate = False


Share = tuple[set[str], set[str], dict[str, Stamp], int, list[logging.LogRecord], str]
"""What a forked writer did: the files it kept and wrote, the pages it stamped, how many, its log records,
its error."""


def _write_share(bounds: tuple[int, int]) -> Share:
    start, end = bounds
    held: _Held = _WORK["held"]
    writer = SiteWriter(_WORK["site_dir"], _WORK["published"], _WORK["previous"])
    failure = ""
    try:
        write_pages(_WORK["pages"][start:end], _WORK["prepare"], writer, lambda: None)
    except PluginError as error:
        failure = str(error)
    records, held.records = held.records, []
    return writer.kept, writer.written, writer.stamps, end - start, records, failure


def write_forked(pages: Sequence[Page], prepare: Callable[[Page], Keyed], into: SiteWriter,
                 written: Callable[[], None], workers: int) -> None:
    """The pages in batches of equal count across `workers` forked processes, each writing as `into`
    would; each page is rendered and written exactly as one process would, so the site is byte for byte
    the same. What they kept, wrote and stamped is added to `into`."""
    size = -(-len(pages) // (workers * 4))
    batches = [(start, min(start + size, len(pages))) for start in range(0, len(pages), size)]
    failure = ""
    _WORK.update(pages=pages, prepare=prepare, site_dir=into.output, published=into.published,
                 previous=into.previous)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_writer) as pool:
            for kept, staged, stamps, count, records, batch_failure in pool.map(_write_share, batches):
                into.kept |= kept
                into.written |= staged
                into.stamps.update(stamps)
                for record in records:
                    logging.getLogger(record.name).handle(record)
                for _ in range(count):
                    written()
                failure = failure or batch_failure  # the first page that failed, in the pages' order
    finally:
        _WORK.clear()
    if failure:
        raise PluginError(failure)


AHEAD_BODIES = 200
"""Bodies to render below which MkDocs' loop renders them itself: forking costs more than a few."""


def _render_share(indexes: list[int]) -> list[logging.LogRecord]:
    held: _Held = _WORK["held"]
    for index in indexes:
        try:
            made = _WORK["pages"][index].made()
            if not isinstance(made, str):
                made.render()
        except CharterError:
            pass  # left to the loop, which renders the page again and fails the build with its message
    records, held.records = held.records, []
    return records


def render_ahead(pages: Sequence[Page], workers: int) -> None:
    """The pages of MkDocs' loop that would render agreement bodies (`Page.fresh_bodies`), rendered by
    `workers` forked processes, which keep what they render in the build cache, for the loop to find.
    MkDocs renders its pages one at a time in one process, and on a cold build of a long charter the
    bodies of its agreements' pages, of the charter as a whole and of each edition were a quarter of
    the build on one core. Only their log records come back: the loop renders each page again, reading
    what they kept, into the page it would have rendered alone."""
    if workers <= 1 or not can_fork():
        return
    weighed = sorted(((page.fresh_bodies(), index) for index, page in enumerate(pages)), reverse=True)
    pending = [index for weight, index in weighed if weight]
    if sum(weight for weight, _ in weighed) < AHEAD_BODIES:
        return
    batches = [pending[start::workers * 8] for start in range(min(len(pending), workers * 8))]
    _WORK.update(pages=pages)
    try:  # the heaviest first, dealt round: the editions' charters and the longest bodies share out
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_writer) as pool:
            for records in pool.map(_render_share, batches):
                for record in records:
                    logging.getLogger(record.name).handle(record)
    finally:
        _WORK.clear()
