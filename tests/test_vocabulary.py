"""The vocabulary and the address scheme each live in one place: no status is spelled, and no site
path built by hand, outside generator/vocabulary.py and generator/urls.py, in code or in templates."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import urls, vocabulary
from tests.project import REPO_ROOT

PACKAGE = REPO_ROOT / "generator"
TEMPLATES = REPO_ROOT / "site_overrides"
HOMES = {PACKAGE / "vocabulary.py", PACKAGE / "urls.py"}
THEME_PAGE = TEMPLATES / "main.html"
"""The theme's own override, which MkDocs renders without the core's globals: checked on its own below."""
REPOSITORY_WRITERS = ("demo",)
"""Modules that write a charter's repository, whose file paths (`agreements/x.md`, `charter/parties.yml`)
are folders of the project, not addresses of the site: only their statuses are checked."""


def scheme_segments() -> frozenset[str]:
    """The first segment of every path the scheme knows, and the segments its functions add below an id."""
    paths = [value for name, value in vars(urls).items() if name.isupper() and isinstance(value, str)]
    for _, function in inspect.getmembers(urls, inspect.isfunction):
        if function.__module__ == urls.__name__:
            names = inspect.signature(function).parameters
            paths.append(function(*(1 if name == "number" else "sample-id" for name in names)))
    return frozenset(segment for path in paths for segment in re.split(r"[/#]", path)[:-1]
                     if segment not in ("", "sample-id", "1"))


SEGMENTS = scheme_segments()
HAND_BUILT = re.compile(rf"\A/?(?:{'|'.join(sorted(map(re.escape, SEGMENTS)))})/")


def stray(text: str, paths: bool = True) -> str | None:
    """Why a string literal is stray: a status spelled out, or the start of a site path."""
    if text in vocabulary.STATUSES:
        return f"the status {text!r}: name it by its constant in generator.vocabulary"
    if paths and (HAND_BUILT.match(text) or text == urls.FEED):
        return f"the site path {text!r}: build it with generator.urls"
    return None


def docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes: prose may name a path such as `agreements/<id>/`."""
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            found.update(id(statement.value) for statement in body
                         if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
    return found


def python_literals(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            yield node.lineno, node.value


JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
QUOTED = re.compile(r"""(["'])(.*?)\1""")


def template_literals(path: Path) -> Iterator[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    for block in JINJA.finditer(text):
        for literal in QUOTED.finditer(block[0]):
            yield text.count("\n", 0, block.start()) + 1, literal[2]


def strays(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        read = python_literals if path.suffix == ".py" else template_literals
        site_code = not (path.is_relative_to(PACKAGE)
                         and path.relative_to(PACKAGE).parts[0].startswith(REPOSITORY_WRITERS))
        for line, text in read(path):
            reason = stray(text, paths=site_code)
            if reason is not None:
                found.append(f"{path.relative_to(REPO_ROOT)}:{line}: {reason}")
    return found


def test_no_status_or_site_path_is_spelled_outside_the_vocabulary_and_the_scheme() -> None:
    code = [path for path in sorted(PACKAGE.rglob("*.py")) if path not in HOMES]
    templates = [path for path in sorted(TEMPLATES.rglob("*.html")) if path != THEME_PAGE]
    assert len(code) > 50 and len(templates) > 10
    assert strays([*code, *templates]) == []


def test_the_theme_page_links_the_feed_the_core_publishes() -> None:
    """main.html is MkDocs' page around every page, so it cannot take the core's globals: it names the
    charter's feed by hand, and this holds it to the scheme."""
    theme = THEME_PAGE.read_text(encoding="utf-8")
    assert f"'{urls.FEED}' | url" in theme
    assert [reason for _, text in template_literals(THEME_PAGE) if (reason := stray(text))
            and text != urls.FEED] == []


def test_the_scheme_knows_every_top_level_section_of_the_site() -> None:
    assert {"agreements", "history", "v", "parties", "themes", "status", "levels", "changes", "renewals",
            "editions", "consent", "charter", "api"} <= SEGMENTS


@pytest.mark.parametrize(("text", "flagged"), [
    ("in-force", True), ("superseded", True), ("agreements/", True), ("/agreements/", True),
    ("history/", True), ("v/", True), ("parties/", True), ("feed.xml", True),
    ("status is 'superseded' but no agreement supersedes it", False), ("in force", False),
    ("see /agreements/<id>/ for the page", False), ("agreements", False), ("water-history", False),
])
def test_the_check_flags_statuses_and_paths_but_not_prose(text: str, flagged: bool) -> None:
    assert (stray(text) is not None) is flagged


def test_a_stray_literal_is_found_with_its_line(tmp_path: Path) -> None:
    module = tmp_path / "stray.py"
    module.write_text('"""Pages under `agreements/`."""\n\nSTATUS = "lapsed"\nURL = f"{base}/v/{n}/"\n',
                      encoding="utf-8")
    template = tmp_path / "stray.html"
    template.write_text('<p class="in-force">\n{% if a.status == "draft" %}{{ link(\'themes/\' ~ t) }}'
                        '{% endif %}\n', encoding="utf-8")
    found = [(line, text) for path in (module, template)
             for line, text in (python_literals(path) if path.suffix == ".py" else template_literals(path))
             if stray(text)]
    assert found == [(3, "lapsed"), (4, "/v/"), (2, "draft"), (2, "themes/")]


def test_every_event_kind_has_a_label_and_a_mark_on_the_timeline() -> None:
    from generator.pages.timeline import STYLES

    assert list(vocabulary.EVENT_LABELS) == list(vocabulary.EVENT_KINDS)
    assert set(STYLES) == set(vocabulary.EVENT_KINDS) - {"review-due"}, "review-due is drawn as a flag"
    assert set(vocabulary.EDITION_CHANGE_KINDS) >= set(vocabulary.ENDED_STATUSES)
