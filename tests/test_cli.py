"""The `charter` command, run in a real project folder: exit codes, output, and no tracebacks."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from generator.authoring.new import completer, template_text
from generator.cli import main, parser
from tests.gitrepo import GitRepo
from tests.project import PARTIES, REPO_ROOT, agreement, write_project
from tests.test_rules import lines

FIXED_DAY = "1717200000"  # 2024-06-01 UTC, so review notices do not depend on today


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_project(tmp_path / "project", {"river-commons.md": agreement("River commons")})
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_DAY)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err


def test_check_passes_on_a_good_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check") == (0, "0 errors, 0 warnings, 0 notices in 3 files checked\n", "")


def test_check_fails_with_the_formatted_problems(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "agreements" / "broken.md").write_text(
        agreement("Broken", level="planetary", themes="[water]", review_by="2024-01-01"), encoding="utf-8")
    code, out, err = run(capsys, "check")
    assert (code, err) == (1, "")
    assert out == lines(
        ("agreements/broken.md:6:8: error[enum-value]: level 'planetary' is not one of local, regional, "
         "national, transborder, global"),
        "  help: use one of: local, regional, national, transborder, global",
        "agreements/broken.md:7:10: error[theme-unknown]: themes names unknown theme 'water'",
        "  help: use an id from charter/themes.yml",
        "agreements/broken.md:8:12: notice[review-overdue]: review was due on 2024-01-01",
        "  help: renew the agreement (move review_by later) or change its status",
        "2 errors, 0 warnings, 1 notice in 4 files checked",
    ) + "\n"


def test_warnings_and_notices_alone_do_not_fail_check(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "agreements" / "mediated.md").write_text(
        agreement("Mediated", mediators="[river-collective]", review_by="2024-01-01"), encoding="utf-8")
    code, out, _ = run(capsys, "check")
    assert code == 0
    assert out.splitlines()[-1] == "0 errors, 1 warning, 1 notice in 4 files checked"


def test_check_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "agreements" / "broken.md").write_text(agreement("Broken", renew_every="often"), encoding="utf-8")
    code, out, err = run(capsys, "check", "--format", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert set(data) == {"problems", "summary"}
    assert data["summary"] == {"error": 1, "warning": 0, "notice": 0, "files": 4}
    assert data["problems"] == [{
        "path": "agreements/broken.md", "line": 6, "column": 14, "code": "duration-invalid", "severity": "error",
        "message": "renew_every 'often' is not a period",
        "hint": "write a number of years or months, for example 3y or 18m",
    }]


def test_check_json_of_a_good_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format=json")
    assert code == 0
    assert json.loads(out) == {"problems": [], "summary": {"error": 0, "warning": 0, "notice": 0, "files": 3}}


def test_new_writes_a_template_that_fails_only_until_filled_in(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "new", "seed-exchange")
    assert (code, err) == (0, "")
    assert out.startswith("wrote agreements/seed-exchange.md\n")
    written = project / "agreements" / "seed-exchange.md"
    assert written.read_text(encoding="utf-8").startswith("---\n")
    assert [path.name for path in written.parent.iterdir() if path.name.startswith(".")] == []

    code, out, _ = run(capsys, "check", "--format", "json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert {problem["code"] for problem in problems} == {"placeholder", "field-missing"}
    assert {problem["path"] for problem in problems} == {"agreements/seed-exchange.md"}
    assert [problem["message"] for problem in problems if problem["code"] == "field-missing"] == [
        "required field 'parties' is empty"]


def test_new_in_a_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "new", "seed-exchange", "--folder", "land/seeds")
    assert code == 0
    assert out.startswith("wrote agreements/land/seeds/seed-exchange.md\n")
    assert (project / "agreements" / "land" / "seeds" / "seed-exchange.md").is_file()


@pytest.mark.parametrize("argv, message", [
    (("new", "Seed_Exchange"), ("charter: error: 'Seed_Exchange' is not a valid id: use lower-case letters, "
                                "digits and hyphens, starting with a letter or digit\n")),
    (("new", "-seeds"), None),
    (("new", "river-commons"), "charter: error: an agreement with id 'river-commons' already exists: "),
    (("new", "seeds", "--folder", "../.."), "charter: error: the folder '../..' lies outside "),
], ids=["bad-id", "option-like-id", "existing-id", "folder-outside"])
def test_new_refuses_without_a_traceback(project: Path, capsys: pytest.CaptureFixture[str],
                                         argv: tuple[str, ...], message: str | None) -> None:
    before = sorted(path.relative_to(project) for path in project.rglob("*"))
    if message is None:
        assert "error" in usage_error(capsys, *argv)
    else:
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, "")
        assert err.startswith(message)
        assert "Traceback" not in err
    assert sorted(path.relative_to(project) for path in project.rglob("*")) == before


def test_new_refuses_an_id_taken_by_an_id_field(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "agreements" / "water.md").write_text(agreement("Water", id="water-accord"), encoding="utf-8")
    code, out, err = run(capsys, "new", "water-accord")
    assert (code, out) == (2, "")
    assert err == "charter: error: an agreement with id 'water-accord' already exists: agreements/water.md\n"
    assert not (project / "agreements" / "water-accord.md").exists()


def test_a_missing_config_file_is_a_clear_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "-f", "missing.yml", "check") == (
        2, "", "charter: error: missing.yml not found; run charter in the project folder or pass -f\n")
    assert run(capsys, "--config-file", "missing.yml", "new", "x")[0] == 2


def test_a_config_file_elsewhere(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "-f", str(project / "mkdocs.yml"), "check")[0] == 0


def test_a_config_without_the_plugin(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "plain.yml").write_text("site_name: Plain\ndocs_dir: charter\n", encoding="utf-8")
    assert run(capsys, "-f", "plain.yml", "check") == (
        2, "", "charter: error: plain.yml does not enable the `charter` plugin; add it under `plugins:`\n")


def test_a_broken_config_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "broken.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    code, out, err = run(capsys, "-f", "broken.yml", "check")
    assert (code, out) == (2, "")
    assert err.startswith("charter: error: broken.yml: ")
    assert "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (("check", "--bogus"), "unrecognized arguments: --bogus"),
    (("--bogus", "check"), "unrecognized arguments: --bogus"),
    (("check", "--format", "xml"), "invalid choice: 'xml'"),
    (("new",), "the following arguments are required: id"),
    (("new", "seeds", "extra"), "unrecognized arguments: extra"),
    (("publish",), "invalid choice: 'publish'"),
    ((), "the following arguments are required: COMMAND"),
], ids=["check-option", "global-option", "format-choice", "new-without-id", "new-extra", "unknown-command",
        "no-command"])
def test_usage_errors(project: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                      message: str) -> None:
    err = usage_error(capsys, *argv)
    assert err.startswith("usage: charter")
    assert message in err


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for command in ("check", "new", "build", "serve"):
        assert command in out


@pytest.mark.parametrize("argv, command", [
    (("build", "--strict"), ["build", "-f", "mkdocs.yml", "--strict"]),
    (("-f", "other.yml", "serve", "--dev-addr", "127.0.0.1:9000"),
     ["serve", "-f", "other.yml", "--dev-addr", "127.0.0.1:9000"]),
], ids=["build", "serve"])
def test_build_and_serve_pass_other_options_to_mkdocs(
        project: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], command: list[str]) -> None:
    calls: list[list[str]] = []
    environments: list[dict[str, str]] = []

    def call(arguments: list[str], env: dict[str, str]) -> int:
        calls.append(arguments)
        environments.append(env)
        return 3

    monkeypatch.setattr(subprocess, "call", call)
    monkeypatch.delenv("CHARTER_NO_HISTORY", raising=False)
    assert main(list(argv)) == 3
    assert calls == [[sys.executable, "-m", "mkdocs", *command]]
    assert "CHARTER_NO_HISTORY" not in environments[0]
    assert main([*argv, "--no-history"]) == 3
    assert calls[1] == calls[0] and environments[1]["CHARTER_NO_HISTORY"] == "1"


def _subparsers(root: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in root._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def test_the_docs_mention_every_command_option_and_choice() -> None:
    docs = "\n".join((REPO_ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "CONTRIBUTING.md"))
    root = parser()
    missing: list[str] = []
    for name, command_parser in {"": root, **_subparsers(root)}.items():
        where = f"`charter {name}`" if name else "`charter`"
        if name and f"charter {name}" not in docs:
            missing.append(f"command {where}")
        for action in command_parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            for option in action.option_strings:
                if option != "-h" and option not in docs:  # -h is argparse's own; the docs name --help
                    missing.append(f"option {option} of {where}")
            if "--format" in action.option_strings:  # each output format is documented by name
                missing += [f"--format {choice} of {where}" for choice in action.choices or ()
                            if f"--format {choice}" not in docs]
            if not action.option_strings and action.metavar and f"{action.metavar}" not in docs:
                missing.append(f"argument {action.metavar} of {where}")
    assert not missing, f"README.md and CONTRIBUTING.md do not mention: {', '.join(missing)}"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"charter {version('charter-generator')}\n"


def neighbours_project(root: Path) -> Path:
    """a links to river-commons; c relates to a; b and d stand apart, each with an error."""
    write_project(root, {
        "river-commons.md": agreement("River commons", themes="[nope]"),
        "a.md": agreement("A", level="planetary", body="## Purpose\n\nAs in [[river-commons]].\n"),
        "c.md": agreement("C", relates_to="[a]", renew_every="often"),
        "b.md": agreement("B", themes="[water]"),
        "d.md": agreement("D", builds_on="[b]", level="galactic"),
    }, parties=PARTIES + "Bad_Id:\n  name: Bad\n  kind: network\n")
    return root


def test_check_files_reports_them_their_neighbours_and_the_registries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = neighbours_project(tmp_path / "project")
    monkeypatch.chdir(root / "agreements")  # FILE is named from where charter runs
    code, out, _ = run(capsys, "-f", "../mkdocs.yml", "check", "a.md", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert sorted({problem["path"] for problem in data["problems"]}) == [
        "agreements/a.md", "agreements/c.md", "agreements/river-commons.md", "charter/parties.yml"]
    assert data["summary"]["files"] == 3 + 2  # a, c and river-commons, and the two registries
    assert json.loads(run(capsys, "-f", "../mkdocs.yml", "check", "b.md", "--format", "json")[1])["summary"] == {
        "error": 3, "warning": 0, "notice": 0, "files": 4}  # b, d (which builds on it), and parties.yml


def test_check_files_naming_a_registry_checks_everything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = neighbours_project(tmp_path / "project")
    monkeypatch.chdir(root)
    assert run(capsys, "check", "charter/parties.yml", "agreements/a.md") == run(capsys, "check")


def test_check_files_that_do_not_exist(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "agreements/river-commons.md", "nowhere.md") == (
        2, "", "charter: error: no such file: nowhere.md\n")
    (project / "README.md").write_text("Not an agreement.\n", encoding="utf-8")
    assert run(capsys, "check", "README.md")[1] == "0 errors, 0 warnings, 0 notices in 2 files checked\n"


def test_check_changed_since_a_branch_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The branch rewords a, deletes old (which x links to), renames b's file, and leaves y alone."""
    repo = GitRepo(tmp_path / "repo")
    root = write_project(repo.root / "charter-project", {
        "a.md": agreement("A"), "old.md": agreement("Old"), "b.md": agreement("B", id="b"),
        "x.md": agreement("X", body="## Purpose\n\nAfter [[old]].\n"),
        "y.md": agreement("Y", body="## Purpose\n\nAfter [[old]] too.\n"), "z.md": agreement("Z")})
    repo.commit("The charter", date="2024-01-01T10:00:00Z")
    repo.git("checkout", "-q", "-b", "amend-a")
    (root / "agreements" / "a.md").write_text(agreement("A", level="planetary"), encoding="utf-8")
    (root / "agreements" / "old.md").unlink()
    repo.git("mv", "charter-project/agreements/b.md", "charter-project/agreements/b-moved.md")
    repo.commit("Amend a, drop old, move b", date="2024-02-01T10:00:00Z")
    (root / "agreements" / "new.md").write_text(agreement("New", themes="[nope]"), encoding="utf-8")  # untracked
    monkeypatch.chdir(root)
    code, out, _ = run(capsys, "check", "--changed-since", "main", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert [(problem["path"], problem["code"]) for problem in data["problems"]] == [
        ("agreements/a.md", "enum-value"), ("agreements/new.md", "theme-unknown"),
        ("agreements/x.md", "link-unknown"), ("agreements/y.md", "link-unknown")]
    assert data["summary"]["files"] == 5 + 2  # a, b-moved, new, x, y; and the registries (z is untouched)


def test_check_changed_since_a_ref_that_is_not_there(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    GitRepo(project).commit("The charter", date="2024-01-01T10:00:00Z")
    code, out, err = run(capsys, "check", "--changed-since", "origin/main")
    assert (code, out) == (2, "")
    assert err.startswith("charter: error: cannot compare with 'origin/main': ")
    assert err.endswith("; fetch it first (for example `git fetch origin main`, or `fetch-depth: 0` in GitHub "
                        "Actions)\n")


def test_check_format_github_names_files_from_the_repository_top(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = GitRepo(tmp_path / "repo")
    root = write_project(repo.root / "site", {"a.md": agreement("A, 100% ours", level="planetary")})
    monkeypatch.chdir(root)
    code, out, _ = run(capsys, "check", "--format", "github")
    assert code == 1
    assert out == lines(
        "::error file=site/agreements/a.md,line=6,col=8,title=error[enum-value]::level 'planetary' is not one of "
        "local, regional, national, transborder, global%0Ahelp: use one of: local, regional, national, transborder, "
        "global",
        "1 error, 0 warnings, 0 notices in 3 files checked") + "\n"


def test_a_direct_build_does_not_print_materials_banner(project: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "NO_MKDOCS_2_WARNING"}
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", "plain"], env=environment,
                           capture_output=True, text=True, check=True)
    assert "end of life" in plain.stderr  # the banner this test keeps out
    charter = [sys.executable, "-m", "generator.cli", "build", "--no-history"]
    built = subprocess.run(charter, env=environment, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    assert "end of life" not in built.stderr + built.stdout
    assert (project / "site" / "index.html").is_file()


def test_demo_from_any_folder_with_a_hint_that_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here: the theme comes from this source checkout
    code, out, _ = run(capsys, "demo", "my demo", "--agreements", "5", "--commits", "40")
    assert code == 0
    hint = out.splitlines()[-1]
    assert hint.startswith(f"build it with: cd '{tmp_path / 'my demo'}' && ")
    environment = {**os.environ, "PATH": "/usr/bin:/bin"}  # no virtual environment on the PATH
    built = subprocess.run(hint.removeprefix("build it with: "), shell=True, env=environment,
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    status = subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=tmp_path / "my demo",
                            capture_output=True, text=True, check=True)
    assert status.stdout == ""  # site/ and .cache/ are ignored


def test_new_takes_title_parties_and_level_as_flags(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "new", "seeds", "--title", "Seed exchange: the valley's", "--party",
                       "river-collective", "--party", "valley-farmers", "--level", "local")
    assert code == 0
    text = (project / "agreements" / "seeds.md").read_text(encoding="utf-8")
    assert text.splitlines()[3:6] == ['title: "Seed exchange: the valley\'s"',
                                      "status: draft  # draft | proposed | in-force | lapsed | superseded | withdrawn",
                                      "parties: [river-collective, valley-farmers]"]
    assert "\nlevel: local  # local | regional | national | transborder | global\n" in text
    problems = json.loads(run(capsys, "check", "--format", "json")[1])["problems"]
    assert {problem["code"] for problem in problems} == {"placeholder"}  # the summary and body are left to write


def test_new_refuses_a_party_that_is_not_in_the_registry(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "new", "seeds", "--party", "river-colective") == (
        2, "", "charter: error: 'river-colective' is not in charter/parties.yml; did you mean 'river-collective'?\n")
    assert not (project / "agreements" / "seeds.md").exists()


def test_new_asks_in_a_terminal_until_the_answers_are_valid(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["", "Seed exchange", "river-colective", "river-collective, valley-farmers", "planetary", ""])
    prompts: list[str] = []

    def answer(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run(capsys, "new", "seeds", "--folder", "land")
    assert code == 0
    assert [prompt.split(" (")[0] for prompt in prompts] == ["Title", "Title", "Parties", "Parties", "Level", "Level"]
    assert out.splitlines()[:2] == ["'river-colective' is not in charter/parties.yml; did you mean 'river-collective'?",
                                    "'planetary' is not a level"]
    text = (project / "agreements" / "land" / "seeds.md").read_text(encoding="utf-8")
    assert 'title: "Seed exchange"\n' in text and "parties: [river-collective, valley-farmers]\n" in text
    assert "\n# level: local" in text  # left open


def test_the_party_prompt_completes_ids() -> None:
    complete = completer(["river-collective", "river-keepers", "valley-farmers"])
    assert [complete("river-", state) for state in range(3)] == ["river-collective", "river-keepers", None]
    assert complete("v", 0) == "valley-farmers"


def test_the_templates_example_ids_are_in_the_sample_registry() -> None:
    parties = (REPO_ROOT / "charter" / "parties.yml").read_text(encoding="utf-8")
    example = re.search(r"e\.g\. \[([^\]]+)\]", template_text())
    assert example is not None
    for party in example.group(1).split(", "):
        assert f"\n{party}:\n" in f"\n{parties}"
    assert "one or more ids" in template_text()  # as the README's field table says
