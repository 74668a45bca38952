"""The shape of the build: one straight line of stages, git read by a fixed number of processes, no cycle."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from generator.compose import BuildOutput, check, compose
from generator.settings import Settings
from tests.gitrepo import BASE_ENV, GitRepo
from tests.project import REPO_ROOT, agreement, write_project
from tests.test_history import count_processes

PACKAGE = REPO_ROOT / "generator"
AS_OF = dt.date(2030, 1, 1)


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.Module, modules: set[str]) -> set[str]:
    """Every generator module a module imports, anywhere in it: at the top, inside a function, or under
    `if TYPE_CHECKING:` (a type-only import still ties the two modules together, so it counts)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
    return found & modules


def import_graph() -> dict[str, set[str]]:
    """Module -> the generator modules it names. A package's `__init__` runs before any of its modules, but
    that is Python's order of loading, not a dependency a module chose, so it is not an edge here."""
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    return {module_name(path): imported(ast.parse(path.read_text(encoding="utf-8")), modules) - {module_name(path)}
            for path in paths}


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph, as the modules along it, or [] when there is none."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        trail.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*trail[trail.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        trail.pop()
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_the_import_graph_of_the_generator_has_no_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 40 and graph["generator.compose"] >= {"generator.repository.read", "generator.pages"}
    assert cycle(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) == []


def test_the_stages_below_compose_never_reach_back_up() -> None:
    """The core's chain, in the order data flows: a stage imports only the stages before it. Reading the
    files and checking them are one step (the loader runs the rules; a problem is both stages' type)."""
    rank = {"source": 0, "checks": 0, "repository": 1, "history": 2, "consent": 3, "diffs": 3, "pages": 4}
    for module, targets in import_graph().items():
        stage = module.split(".")[1] if module.count(".") >= 1 else ""
        if stage not in rank:
            continue
        for target in targets:
            other = target.split(".")[1]
            assert rank.get(other, -1) <= rank[stage], f"{module} imports {target}"
            assert other not in ("compose", "engine", "cli"), f"{module} imports {target}"


def settings_for(root: Path) -> Settings:
    return Settings(root, root / "agreements", root / "charter", REPO_ROOT / "site_overrides" / "charter",
                    cache_dir=root / ".cache")


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def test_a_build_and_a_check_run_a_fixed_number_of_git_processes(git_repo: GitRepo,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import git  # noqa: F401 - GitPython's own `git version` at import time is not the build's

    write_project(git_repo.root, {f"a{n:02}.md": agreement(f"Agreement {n}") for n in range(12)})
    git_repo.commit("Propose", "2021-01-01T12:00:00Z")
    git_repo.git("tag", "-a", "edition-1", "-m", "First")
    for n in range(12):
        git_repo.commit(f"Amend {n}", f"2021-02-{n + 1:02}T12:00:00Z",
                        **{f"agreements__a{n:02}.md": agreement(f"Agreement {n}", body=f"## Purpose\n\n{n}.\n")})
    git_repo.git("tag", "-a", "edition-2", "-m", "Second")
    calls = count_processes(monkeypatch)
    output = compose(settings_for(git_repo.root), fallback_as_of=AS_OF)
    assert output.site is not None and output.as_of == dt.date(2021, 2, 12)
    assert [call[1] for call in calls] == ["log", "cat-file"]
    calls.clear()
    again = compose(settings_for(git_repo.root), fallback_as_of=AS_OF)
    assert [call[1] for call in calls] == ["cat-file"]  # HEAD has not moved: the cached log is the log
    assert again.site == output.site
    calls.clear()
    assert check(settings_for(git_repo.root), fallback_as_of=AS_OF).errors == ()
    assert [call[1] for call in calls] == ["cat-file"]


def page(output: BuildOutput, url: str) -> str:
    assert output.site is not None, output.load.problems
    return next(p.html for p in output.site.pages if p.url == url)


def test_a_deleted_and_restored_agreement_shows_its_whole_life(git_repo: GitRepo) -> None:
    write_project(git_repo.root, {"water.md": agreement("Water Accord"), "wells.md": agreement("Wells")})
    git_repo.commit("Adopt water", "2021-01-10T12:00:00Z")
    git_repo.git("rm", "-q", "agreements/water.md")
    git_repo.commit("Remove water", "2021-06-01T12:00:00Z")
    git_repo.git("tag", "-a", "edition-gap", "-m", "While water was gone", date="2021-07-01T12:00:00Z")
    git_repo.commit("Restore water", "2022-01-10T12:00:00Z", **{
        "agreements__water.md": agreement("Water Accord", body="## Purpose\n\nTo share, again.\n")})
    output = compose(settings_for(git_repo.root), fallback_as_of=AS_OF)
    history = page(output, "agreements/water/history/")
    rows = re.findall(r'<tr id="v(\d)">.*?<time datetime="([^"]+)">.*?<td>(.*?)</td>', history, re.DOTALL)
    assert [(number, date, re.sub(r"<[^>]+>", "", events)) for number, date, events in rows] == [
        ("3", "2022-01-10", "Restored, Amended"), ("2", "2021-06-01", "Removed"),
        ("1", "2021-01-10", "Proposed (in-force), Adopted")]
    assert "Version 2, 2021-06-01 (removed)" in history
    assert history.count('class="charter-timeline__mark charter-timeline__mark--removed"') == 1
    assert history.count('class="charter-timeline__mark charter-timeline__mark--restored"') == 1
    assert "the agreement was removed" in page(output, "agreements/water/v/2/")
    changes_of = {int(number): text for number, text in re.findall(
        r'<section class="charter-change" id="change-(\d)">(.*?)</section>\s*(?=<section class="charter-change"|<h2)',
        history, re.DOTALL)}
    assert "<del>To share.</del>" in changes_of[2] and "<ins>" not in changes_of[2]
    assert "To share<ins>, again</ins>." in changes_of[3]  # against the text before the removal
    changes = page(output, "changes/")
    assert changes.index(">Restored</a>") < changes.index(">Removed</a>") < changes.index(">Adopted</a>")
    assert 'id="water"' not in page(output, "editions/edition-gap/")


def test_a_reflowed_paragraph_is_reformatted_not_amended_on_every_page(git_repo: GitRepo) -> None:
    """History sees the bytes change; the diffs stage sees that no reader does, and every page follows it."""
    words = "Everyone may draw water from the river in every season of the year, in turn."
    reflowed = "Everyone may draw water\nfrom the river in every season \nof the year,   in turn.\n"
    write_project(git_repo.root, {"water.md": agreement("Water Accord", body=f"## Access\n\n{words}\n")})
    git_repo.commit("Adopt water", "2021-01-10T12:00:00Z")
    git_repo.commit("Re-wrap the access clause", "2021-02-10T12:00:00Z", **{
        "agreements__water.md": agreement("Water Accord", body=f"## Access\n\n{reflowed}")})
    git_repo.commit("Amend access", "2021-03-10T12:00:00Z", **{
        "agreements__water.md": agreement("Water Accord", body="## Access\n\nEveryone may draw water.\n")})
    output = compose(settings_for(git_repo.root), fallback_as_of=AS_OF)
    history = page(output, "agreements/water/history/")
    rows = re.findall(r'<tr id="v(\d)">.*?<time datetime="([^"]+)">.*?<td>(.*?)</td>', history, re.DOTALL)
    assert [(number, re.sub(r"<[^>]+>", "", events)) for number, _, events in rows] == [
        ("3", "Amended"), ("2", "Reformatted"), ("1", "Proposed (in-force), Adopted")]
    section = re.search(r'<section class="charter-change" id="change-2">(.*?)</section>', history, re.DOTALL)
    assert section is not None and "no visible change" in section[1] and "clause changed" not in section[1]
    changes = page(output, "changes/")
    assert changes.count(">Amended</a>") == 1 and changes.count(">Reformatted</a>") == 1
    assert "Reformatted" in page(output, "agreements/water/v/2/")
    assert output.site is not None
    feed = next(asset.content for asset in output.site.assets if asset.path == "feed.xml").decode()
    assert "/v/2/reformatted</id>" in feed and "/v/2/amended" not in feed and "/v/3/amended</id>" in feed
    renewals = page(output, "renewals/")
    assert '<th scope="row">2021</th><td>0</td><td>1</td><td>0</td>' in renewals, "one amendment in 2021"
