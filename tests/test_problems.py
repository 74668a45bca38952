"""Problem formatting: the rustc-style text, the JSON for editors, GitHub's workflow commands, the order."""

from __future__ import annotations

import json

import pytest

from generator.checks.problems import (
    Problem,
    Severity,
    escape_data,
    escape_property,
    format_github,
    format_json,
    format_text,
    sort_problems,
    summary,
)
from tests.test_rules import lines

ERROR = Problem("agreements/b.md", 12, "field-missing", "required field 'parties' is missing",
                "add `parties:` to the front matter")
AT_COLUMN = Problem("agreements/b.md", 6, "enum-value", "level 'planetary' is not one of local, global",
                    "use one of: local, global", column=8)
WARNING = Problem("agreements/a.md", 3, "superseded-still-in-force", "'b' supersedes this", "set `status: superseded`",
                  Severity.WARNING)
NOTICE = Problem("agreements/a.md", 9, "review-overdue", "review was due on 2024-01-01", "renew it", Severity.NOTICE)


def test_format_puts_path_line_severity_code_message_and_help() -> None:
    assert ERROR.format() == (
        "agreements/b.md:12: error[field-missing]: required field 'parties' is missing\n"
        "  help: add `parties:` to the front matter")
    assert WARNING.format().splitlines()[0] == (
        "agreements/a.md:3: warning[superseded-still-in-force]: 'b' supersedes this")
    assert NOTICE.format().splitlines()[0].startswith("agreements/a.md:9: notice[review-overdue]: ")


def test_a_known_column_follows_the_line_as_compilers_print_it() -> None:
    assert AT_COLUMN.format() == (
        "agreements/b.md:6:8: error[enum-value]: level 'planetary' is not one of local, global\n"
        "  help: use one of: local, global")


def test_format_without_a_hint_has_no_help_line() -> None:
    assert Problem("p.md", 1, "x", "message").format() == "p.md:1: error[x]: message"


def test_only_errors_are_errors() -> None:
    assert [problem.is_error for problem in (ERROR, WARNING, NOTICE)] == [True, False, False]


def test_summary_counts_each_severity_in_the_singular_and_plural() -> None:
    assert summary([], 0) == "0 errors, 0 warnings, 0 notices in 0 files checked"
    assert summary([ERROR, WARNING, NOTICE], 1) == "1 error, 1 warning, 1 notice in 1 file checked"
    assert summary([ERROR, ERROR, NOTICE, NOTICE, NOTICE], 12) == (
        "2 errors, 0 warnings, 3 notices in 12 files checked")


def test_format_text_is_the_problems_then_the_summary() -> None:
    assert format_text([WARNING, ERROR], 4) == lines(
        "agreements/a.md:3: warning[superseded-still-in-force]: 'b' supersedes this",
        "  help: set `status: superseded`",
        "agreements/b.md:12: error[field-missing]: required field 'parties' is missing",
        "  help: add `parties:` to the front matter",
        "1 error, 1 warning, 0 notices in 4 files checked",
    )
    assert format_text([], 3) == "0 errors, 0 warnings, 0 notices in 3 files checked"


def test_format_json_has_stable_keys() -> None:
    data = json.loads(format_json([WARNING, AT_COLUMN, ERROR], 4))
    assert data == {
        "problems": [
            {"path": "agreements/a.md", "line": 3, "column": None, "code": "superseded-still-in-force",
             "message": "'b' supersedes this", "hint": "set `status: superseded`", "severity": "warning"},
            {"path": "agreements/b.md", "line": 6, "column": 8, "code": "enum-value",
             "message": "level 'planetary' is not one of local, global", "hint": "use one of: local, global",
             "severity": "error"},
            {"path": "agreements/b.md", "line": 12, "column": None, "code": "field-missing",
             "message": "required field 'parties' is missing", "hint": "add `parties:` to the front matter",
             "severity": "error"},
        ],
        "summary": {"error": 2, "warning": 1, "notice": 0, "files": 4},
    }


def test_format_json_of_nothing() -> None:
    assert json.loads(format_json([], 0)) == {
        "problems": [], "summary": {"error": 0, "warning": 0, "notice": 0, "files": 0}}


def test_format_json_escapes_what_an_author_wrote() -> None:
    tricky = Problem('agreements/"q".md', 1, "field-unknown", "unknown field 'a\"\\\n'", "")
    assert json.loads(format_json([tricky], 1))["problems"][0]["message"] == "unknown field 'a\"\\\n'"


def test_sort_by_path_then_line_then_code_and_drop_duplicates() -> None:
    same_line = Problem("agreements/a.md", 3, "enum-value", "x")
    later_file_early_line = Problem("charter/parties.yml", 1, "id-invalid", "y")
    line_10 = Problem("agreements/a.md", 10, "body-empty", "z")
    line_9 = Problem("agreements/a.md", 9, "placeholder", "w")
    problems = [later_file_early_line, line_10, WARNING, ERROR, line_9, same_line, NOTICE, WARNING]
    assert sort_problems(problems) == [
        same_line, WARNING, line_9, NOTICE, line_10, ERROR, later_file_early_line]


def test_lines_sort_as_numbers_not_text() -> None:
    problems = [Problem("a.md", line, "c", "m") for line in (10, 2, 1, 100)]
    assert [problem.line for problem in sort_problems(problems)] == [1, 2, 10, 100]


def test_format_github_is_one_workflow_command_per_problem_then_the_summary() -> None:
    assert format_github([WARNING, AT_COLUMN, NOTICE], 4) == lines(
        "::warning file=agreements/a.md,line=3,title=warning[superseded-still-in-force]::'b' supersedes this"
        "%0Ahelp: set `status: superseded`",
        "::error file=agreements/b.md,line=6,col=8,title=error[enum-value]::level 'planetary' is not one of "
        "local, global%0Ahelp: use one of: local, global",
        "::notice file=agreements/a.md,line=9,title=notice[review-overdue]::review was due on 2024-01-01"
        "%0Ahelp: renew it",
        "1 error, 1 warning, 1 notice in 4 files checked",
    )


@pytest.mark.parametrize("path, message, hint, command", [
    ("agreements/a.md", "100% of the share", "", "::error file=agreements/a.md,line=2,title=error[c]::100%25 of the share"),
    ("agreements/a.md", "one\r\ntwo", "", "::error file=agreements/a.md,line=2,title=error[c]::one\\r\\ntwo"),
    ("agreements/a.md", "x", "a\x1b[31mb", "::error file=agreements/a.md,line=2,title=error[c]::x%0Ahelp: a\\x1b[31mb"),
    ("agreements/a,b:c%.md", "m::n", "", "::error file=agreements/a%2Cb%3Ac%25.md,line=2,title=error[c]::m::n"),
    ("agreements/x.md\n::error file=forged.md::forged", "m", "",
     "::error file=agreements/x.md\\n%3A%3Aerror file=forged.md%3A%3Aforged,line=2,title=error[c]::m"),
], ids=["percent", "author-newlines", "author-escape", "property-separators", "forged-command"])
def test_format_github_escapes_as_the_workflow_command_syntax_requires(
        path: str, message: str, hint: str, command: str) -> None:
    """`%`, CR and LF everywhere; `:` and `,` too in properties, which they would otherwise end."""
    output = format_github([Problem(path, 2, "c", message, hint)], 1).splitlines()
    assert output == [command, "1 error, 0 warnings, 0 notices in 1 file checked"]


def test_workflow_command_escapes() -> None:
    assert escape_data("50% a\r\nb:c,d") == "50%25 a%0D%0Ab:c,d"
    assert escape_property("50% a\r\nb:c,d") == "50%25 a%0D%0Ab%3Ac%2Cd"


def test_format_github_of_nothing_is_the_summary() -> None:
    assert format_github([], 3) == "0 errors, 0 warnings, 0 notices in 3 files checked"


def test_columns_sort_within_a_line() -> None:
    later, earlier = (Problem("a.md", 4, "b-code", "m", column=column) for column in (12, 3))
    assert sort_problems([later, earlier]) == [earlier, later]
