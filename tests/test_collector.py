"""The cycle collector while a build composes the charter (generator.engine.collector)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from generator.engine import collector


class Node:
    def __init__(self) -> None:
        self.peer: Node | None = None


def cycle() -> weakref.ref[Node]:
    """Garbage that only the cycle collector frees."""
    one, other = Node(), Node()
    one.peer, other.peer = other, one
    return weakref.ref(one)


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    was_on = gc.isenabled()
    yield
    gc.unfreeze()
    if was_on:
        gc.enable()


def test_composing_holds_the_collector_off_and_collects_what_it_left_in_cycles() -> None:
    gc.enable()
    with collector.composing():
        assert not gc.isenabled()
        left = cycle()
        [Node() for _ in range(10_000)]  # enough to set off a young collection, were the collector on
        assert left() is not None
    assert left() is None
    assert gc.isenabled()


def test_composing_sets_aside_what_it_made_and_hands_it_back_when_the_next_build_composes() -> None:
    gc.enable()
    with collector.composing():
        kept = [Node() for _ in range(100)]
    assert gc.get_freeze_count() >= len(kept)
    left = cycle()  # the last build's garbage among what it set aside, as a rebuild under `serve` leaves it
    gc.freeze()
    with collector.composing():
        assert gc.get_freeze_count() == 0
    assert left() is None


def test_composing_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    with collector.composing():
        pass
    assert not gc.isenabled()


def test_a_failed_composition_sets_nothing_aside_and_turns_the_collector_back_on() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collector.composing():
        raise RuntimeError("the charter has errors")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
