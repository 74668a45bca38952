"""Standalone pages written by forked processes, on a machine with more than one core.

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
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from generator.engine.publish import SiteWriter
from generator.pages import Page


def write_pages(pages: Sequence[Page], render: Callable[[Page], str], writer: SiteWriter,
                written: Callable[[], None]) -> None:
    for page in pages:
        data = render(page).encode("utf-8", errors="xmlcharrefreplace")
        writer(f"{page.url}index.html", data)
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


def _write_share(bounds: tuple[int, int]) -> tuple[set[str], int, list[logging.LogRecord], str]:
    """One batch of pages, written by a forked process: what it kept, how many, its records, its error."""
    start, end = bounds
    held: _Held = _WORK["held"]
    writer = SiteWriter(_WORK["site_dir"], _WORK["published"])
    failure = ""
    try:
        write_pages(_WORK["pages"][start:end], _WORK["render"], writer, lambda: None)
    except PluginError as error:
        failure = str(error)
    records, held.records = held.records, []
    return writer.kept, end - start, records, failure


def write_forked(pages: Sequence[Page], render: Callable[[Page], str], site_dir: Path, published: Path | None,
                 written: Callable[[], None], workers: int) -> set[str]:
    """The pages in batches of equal count across `workers` forked processes; each page is rendered and
    written exactly as one process would, so the site is byte for byte the same."""
    size = -(-len(pages) // (workers * 4))
    batches = [(start, min(start + size, len(pages))) for start in range(0, len(pages), size)]
    kept: set[str] = set()
    failure = ""
    _WORK.update(pages=pages, render=render, site_dir=site_dir, published=published)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_writer) as pool:
            for batch_kept, count, records, batch_failure in pool.map(_write_share, batches):
                kept |= batch_kept
                for record in records:
                    logging.getLogger(record.name).handle(record)
                for _ in range(count):
                    written()
                failure = failure or batch_failure  # the first page that failed, in the pages' order
    finally:
        _WORK.clear()
    if failure:
        raise PluginError(failure)
    return kept
