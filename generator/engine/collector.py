"""Python's cycle collector kept off the build's own objects.

A long charter's build holds millions of small objects that live until it ends: every revision,
version, event, interval and record. Python's cycle collector runs each time a few hundred more have
been made, and as they pile up its passes walk all of them: at 5,000 agreements and 50,000 commits
that was a fifth of a warm rebuild's processor time (bench/RESULTS.md), and it freed next to nothing.
The pages, though, leave garbage in cycles that only the collector frees (each Jinja render leaves its
macros and contexts so): with the collector off for the whole build, a cold one took nearly twice the memory.

So the collector is off while the charter is composed, which makes the objects that last, collects
once, and then sets them aside (`gc.freeze`): the pages rendered afterwards, in MkDocs' loop and by
the forked writers, are collected as usual, without walking the composed charter again. Forked writers
also no longer copy the memory pages a walk would have touched. What one build set aside is handed
back when the next begins to compose (`serve` builds again and again in one process), and its one
collection frees what that build left; a build that ends the process leaves it be, since a last
collection of millions of objects would only delay the exit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def composing() -> Iterator[None]:
    """The collector off while the charter is composed; what was made then, and what an earlier build
    set aside, is collected once and set aside. The collector is left on or off as it was found."""
    was_on = gc.isenabled()
    gc.disable()
    gc.unfreeze()
    try:
        yield
        gc.collect()
        gc.freeze()
    finally:
        if was_on:
            gc.enable()
