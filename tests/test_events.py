"""Event classification on texts alone: no repository, so each rule is checked in isolation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.source.agreements import build_agreement
from generator.source.documents import FieldsMemo, parse_document, read_document
from generator.history.versions import Snapshot, Text, build_history, changes, declared_events
from generator.repository.model import Revision
from generator.model import Agreement
from generator.vocabulary import DURATION_PATTERN, duration_words

UTC = dt.UTC
BODY = "## Access\n\nEveryone may draw water.\n"


def text(status: str = "draft", body: str = BODY, **fields: Any) -> str:
    lines = ["---", "title: Water", f"status: {status}", "parties: [river-folk]"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join([*lines, "---", body])


def agreement(source: str, path: str = "agreements/water.md") -> Agreement:
    return build_agreement(read_document(path, source.encode()))


def revision(when: str, path: str = "agreements/water.md") -> Revision:
    moment = dt.datetime.fromisoformat(when).replace(tzinfo=UTC)
    return Revision("c" * 40, (), "Ana", "ana@example.org", moment, moment, "Change\n", (), path, "b" * 40,
                    "modified")


def snapshot(when: str, source: str, path: str = "agreements/water.md") -> Snapshot:
    return Snapshot(revision(when, path), path, Text.held(source.encode()))


def kinds(before: str, after: str, moved_from: str | None = None) -> list[str]:
    return [kind for kind, _ in changes(agreement(before), agreement(after), moved_from)]


ADOPTED = {"adopted": "2021-01-28", "review_by": "2022-01-28"}


@pytest.mark.parametrize(("before", "after", "expected"), [
    (text(), text("proposed"), ["status-changed"]),
    (text(), text("in-force", **ADOPTED), ["adopted"]),
    (text(), text(body=BODY + "More.\n"), ["amended"]),
    (text(), text(body="## Access  \n\nEveryone may draw water.   \n\n\n"), []),
    (text(**ADOPTED), text(**{**ADOPTED, "review_by": "2023-01-28"}), ["renewed"]),
    (text(**ADOPTED), text(**{**ADOPTED, "review_by": "2021-06-01"}), ["metadata-only"]),
    (text(), text(review_by="2023-01-28"), ["metadata-only"]),
    (text(), text(renew_every="2y"), ["renewed"]),
    (text(renew_every="2y"), text(renew_every="1y"), ["renewed"]),
    (text(), text(supersedes="[old]"), ["relations-changed"]),
    (text(), text(summary="Who may draw water"), ["metadata-only"]),
    (text(), text(custom="value"), ["metadata-only"]),
    (text(), text(), []),
    (text("in-force", **ADOPTED), text("superseded", **ADOPTED), ["status-changed"]),
    (text("in-force", **ADOPTED), text("in-force", **{**ADOPTED, "adopted": "2021-01-29"}),
     ["metadata-only"]),
])
def test_each_kind_of_change(before: str, after: str, expected: list[str]) -> None:
    assert kinds(before, after) == expected


def test_several_kinds_come_in_the_documented_order() -> None:
    before = text()
    after = text("in-force", BODY + "More.\n", renew_every="1y", relates_to="[wells]", **ADOPTED)
    assert kinds(before, after, "agreements/old.md") == ["adopted", "amended", "renewed", "relations-changed",
                                                         "moved"]
    withdrawn = kinds(text("in-force", **ADOPTED), text("withdrawn", **ADOPTED, summary="Gone"),
                      "agreements/x.md")
    assert withdrawn == ["status-changed", "moved"]


def test_a_move_alone_is_not_metadata_only() -> None:
    assert kinds(text(), text(summary="New summary"), "agreements/old.md") == ["moved"]


@pytest.mark.parametrize(("period", "words"), [
    ("1y", "1 year"), ("3y", "3 years"), ("1m", "1 month"), ("18m", "18 months"), ("often", "often"),
])
def test_a_renewal_period_reads_as_words(period: str, words: str) -> None:
    assert duration_words(period) == words
    if DURATION_PATTERN.match(period):
        found = dict(changes(agreement(text()), agreement(text(renew_every=period))))
        assert found["renewed"] == f"every {words}"


def test_details_name_what_changed() -> None:
    found = dict(changes(agreement(text("proposed", amends="[a]", relates_to="[b, c]")),
                         agreement(text("lapsed", amends="[a, d]", relates_to="[c]", **ADOPTED)),
                         "agreements/old.md"))
    assert found["status-changed"] == "from proposed to lapsed"
    assert found["relations-changed"] == "amends: +d; relates_to: -b"
    assert found["moved"] == "from agreements/old.md to agreements/water.md"


def test_first_version_is_proposed_and_may_already_be_adopted() -> None:
    history = build_history("water", [snapshot("2021-02-01T10:00:00", text("in-force", **ADOPTED))],
                            dt.date(2030, 1, 1))
    assert [(e.kind, e.date, e.version) for e in history.versions[0].events] == [
        ("proposed", dt.date(2021, 2, 1), 1), ("adopted", dt.date(2021, 2, 1), 1)]
    assert history.versions[0].events[0].detail == "in-force"


def test_an_adoption_happened_on_the_date_its_own_version_declares_unless_already_claimed() -> None:
    lapsed = {**ADOPTED, "review_by": "2021-06-01"}
    history = build_history("water", [
        snapshot("2021-01-10T12:00:00", text("proposed")),
        snapshot("2021-03-01T12:00:00", text("in-force", **ADOPTED)),  # recorded a month late
        snapshot("2022-02-01T12:00:00", text("lapsed", **lapsed)),
        snapshot("2023-05-05T12:00:00", text("in-force", **lapsed)),  # re-adopted, the old date kept
        snapshot("2024-01-01T12:00:00", text("lapsed", **lapsed)),
        snapshot("2025-02-01T12:00:00", text("in-force", **{**lapsed, "adopted": "2025-01-20"})),
    ], dt.date(2030, 1, 1))
    adoptions = [(e.version, e.date.isoformat(), e.declared_date, e.happened_on.isoformat())
                 for e in history.events if e.kind == "adopted"]
    assert adoptions == [
        (2, "2021-03-01", dt.date(2021, 1, 28), "2021-01-28"),
        (4, "2023-05-05", None, "2023-05-05"),
        (6, "2025-02-01", dt.date(2025, 1, 20), "2025-01-20"),
    ]
    assert all(e.declared_date is None for e in history.events if e.kind != "adopted")
    first = build_history("water", [snapshot("2026-11-22T12:00:00", text("in-force", **ADOPTED))],
                          dt.date(2030, 1, 1))
    assert [(e.kind, e.happened_on.isoformat()) for e in first.versions[0].events] == [
        ("proposed", "2026-11-22"), ("adopted", "2021-01-28")]


def test_timeline_sorts_declared_dates_among_git_events_with_stable_ties() -> None:
    history = build_history("water", [
        snapshot("2021-01-10T12:00:00", text()),
        snapshot("2021-01-28T12:00:00", text("in-force", **ADOPTED)),
        Snapshot(None, "agreements/water.md",
                 Text.held(text("in-force", BODY + "Draft.\n", **ADOPTED).encode())),
    ], dt.date(2021, 3, 1))
    assert [(e.kind, e.date.isoformat(), e.version, e.declared) for e in history.events] == [
        ("proposed", "2021-01-10", 1, False),
        ("adopted", "2021-01-28", 2, False),
        ("declared-adopted", "2021-01-28", None, True),
        ("amended", "2021-03-01", 3, False),
        ("review-due", "2022-01-28", None, True),
    ]
    last = history.versions[-1]
    assert last.is_uncommitted and last.date is None and history.has_uncommitted
    assert history.versions[0].date == dt.datetime(2021, 1, 10, 12, tzinfo=UTC)


def test_an_unparsable_version_is_kept_and_skipped_for_comparison() -> None:
    history = build_history("water", [
        snapshot("2021-01-10T00:00:00", text()),
        snapshot("2021-02-01T00:00:00", "no front matter at all\n"),
        snapshot("2021-03-01T00:00:00", text(body=BODY + "More.\n"), "agreements/sub/water.md"),
    ], dt.date(2030, 1, 1))
    broken = history.versions[1]
    assert broken.agreement is None and "front-matter-missing" in broken.problem
    assert [e.kind for e in broken.events] == ["unparsable"]
    assert broken.unparsed == broken.body == "no front matter at all\n"
    assert history.versions[0].unparsed == "", "a text that parsed is held once, by its document"
    assert [(e.kind, e.detail) for e in history.versions[2].events] == [
        ("amended", ""), ("moved", "from agreements/water.md to agreements/sub/water.md")]


def test_declared_dates_come_from_the_last_version_that_parsed() -> None:
    history = build_history("water", [
        snapshot("2021-01-10T00:00:00", text("in-force", **ADOPTED)),
        snapshot("2021-02-01T00:00:00", "---\ntitle: [unclosed\n---\n"),
    ], dt.date(2030, 1, 1))
    assert [(e.kind, e.date.isoformat()) for e in history.declared] == [
        ("declared-adopted", "2021-01-28"), ("review-due", "2022-01-28")]
    assert declared_events(None) == ()
    assert declared_events(agreement(text())) == ()


def test_a_version_date_is_the_authors_local_day() -> None:
    evening = dt.datetime(2021, 5, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    late = Revision("c" * 40, (), "Ana", "a@x", evening, evening.astimezone(UTC), "Late\n", (),
                    "agreements/water.md", "b" * 40, "added")
    snapshot = Snapshot(late, late.path, Text.held(text().encode()))
    history = build_history("water", [snapshot], dt.date(2030, 1, 1))
    assert history.events[0].date == dt.date(2021, 5, 1)


def test_no_versions_means_no_events() -> None:
    history = build_history("water", [], dt.date(2030, 1, 1))
    assert history.versions == () and history.events == () and history.current is None


@pytest.mark.parametrize("source", [
    text(),
    text(body=""),
    "---\ntitle: Water\nstatus: draft\nparties: [a]\n...\nBody after a dots fence\n",
    "---  \ntitle: Water\nstatus: draft\nparties: [a]\n---   \n\n## Heading\n",
    "---\ntitle: Water\nstatus: draft\nparties: [a]\n---",
])
def test_a_memo_of_front_matter_changes_nothing_but_speed(source: str) -> None:
    cache: FieldsMemo = {}
    expected = parse_document("agreements/water.md", source)
    for _ in range(2):
        document = parse_document("agreements/water.md", source, cache)
        assert (document.fields, document.body, document.body_line) == (
            expected.fields, expected.body, expected.body_line)
    assert len(cache) == 1


def test_versions_build_the_full_agreement_when_asked() -> None:
    history = build_history("water", [snapshot("2021-01-10T00:00:00", text(body=BODY + "See [[wells]].\n"))],
                            dt.date(2030, 1, 1))
    version = history.versions[0]
    assert version.document is not None and version.agreement is not None
    assert [clause.anchor for clause in version.agreement.clauses] == ["access"]
    assert [link.target for link in version.agreement.links] == ["wells"]
    assert "agreement" not in vars(version), "a version keeps its document, never the agreement built from it"
    front = version.front_matter
    assert front is not None and (front.title, front.body, front.clauses) == (version.agreement.title, "", ())


@given(st.text(alphabet=" \t\r\n\x0b\x0c\x1c\x85\u2028\xa0\u3000ab"))
def test_a_body_is_normalised_line_by_line(body: str) -> None:
    from generator.history.versions import _normalised_body

    assert _normalised_body(body) == "\n".join(line.rstrip() for line in body.split("\n")).strip("\n")
