"""Round-trip edits, run as `charter` commands on real files: byte-for-byte goldens, refusals, atomicity.

The inputs (tests/golden/edits/before/) hold comments, odd quoting, a folded summary, a BOM and CRLF
line endings; each edit's output is compared byte for byte with tests/golden/edits/<case>/, where
only the edited value may differ from the input (UPDATE_GOLDEN=1 rewrites them, to be reviewed).
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.authoring import edits
from generator.authoring.edits import FileEdit
from generator.authoring.frontmatter import Change, EditError, edit, render
from tests.golden import GOLDEN_DIR
from tests.test_cli import FIXED_DAY, run  # FIXED_DAY (2024-06-01) is the day the edits are made and checked
from tests.project import agreement, write_project

EDITS = GOLDEN_DIR / "edits"
INPUTS = ("water.md", "reef.md", "old-accord.md", "new-accord.md", "older-accord.md")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_project(tmp_path / "project", {})
    for name in INPUTS:
        (root / "agreements" / name).write_bytes((EDITS / "before" / name).read_bytes())
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_DAY)
    return root


def contents(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((root / "agreements").iterdir())}


@dataclass(frozen=True)
class EditCase:
    name: str
    argv: tuple[str, ...]
    output: str
    changed: tuple[str, ...] = field(default=())


CASES = [
    EditCase("status-in-force", ("status", "water", "in-force", "--adopted", "2024-05-01"),
             "wrote agreements/water.md: status: draft -> in-force; adopted: (none) -> 2024-05-01\n"
             "charter check: 0 errors, 0 warnings, 1 notice in 7 files checked\n", ("water.md",)),
    EditCase("status-lapsed", ("status", "reef", "lapsed"),
             "wrote agreements/reef.md: status: in-force -> lapsed\n"
             "charter check: 0 errors, 0 warnings, 0 notices in 7 files checked\n", ("reef.md",)),
    EditCase("renew-overdue", ("renew", "reef"),
             "wrote agreements/reef.md: review_by: 2024-01-15 -> 2025-01-15\n"
             "charter check: 0 errors, 0 warnings, 0 notices in 7 files checked\n", ("reef.md",)),
    EditCase("renew-until", ("renew", "reef", "--until", "2024-12-01"),
             "wrote agreements/reef.md: review_by: 2024-01-15 -> 2024-12-01\n"
             "charter check: 0 errors, 0 warnings, 0 notices in 7 files checked\n", ("reef.md",)),
    EditCase("renew-beyond-a-period", ("renew", "reef", "--until", "2026-01-01"),
             "wrote agreements/reef.md: review_by: 2024-01-15 -> 2026-01-01\n"
             "agreements/reef.md:6:12: notice[review-beyond-period]: review_by 2026-01-01 lies beyond one "
             "renewal period (1y) from 2024-06-01\n"
             "  help: a renewal runs for renew_every: review by 2025-06-01 at the latest, or change renew_every\n"
             "charter check: 0 errors, 0 warnings, 1 notice in 7 files checked\n", ("reef.md",)),
    EditCase("supersede", ("supersede", "old-accord", "new-accord"),
             "wrote agreements/new-accord.md: supersedes: [older-accord] -> [older-accord, old-accord]\n"
             "wrote agreements/old-accord.md: status: in-force -> superseded\n"
             "charter check: 0 errors, 0 warnings, 1 notice in 7 files checked\n",
             ("new-accord.md", "old-accord.md")),
]


def assert_golden_bytes(relative: str, actual: bytes) -> None:
    path = EDITS / relative
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
    assert path.is_file(), f"{path} is missing; run the tests with UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_bytes(), f"the edited file differs from {relative}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_an_edit_changes_only_its_value_byte_for_byte(
        case: EditCase, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = contents(project)
    assert run(capsys, *case.argv) == (0, case.output, "")
    after = contents(project)
    assert sorted(name for name in after if after[name] != before[name]) == sorted(case.changed)
    for name in case.changed:
        assert_golden_bytes(f"{case.name}/{name}", after[name])
    assert run(capsys, "check")[0] == 0


def test_the_goldens_differ_from_their_input_in_the_edited_lines_only() -> None:
    """A reviewer's diff of each golden shows the one value (and, if added, the one line) that changed."""
    for case in CASES:
        for name in case.changed:
            old = (EDITS / "before" / name).read_bytes().splitlines(keepends=True)
            new = (EDITS / case.name / name).read_bytes().splitlines(keepends=True)
            changed = [line for line in new if line not in old]
            assert 1 <= len(changed) <= 2, (case.name, changed)
            assert all(line.endswith(b"\r\n") == old[0].endswith(b"\r\n") for line in new), "line endings kept"
            assert new[0].startswith(b"\xef\xbb\xbf") == old[0].startswith(b"\xef\xbb\xbf"), "the BOM kept"


@pytest.mark.parametrize("argv, message", [
    (("status", "water", "superseded"),
     "no agreement supersedes 'water'; mark the one that replaces it with `charter supersede water <new-id>`, "
     "which sets both files"),
    (("status", "water", "in-force"),
     "an agreement that is in-force needs an adopted date, and 'water' has none; add `--adopted YYYY-MM-DD`, "
     "the day the parties adopted it"),
    (("status", "water", "in-force", "--adopted", "2028-01-01"),
     "the edit would leave the charter failing `charter check`, so nothing was written:\n"
     "agreements/water.md:11:12: error[review-before-adoption]: review_by 2027-03-01 is before adopted "
     "2028-01-01\n"
     "  help: set review_by to a date after the adoption"),
    (("renew", "water"),
     "'water' is draft; only an agreement in force is renewed (to bring it back into force: "
     "`charter status water in-force`)"),
    (("renew", "reef", "--until", "2023-01-01"),
     "review_by is already 2024-01-15; a renewal moves it later, and 2023-01-01 is not (give a later date "
     "with `--until YYYY-MM-DD`)"),
    (("renew", "old-accord"),
     "'old-accord' has no renew_every, so the renewal date cannot be worked out; give it with "
     "`--until YYYY-MM-DD`"),
    (("supersede", "old-accord", "water"),
     "'water' is draft: an agreement supersedes another when it comes into force; adopt it first with "
     "`charter status water in-force --adopted YYYY-MM-DD`"),
    (("supersede", "water", "new-accord"),
     "the edit would leave the charter failing `charter check`, so nothing was written:\n"
     "agreements/water.md:4:9: error[adopted-missing]: an agreement that is superseded needs an adopted date\n"
     "  help: add `adopted: YYYY-MM-DD`, the day the parties adopted it"),
    (("supersede", "reef", "reef"), "an agreement cannot supersede itself; name the old agreement, then the new one"),
    (("status", "wter", "lapsed"), "no agreement has the id 'wter'; did you mean 'water'?"),
], ids=["superseded-without-successor", "in-force-without-adopted", "check-fails-after", "renew-a-draft",
        "renew-earlier", "renew-without-review-by", "supersede-by-a-draft", "supersede-a-draft", "supersede-itself",
        "unknown-id"])
def test_an_edit_that_cannot_stand_is_refused_and_nothing_is_written(
        project: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str) -> None:
    before = contents(project)
    assert run(capsys, *argv) == (1, "", f"charter: error: {message}\n")
    assert contents(project) == before
    assert not [name for name in os.listdir(project / "agreements") if name.startswith(".")]


def test_an_edit_is_refused_while_the_charter_already_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "agreements" / "broken.md").write_text(agreement("Broken", themes="[nope]"), encoding="utf-8")
    before = contents(project)
    code, out, err = run(capsys, "status", "reef", "lapsed")
    assert (code, out) == (1, "")
    assert err.startswith("charter: error: the charter already fails `charter check`, so no edit can leave it "
                          "passing; nothing was written. Fix these first:\n"
                          "agreements/broken.md:6:10: error[theme-unknown]: themes names unknown theme 'nope'\n")
    assert contents(project) == before


def test_nothing_to_change_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = contents(project)
    assert run(capsys, "status", "reef", "in-force") == (0, "nothing to change; nothing was written\n", "")
    assert run(capsys, "supersede", "older-accord", "new-accord") == (
        0, "nothing to change; nothing was written\n", "")
    assert contents(project) == before


def test_a_renewal_runs_for_one_period_from_today_at_most(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Renewed early, review_by would move beyond renew_every from today; it stops there instead."""
    reef = project / "agreements" / "reef.md"
    reef.write_bytes(reef.read_bytes().replace(b"'2024-01-15'", b"'2024-11-01'"))
    assert run(capsys, "renew", "reef")[1].splitlines()[0] == "wrote agreements/reef.md: review_by: 2024-11-01 -> 2025-06-01"
    assert b"review_by: '2025-06-01'  # reviewed each winter\n" in reef.read_bytes()


def test_a_long_overdue_renewal_moves_by_whole_periods(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reef = project / "agreements" / "reef.md"
    reef.write_bytes(reef.read_bytes().replace(b"'2024-01-15'", b"'2020-01-15'"))
    assert run(capsys, "renew", "reef")[1].splitlines()[0] == "wrote agreements/reef.md: review_by: 2020-01-15 -> 2025-01-15"


def test_both_files_or_neither(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second rename fails: the first file is put back, and no staged file is left behind."""
    one, two = project / "agreements" / "water.md", project / "agreements" / "reef.md"
    plan = [FileEdit("agreements/water.md", one.read_bytes(), b"one", ""),
            FileEdit("agreements/reef.md", two.read_bytes(), b"two", "")]
    before = contents(project)
    real_replace, calls = os.replace, []

    def failing_replace(source: str, target: Path) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        edits.write_all(project, plan)
    assert len(calls) == 2
    assert contents(project) == before


def test_a_file_changed_meanwhile_stops_the_whole_edit(project: Path) -> None:
    water = project / "agreements" / "water.md"
    plan = [FileEdit("agreements/reef.md", (project / "agreements" / "reef.md").read_bytes(), b"new", ""),
            FileEdit("agreements/water.md", b"what it was when read", b"new", "")]
    before = contents(project)
    with pytest.raises(edits.EditRefused, match="agreements/water.md changed while the edit was prepared"):
        edits.write_all(project, plan)
    assert contents(project) == before and water.read_bytes() != b"new"


@pytest.mark.parametrize("value, style, text", [
    ("in-force", None, "in-force"),
    ("Water: a commons", None, '"Water: a commons"'),
    ("null", None, '"null"'),
    ("2024-01-01", None, '"2024-01-01"'),
    ("it's", "'", "'it''s'"),
    ("say \"no\"", '"', '"say \\"no\\""'),
    ("# not a comment", None, '"# not a comment"'),
], ids=["plain", "colon", "null-word", "date-like-text", "single-quoted", "double-quoted", "hash"])
def test_a_value_is_written_so_that_it_reads_back_as_itself(value: str, style: str | None, text: str) -> None:
    assert render(value, style) == text


@pytest.mark.parametrize("front_matter, change, message", [
    ("title: W\nsummary: |\n  two\n  lines\n", Change("summary", "one"), "`summary` is not a one-line value"),
    ("title: W\nsupersedes: old\n", Change("supersedes", add=("x",)), "`supersedes` is not a list"),
    ("title: W\nsupersedes: [a,\n  b]\nx: &a 1\ny: *a\n", Change("supersedes", add=("c",)), None),
], ids=["block-scalar", "text-not-list", "flow-list-over-two-lines"])
def test_what_cannot_be_edited_safely_is_left_to_a_person(front_matter: str, change: Change,
                                                          message: str | None) -> None:
    data = f"---\n{front_matter}---\nBody.\n".encode()
    if message is None:
        assert b"supersedes: [a,\n  b, c]\n" in edit("a.md", data, (change,))
        return
    with pytest.raises(EditError, match=message):
        edit("a.md", data, (change,))


# --- amend: the contributor's editor, on a copy --------------------------------------------------


def editor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: str) -> None:
    """EDITOR: a Python script that edits the file it is given (sys.argv[1]) as `code` says."""
    script = tmp_path / "editor.py"
    script.write_text(f"import sys, pathlib\npath = pathlib.Path(sys.argv[1])\ntext = path.read_bytes()\n{code}\n",
                      encoding="utf-8")
    monkeypatch.setenv("EDITOR", shlex.join([sys.executable, str(script)]))
    monkeypatch.delenv("VISUAL", raising=False)


def test_amend_keeps_a_valid_edit_and_says_what_changed(project: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    editor(monkeypatch, tmp_path, "path.write_bytes(text.replace(b'To share the water', b'To share all water')"
                                  " + b'\\r\\n## Disputes\\r\\n\\r\\nThe elders mediate.\\r\\n')")
    code, out, err = run(capsys, "amend", "water")
    assert (code, err) == (0, "")
    assert out == ("wrote agreements/water.md: 1 clause changed, 1 added\n"
                   "commit it with a message that says what changed, such as: "
                   "git commit -m \"Amend water: ...\" agreements/water.md\n")
    written = (project / "agreements" / "water.md").read_bytes()
    assert written.startswith((EDITS / "before" / "water.md").read_bytes().split(b"To share")[0])
    assert written.endswith(b"The elders mediate.\r\n")


def test_amend_refuses_an_edit_that_fails_the_check_and_keeps_the_copy(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    editor(monkeypatch, tmp_path, "path.write_bytes(text.replace(b'level: regional', b'level: planetary'))")
    before = contents(project)
    code, out, err = run(capsys, "amend", "water")
    assert (code, out) == (1, "")
    assert err.startswith("charter: error: the edit would leave the charter failing `charter check`, so nothing "
                          "was written:\nagreements/water.md:8:8: error[enum-value]: level 'planetary' is not one "
                          "of local, regional, national, transborder, global\n")
    kept = Path(err.split("your edit is kept in ")[1].split(";")[0])
    assert b"level: planetary" in kept.read_bytes()
    assert contents(project) == before


def test_amend_without_a_change_or_without_an_editor(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    editor(monkeypatch, tmp_path, "pass")
    assert run(capsys, "amend", "water") == (0, "the editor left the agreement unchanged; nothing was written\n", "")
    editor(monkeypatch, tmp_path, "sys.exit(3)")
    assert run(capsys, "amend", "water") == (1, "", "charter: error: the editor exited with status 3; nothing "
                                                    "was written\n")
    monkeypatch.delenv("EDITOR")
    code, out, err = run(capsys, "amend", "water")
    assert (code, out) == (1, "")
    assert err.startswith("charter: error: no editor is set (EDITOR or VISUAL).\nTo amend agreements/water.md by "
                          "hand:\n  1. edit its clauses in place")
