"""Word matching with a bound on its work, so one hostile amendment cannot hold a build for minutes.

site_overrides/assets/javascripts/compare.js is a line-for-line port of this module (and of the
clause pairing in generator.diffs.clauses): the browser compares any two versions with the same
opcodes, and tests/test_compare_equality.py holds the two to the same result.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from generator.diffs.reading import is_block, parts

MATCH_BUDGET = 8_000_000
"""Token comparisons one word diff may make (a fraction of a second); past it, the changed middle
of a clause is shown as one replacement. The history page hands it to the browser."""

SegmentOp = Literal["equal", "insert", "delete"]


class _OverBudget(Exception):
    pass


class _BoundedMatcher(difflib.SequenceMatcher[str]):
    """difflib's matcher (no junk, no autojunk), stopped once it has made `budget` token comparisons.

    Its search compares each token of the old text with every equal token of the new one (every
    space with every space), once per edit: a long clause rewritten in many places, or a 1 MB
    line, would take minutes, and a build would hang on one amendment.
    """

    def __init__(self, a: Sequence[str], b: Sequence[str], budget: int) -> None:
        self.work, self.budget = 0, budget
        self.tokens = a
        self.counts = Counter(b)
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> difflib.Match:
        ahi = len(self.tokens) if ahi is None else ahi
        self.work += sum(self.counts[token] for token in self.tokens[alo:ahi])
        if self.work > self.budget:
            raise _OverBudget
        return super().find_longest_match(alo, ahi, blo, bhi)


Opcode = tuple[str, int, int, int, int]


def bounded_opcodes(a: Sequence[str], b: Sequence[str], budget: int = MATCH_BUDGET) -> list[Opcode]:
    """The matcher's opcodes; past its budget, the common start and end stay equal and the matcher
    tries the middle alone, which past the budget again is shown as one replacement."""
    try:
        return list(_BoundedMatcher(a, b, budget).get_opcodes())
    except _OverBudget:
        pass
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a_end, b_end = len(a) - end, len(b) - end
    try:
        middle = [(tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2
                  in _BoundedMatcher(a[start:a_end], b[start:b_end], budget).get_opcodes()]
    except _OverBudget:
        middle = [("replace", start, a_end, start, b_end)]
    return [
        *([("equal", 0, start, 0, start)] if start else []),
        *(code for code in middle if code[1] < code[2] or code[3] < code[4]),
        *([("equal", a_end, len(a), b_end, len(b))] if end else []),
    ]


# --- word diff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    op: SegmentOp
    tokens: tuple[str, ...]


_SPACE = re.compile(r"[ \t\n]+\Z")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _is_space(token: str) -> bool:
    return not is_block(token) and bool(_SPACE.match(parts(token)[1]))


def _absorbable(tokens: Sequence[str]) -> bool:
    """Spaces between two edits are folded into them, unless they hold a blank line (in code)."""
    return all(_is_space(token) and not _BLANK_LINE.search(parts(token)[1]) for token in tokens)


def _blocks(tokens: Sequence[str]) -> list[list[str]]:
    """Tokens cut before each block token: a paragraph, a list item, a cell."""
    blocks: list[list[str]] = []
    for token in tokens:
        if is_block(token) or not blocks:
            blocks.append([])
        blocks[-1].append(token)
    return blocks


def _flat(blocks: Sequence[Sequence[str]]) -> list[str]:
    return [token for block in blocks for token in block]


def diff_tokens(old: Sequence[str], new: Sequence[str], budget: int = MATCH_BUDGET) -> tuple[Segment, ...]:
    """A token diff whose equal+insert tokens give `new` and equal+delete tokens give `old`.

    Blocks are matched first, whole, then the words of the blocks that differ: a struck list item
    reads as one item deleted, not as each later item rewritten into the one before it.
    """
    if len(old) == len(new) and tuple(old) == tuple(new):  # most clauses of an amendment
        return (Segment("equal", tuple(old)),) if old else ()  # what matching finds, without the work
    return matched_tokens(old, new, budget)


def matched_tokens(old: Sequence[str], new: Sequence[str], budget: int = MATCH_BUDGET) -> tuple[Segment, ...]:
    """`diff_tokens` by matching, however alike the two are."""
    a, b = _blocks(old), _blocks(new)
    runs: list[tuple[SegmentOp, list[str]]] = []
    for tag, i1, i2, j1, j2 in bounded_opcodes(["\0".join(block) for block in a],
                                               ["\0".join(block) for block in b], budget):
        if tag == "equal":
            found: Sequence[Segment] = (Segment("equal", tuple(_flat(a[i1:i2]))),)
        else:
            found = _replace_blocks(a[i1:i2], b[j1:j2], budget)
        for segment in found:
            if runs and runs[-1][0] == segment.op:
                runs[-1][1].extend(segment.tokens)
            else:
                runs.append((segment.op, list(segment.tokens)))
    return tuple(Segment(op, tuple(tokens)) for op, tokens in runs)


PAIRING_LIMIT = 400
"""Pairs of blocks one replacement may weigh against each other; past it, its words are diffed as one.
Each pair may spend `budget // PAIRING_LIMIT` comparisons, so weighing them all costs one budget."""
SIMILAR = 0.5
"""How alike two blocks must be (difflib's ratio) to be shown as one block changed."""


def _similarity(a: Sequence[str], b: Sequence[str], budget: int) -> float:
    matched = sum(i2 - i1 for tag, i1, i2, _, _ in bounded_opcodes(a, b, budget) if tag == "equal")
    return 2.0 * matched / (len(a) + len(b))


def _replace_blocks(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]], budget: int) -> list[Segment]:
    """Blocks replaced by others: the most alike pair (the first of equals) is diffed word by word,
    then the blocks before it and after it the same way, so each item's change stays in its item.

    One block for one, or the same words with only their breaks moved (a paragraph split), are
    diffed as one run of words instead."""
    def words(blocks: Sequence[Sequence[str]]) -> list[str]:
        return [token for token in _flat(blocks) if not is_block(token) and not _is_space(token)]

    ratios: dict[tuple[int, int], float] = {}
    if len(a) * len(b) <= PAIRING_LIMIT and (len(a), len(b)) != (1, 1) and words(a) != words(b):
        ratios = {(i, j): _similarity(a[i], b[j], budget // PAIRING_LIMIT)
                  for j in range(len(b)) for i in range(len(a))}

    def paired(ilo: int, ihi: int, jlo: int, jhi: int) -> list[Segment]:
        if ilo == ihi or jlo == jhi:
            deleted, inserted = _flat(a[ilo:ihi]), _flat(b[jlo:jhi])
            if deleted or inserted:
                return [Segment("delete", tuple(deleted)) if deleted else Segment("insert", tuple(inserted))]
            return []
        pair: tuple[int, int] | None = None
        best = SIMILAR
        for j in range(jlo, jhi):
            for i in range(ilo, ihi):
                ratio = ratios.get((i, j), 0.0)
                if ratio > best or (pair is None and ratio == best):
                    best, pair = ratio, (i, j)
        if pair is None:
            return list(_diff_words(_flat(a[ilo:ihi]), _flat(b[jlo:jhi]), budget))
        i, j = pair
        return [*paired(ilo, i, jlo, j), *_diff_words(a[i], b[j], budget), *paired(i + 1, ihi, j + 1, jhi)]

    return paired(0, len(a), 0, len(b))


def _diff_words(a: Sequence[str], b: Sequence[str], budget: int) -> tuple[Segment, ...]:
    """Spaces between replaced words are folded into the replacement, so a rewritten phrase reads
    as one deletion and one insertion rather than alternating word by word."""
    runs: list[tuple[list[str], list[str]] | list[str]] = []  # a list: equal; a pair: (deleted, inserted)
    for tag, i1, i2, j1, j2 in bounded_opcodes(a, b, budget):
        if tag == "equal":
            runs.append(list(a[i1:i2]))
            continue
        deleted, inserted = list(a[i1:i2]), list(b[j1:j2])
        if len(runs) >= 2 and isinstance(runs[-2], tuple) and isinstance(runs[-1], list):
            space, (before_deleted, before_inserted) = runs[-1], runs[-2]
            replaces = bool(deleted and inserted) or bool(before_deleted and before_inserted)
            if _absorbable(space) and replaces:
                del runs[-2:]
                deleted, inserted = before_deleted + space + deleted, before_inserted + space + inserted
        runs.append((deleted, inserted))
    segments: list[Segment] = []
    for run in runs:
        if isinstance(run, list):
            segments.append(Segment("equal", tuple(run)))
        else:
            deleted, inserted = run
            segments.extend([Segment("delete", tuple(deleted))] if deleted else [])
            segments.extend([Segment("insert", tuple(inserted))] if inserted else [])
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
        lead = segment.tokens[0]
        if (
            segment.op != "equal"
            and _is_space(lead)
            and not all(_is_space(token) for token in segment.tokens)
            and (not result or result[-1].op == "equal")
            and following is not None
            and following.op == "equal"
            and following.tokens[0] == lead
        ):
            before = result.pop().tokens if result else ()
            result.append(Segment("equal", (*before, lead)))
            result.append(Segment(segment.op, (*segment.tokens[1:], lead)))
            if len(following.tokens) > 1:
                result.append(Segment("equal", following.tokens[1:]))
            index += 2
            continue
        result.append(segment)
        index += 1
    return tuple(result)
