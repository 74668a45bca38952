"""Each clause's own history: the versions that changed it, followed back from the current text.

Readers ask of a clause "when did this last change, and how?", so every `##` clause of the current
text is followed back through the consecutive diffs (newest first) by the pairing the diff engine
made: an unchanged clause keeps its anchor, a renamed one (a reworded heading, a pinned anchor, an
anchor changed under the same words) leads to its old anchor, and an added one ends the walk. A
removed version is skipped, as the diff after it compares with the text before the removal.
Pure data from the diffs stage; the pages only show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from generator.diffs.change import Change, ClauseStep
from generator.history.versions import Version


@dataclass(frozen=True)
class ClauseRevision:
    """One version that changed the clause: how, and that clause's section of the version's diff."""

    step: ClauseStep
    change: Change
    block: int
    """The section's place among the diff's blocks: with the diff's cache key (`change.key`) it names the
    section, so a page showing it is cached without reading the diff."""

    @property
    def version(self) -> Version:
        return self.change.version

    @property
    def html(self) -> Markup:
        """Read from the diff (generator.diffs.consecutive.Change.shown) at each call."""
        return self.change.shown().blocks[self.block].html


@dataclass(frozen=True)
class ClauseHistory:
    anchor: str
    """The clause's anchor in the current text."""
    title: str
    revisions: tuple[ClauseRevision, ...]
    """Newest first; the oldest is the version that added the clause."""

    @property
    def last(self) -> ClauseRevision | None:
        """The latest version that changed it (its addition, when none has changed it since)."""
        return self.revisions[0] if self.revisions else None


def clause_histories(changes: Sequence[Change]) -> dict[str, ClauseHistory]:
    """Current anchor -> the clause's history, in the current text's order; `changes` newest first."""
    shown = [change for change in changes if not change.version.is_removed]
    if not shown:
        return {}
    current = shown[0].clauses
    followed = {anchor: anchor for anchor, _ in current}  # current anchor -> anchor then
    found: dict[str, list[ClauseRevision]] = {anchor: [] for anchor, _ in current}
    for change in shown:
        by_anchor: dict[str, tuple[int, ClauseStep]] = {}
        for place, step in enumerate(change.steps):
            if step is not None and step.kind != "removed" and step.anchor:
                by_anchor.setdefault(step.anchor, (place, step))
        for key, anchor in list(followed.items()):
            if anchor not in by_anchor:
                continue
            place, step = by_anchor.pop(anchor)  # popped: no two clauses claim one section
            found[key].append(ClauseRevision(step, change, place))
            if step.kind == "added":
                del followed[key]
            else:
                followed[key] = step.old_anchor
    return {anchor: ClauseHistory(anchor, title, tuple(found[anchor])) for anchor, title in current}


def agreement_clause_histories(diffs: Mapping[str, Sequence[Change]]) -> dict[str, dict[str, ClauseHistory]]:
    """Agreement id -> its clauses' histories, from the diffs stage's consecutive diffs."""
    return {agreement_id: clause_histories(changes) for agreement_id, changes in diffs.items()}
