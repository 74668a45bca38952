"""Progress on long builds and checks: rich, on standard error, and only when that is a terminal.

A log, a CI run or a test sees nothing of it, so output stays byte for byte what it was. What a
build did is also said once at its end, in one line that every log keeps: pages, versions, time.

The display is redrawn as progress is made, at most ten times a second, never by a thread of its
own: a build forks its diffing and page-writing processes only while it runs one thread, so a
display that refreshed itself would keep a build at a terminal on one core.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

REDRAW_EVERY = 0.1
"""Seconds between redraws: redrawing on each of 60,000 pages would cost more than writing them."""


class _Display(Progress):
    """A progress display without a refreshing thread, redrawn when told and not too often."""

    drawn_at = 0.0

    def redraw(self, *, now: bool = False) -> None:
        if self.disable:
            return
        moment = time.monotonic()
        if now or moment - self.drawn_at >= REDRAW_EVERY:
            self.drawn_at = moment
            self.refresh()


def _display() -> _Display:
    console = Console(stderr=True)
    return _Display(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal,
                    auto_refresh=False)


@contextmanager
def counting(description: str) -> Iterator[Callable[[int, int], None]]:
    """A bar while the body runs; call the function it gives with (done, total)."""
    with _display() as display:
        task = display.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            display.update(task, completed=done, total=total)
            display.redraw(now=done == total)

        yield update


class BuildReport:
    """The build's progress, stage by stage, and its closing summary."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.display = _display()
        self.writing: TaskID | None = None
        self.pages = self.versions = self.agreements = 0

    @contextmanager
    def composing(self) -> Iterator[None]:
        self.display.start()
        task = self.display.add_task("Reading history and composing the charter", total=None)
        self.display.redraw(now=True)
        try:
            yield
        finally:
            self.display.remove_task(task)

    def start_writing(self, total: int, versions: int, agreements: int) -> None:
        self.versions, self.agreements = versions, agreements
        self.writing = self.display.add_task("Writing pages", total=total)
        self.display.redraw(now=True)

    def page_written(self) -> None:
        self.pages += 1
        if self.writing is not None:
            self.display.advance(self.writing)
            self.display.redraw()

    def finish(self) -> str:
        self.display.stop()
        seconds = time.monotonic() - self.started
        return (f"charter: {self.pages} pages written ({self.versions} versions of {self.agreements} agreements) "
                f"in {seconds:.1f} s")

    def abandon(self) -> None:
        self.display.stop()
