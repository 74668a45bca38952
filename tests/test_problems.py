"""Problem formatting: the rustc-style text, the JSON for editors and PR annotations, and the order."""

from __future__ import annotations

import json

from generator.checks.problems import Problem, Severity, format_json, format_text, sort_problems, summary
from tests.test_rules import lines

ERROR = Problem("agreements/b.md", 12, "field-missing", "required field 'parties' is missing",
                "add `parties:` to the front matter")
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
    data = json.loads(format_json([WARNING, ERROR], 4))
    assert data == {
        "problems": [
            {"path": "agreements/a.md", "line": 3, "code": "superseded-still-in-force",
             "message": "'b' supersedes this", "hint": "set `status: superseded`", "severity": "warning"},
            {"path": "agreements/b.md", "line": 12, "code": "field-missing",
             "message": "required field 'parties' is missing", "hint": "add `parties:` to the front matter",
             "severity": "error"},
        ],
        "summary": {"error": 1, "warning": 1, "notice": 0, "files": 4},
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
