"""Rules over one agreement file, checked end to end: files on disk -> load_charter -> formatted output.

Each row of the table is one bad input for one validation code and the exact lines a contributor
sees. tests/test_charter_rules.py holds the rows for rules across files and registries, and the
test that the two tables together cover every code the generator can emit.

`agreement(title, status, body, **fields)` writes, line by line:
  1 `---`, 2 title, 3 status, 4 parties, 5 adopted (for in-force, lapsed, superseded),
  then one line per extra field, `---`, and the body (by default `## Purpose`, blank, `To share.`).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.source.template import template_text
from generator.source.loader import LoadResult, load_charter
from generator.checks.problems import Problem
from generator.settings import Settings
from tests.project import PARTIES, THEMES, agreement, write_project

AS_OF = dt.date(2024, 6, 1)

Setup = Callable[[Path, pytest.MonkeyPatch], None]


@dataclass(frozen=True)
class Case:
    code: str
    agreements: dict[str, str]
    expected: str
    """The whole output: every problem's `Problem.format()`, in the order load_charter sorts them."""
    setup: Setup | None = None
    parties: str = PARTIES
    themes: str = THEMES
    extra: dict[str, str] = field(default_factory=dict)
    """Other files to write, relative to the project root."""


def settings(root: Path, extra_fields: frozenset[str] = frozenset()) -> Settings:
    return Settings(root=root, agreements_dir=root / "agreements", docs_dir=root / "charter",
                    templates_dir=root / "site_overrides" / "charter", extra_fields=extra_fields)


def check(root: Path, as_of: dt.date | None = AS_OF, **options: object) -> LoadResult:
    return load_charter(settings(root, **options), as_of)  # type: ignore[arg-type]


def lines(*texts: str) -> str:
    return "\n".join(texts)


def formatted(problems: tuple[Problem, ...]) -> str:
    return "\n".join(problem.format() for problem in problems)


def run_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    root = write_project(tmp_path / "project", case.agreements, parties=case.parties, themes=case.themes)
    for relative, text in case.extra.items():
        (root / relative).write_text(text, encoding="utf-8")
    if case.setup is not None:
        case.setup(root, monkeypatch)
    return formatted(check(root).problems)


def write_bytes(relative: str, data: bytes) -> Setup:
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (root / relative).write_bytes(data)
    return setup


def unreadable(relative: str) -> Setup:
    """chmod 000 the file; as root (CI containers) permissions do not bite, so refuse the read too."""
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        target = root / relative
        target.chmod(0)
        original = pathlib.Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self == target:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
            return original(self)

        monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    return setup


A = agreement
BILLION_LAUGHS = "---\ntitle: x\n" + "\n".join(
    ['lol0: &lol0 "lol"'] + [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 10)}]" for n in range(1, 10)]
) + "\n---\nBody.\n"
HUGE = A("Water", body="## Purpose\n\n" + "water " * 170_000)

DOCUMENT_CASES = [
    Case("front-matter-missing", {"a.md": "# Water\n\nNo fields.\n"},
         "agreements/a.md:1: error[front-matter-missing]: the file does not start with front matter\n"
         "  help: begin the file with a line `---`, the fields (title, status, parties), and another `---`"),
    Case("front-matter-unclosed", {"a.md": "---\ntitle: Water\nstatus: draft\n\n## Purpose\n"},
         "agreements/a.md:1: error[front-matter-unclosed]: the front matter is never closed\n"
         "  help: add a line `---` after the last field"),
    Case("conflict-markers",
         {"a.md": "---\n<<<<<<< HEAD\ntitle: Water\n=======\ntitle: Rivers\n>>>>>>> amend\n---\n## Purpose\n"},
         "agreements/a.md:2: error[conflict-markers]: the file holds git conflict markers from an unfinished "
         "merge or rebase\n"
         "  help: keep the text that should stand, delete the <<<<<<<, ======= and >>>>>>> lines, then commit"),
    Case("body-too-complex", {"a.md": A("Water", body="![" * 30_001)},
         "agreements/a.md:7: error[body-too-complex]: the text holds 30,001 '[' characters; the limit is 30,000\n"
         "  help: Markdown reads every '[' as a possible link, which takes time in proportion; split the "
         "agreement, or write the brackets as \\["),
    Case("yaml-syntax", {"a.md": A("Water: a commons")},
         "agreements/a.md:2:13: error[yaml-syntax]: invalid YAML: mapping values are not allowed here\n"
         "  help: quote a value that contains ': ' (for example title: \"Water: a commons\")"),
    Case("yaml-not-mapping", {"a.md": "---\n- title\n- status\n---\nBody.\n"},
         "agreements/a.md:2:1: error[yaml-not-mapping]: expected `key: value` pairs\n"
         "  help: write one field per line"),
    Case("yaml-duplicate-key", {"a.md": "---\ntitle: Water\nstatus: draft\nparties: [river-collective]\n"
                                   "summary: Shared.\nid: water\ntitle: Water again\n---\nBody.\n"},
         "agreements/a.md:7:1: error[yaml-duplicate-key]: key 'title' is given twice\n"
         "  help: keep one of the two; YAML would silently drop the first"),
    Case("yaml-tag", {"a.md": A("Water", summary="!!python/object/apply:os.system ['touch pwned']")},
         "agreements/a.md:6:10: error[yaml-tag]: the YAML tag !!python/object/apply:os.system is not allowed\n"
         "  help: remove the tag; front matter holds only text, numbers, dates and lists"),
    Case("yaml-too-large", {"a.md": BILLION_LAUGHS},
         "agreements/a.md:3:7: error[yaml-too-large]: the YAML expands to more than 20000 values\n"
         "  help: remove anchors and aliases (&name / *name); front matter never needs them"),
    Case("yaml-key", {"a.md": A("Water", **{"[one, two]": "x"})},
         "agreements/a.md:6:1: error[yaml-key]: a key must be plain text\n"
         "  help: write `key: value`"),
    Case("encoding", {"a.md": ""}, setup=write_bytes("agreements/a.md", A("Water").encode() + b"caf\xe9\n"),
         expected="agreements/a.md:10: error[encoding]: the file is not valid UTF-8\n"
                  "  help: save the file as UTF-8"),
    Case("file-too-large", {"a.md": HUGE},
         f"agreements/a.md:1: error[file-too-large]: the file is {len(HUGE.encode()):,} bytes; "
         "the limit is 1,000,000\n"
         "  help: split the agreement into several agreements that relate to each other"),
    Case("file-unreadable", {"a.md": A("Water")}, setup=unreadable("agreements/a.md"),
         expected="agreements/a.md:1: error[file-unreadable]: cannot read the file: Permission denied\n"
                  "  help: check that the file exists and is readable"),
    Case("field-unknown", {"a.md": A("Water", titel="Water")},
         "agreements/a.md:6: error[field-unknown]: unknown field 'titel'\n"
         "  help: did you mean 'title'?"),
    Case("field-missing", {"a.md": "---\ntitle: Water\nstatus: draft\n---\n## Purpose\n\nTo share.\n"},
         "agreements/a.md:1: error[field-missing]: required field 'parties' is missing\n"
         "  help: add `parties:` to the front matter"),
    Case("field-type", {"a.md": A("1848")},
         "agreements/a.md:2:8: error[field-type]: 'title' must be text, not a number\n"
         "  help: quote the value: title: \"1848\""),
    Case("enum-value", {"a.md": A("Water", status="in_force", adopted="2020-03-01")},
         "agreements/a.md:3:9: error[enum-value]: status 'in_force' is not one of draft, proposed, in-force, "
         "lapsed, superseded, withdrawn\n"
         "  help: did you mean 'in-force'?"),
    Case("date-invalid", {"a.md": A("Water", adopted="2020-02-30")},
         "agreements/a.md:5:10: error[date-invalid]: adopted '2020-02-30' is not a valid date\n"
         "  help: write the date as YYYY-MM-DD, for example 2024-03-01"),
    Case("id-invalid", {"a.md": A("Water", id="Water_Accord")},
         "agreements/a.md:6:5: error[id-invalid]: id 'Water_Accord' is not a valid id\n"
         "  help: use lower-case letters, digits and hyphens, starting with a letter or digit"),
    Case("former-id-invalid", {"a.md": A("Water", former_ids="[old-water, ../../index, Old_Water]")},
         "agreements/a.md:6:25: error[former-id-invalid]: former id '../../index' is not a valid id\n"
         "  help: write the id the agreement had, in lower-case letters, digits and hyphens\n"
         "agreements/a.md:6:38: error[former-id-invalid]: former id 'Old_Water' is not a valid id\n"
         "  help: write the id the agreement had, in lower-case letters, digits and hyphens"),
    Case("adopted-missing", {"a.md": A("Water", status="lapsed", adopted="")},
         "agreements/a.md:3:9: error[adopted-missing]: an agreement that is lapsed needs an adopted date\n"
         "  help: add `adopted: YYYY-MM-DD`, the day the parties adopted it"),
    Case("review-before-adoption", {"a.md": A("Water", adopted="2025-01-01", review_by="2024-12-01")},
         "agreements/a.md:6:12: error[review-before-adoption]: review_by 2024-12-01 is before adopted 2025-01-01\n"
         "  help: set review_by to a date after the adoption"),
    Case("duration-invalid", {"a.md": A("Water", renew_every="3 years")},
         "agreements/a.md:6:14: error[duration-invalid]: renew_every '3 years' is not a period\n"
         "  help: write a number of years or months, for example 3y or 18m"),
    Case("form-mismatch", {"a.md": A("Water", form="practised", institutionalised_as="[valley-water-act]")},
         "agreements/a.md:7:23: error[form-mismatch]: institutionalised_as is given, but form is not "
         "'institutionalised'\n"
         "  help: set `form: institutionalised`, or remove institutionalised_as "
         "(forms: written, practised, institutionalised)"),
    Case("list-duplicate",
         {"a.md": A("Water", themes="\n  - labour-capital\n  - nature-diversity\n  - labour-capital")},
         "agreements/a.md:9:5: error[list-duplicate]: 'labour-capital' is listed twice in themes\n"
         "  help: remove the second entry"),
    Case("summary-paragraphs", {"a.md": A("Water", summary="|\n  We share.\n\n  And more.")},
         "agreements/a.md:6:10: error[summary-paragraphs]: the summary has more than one paragraph\n"
         "  help: keep the summary to one plain paragraph; put the rest in the body"),
    Case("body-empty", {"a.md": A("Water", body="\n\n")},
         "agreements/a.md:7: error[body-empty]: the agreement has no text\n"
         "  help: write the agreement below the front matter, one `## ` heading per clause"),
    Case("placeholder", {"a.md": A('"TODO: the agreement\'s name, as its parties call it"',
                                   body="## Purpose\n\nTODO: what the parties want this agreement to achieve.\n")},
         "agreements/a.md:2:8: error[placeholder]: title still holds the template's placeholder\n"
         "  help: replace the text after `title:` with the real title\n"
         "agreements/a.md:9: error[placeholder]: the text still holds the template's placeholder\n"
         "  help: replace the line starting with TODO: with the agreement's own words"),
]


@pytest.mark.parametrize("case", DOCUMENT_CASES, ids=lambda case: case.code)
def test_one_bad_input_per_code(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_case(case, tmp_path, monkeypatch) == case.expected


def test_every_placeholder_of_the_template_is_found(tmp_path: Path) -> None:
    template = template_text()
    root = write_project(tmp_path, {"new.md": template})
    found = [(p.line, p.message) for p in check(root).problems if p.code == "placeholder"]
    todo_lines = [number for number, line in enumerate(template.split("\n"), start=1) if "TODO:" in line]
    assert [line for line, _ in found] == todo_lines and len(found) == 6
    assert [message for _, message in found][:2] == ["title still holds the template's placeholder",
                                                    "summary still holds the template's placeholder"]


@pytest.mark.parametrize("body", [
    "## Minutes\n\nOpen items are written as\nTODO: followed by what is to be done.\n",
    "<!--\nTODO: confirm the figures before the review\n-->\n\n## Purpose\n\nTo share.\n",
    "## Code\n\n```python\n# TODO: tidy\nx = 1\n```\n\n    TODO: an indented code line\n",
    "## Purpose\n\nTODO: what the parties want this agreement to achieve, which is to share.\n",
])
def test_todo_lines_of_the_authors_own_are_not_placeholders(tmp_path: Path, body: str) -> None:
    root = write_project(tmp_path, {"a.md": A("Water", body=body)})
    assert [problem.format() for problem in check(root).problems] == []


def test_each_row_triggers_only_its_own_code() -> None:
    for case in DOCUMENT_CASES:
        codes = {line.split("[", 1)[1].split("]", 1)[0] for line in case.expected.splitlines()
                 if not line.startswith("  help: ")}
        assert codes == {case.code}, case.code


def test_a_valid_project_has_no_problems(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "river-commons.md": A("River commons", id="river-commons", level="local", form="written",
                              themes="[nature-diversity]", review_by="2027-03-01", renew_every="3y",
                              summary="The river is shared.",
                              body="## Shares {#shares}\n\nBy season.\n\n## Review\n\nEvery year.\n"),
        "valley/water.md": A("Water sharing", mediators="[seed-network]", builds_on="[river-commons]",
                             themes="\n  - nature-diversity\n  - agriculture-industry",
                             body="Preamble.\n\n## Water\n\nAs in [[river-commons#shares]] and "
                                  "[[river-commons|the commons]].\n"),
        "old-water.md": A("Old water", status="superseded", adopted="2010-01-01"),
        "new-water.md": A("New water", supersedes="[old-water]", amends="[river-commons]",
                          relates_to="[valley-water]"),
        "law.md": A("Seed law", status="proposed", form="institutionalised",
                    institutionalised_as="[seed-act-2019]"),
        "draft.md": A("Draft", status="draft"),
        "valley-water.md": A("Valley water", status="withdrawn"),
    }, config=None)
    (root / "charter" / "charter.yml").write_text(
        "title: Our Charter\nparts:\n  - title: Land\n    themes: [nature-diversity]\n"
        "  - title: Water\n    description: Rivers.\n    agreements: [river-commons, new-water]\n",
        encoding="utf-8")
    result = check(root)
    assert formatted(result.problems) == ""
    assert result.files_checked == 7 + 3
    assert {agreement.id for agreement in result.charter.agreements} == {
        "river-commons", "water", "old-water", "new-water", "law", "draft", "valley-water"}


def test_every_problem_is_reported_at_once_sorted_by_path_and_line(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "b.md": A("1848", status="in_force", adopted="2020-13-01", colour="blue", renew_every="often",
                  themes="[water, water]", body=""),
        "a.md": "no front matter\n",
        "c.md": A("Fine", mediators="[river-collective]", body="## Purpose\n\nSee [[nowhere]].\n"),
    }, parties=PARTIES + "Bad:\n  name: Bad\n  kind: network\n")
    problems = check(root).problems
    assert [(p.path, p.line, p.code) for p in problems] == [
        ("agreements/a.md", 1, "front-matter-missing"),
        ("agreements/b.md", 2, "field-type"),
        ("agreements/b.md", 3, "enum-value"),
        ("agreements/b.md", 5, "date-invalid"),
        ("agreements/b.md", 6, "field-unknown"),
        ("agreements/b.md", 7, "duration-invalid"),
        ("agreements/b.md", 8, "theme-unknown"),  # column 10, `[water, water]`: then by column
        ("agreements/b.md", 8, "list-duplicate"),  # column 17
        ("agreements/b.md", 10, "body-empty"),
        ("agreements/c.md", 6, "mediator-is-party"),
        ("agreements/c.md", 10, "link-unknown"),
        ("charter/parties.yml", 12, "id-invalid"),
    ]
    assert list(problems) == sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def test_extra_fields_of_the_charter_are_allowed(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"a.md": A("Water", languages="[en, fr]")})
    assert [p.code for p in check(root).problems] == ["field-unknown"]
    assert check(root, extra_fields=frozenset({"languages"})).problems == ()


def test_the_file_name_is_the_id_unless_id_is_set(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"Water Accord.md": A("Water"), "Other Name.md": A("Other", id="other")})
    assert formatted(check(root).problems) == (
        "agreements/Water Accord.md:1: error[id-invalid]: the file name 'Water Accord' is not a valid id\n"
        "  help: rename the file using lower-case letters, digits and hyphens, or set `id:`")


def test_required_fields_that_are_empty_point_at_their_line(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"a.md": "---\ntitle: ''\nstatus: draft\nparties: []\n---\nBody.\n"})
    assert formatted(check(root).problems) == (
        "agreements/a.md:2:8: error[field-missing]: required field 'title' is empty\n"
        "  help: give a value after `title:`\n"
        "agreements/a.md:4:10: error[field-missing]: required field 'parties' is empty\n"
        "  help: give a value after `parties:`")


def test_a_list_field_given_as_text_says_how_to_write_a_list(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"a.md": A("Water", themes="nature-diversity")})
    assert formatted(check(root).problems) == (
        "agreements/a.md:6:9: error[field-type]: 'themes' must be a list, not text\n"
        "  help: write it as a list: themes: [nature-diversity]")


def test_a_quoted_date_is_a_date_as_editors_and_json_schema_see_it(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"a.md": A("Water", adopted='"2020-03-01"', review_by="'2030-03-01'")})
    result = check(root)
    assert result.problems == ()
    assert (result.charter.by_id["a"].adopted, result.charter.by_id["a"].review_by) == (
        dt.date(2020, 3, 1), dt.date(2030, 3, 1))


def test_a_date_is_written_in_full(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"a.md": A("Water", adopted="2020-3-1")})
    assert formatted(check(root).problems) == (
        "agreements/a.md:5:10: error[date-invalid]: adopted '2020-3-1' is not a valid date\n"
        "  help: write the date as YYYY-MM-DD, for example 2024-03-01")
