"""Diffs of what readers read: clauses paired, words diffed within them, the HTML and summary they give, and
the front matter's fields (generator.diffs.clauses, match and render)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.diffs.clauses import (
    BodyDiff,
    ClauseChange,
    FieldChange,
    diff_bodies,
    diff_fields,
    diff_summary,
)
from generator.diffs.match import MATCH_BUDGET, Segment, diff_tokens
from generator.diffs.reading import BLOCK, TOKEN, ClauseText, marked, reading_form
from generator.diffs.render import render_body_diff_html, render_field_diff_html
from generator.model import Agreement
from tests.golden import assert_golden
from tests.test_reading import link_text, shown

GOLDEN = Path(__file__).parent / "golden" / "diff"


def ops(segments: Sequence[Segment]) -> list[tuple[str, str]]:
    return [({"equal": "=", "insert": "+", "delete": "-"}[s.op], shown(s.tokens)) for s in segments]


SAME_TO_A_READER: list[tuple[str, str, str]] = [
    ("reflowed", "We share the tools\nof the street.", "We share\nthe tools of the street."),
    ("trailing-spaces", "We share.  \n\n## A\n\nx", "We share.\n\n## A\n\nx   "),
    ("runs-of-spaces", "We  share   tools.", "We share tools."),
    ("bullet-changed", "- a\n- b", "* a\n* b"),
    ("emphasis-spelled-otherwise", "*a* __b__", "_a_ **b**"),
    ("list-item-rewrapped", "- a long\n  item", "- a long item"),
    ("blank-lines", "a\n\n\n\nb", "a\n\nb"),
]


@pytest.mark.parametrize(("old", "new"), [case[1:] for case in SAME_TO_A_READER],
                         ids=[case[0] for case in SAME_TO_A_READER])
def test_a_whitespace_only_commit_is_no_visible_change(old: str, new: str) -> None:
    diff = diff_bodies(old, new, link_text=link_text)
    assert not diff.changed and diff.source_changed
    assert diff_summary(diff) == "no visible change"


VISIBLE: list[tuple[str, str, str]] = [
    ("emphasis-added", "a b", "a *b*"),
    ("paragraph-split", "a b", "a\n\nb"),
    ("item-made-a-paragraph", "- a", "a"),
    ("code-indent", "```\nx\n```", "```\n  x\n```"),
    ("a-no-break-space", "a b", "a\u00a0b"),
]


@pytest.mark.parametrize(("old", "new"), [case[1:] for case in VISIBLE], ids=[case[0] for case in VISIBLE])
def test_a_change_a_reader_sees_is_a_change(old: str, new: str) -> None:
    assert diff_bodies(old, new).changed


# --- the table of small cases ----------------------------------------------------------------

Expected = list[tuple[str, str, list[tuple[str, str]]]]  # (anchor, kind, ops)

CASES: list[tuple[str, str, str, Expected]] = [
    ("word-insert", "## A\n\nWe share tools.", "## A\n\nWe share all tools.",
     [("a", "changed", [("=", "[p]We share "), ("+", "all "), ("=", "tools.")])]),
    ("word-delete", "## A\n\none two three", "## A\n\none three",
     [("a", "changed", [("=", "[p]one "), ("-", "two "), ("=", "three")])]),
    ("phrase-replace", "## A\n\nthe quick brown fox", "## A\n\na slow red fox",
     [("a", "changed", [("=", "[p]"), ("-", "the quick brown"), ("+", "a slow red"), ("=", " fox")])]),
    ("clause-added", "## A\n\nx", "## A\n\nx\n\n## B\n\nnew words",
     [("a", "unchanged", [("=", "[p]x")]), ("b", "added", [("+", "[p]new words")])]),
    ("clause-removed-stays-in-place", "## A\n\nx\n\n## B\n\nold words\n\n## C\n\nz", "## A\n\nx\n\n## C\n\nz",
     [("a", "unchanged", [("=", "[p]x")]), ("b", "removed", [("-", "[p]old words")]),
      ("c", "unchanged", [("=", "[p]z")])]),
    ("renamed-with-pinned-anchor", "## Borrowing {#borrowing}\n\nTwo weeks.",
     "## Lending rules {#borrowing}\n\nOne week.",
     [("borrowing", "renamed", [("=", "[p]"), ("-", "Two weeks"), ("+", "One week"), ("=", ".")])]),
    ("re-anchored-paired-by-title", "## Care\n\nsame", "## Care {#care-group}\n\nsame",
     [("care-group", "renamed", [("=", "[p]same")])]),
    ("preamble-change", "Agreed in May.\n\n## A\n\nx", "Agreed in June.\n\n## A\n\nx",
     [("", "changed", [("=", "[p]Agreed in "), ("-", "May"), ("+", "June"), ("=", ".")]),
      ("a", "unchanged", [("=", "[p]x")])]),
    ("code-fence-heading-is-text", "## Format\n\n```\n## one\n```", "## Format\n\n```\n## two\n```",
     [("format", "changed", [("=", "[pre]## "), ("-", "one"), ("+", "two")])]),
    ("script-kept-as-text", "## A\n\nSay hi.", "## A\n\nSay <script>alert(1)</script> hi.",
     [("a", "changed", [("=", "[p]Say "), ("+", "<script>alert(1)</script> "), ("=", "hi.")])]),
    ("paragraph-added", "## A\n\nOne.", "## A\n\nOne.\n\nTwo.",
     [("a", "changed", [("=", "[p]One."), ("+", "[p]Two.")])]),
    ("struck-list-item-is-one-deletion", "- one\n- two\n- three", "- one\n- three\n- four",
     [("", "changed", [("=", "[ul+ li+ p]one"), ("-", "[ul li+ p]two"), ("=", "[ul li+ p]three"),
                       ("+", "[ul li+ p]four")])]),
    ("a-change-inside-an-item", "- one\n- two dogs\n- three", "- one\n- two cats\n- three",
     [("", "changed", [("=", "[ul+ li+ p]one[ul li+ p]two "), ("-", "dogs"), ("+", "cats"),
                       ("=", "[ul li+ p]three")])]),
    ("emphasis-change-is-a-word-change", "We *may* share.", "We **shall** share.",
     [("", "changed", [("=", "[p]We "), ("-", "<e>may"), ("+", "<s>shall"), ("=", " share.")])]),
]


@pytest.mark.parametrize(("old", "new", "expected"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_diff_bodies_cases(old: str, new: str, expected: Expected) -> None:
    diff = diff_bodies(old, new)
    assert [(c.anchor, c.kind, ops(c.segments)) for c in diff.clauses] == expected


def test_removed_clause_before_added_one_where_it_stood() -> None:
    diff = diff_bodies("## A\n\na\n\n## X\n\nx\n\n## B\n\nb", "## A\n\na\n\n## Y\n\ny\n\n## B\n\nb")
    assert [(c.anchor, c.kind) for c in diff.clauses] == [
        ("a", "unchanged"), ("x", "removed"), ("y", "added"), ("b", "unchanged")]


def test_clauses_follow_the_new_order() -> None:
    diff = diff_bodies("## A\n\na\n\n## B\n\nb\n\n## C\n\nc", "## C\n\nc\n\n## A\n\na")
    assert [(c.anchor, c.kind) for c in diff.clauses] == [
        ("c", "unchanged"), ("a", "unchanged"), ("b", "removed")]


def test_renamed_clause_keeps_both_titles_and_anchors() -> None:
    (change,) = diff_bodies("## Care\n\nsame", "## Care {#care-group}\n\nsame").clauses
    same = (Segment("equal", (BLOCK + "p", "same")),)
    assert change == ClauseChange("care-group", "Care", "Care", "renamed", same, "care")
    (change,) = diff_bodies("## Old {#keep}\n\nx", "## New {#keep}\n\nx").clauses
    assert (change.title, change.old_title, change.text_changed) == ("New", "Old", False)


def test_duplicate_anchors_pair_in_order() -> None:
    diff = diff_bodies("## A\n\none\n\n## A\n\ntwo", "## A\n\none\n\n## A\n\ntwo!")
    assert [(c.anchor, c.kind) for c in diff.clauses] == [("a", "unchanged"), ("a", "changed")]


def test_a_retargeted_link_is_a_link_change_not_a_text_change() -> None:
    old = ("Water is shared as in [[valley-accord-2003|the accord]] and ![the map](old.png).\n\n"
           "## A\n\n[[seed-compact]]")
    new = ("Water is shared as in [[seed-compact|the accord]] and ![the map](new.png).\n\n"
           "## A\n\n[[river-keepers]]")
    diff = diff_bodies(old, new, link_text=link_text)
    assert [c.kind for c in diff.clauses] == ["unchanged", "changed"], "other words are a text change"
    assert diff.retargeted == (
        FieldChange("link", "valley-accord-2003", "seed-compact", "Link “the accord”"),
        FieldChange("link", "old.png", "new.png", "Image “the map”"),
    )
    assert diff_summary(diff) == "1 clause changed, 2 links retargeted"
    table = render_field_diff_html(diff.retargeted)
    assert '<th scope="row">Link “the accord”</th><td><del>valley-accord-2003</del></td>' in table


def test_long_clauses_stay_within_the_budget_and_still_reproduce_both_sides() -> None:
    words = [f"w{n % 97} " for n in range(60_000)]
    old, new = "".join(words), "".join(words[::-1])
    (change,) = diff_bodies(old, new).clauses
    assert change.old_tokens == reading_form(old).clauses[0].tokens
    assert change.new_tokens == reading_form(new).clauses[0].tokens
    head, tail = TOKEN.findall("We share the tools. " * 50), TOKEN.findall(" Signed at the assembly." * 50)
    before, after = head + TOKEN.findall(old) + tail, head + TOKEN.findall(new) + tail
    past_budget = diff_tokens(before, after, budget=MATCH_BUDGET)
    assert [segment.op for segment in past_budget] == ["equal", "delete", "insert", "equal"]
    short_before = head + TOKEN.findall(old[:2000]) + tail
    short_after = head + TOKEN.findall(new[:2000]) + tail
    within = diff_tokens(short_before, short_after, budget=MATCH_BUDGET)
    assert len(within) > 4, "within it, words are matched"


# --- HTML ------------------------------------------------------------------------------------


def test_html_escapes_script_and_titles() -> None:
    html = render_body_diff_html(
        diff_bodies("## <b>A</b>\n\nSay hi.", "## <b>A</b>\n\nSay <script>x</script> hi."))
    assert "<script>" not in html and "<b>" not in html
    assert "<h3>&lt;b&gt;A&lt;/b&gt;</h3>" in html
    assert "<ins>&lt;script&gt;x&lt;/script&gt; </ins>" in html


def test_html_changed_clause_section_with_and_without_ids() -> None:
    diff = diff_bodies("## Purpose\n\nWe share tools.", "## Purpose\n\nWe share all tools.")
    assert render_body_diff_html(diff, id_prefix="v7-") == (
        '<section class="charter-diff__clause charter-diff__clause--changed" id="v7-purpose">\n'
        "<h3>Purpose</h3>\n"
        "<p>We share <ins>all </ins>tools.</p>\n"
        "</section>\n"
    )
    assert "id=" not in render_body_diff_html(diff)


def test_html_keeps_lists_tables_quotes_and_code() -> None:
    html = render_body_diff_html(diff_bodies(
        "- one\n- two\n\n> said\n\n| a |\n|---|\n| 1 |\n\n```\nx = 1\n```",
        "- one\n- two more\n\n> said *so*\n\n| a |\n|---|\n| 2 |\n\n```\nx = 2\n```"))
    assert "<ul>\n<li>\n<p>one</p>\n</li>\n<li>\n<p>two<ins> more</ins></p>\n</li>\n</ul>\n" in html
    assert "<blockquote>\n<p>said<ins> <em>so</em></ins></p>\n</blockquote>" in html
    assert "<td><del>1</del><ins>2</ins></td>" in html
    assert "<pre>x = <del>1</del><ins>2</ins></pre>" in html


def test_html_marks_a_paragraph_break_that_only_one_side_has() -> None:
    joined = render_body_diff_html(diff_bodies("One.\n\nTwo.", "One. Two."))
    pilcrow = '<del class="charter-diff__break" title="paragraph break">¶</del>'
    assert f"<p>One.{pilcrow}<ins> </ins>Two.</p>" in joined
    split = render_body_diff_html(diff_bodies("One. Two.", "One.\n\nTwo."))
    assert '<p class="charter-diff__block--inserted"><ins class="charter-diff__break"' in split


def test_html_folds_each_run_of_unchanged_clauses() -> None:
    old = "## Purpose\n\np\n\n## Shares\n\ns\n\n## Disputes\n\nd\n\n## Rent\n\nr\n\n## Pets\n\nq"
    html = render_body_diff_html(diff_bodies(old, old.replace("r\n", "rent\n")))
    assert html.startswith(
        '<p class="charter-diff__folded">3 unchanged clauses: Purpose, Shares, Disputes</p>\n')
    assert html.endswith('<p class="charter-diff__folded">1 unchanged clause: Pets</p>\n')


def test_html_renamed_and_removed_and_repeated_ids() -> None:
    html = render_body_diff_html(
        diff_bodies("## Care\n\nx\n\n## Gone\n\ny\n\n## Gone\n\nz", "## Care {#care-group}\n\nx"),
        id_prefix="v3-")
    assert '<p class="charter-diff__note">Anchor changed from #care to #care-group.</p>' in html
    assert '<p class="charter-diff__note">Text unchanged.</p>' in html
    assert 'id="v3-gone"' in html and 'id="v3-gone-2"' in html
    assert '<p class="charter-diff__block--deleted"><del>y</del></p>' in html


def test_html_for_identical_bodies_is_only_the_fold() -> None:
    body = "Preamble text.\n\n## A\n\nx"
    folded = '<p class="charter-diff__folded">1 unchanged clause: A</p>\n'
    assert render_body_diff_html(diff_bodies(body, body)) == folded
    assert render_body_diff_html(diff_bodies("", "")) == ""


GOLDEN_CASES = ["tool-library", "housing-coop", "data-commons", "water-statute", "reflowed"]


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden_body_diffs(case: str) -> None:
    old = (GOLDEN / f"{case}.before.md").read_text(encoding="utf-8")
    new = (GOLDEN / f"{case}.after.md").read_text(encoding="utf-8")
    diff = diff_bodies(old, new, link_text=link_text)
    html = render_field_diff_html(diff.retargeted) + render_body_diff_html(diff, id_prefix="v2-")
    assert_golden(f"diff/{case}.html", f"<!-- {diff_summary(diff)} -->\n{html}")


# --- summary ---------------------------------------------------------------------------------


def test_diff_summary() -> None:
    old = "Intro.\n\n## A\n\na\n\n## B\n\nb\n\n## C\n\nc\n\n## D {#d}\n\nd"
    new = "Intro!\n\n## A\n\na!\n\n## B\n\nb!\n\n## E\n\ne\n\n## Dee {#d}\n\nd"
    expected = "preamble changed, 2 clauses changed, 1 added, 1 removed, 1 renamed"
    assert diff_summary(diff_bodies(old, new)) == expected
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
    new = agreement(status="in-force", parties=("elm-street", "ash-lane"), adopted=dt.date(2024, 5, 1),
                    themes=("sharing",), summary="Tools for all.", amends=("old-tools",))
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
        [FieldChange("title", "Tools", "<script>Tools</script>"),
         FieldChange("review_by", "—", "2025-01-01")])
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


def _joined(segments: Sequence[Segment], skip: str) -> tuple[str, ...]:
    return tuple(token for segment in segments if segment.op != skip for token in segment.tokens)


WORD_TOKENS = st.sampled_from(["we", "share", " ", "\n", "\n\n", ",", marked("e", "tools"), marked("e", " "),
                               BLOCK + "p", BLOCK + "ul+ li+ p", BLOCK + "ul li+ p"])


@settings(max_examples=300, deadline=None)
@given(st.lists(WORD_TOKENS, max_size=30), st.lists(WORD_TOKENS, max_size=30))
def test_token_diff_reproduces_both_sides(old: list[str], new: list[str]) -> None:
    segments = diff_tokens(old, new)
    assert _joined(segments, "delete") == tuple(new)
    assert _joined(segments, "insert") == tuple(old)
    assert all(segment.tokens for segment in segments)
    assert all(a.op != b.op for a, b in zip(segments, segments[1:])), "runs of one op are one segment"


WORDS = st.sampled_from(["we", "share", "*tools*", "care", "water", "the", "a", "rent", "é", "1.",
                        "[[seed-compact]]"])
SEPARATORS = st.sampled_from([" ", " ", "\n", "\n\n", ", ", ". ", "\n- ", "\n\n> "])
TEXTS = st.lists(st.tuples(WORDS, SEPARATORS), max_size=12).map(
    lambda pairs: "".join(w + s for w, s in pairs))
HEADINGS = st.sampled_from(
    ["Purpose", "Shares", "Care", "Disputes", "Care {#care-group}", "Review {#purpose}"])
BODIES = st.tuples(TEXTS, st.lists(st.tuples(HEADINGS, TEXTS), max_size=5)).map(
    lambda body: body[0] + "".join(f"\n\n## {heading}\n\n{text}" for heading, text in body[1]))


def _side(clause: ClauseText) -> tuple[str, tuple[str, ...]]:
    return clause.anchor, clause.tokens


@settings(max_examples=200, deadline=None)
@given(BODIES, BODIES)
def test_body_diff_reproduces_every_clause(old: str, new: str) -> None:
    diff = diff_bodies(old, new, link_text=link_text)
    for change in diff.clauses:
        assert change.old_tokens == _joined(change.segments, "insert")
        assert change.new_tokens == _joined(change.segments, "delete")
    new_side = [(c.anchor, c.new_tokens) for c in diff.clauses if c.kind != "removed"]
    old_side = [(c.old_anchor, c.old_tokens) for c in diff.clauses if c.kind != "added"]
    assert new_side == [_side(c) for c in reading_form(new, link_text).clauses if c.anchor or c.tokens]
    old_clauses = reading_form(old, link_text).clauses
    assert sorted(old_side) == sorted(_side(c) for c in old_clauses if c.anchor or c.tokens)
    render_body_diff_html(diff, id_prefix="v1-")


@given(BODIES)
def test_an_unchanged_clause_is_what_matching_it_finds(body: str) -> None:
    from generator.diffs.match import matched_tokens

    for clause in reading_form(body, link_text).clauses:
        assert diff_tokens(clause.tokens, list(clause.tokens)) == matched_tokens(clause.tokens, clause.tokens)
    assert diff_tokens((), []) == matched_tokens((), ()) == ()
