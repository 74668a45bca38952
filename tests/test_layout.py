"""The package's shape, as the README's stage table describes it: small modules, few at the top level,
and a thin plugin and command."""

from __future__ import annotations

from tests.project import REPO_ROOT

PACKAGE = REPO_ROOT / "generator"


def lines(relative: str) -> int:
    return len((PACKAGE / relative).read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_400_lines() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50
    assert [(path.relative_to(REPO_ROOT).as_posix(), count) for path in modules
            if (count := lines(path.relative_to(PACKAGE).as_posix())) > 400] == []


def test_at_most_a_dozen_modules_stay_at_the_top_level() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top
    assert "demo.py" not in top and (PACKAGE / "demo" / "__init__.py").is_file()


def test_the_plugin_and_the_command_stay_thin() -> None:
    assert lines("cli.py") < 150
    assert lines("engine/plugin.py") <= 150
