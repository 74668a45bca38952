"""When each version was current, from a real repository with dated commits: adoption (declared before
its commit), amendment, a same-day replacement, lapse, supersession, removal and restoration, an
unreadable version, dates out of order, and an uncommitted edit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.history.intervals import (
    REMOVED,
    Interval,
    charter_intervals,
    first_day,
    standing_on,
    standing_on_days,
)
from tests.gitrepo import BASE_ENV, GitRepo, read_histories
from tests.project import agreement

AS_OF = dt.date(2030, 1, 1)
PATHS = {name: f"agreements/{name}.md" for name in ("water", "roads", "forest", "seeds", "tools", "dam")}
ORDER = tuple(PATHS)


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def at(day: str, hour: int = 12) -> str:
    return f"{day}T{hour:02d}:00:00Z"


def files(**texts: str) -> dict[str, str]:
    return {f"agreements__{name}.md": text for name, text in texts.items()}


def water(status: str, text: str = "By season.", **fields: str) -> str:
    return agreement("Water Accord", status, body=f"## Shares\n\n{text}\n", **fields)


@pytest.fixture
def intervals(git_repo: GitRepo) -> dict[str, tuple[Interval, ...]]:
    repo = git_repo
    repo.commit("Propose water; bring in the old road deal; adopt seeds", at("2020-01-10"), **files(
        water=water("proposed"),
        roads=agreement("Road Sharing", adopted="2019-05-01"),  # adopted long before it was recorded
        tools=agreement("Tool Library", adopted="2020-01-10"),
    ))
    seeds = agreement("Seed Exchange", adopted="2020-02-01")
    repo.commit("Adopt seeds", at("2020-02-01"), **files(seeds=seeds))
    repo.commit("Adopt water", at("2020-03-05"), **files(water=water("in-force", adopted="2020-03-01")))
    repo.git("rm", "-q", PATHS["seeds"])
    repo.commit("Remove seeds", at("2020-04-01"))
    repo.commit("Break tools", at("2020-05-01"), **files(tools="---\ntitle: [unclosed\n---\n"))
    repo.commit("Dam, first", at("2020-05-10"), **files(dam=agreement("Dam Watch", adopted="2020-05-10")))
    repo.commit("Dam, rebased from earlier", at("2020-05-01"),  # authored before the version before it
                **files(dam=agreement("Dam Watch", adopted="2020-05-10", body="## Purpose\n\nTo watch.\n")))
    repo.commit("Amend water: need", at("2020-06-01", 9), **files(water=water("in-force", "By need.",
                                                                                adopted="2020-03-01")))
    repo.commit("Amend water: turns", at("2020-06-01", 18), **files(water=water("in-force", "By turns.",
                                                                                 adopted="2020-03-01")))
    repo.commit("Mend tools", at("2020-07-01"), **files(tools=agreement("Tool Library", adopted="2020-01-10",
                                                                        body="## Purpose\n\nTo lend.\n")))
    repo.commit("Restore seeds", at("2020-08-01"), **files(seeds=seeds))
    repo.commit("Forest supersedes roads", at("2020-09-01"), **files(
        forest=agreement("Forest Pact", adopted="2020-09-01", supersedes="[roads]"),
        roads=agreement("Road Sharing", "superseded", adopted="2019-05-01"),
    ))
    repo.commit("Water lapsed", at("2021-01-01"),
                **files(water=water("lapsed", "By turns.", adopted="2020-03-01")))
    repo.write(PATHS["forest"],
               agreement("Forest Pact", adopted="2020-09-01", body="## Purpose\n\nUncommitted.\n"))
    _, histories = read_histories(repo.root, PATHS, AS_OF)
    return charter_intervals(histories)


def spans(found: tuple[Interval, ...]) -> list[tuple[int, str, str | None, str, int | None]]:
    return [(i.version, i.start.isoformat(), i.end.isoformat() if i.end else None, i.status, i.ended_by)
            for i in found]


def test_each_version_is_current_until_the_next(intervals: dict[str, tuple[Interval, ...]]) -> None:
    assert spans(intervals["water"]) == [
        (1, "2020-01-10", "2020-03-01", "proposed", 2),  # ended by the adoption's declared date
        (2, "2020-03-01", "2020-06-01", "in-force", 3),
        (3, "2020-06-01", "2020-06-01", "in-force", 4),  # replaced the same day: current on no day
        (4, "2020-06-01", "2021-01-01", "in-force", 5),
        (5, "2021-01-01", None, "lapsed", None),
    ]
    assert [(i.version, i.recorded.isoformat(), i.is_empty) for i in intervals["water"]] == [
        (1, "2020-01-10", False), (2, "2020-03-05", False), (3, "2020-06-01", True), (4, "2020-06-01", False),
        (5, "2021-01-01", False)]


def test_supersession_removal_restoration_and_unreadable_text(
        intervals: dict[str, tuple[Interval, ...]]) -> None:
    assert spans(intervals["roads"]) == [(1, "2019-05-01", "2020-09-01", "in-force", 2),
                                         (2, "2020-09-01", None, "superseded", None)]
    assert spans(intervals["seeds"]) == [(1, "2020-02-01", "2020-04-01", "in-force", 2),
                                         (2, "2020-04-01", "2020-08-01", REMOVED, 3),
                                         (3, "2020-08-01", None, "in-force", None)]
    assert spans(intervals["tools"]) == [(1, "2020-01-10", "2020-07-01", "in-force", 3),  # 2 did not parse
                                         (3, "2020-07-01", None, "in-force", None)]
    assert spans(intervals["dam"]) == [(1, "2020-05-10", "2020-05-10", "in-force", 2),
                                       (2, "2020-05-10", None, "in-force", None)]  # not before the one before
    assert spans(intervals["forest"]) == [(1, "2020-09-01", None, "in-force", None)], "uncommitted: no record"
    assert [i.title for i in intervals["seeds"]] == ["Seed Exchange", "", "Seed Exchange"]


STOOD = [
    ("2019-04-30", []),
    ("2019-05-01", [("roads", 1, "in-force")]),
    ("2020-01-10", [("water", 1, "proposed"), ("roads", 1, "in-force"), ("tools", 1, "in-force")]),
    ("2020-03-01", [("water", 2, "in-force"), ("roads", 1, "in-force"), ("seeds", 1, "in-force"),
                    ("tools", 1, "in-force")]),
    ("2020-04-01", [("water", 2, "in-force"), ("roads", 1, "in-force"), ("tools", 1, "in-force")]),
    ("2020-06-01", [("water", 4, "in-force"), ("roads", 1, "in-force"), ("tools", 1, "in-force"),
                    ("dam", 2, "in-force")]),
    ("2020-08-31", [("water", 4, "in-force"), ("roads", 1, "in-force"), ("seeds", 3, "in-force"),
                    ("tools", 3, "in-force"), ("dam", 2, "in-force")]),
    ("2020-09-01", [("water", 4, "in-force"), ("roads", 2, "superseded"), ("forest", 1, "in-force"),
                    ("seeds", 3, "in-force"), ("tools", 3, "in-force"), ("dam", 2, "in-force")]),
    ("2029-12-31", [("water", 5, "lapsed"), ("roads", 2, "superseded"), ("forest", 1, "in-force"),
                    ("seeds", 3, "in-force"), ("tools", 3, "in-force"), ("dam", 2, "in-force")]),
]
"""(day, what stood then): the agreement, its version and its status."""


@pytest.mark.parametrize("day, expected", STOOD)
def test_the_charter_as_it_stood_on_a_day(intervals: dict[str, tuple[Interval, ...]], day: str,
                                          expected: list[tuple[str, int, str]]) -> None:
    found = standing_on(intervals, dt.date.fromisoformat(day), ORDER)
    assert [(s.agreement_id, s.interval.version, s.interval.status) for s in found] == expected


def test_the_charter_on_many_days_is_found_in_one_walk_as_on_each_day_alone(
        intervals: dict[str, tuple[Interval, ...]]) -> None:
    days = [dt.date.fromisoformat(day) for day, _ in reversed(STOOD)]  # in any order
    found = standing_on_days(intervals, days, ORDER)
    assert {day.isoformat(): [(s.agreement_id, s.interval.version, s.interval.status) for s in standing]
            for day, standing in found.items()} == dict(STOOD)
    assert all(found[day] == standing_on(intervals, day, ORDER) for day in days)


def test_a_removal_is_no_standing_and_the_record_begins_with_the_earliest_start(
        intervals: dict[str, tuple[Interval, ...]]) -> None:
    removal = intervals["seeds"][1]
    assert removal.status == REMOVED and removal.start <= dt.date(2020, 5, 1) < removal.end
    assert "seeds" not in {found.agreement_id for found in standing_on(intervals, dt.date(2020, 5, 1), ORDER)}
    assert first_day(intervals) == dt.date(2019, 5, 1)
    assert first_day({}) is None
