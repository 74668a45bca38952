from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.diffs.clauses import (
    BodyDiff,
    ClauseChange,
    ClauseText,
    FieldChange,
    Segment,
    diff_bodies,
    diff_fields,
    diff_summary,
    diff_words,
    split_clauses,
)
from generator.diffs.render import render_body_diff_html, render_field_diff_html
from generator.model import Agreement

GOLDEN = Path(__file__).parent / "golden" / "diff"


def eq(text: str) -> Segment:
    return Segment("equal", text)


def ins(text: str) -> Segment:
    return Segment("insert", text)


def dele(text: str) -> Segment:
    return Segment("delete", text)


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/diff/<name>; `UPDATE_GOLDEN=1` rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing; run the tests with UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs; rerun with UPDATE_GOLDEN=1 if intended"
    )


# --- splitting -------------------------------------------------------------------------------


def test_split_clauses_uses_markup_anchors_and_ignores_fenced_headings() -> None:
    body = "Intro line.\n\n## Purpose\n\nWe share.\n\n```\n## not a heading\n```\n\n## Old name {#pinned}\n\nText.\n"
    assert split_clauses(body) == (
        ClauseText("", "", "Intro line."),
        ClauseText("purpose", "Purpose", "We share.\n\n```\n## not a heading\n```"),
        ClauseText("pinned", "Old name", "Text."),
    )


def test_split_clauses_always_starts_with_a_preamble_and_handles_setext_headings() -> None:
    assert split_clauses("") == (ClauseText("", "", ""),)
    assert split_clauses("## Only\nbody") == (ClauseText("", "", ""), ClauseText("only", "Only", "body"))
    assert split_clauses("Setext title\n---\n\nbody\n") == (
        ClauseText("", "", ""),
        ClauseText("setext-title", "Setext title", "body"),
    )


# --- the table of small cases ----------------------------------------------------------------

Expected = list[tuple[str, str, tuple[Segment, ...]]]  # (anchor, kind, segments)

CASES: list[tuple[str, str, str, Expected]] = [
    (
        "word-insert",
        "## A\n\nWe share tools.",
        "## A\n\nWe share all tools.",
        [("a", "changed", (eq("We share "), ins("all "), eq("tools.")))],
    ),
    (
        "word-delete",
        "## A\n\none two three",
        "## A\n\none three",
        [("a", "changed", (eq("one "), dele("two "), eq("three")))],
    ),
    (
        "phrase-replace",
        "## A\n\nthe quick brown fox",
        "## A\n\na slow red fox",
        [("a", "changed", (dele("the quick brown"), ins("a slow red"), eq(" fox")))],
    ),
    (
        "clause-added",
        "## A\n\nx",
        "## A\n\nx\n\n## B\n\nnew words",
        [("a", "unchanged", (eq("x"),)), ("b", "added", (ins("new words"),))],
    ),
    (
        "clause-removed-stays-in-place",
        "## A\n\nx\n\n## B\n\nold words\n\n## C\n\nz",
        "## A\n\nx\n\n## C\n\nz",
        [
            ("a", "unchanged", (eq("x"),)),
            ("b", "removed", (dele("old words"),)),
            ("c", "unchanged", (eq("z"),)),
        ],
    ),
    (
        "renamed-with-pinned-anchor",
        "## Borrowing {#borrowing}\n\nTwo weeks.",
        "## Lending rules {#borrowing}\n\nOne week.",
        [("borrowing", "renamed", (dele("Two weeks"), ins("One week"), eq(".")))],
    ),
    (
        "re-anchored-paired-by-title",
        "## Care\n\nsame",
        "## Care {#care-group}\n\nsame",
        [("care-group", "renamed", (eq("same"),))],
    ),
    (
        "unchanged-clauses-kept",
        "## Purpose\n\np\n\n## Shares\n\ns",
        "## Purpose\n\np\n\n## Shares\n\ns",
        [("purpose", "unchanged", (eq("p"),)), ("shares", "unchanged", (eq("s"),))],
    ),
    (
        "preamble-change",
        "Agreed in May.\n\n## A\n\nx",
        "Agreed in June.\n\n## A\n\nx",
        [
            ("", "changed", (eq("Agreed in "), dele("May"), ins("June"), eq("."))),
            ("a", "unchanged", (eq("x"),)),
        ],
    ),
    (
        "code-fence-heading-is-text",
        "## Format\n\n```\n## one\n```",
        "## Format\n\n```\n## two\n```",
        [("format", "changed", (eq("```\n## "), dele("one"), ins("two"), eq("\n```")))],
    ),
    (
        "script-kept-as-text",
        "## A\n\nSay hi.",
        "## A\n\nSay <script>alert(1)</script> hi.",
        [("a", "changed", (eq("Say "), ins("<script>alert(1)</script> "), eq("hi.")))],
    ),
    (
        "paragraph-added",
        "## A\n\nOne.",
        "## A\n\nOne.\n\nTwo.",
        [("a", "changed", (eq("One."), ins("\n\nTwo.")))],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_diff_bodies_cases(old: str, new: str, expected: Expected) -> None:
    diff = diff_bodies(old, new)
    assert [(c.anchor, c.kind, c.segments) for c in diff.clauses] == expected


def test_removed_clause_before_added_one_where_it_stood() -> None:
    diff = diff_bodies("## A\n\na\n\n## X\n\nx\n\n## B\n\nb", "## A\n\na\n\n## Y\n\ny\n\n## B\n\nb")
    assert [(c.anchor, c.kind) for c in diff.clauses] == [
        ("a", "unchanged"),
        ("x", "removed"),
        ("y", "added"),
        ("b", "unchanged"),
    ]


def test_clauses_follow_the_new_order() -> None:
    diff = diff_bodies("## A\n\na\n\n## B\n\nb\n\n## C\n\nc", "## C\n\nc\n\n## A\n\na")
    assert [(c.anchor, c.kind) for c in diff.clauses] == [
        ("c", "unchanged"),
        ("a", "unchanged"),
        ("b", "removed"),
    ]


def test_renamed_clause_keeps_both_titles_and_anchors() -> None:
    (change,) = diff_bodies("## Care\n\nsame", "## Care {#care-group}\n\nsame").clauses
    assert change == ClauseChange("care-group", "Care", "Care", "renamed", (eq("same"),), "care")
    (change,) = diff_bodies("## Old {#keep}\n\nx", "## New {#keep}\n\nx").clauses
    assert (change.title, change.old_title, change.text_changed) == ("New", "Old", False)


def test_duplicate_anchors_pair_in_order() -> None:
    diff = diff_bodies("## A\n\none\n\n## A\n\ntwo", "## A\n\none\n\n## A\n\ntwo!")
    assert [(c.anchor, c.kind) for c in diff.clauses] == [("a", "unchanged"), ("a", "changed")]


# --- HTML ------------------------------------------------------------------------------------


def test_html_escapes_script_and_titles() -> None:
    html = render_body_diff_html(
        diff_bodies("## <b>A</b>\n\nSay hi.", "## <b>A</b>\n\nSay <script>x</script> hi.")
    )
    assert "<script>" not in html and "<b>" not in html
    assert "<h3>&lt;b&gt;A&lt;/b&gt;</h3>" in html
    assert "<ins>&lt;script&gt;x&lt;/script&gt; </ins>" in html


def test_html_changed_clause_section() -> None:
    html = render_body_diff_html(
        diff_bodies("## Purpose\n\nWe share tools.", "## Purpose\n\nWe share all tools.")
    )
    assert html == (
        '<section class="charter-diff__clause charter-diff__clause--changed" id="diff-purpose">\n'
        "<h3>Purpose</h3>\n"
        "<p>We share <ins>all </ins>tools.</p>\n"
        "</section>\n"
    )


def test_html_folds_each_run_of_unchanged_clauses() -> None:
    old = "## Purpose\n\np\n\n## Shares\n\ns\n\n## Disputes\n\nd\n\n## Rent\n\nr\n\n## Pets\n\nq"
    new = old.replace("r\n", "rent\n")
    html = render_body_diff_html(diff_bodies(old, new))
    assert html.startswith(
        '<p class="charter-diff__folded">3 unchanged clauses: Purpose, Shares, Disputes</p>\n'
    )
    assert html.endswith('<p class="charter-diff__folded">1 unchanged clause: Pets</p>\n')


def test_html_paragraphs_split_inside_segments() -> None:
    html = render_body_diff_html(diff_bodies("## A\n\nOne.", "## A\n\nOne.\n\nTwo\nlines."))
    assert "<p>One.</p>\n<p><ins>Two<br>\nlines.</ins></p>" in html


def test_html_renamed_and_removed_and_duplicate_ids() -> None:
    html = render_body_diff_html(
        diff_bodies("## Care\n\nx\n\n## Gone\n\ny\n\n## Gone\n\nz", "## Care {#care-group}\n\nx")
    )
    assert '<p class="charter-diff__note">Anchor changed from #care to #care-group.</p>' in html
    assert '<p class="charter-diff__note">Text unchanged.</p>' in html
    assert 'id="diff-gone"' in html and 'id="diff-gone-2"' in html
    assert "<p><del>y</del></p>" in html


def test_html_for_identical_bodies_is_only_the_fold() -> None:
    body = "Preamble text.\n\n## A\n\nx"
    assert (
        render_body_diff_html(diff_bodies(body, body))
        == '<p class="charter-diff__folded">1 unchanged clause: A</p>\n'
    )
    assert render_body_diff_html(diff_bodies("", "")) == ""


@pytest.mark.parametrize("case", ["tool-library", "housing-coop", "data-commons"])
def test_golden_body_diffs(case: str) -> None:
    old = (GOLDEN / f"{case}.before.md").read_text(encoding="utf-8")
    new = (GOLDEN / f"{case}.after.md").read_text(encoding="utf-8")
    diff = diff_bodies(old, new)
    assert_golden(f"{case}.html", render_body_diff_html(diff))
    assert render_body_diff_html(diff_bodies(old, new)) == render_body_diff_html(diff)  # deterministic


# --- summary ---------------------------------------------------------------------------------


def test_diff_summary() -> None:
    old = "Intro.\n\n## A\n\na\n\n## B\n\nb\n\n## C\n\nc\n\n## D {#d}\n\nd"
    new = "Intro!\n\n## A\n\na!\n\n## B\n\nb!\n\n## E\n\ne\n\n## Dee {#d}\n\nd"
    assert (
        diff_summary(diff_bodies(old, new))
        == "preamble changed, 2 clauses changed, 1 added, 1 removed, 1 renamed"
    )
    assert diff_summary(diff_bodies("## A\n\na", "## A\n\na\n\n## B\n\nb")) == "1 clause added"
    assert diff_summary(diff_bodies("## A\n\na", "## A\n\na")) == "no changes"
    assert diff_summary(BodyDiff(())) == "no changes"


# --- front matter ----------------------------------------------------------------------------


def agreement(**fields: object) -> Agreement:
    base: dict[str, object] = {"id": "tools", "path": "agreements/tools.md", "title": "Tool library"}
    base.update({"status": "proposed", "parties": ("elm-street",), "body": ""})
    base.update(fields)
    return Agreement(**base)  # type: ignore[arg-type]


def test_diff_fields_lists_changes_in_field_order() -> None:
    old = agreement(adopted=None, themes=("sharing",))
    new = agreement(
        status="in-force",
        parties=("elm-street", "ash-lane"),
        adopted=dt.date(2024, 5, 1),
        themes=("sharing",),
        summary="Tools for all.",
        amends=("old-tools",),
    )
    assert diff_fields(old, new) == (
        FieldChange("status", "proposed", "in-force"),
        FieldChange("parties", "elm-street", "elm-street, ash-lane"),
        FieldChange("adopted", "—", "2024-05-01"),
        FieldChange("amends", "—", "old-tools"),
        FieldChange("summary", "—", "Tools for all."),
    )
    assert diff_fields(new, new) == ()


def test_diff_fields_without_old_version_shows_every_set_field() -> None:
    changes = diff_fields(None, agreement(level="local"))
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("title", "—", "Tool library"),
        ("status", "—", "proposed"),
        ("parties", "—", "elm-street"),
        ("level", "—", "local"),
        ("form", "—", "written"),
    ]


def test_render_field_diff_html_escapes() -> None:
    html = render_field_diff_html(
        [FieldChange("title", "Tools", "<script>Tools</script>"), FieldChange("review_by", "—", "2025-01-01")]
    )
    assert html == (
        '<table class="charter-diff__fields">\n'
        '<thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>\n'
        "<tbody>\n"
        '<tr><th scope="row">Title</th><td><del>Tools</del></td><td><ins>&lt;script&gt;Tools&lt;/script&gt;</ins></td></tr>\n'
        '<tr><th scope="row">Review by</th><td>—</td><td><ins>2025-01-01</ins></td></tr>\n'
        "</tbody>\n"
        "</table>\n"
    )
    assert render_field_diff_html([]) == ""


# --- properties ------------------------------------------------------------------------------


def _joined(segments: tuple[Segment, ...], skip: str) -> str:
    return "".join(segment.text for segment in segments if segment.op != skip)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_word_diff_reproduces_both_texts(old: str, new: str) -> None:
    segments = diff_words(old, new)
    assert _joined(segments, "delete") == new
    assert _joined(segments, "insert") == old
    assert all(segment.text for segment in segments)


WORDS = st.sampled_from(["we", "share", "tools", "care", "water", "the", "a", "rent", "é", "1."])
SEPARATORS = st.sampled_from([" ", " ", "\n", "\n\n", ", ", ". "])
TEXTS = st.lists(st.tuples(WORDS, SEPARATORS), max_size=12).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)
HEADINGS = st.sampled_from(
    ["Purpose", "Shares", "Care", "Disputes", "Care {#care-group}", "Review {#purpose}"]
)
BODIES = st.tuples(TEXTS, st.lists(st.tuples(HEADINGS, TEXTS), max_size=5)).map(
    lambda body: body[0] + "".join(f"\n\n## {heading}\n\n{text}" for heading, text in body[1])
)


@settings(max_examples=200, deadline=None)
@given(BODIES, BODIES)
def test_body_diff_reproduces_every_clause(old: str, new: str) -> None:
    diff = diff_bodies(old, new)
    for change in diff.clauses:
        assert change.old_text == _joined(change.segments, "insert")
        assert change.new_text == _joined(change.segments, "delete")
    new_side = [(c.anchor, _joined(c.segments, "delete")) for c in diff.clauses if c.kind != "removed"]
    old_side = [(c.old_anchor, _joined(c.segments, "insert")) for c in diff.clauses if c.kind != "added"]
    assert new_side == [(c.anchor, c.text) for c in split_clauses(new) if c.anchor or c.text]
    assert sorted(old_side) == sorted((c.anchor, c.text) for c in split_clauses(old) if c.anchor or c.text)
    render_body_diff_html(diff)
