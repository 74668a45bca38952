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

from generator.diffs.consecutive import Change, ClauseStep, DiffBlock
from generator.diffs.reading import NOTES_ANCHOR
from generator.history.versions import Version


@dataclass(frozen=True)
class ClauseRevision:
    """One version that changed the clause: how, and that clause's section of the version's diff."""

    version: Version
    step: ClauseStep
    html: Markup
    diff: str | None = None
    """The cache key of the version's diff, which names `html` with `block` (None for the uncommitted
    version): a page showing the section is cached under them, without holding the HTML."""
    block: int = 0
    """The section's place among the diff's blocks."""


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
    current = [clause for clause in shown[0].reading.clauses
               if not clause.is_preamble and clause.anchor != NOTES_ANCHOR]
    followed = {clause.anchor: clause.anchor for clause in current}  # current anchor -> anchor then
    found: dict[str, list[ClauseRevision]] = {clause.anchor: [] for clause in current}
    for change in shown:
        by_anchor: dict[str, tuple[int, DiffBlock]] = {}
        for place, block in enumerate(change.blocks):
            if block.step is not None and block.step.kind != "removed" and block.step.anchor:
                by_anchor.setdefault(block.step.anchor, (place, block))
        for key, anchor in list(followed.items()):
            if anchor not in by_anchor:
                continue
            place, block = by_anchor.pop(anchor)  # popped: no two clauses claim one section
            if block.step is None:
                continue
            found[key].append(ClauseRevision(change.version, block.step, block.html, change.key, place))
            if block.step.kind == "added":
                del followed[key]
            else:
                followed[key] = block.step.old_anchor
    return {clause.anchor: ClauseHistory(clause.anchor, clause.title, tuple(found[clause.anchor]))
            for clause in current}


def agreement_clause_histories(diffs: Mapping[str, Sequence[Change]]) -> dict[str, dict[str, ClauseHistory]]:
    """Agreement id -> its clauses' histories, from the diffs stage's consecutive diffs."""
    return {agreement_id: clause_histories(changes) for agreement_id, changes in diffs.items()}
