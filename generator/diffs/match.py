"""Word matching with a bound on its work, so one hostile amendment cannot hold a build for minutes."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence

MATCH_BUDGET = 8_000_000
"""Token comparisons one word diff may make (a fraction of a second); past it, the changed middle
of a clause is shown as one replacement."""


class _OverBudget(Exception):
    pass


class _BoundedMatcher(difflib.SequenceMatcher[str]):
    """difflib's matcher, stopped once it has made MATCH_BUDGET token comparisons.

    Its search compares each token of the old text with every equal token of the new one (every
    space with every space), once per edit: a long clause rewritten in many places, or a 1 MB
    line, would take minutes, and a build would hang on one amendment.
    """

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        self.work = 0
        self.tokens = a
        self.counts = Counter(b)
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> difflib.Match:
        ahi = len(self.tokens) if ahi is None else ahi
        self.work += sum(self.counts[token] for token in self.tokens[alo:ahi])
        if self.work > MATCH_BUDGET:
            raise _OverBudget
        return super().find_longest_match(alo, ahi, blo, bhi)


Opcode = tuple[str, int, int, int, int]


def bounded_opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """The matcher's opcodes; past its budget, the common start and end stay equal and the matcher
    tries the middle alone, which past the budget again is shown as one replacement."""
    try:
        return list(_BoundedMatcher(a, b).get_opcodes())
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
        middle = [(tag, i1 + start, i2 + start, j1 + start, j2 + start)
                  for tag, i1, i2, j1, j2 in _BoundedMatcher(a[start:a_end], b[start:b_end]).get_opcodes()]
    except _OverBudget:
        middle = [("replace", start, a_end, start, b_end)]
    return [
        *([("equal", 0, start, 0, start)] if start else []),
        *(code for code in middle if code[1] < code[2] or code[3] < code[4]),
        *([("equal", a_end, len(a), b_end, len(b))] if end else []),
    ]
