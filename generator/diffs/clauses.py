"""Clause-by-clause, word-level differences between two versions of an agreement.

Readers of a living charter need to see *what changed in the text* between versions, clause by
clause, so the diff pairs clauses by their stable anchors (the same ones `[[id#anchor]]` links use)
and shows Markdown source words, never rendered HTML: bodies are untrusted, and everything that
reaches HTML here goes through `html.escape`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from generator.source import markup
from generator.diffs.match import bounded_opcodes
from generator.model import Agreement
from generator.vocabulary import RELATION_LABELS

SegmentOp = Literal["equal", "insert", "delete"]
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

# Words, runs of whitespace, and single other characters: concatenated they give back the text.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
BLANK_LINE = re.compile(r"\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class ClauseText:
    """A clause's source text without its heading; the preamble has anchor and title ""."""

    anchor: str
    title: str
    text: str

    @property
    def is_preamble(self) -> bool:
        return self.anchor == ""


@dataclass(frozen=True)
class Segment:
    op: SegmentOp
    text: str


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
    def old_text(self) -> str:
        return "".join(segment.text for segment in self.segments if segment.op != "insert")

    @property
    def new_text(self) -> str:
        return "".join(segment.text for segment in self.segments if segment.op != "delete")


@dataclass(frozen=True)
class BodyDiff:
    """Clauses in the new version's order; removed ones stand where they stood in the old."""

    clauses: tuple[ClauseChange, ...]

    @property
    def changed(self) -> bool:
        return any(clause.kind != "unchanged" for clause in self.clauses)

    def count(self, kind: ChangeKind, *, preamble: bool = False) -> int:
        return sum(1 for c in self.clauses if c.kind == kind and c.is_preamble == preamble)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


# --- splitting -------------------------------------------------------------------------------


def _trim_blank_lines(lines: Sequence[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def split_clauses(body: str) -> tuple[ClauseText, ...]:
    """The preamble (always first, maybe empty) then each `##` clause, anchored as markup anchors it.

    Headings come from markdown-it tokens, so a `## ` inside a code fence is text, and setext
    headings span their underline.
    """
    lines = body.split("\n")
    headings = [
        (token.map or [0, 1], str(token.attrGet("id") or ""), str(token.meta["title"]))
        for token in markup._parser().parse(body)
        if token.type == "heading_open" and token.tag == markup.CLAUSE_LEVEL
    ]
    first = headings[0][0][0] if headings else len(lines)
    found = [ClauseText("", "", _trim_blank_lines(lines[:first]))]
    for index, (span, anchor, title) in enumerate(headings):
        end = headings[index + 1][0][0] if index + 1 < len(headings) else len(lines)
        found.append(ClauseText(anchor, title, _trim_blank_lines(lines[span[1] : end])))
    return tuple(found)


# --- word diff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    deleted: str
    inserted: str

    @property
    def replaces(self) -> bool:
        return bool(self.deleted and self.inserted)


def _absorbable(text: str) -> bool:
    """Whitespace between two edits is folded into them, unless it is a paragraph break."""
    return not text.strip() and not BLANK_LINE.search(text)


def diff_words(old: str, new: str) -> tuple[Segment, ...]:
    """A word-level diff whose equal+insert texts give `new` and equal+delete texts give `old`.

    Spaces between replaced words are folded into the replacement, so a rewritten phrase reads
    as one deletion and one insertion rather than alternating word by word.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    runs: list[str | _Change] = []
    for tag, i1, i2, j1, j2 in bounded_opcodes(a, b):
        if tag == "equal":
            runs.append("".join(a[i1:i2]))
            continue
        change = _Change("".join(a[i1:i2]), "".join(b[j1:j2]))
        if len(runs) >= 2 and isinstance(runs[-1], str) and isinstance(runs[-2], _Change):
            space, previous = runs[-1], runs[-2]
            if _absorbable(space) and (previous.replaces or change.replaces):
                del runs[-2:]
                change = _Change(
                    previous.deleted + space + change.deleted, previous.inserted + space + change.inserted
                )
        runs.append(change)
    segments: list[Segment] = []
    for run in runs:
        if isinstance(run, str):
            segments.append(Segment("equal", run))
        else:
            if run.deleted:
                segments.append(Segment("delete", run.deleted))
            if run.inserted:
                segments.append(Segment("insert", run.inserted))
    return _start_edits_at_words(segments)


def _start_edits_at_words(segments: list[Segment]) -> tuple[Segment, ...]:
    """Slide a lone insertion or deletion that starts with a space to start at the word instead.

    "Say<ins> more</ins> hi" and "Say <ins>more </ins>hi" describe the same edit; the second reads
    better, and stays correct because the equal text after the edit starts with the same space.
    """
    result: list[Segment] = []
    index = 0
    while index < len(segments):
        segment = segments[index]
        following = segments[index + 1] if index + 1 < len(segments) else None
        lead = segment.text[: len(segment.text) - len(segment.text.lstrip())]
        if (
            segment.op != "equal"
            and lead
            and lead != segment.text
            and (not result or result[-1].op == "equal")
            and following is not None
            and following.op == "equal"
            and following.text.startswith(lead)
        ):
            before = result.pop().text if result else ""
            result.append(Segment("equal", before + lead))
            result.append(Segment(segment.op, segment.text[len(lead) :] + lead))
            if following.text != lead:
                result.append(Segment("equal", following.text[len(lead) :]))
            index += 2
            continue
        result.append(segment)
        index += 1
    return tuple(result)


# --- pairing clauses -------------------------------------------------------------------------


def _occurrences(keys: Iterable[str]) -> list[tuple[str, int]]:
    """(key, n): the n-th clause with that key, so duplicate anchors still pair in order."""
    seen: dict[str, int] = {}
    result = []
    for key in keys:
        result.append((key, seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return result


def _pair(old: Sequence[ClauseText], new: Sequence[ClauseText]) -> dict[int, int]:
    """new index -> old index: by anchor first, then by identical title for re-anchored clauses."""
    pairs: dict[int, int] = {}
    key_ofs: tuple[Callable[[ClauseText], str], ...] = (lambda c: c.anchor, lambda c: c.title)
    for key_of in key_ofs:
        free_old = [i for i in range(len(old)) if i not in pairs.values()]
        free_new = [j for j in range(len(new)) if j not in pairs]
        by_key = dict(zip(_occurrences(key_of(old[i]) for i in free_old), free_old))
        for key, j in zip(_occurrences(key_of(new[j]) for j in free_new), free_new):
            if key in by_key:
                pairs[j] = by_key[key]
    return pairs


def _compare(old: ClauseText, new: ClauseText) -> ClauseChange:
    segments = diff_words(old.text, new.text)
    if old.title != new.title or old.anchor != new.anchor:
        kind: ChangeKind = "renamed"
    elif old.text != new.text:
        kind = "changed"
    else:
        kind = "unchanged"
    return ClauseChange(new.anchor, new.title, old.title, kind, segments, old.anchor)


def _added(clause: ClauseText) -> ClauseChange:
    segments = (Segment("insert", clause.text),) if clause.text else ()
    return ClauseChange(clause.anchor, clause.title, "", "added", segments)


def _removed(clause: ClauseText) -> ClauseChange:
    segments = (Segment("delete", clause.text),) if clause.text else ()
    return ClauseChange(clause.anchor, clause.title, clause.title, "removed", segments, clause.anchor)


def _diff_preamble(old: ClauseText, new: ClauseText) -> tuple[ClauseChange, ...]:
    if not old.text and not new.text:
        return ()
    if not old.text:
        return (_added(new),)
    if not new.text:
        return (_removed(old),)
    return (_compare(old, new),)


def diff_bodies(old: str, new: str) -> BodyDiff:
    """Pair the clauses of two bodies and diff each pair word by word."""
    old_preamble, *old_clauses = split_clauses(old)
    new_preamble, *new_clauses = split_clauses(new)
    pairs = _pair(old_clauses, new_clauses)
    new_index_of_old = {i: j for j, i in pairs.items()}
    # Each removed clause follows the nearest earlier old clause that survived (-1: the start).
    after: dict[int, list[int]] = {}
    last_kept = -1
    for i in range(len(old_clauses)):
        if i in new_index_of_old:
            last_kept = new_index_of_old[i]
        else:
            after.setdefault(last_kept, []).append(i)
    changes = list(_diff_preamble(old_preamble, new_preamble))
    changes.extend(_removed(old_clauses[i]) for i in after.get(-1, []))
    for j, clause in enumerate(new_clauses):
        changes.append(_compare(old_clauses[pairs[j]], clause) if j in pairs else _added(clause))
        changes.extend(_removed(old_clauses[i]) for i in after.get(j, []))
    return BodyDiff(tuple(changes))


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
    return ", ".join(parts) if parts else "no changes"
