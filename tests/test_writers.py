"""The bodies of MkDocs' loop rendered ahead by forked processes: the loop finds them in the cache, and the
site is the site one process makes."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from generator.errors import CharterError
from tests.test_shell import built, project_with_history, with_workers


@pytest.fixture
def ahead(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Bodies rendered ahead however few they are; what the build's own process rendered, by page and
    anchor prefix (a forked process's renders do not reach this list)."""
    from generator.engine import writers
    from generator.pages import agreement, render

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr(writers, "AHEAD_BODIES", 0)
    monkeypatch.setattr(writers, "can_fork", lambda: True)  # see tests/test_shell.py's `forked`
    rendered: list[str] = []
    for module in (agreement, render):
        real = module.render

        def spied(body: str, *args: Any, real: Any = real, **options: Any) -> str:
            rendered.append(f"{options.get('anchor_prefix', '')}{body.split(chr(10))[0]}")
            return str(real(body, *args, **options))

        monkeypatch.setattr(module, "render", spied)
    return rendered


def cold(project: Path, site: Path) -> dict[str, bytes]:
    shutil.rmtree(project / ".cache", ignore_errors=True)
    return built(project, site)


def test_bodies_rendered_ahead_are_found_by_the_loop_and_make_the_same_site(tmp_path: Path,
                                                                             ahead: list[str]) -> None:
    project = project_with_history(tmp_path / "charter")
    alone = cold(with_workers(project, 1), tmp_path / "alone")
    in_loop = set(ahead)
    assert {"## Shares", "## Seeds", "water--## Shares", "seeds--## Seeds"} <= in_loop  # pages, the charter
    ahead.clear()
    together = cold(with_workers(project, 2), tmp_path / "together")
    assert together == alone
    assert in_loop - set(ahead) == {"## Shares", "## Seeds", "water--## Shares", "seeds--## Seeds"}


def test_a_page_that_fails_ahead_fails_the_build_once_from_the_loop(
        tmp_path: Path, ahead: list[str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from generator.pages import agreement

    real = agreement.render_agreement

    def failing(context: Any, record: Any, body: Any) -> str:
        if record["page_url"] == "agreements/seeds/":
            raise CharterError("agreement.html:3: the template failed while writing /agreements/seeds/")
        return real(context, record, body)

    monkeypatch.setattr(agreement, "render_agreement", failing)
    project = with_workers(project_with_history(tmp_path / "charter"), 2)
    with pytest.raises(Abort):
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    message = "charter: agreement.html:3: the template failed while writing /agreements/seeds/"
    assert errors.count(message) == 1
    assert "Traceback" not in caplog.text
    assert "## Seeds" not in ahead  # rendered ahead, and only its page failed in the loop
