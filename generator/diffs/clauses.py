"""Clause-by-clause, word-level differences between two versions of an agreement, as readers read them.

Readers of a living charter need to see *what changed in the text* between versions, clause by
clause, so the diff pairs clauses by their stable anchors (the same ones `[[id#anchor]]` links use)
and compares their reading forms (generator.diffs.reading): words as the page shows them, with the
structure they stand in. Bodies are untrusted; generator.diffs.render escapes every text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from generator.diffs.match import MATCH_BUDGET, Segment, diff_tokens
from generator.diffs.reading import ClauseText, Link, LinkText, ReadingForm, reading_form
from generator.model import Agreement
from generator.vocabulary import RELATION_LABELS

ChangeKind = Literal["added", "removed", "changed", "unchanged", "renamed"]

MISSING = "—"
PREAMBLE_TITLE = "Preamble"

# The front-matter fields a reader cares about, in the order the diff table lists them.
FIELD_LABELS: dict[str, str] = {
    "title": "Title",
    "status": "Status",
    "parties": "Parties",
    "mediators": "Mediators",
    "level": "Level",
    "form": "Form",
    "institutionalised_as": "Institutionalised as",
    "themes": "Themes",
    "adopted": "Adopted",
    "review_by": "Review by",
    "renew_every": "Renew every",
    **RELATION_LABELS,
    "summary": "Summary",
}
FIELD_ORDER: tuple[str, ...] = (
    "title",
    "status",
    "parties",
    "mediators",
    "level",
    "form",
    "institutionalised_as",
    "themes",
    "adopted",
    "review_by",
    "renew_every",
    "amends",
    "supersedes",
    "builds_on",
    "relates_to",
    "summary",
)


@dataclass(frozen=True)
class ClauseChange:
    """One clause across two versions; `renamed` means its heading (title or anchor) changed."""

    anchor: str
    title: str
    old_title: str
    kind: ChangeKind
    segments: tuple[Segment, ...]
    old_anchor: str = ""

    @property
    def is_preamble(self) -> bool:
        return self.anchor == "" and self.old_anchor == ""

    @property
    def text_changed(self) -> bool:
        return any(segment.op != "equal" for segment in self.segments)

    @property
    def old_tokens(self) -> tuple[str, ...]:
        return tuple(token for segment in self.segments if segment.op != "insert" for token in segment.tokens)

    @property
    def new_tokens(self) -> tuple[str, ...]:
        return tuple(token for segment in self.segments if segment.op != "delete" for token in segment.tokens)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str
    caption: str = ""
    """The row's label when it is not a front-matter field's (a retargeted link)."""

    @property
    def label(self) -> str:
        return self.caption or FIELD_LABELS.get(self.field, self.field)


@dataclass(frozen=True)
class BodyDiff:
    """Clauses in the new version's order; removed ones stand where they stood in the old."""

    clauses: tuple[ClauseChange, ...]
    retargeted: tuple[FieldChange, ...] = ()
    """Links whose words stayed while their target changed: shown in the field table, not the text."""
    source_changed: bool = False
    """The Markdown differs even where nothing a reader sees does (reflowed lines, trailing spaces)."""

    @property
    def changed(self) -> bool:
        return any(clause.kind != "unchanged" for clause in self.clauses)

    def count(self, kind: ChangeKind, *, preamble: bool = False) -> int:
        return sum(1 for c in self.clauses if c.kind == kind and c.is_preamble == preamble)


# --- pairing clauses -------------------------------------------------------------------------


def _occurrences(keys: Iterable[str]) -> list[tuple[str, int]]:
    """(key, n): the n-th clause with that key, so duplicate anchors still pair in order."""
    seen: dict[str, int] = {}
    result = []
    for key in keys:
        result.append((key, seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return result


def pair_clauses(old: Sequence[ClauseText], new: Sequence[ClauseText]) -> dict[int, int]:
    """new index -> old index: by anchor first, then by identical title for re-anchored clauses."""
    pairs: dict[int, int] = {}
    key_ofs: tuple[Callable[[ClauseText], str], ...] = (lambda c: c.anchor, lambda c: c.title)
    for key_of in key_ofs:
        taken = set(pairs.values())
        free_old = [i for i in range(len(old)) if i not in taken]
        free_new = [j for j in range(len(new)) if j not in pairs]
        by_key = dict(zip(_occurrences(key_of(old[i]) for i in free_old), free_old))
        for key, j in zip(_occurrences(key_of(new[j]) for j in free_new), free_new):
            if key in by_key:
                pairs[j] = by_key[key]
    return pairs


def _compare(old: ClauseText, new: ClauseText, budget: int) -> ClauseChange:
    segments = diff_tokens(old.tokens, new.tokens, budget)
    if old.title != new.title or old.anchor != new.anchor:
        kind: ChangeKind = "renamed"
    elif old.tokens != new.tokens:
        kind = "changed"
    else:
        kind = "unchanged"
    return ClauseChange(new.anchor, new.title, old.title, kind, segments, old.anchor)


def _added(clause: ClauseText) -> ClauseChange:
    segments = (Segment("insert", clause.tokens),) if clause.tokens else ()
    return ClauseChange(clause.anchor, clause.title, "", "added", segments)


def _removed(clause: ClauseText) -> ClauseChange:
    segments = (Segment("delete", clause.tokens),) if clause.tokens else ()
    return ClauseChange(clause.anchor, clause.title, clause.title, "removed", segments, clause.anchor)


def _diff_preamble(old: ClauseText, new: ClauseText, budget: int) -> tuple[ClauseChange, ...]:
    if not old.tokens and not new.tokens:
        return ()
    if not old.tokens:
        return (_added(new),)
    if not new.tokens:
        return (_removed(old),)
    return (_compare(old, new, budget),)


def diff_clauses(old: Sequence[ClauseText], new: Sequence[ClauseText],
                 budget: int = MATCH_BUDGET) -> tuple[ClauseChange, ...]:
    """Pair the clauses (preamble first on both sides) and diff each pair token by token."""
    old_preamble, *old_clauses = old or (ClauseText("", "", ()),)
    new_preamble, *new_clauses = new or (ClauseText("", "", ()),)
    pairs = pair_clauses(old_clauses, new_clauses)
    new_index_of_old = {i: j for j, i in pairs.items()}
    # Each removed clause follows the nearest earlier old clause that survived (-1: the start).
    after: dict[int, list[int]] = {}
    last_kept = -1
    for i in range(len(old_clauses)):
        if i in new_index_of_old:
            last_kept = new_index_of_old[i]
        else:
            after.setdefault(last_kept, []).append(i)
    changes = list(_diff_preamble(old_preamble, new_preamble, budget))
    changes.extend(_removed(old_clauses[i]) for i in after.get(-1, []))
    for j, clause in enumerate(new_clauses):
        changes.append(_compare(old_clauses[pairs[j]], clause, budget) if j in pairs else _added(clause))
        changes.extend(_removed(old_clauses[i]) for i in after.get(j, []))
    return tuple(changes)


def diff_links(old: Sequence[Link], new: Sequence[Link]) -> tuple[FieldChange, ...]:
    """Links that read the same but lead elsewhere, paired by their words (the n-th with those words)."""
    def key(link: Link) -> str:
        return f"{link.kind}\0{link.text}"

    before = dict(zip(_occurrences(key(link) for link in old), old))
    changes = []
    for occurrence, link in zip(_occurrences(key(link) for link in new), new):
        previous = before.get(occurrence)
        if previous is not None and previous.target != link.target:
            noun = "Image" if link.kind == "image" else "Link"
            changes.append(FieldChange("link", previous.target, link.target, f"{noun} “{link.text}”"))
    return tuple(changes)


def diff_readings(old: ReadingForm, new: ReadingForm) -> BodyDiff:
    """The diff of two versions already read (each version is read once, and its reading cached)."""
    return BodyDiff(diff_clauses(old.clauses, new.clauses), diff_links(old.links, new.links),
                    old.digest != new.digest)


def diff_bodies(old: str, new: str, *, link_text: LinkText | None = None) -> BodyDiff:
    """Read two bodies (`link_text` gives `[[links]]` their words, as the page shows them) and diff them."""
    return diff_readings(reading_form(old, link_text), reading_form(new, link_text))


# --- front matter ----------------------------------------------------------------------------


def _display(value: object) -> str:
    if value is None or value == "" or value == ():
        return MISSING
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def diff_fields(old: Agreement | None, new: Agreement) -> tuple[FieldChange, ...]:
    """Front-matter fields whose displayed value differs; with no old version, every set field."""
    changes = []
    for name in FIELD_ORDER:
        before = _display(getattr(old, name)) if old is not None else MISSING
        after = _display(getattr(new, name))
        if before != after:
            changes.append(FieldChange(name, before, after))
    return tuple(changes)


# --- summary ---------------------------------------------------------------------------------


def diff_summary(diff: BodyDiff) -> str:
    """One short line for tables and feeds, e.g. "2 clauses changed, 1 added"."""
    parts: list[str] = []
    kinds: tuple[ChangeKind, ...] = ("changed", "added", "removed", "renamed")
    for kind in kinds[:3]:
        if diff.count(kind, preamble=True):
            parts.append(f"preamble {kind}")
    noun_used = False
    for kind in kinds:
        number = diff.count(kind)
        if number:
            noun = "" if noun_used else (" clause" if number == 1 else " clauses")
            parts.append(f"{number}{noun} {kind}")
            noun_used = True
    if diff.retargeted:
        number = len(diff.retargeted)
        parts.append(f"{number} link{'' if number == 1 else 's'} retargeted")
    if parts:
        return ", ".join(parts)
    return "no visible change" if diff.source_changed else "no changes"
