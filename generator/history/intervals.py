"""When each version of an agreement was current, and its status then: the charter as of any date.

Days, not instants: the charter "as of" a day is the record at the end of that day. Each committed
version is current from its start until the next version's start (its `end`, exclusive), where

- a version starts on the day it was committed (its author date, the date its history row shows);
- an adopting version whose declared `adopted:` date is earlier starts then instead, because a charter
  adopted at an assembly is often committed days later, and an older agreement brought into the
  charter years later (the adoption event's own `declared_date`, as the timeline draws it);
- no version starts before the one before it (dates out of order after a rebase, or an adoption
  declared before the proposal was recorded): it starts with it, and the earlier one is then current
  for no day at all (`start == end`), as is a version replaced on the day it was committed;
- a removal is an interval of its own (status `removed`): the agreement is absent until a version
  restores it;
- a version whose text did not parse is passed over (the readable one before it stays current), as
  editions pass over it;
- an uncommitted version is not on record yet, and has no interval.

Only agreements that exist today are known (their histories are the ones read), as for editions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from generator.history.versions import AgreementHistory, Version
from generator.source.agreements import title_and_status

REMOVED = "removed"
"""The status of the interval a removal opens: the agreement was not in the charter."""


@dataclass(frozen=True)
class Interval:
    version: int
    start: dt.date
    end: dt.date | None
    """The day the next version started (exclusive); None while the version is still current."""
    status: str
    """The version's own status, or `REMOVED`."""
    title: str
    """The title the version gave the agreement ("" for a removal)."""
    recorded: dt.date
    """The day it was committed. `start` differs from it when the adoption was declared earlier, or when
    the version before it started later."""
    ended_by: int | None = None
    """The version whose start ended this one."""

    @property
    def is_empty(self) -> bool:
        """Replaced on the day it started: current on no day's record."""
        return self.end is not None and self.end <= self.start

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Standing:
    """An agreement as it stood on a day: which version was current, with its status then."""

    agreement_id: str
    interval: Interval


def _front(version: Version) -> tuple[str, str] | None:
    """The title and status its front matter gives, without building the agreement."""
    return title_and_status(version.header) if version.header is not None else None


def _starts(history: AgreementHistory) -> list[tuple[Version, dt.date, tuple[str, str] | None]]:
    """Each committed version that stands (readable, or a removal), when it started, and its front matter."""
    found: list[tuple[Version, dt.date, tuple[str, str] | None]] = []
    for version in history.versions:
        if version.date is None:
            continue  # uncommitted: not on record
        front = _front(version)
        if front is None and not version.is_removed:
            continue  # unreadable: the version before it stays current
        recorded = version.date.date()
        declared = [event.declared_date for event in version.events
                    if event.kind == "adopted" and event.declared_date is not None]
        start = min([recorded, *declared])
        if found:
            start = max(start, found[-1][1])
        found.append((version, start, front))
    return found


def version_intervals(history: AgreementHistory) -> tuple[Interval, ...]:
    """The intervals of one agreement's versions, oldest first, their starts never decreasing."""
    starts = _starts(history)
    intervals = []
    for index, (version, start, front) in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else None
        assert version.date is not None
        intervals.append(Interval(
            version.number, start, following[1] if following else None,
            front[1] if front is not None else REMOVED, front[0] if front is not None else "",
            version.date.date(), following[0].number if following else None))
    return tuple(intervals)


def charter_intervals(histories: Mapping[str, AgreementHistory]) -> dict[str, tuple[Interval, ...]]:
    """Agreement id -> its versions' intervals; an agreement with no committed version has none."""
    return {agreement_id: version_intervals(history) for agreement_id, history in histories.items()}


def standing_on(intervals: Mapping[str, Sequence[Interval]], day: dt.date,
                order: Iterable[str]) -> tuple[Standing, ...]:
    """The agreements in the charter on `day` (in `order`, a sequence of ids), each with its version then;
    a removed agreement is absent."""
    return standing_on_days(intervals, (day,), order)[day]


def standing_on_days(intervals: Mapping[str, Sequence[Interval]], days: Iterable[dt.date],
                     order: Iterable[str]) -> dict[dt.date, tuple[Standing, ...]]:
    """`standing_on` for each of the days, walking each agreement's intervals once for all of them: the
    year pages of a long history ask for forty days of five thousand agreements."""
    ascending = sorted(set(days))
    found: dict[dt.date, list[Standing]] = {day: [] for day in ascending}
    for agreement_id in order:
        spans, started = intervals.get(agreement_id, ()), 0
        for day in ascending:
            while started < len(spans) and spans[started].start <= day:
                started += 1
            if started and spans[started - 1].status != REMOVED:
                found[day].append(Standing(agreement_id, spans[started - 1]))
    return {day: tuple(standing) for day, standing in found.items()}


def first_day(intervals: Mapping[str, Sequence[Interval]]) -> dt.date | None:
    """The day the record begins: the earliest start of any interval."""
    return min((spans[0].start for spans in intervals.values() if spans), default=None)

