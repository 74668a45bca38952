"""A version's change as the pages read it: what every page needs, and what only a diff's own pages need.

The diffs stage (generator.diffs.consecutive) computes changes, and its cache holds them: a change's
outline (generator.diffs.outlines) is enough for every page but those showing the diff, which read the
rest (`Change.shown`) from the change's cache entry, written by `encode_change`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from markupsafe import Markup

from generator.diffs.clauses import ChangeKind
from generator.diffs.reading import NOTES_ANCHOR, ReadingForm
from generator.history.versions import Version


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


def held_change(version: Version, shown: Shown, summary: str, visible: bool, key: str | None) -> Change:
    clauses = tuple((clause.anchor, clause.title) for clause in shown.reading.clauses
                    if not clause.is_preamble and clause.anchor != NOTES_ANCHOR)
    return Change(version, summary, visible, tuple(block.step for block in shown.blocks), clauses, key,
                  partial(same, shown))


def same(shown: Shown) -> Shown:
    return shown


def encode_step(step: ClauseStep | None) -> list[str]:
    return [] if step is None else [step.kind, step.anchor, step.old_anchor, step.title, step.old_title,
                                    step.section_id]


def decode_step(data: Sequence[str]) -> ClauseStep | None:
    return ClauseStep(*data) if data else None  # type: ignore[arg-type]


def encode_change(change: Change) -> list[Any]:
    shown = change.shown()
    return [shown.reading.to_json(), str(shown.fields_html),
            [[str(block.html), *encode_step(block.step)] for block in shown.blocks], change.summary,
            change.visible]


def decode_shown(payload: list[Any]) -> Shown:
    reading, fields, blocks, _, _ = payload
    # Written by encode_change from a Change that generator.diffs.consecutive.compute_change escaped.
    return Shown(ReadingForm.from_json(reading), Markup(fields),  # noqa: S704
                 tuple(DiffBlock(Markup(html), decode_step(step)) for html, *step in blocks))  # noqa: S704


def decoder(version: Version, key: str | None) -> Callable[[list[Any]], Change]:
    def decode(payload: list[Any]) -> Change:
        return held_change(version, decode_shown(payload), str(payload[3]), bool(payload[4]), key)
    return decode
