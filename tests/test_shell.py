"""Version and history pages poured into the theme's chrome read byte for byte as MkDocs renders them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.engine.shell import Shell, StandalonePages
from generator.pages import Page
from tests.gitrepo import GitRepo
from tests.project import agreement, mkdocs_yml, write_project

TITLE = 'Rivers &amp; "Seeds" <em>now</em>   and  </title><script>alert(1)</script>'


def project_with_history(root: Path) -> Path:
    config = mkdocs_yml() + "site_url: https://example.org/charter/\n"
    write_project(root, {"water.md": agreement(f"'{TITLE}'", body="## Shares\n\nA share.\n"),
                         "seeds.md": agreement("Seeds", body="## Seeds\n\nKept.\n")}, config=config)
    repo = GitRepo(root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Adopt", date="2021-01-10T12:00:00Z")
    repo.write("agreements/water.md", agreement(f"'{TITLE}'", body="## Shares\n\nAn equal share.\n"))
    repo.git("commit", "-q", "-am", "Amend", date="2022-01-10T12:00:00Z")
    return root


def files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes()
            for path in site.rglob("*") if path.is_file()}


def built(project: Path, site: Path) -> dict[str, bytes]:
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(site)))
    return files(site)


def test_poured_pages_are_the_pages_mkdocs_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    project = project_with_history(tmp_path / "charter")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # one date for both builds
    caplog.set_level(logging.INFO)
    poured = built(project, tmp_path / "poured")
    assert "pages written" in caplog.text
    assert "rendered whole" not in caplog.text, "every layout has its shell"
    assert "agreements/water/v/2/index.html" in poured and "agreements/water/history/index.html" in poured

    def every_page_to_mkdocs(self: StandalonePages, pages: list[Page]) -> list[Page]:
        self.pages = []
        return list(pages)

    monkeypatch.setattr(StandalonePages, "take", every_page_to_mkdocs)
    whole = built(project, tmp_path / "whole")
    sitemaps = {"sitemap.xml", "sitemap.xml.gz"}  # the sitemap lists only the pages MkDocs renders
    assert {name: data for name, data in poured.items() if name not in sitemaps} == {
        name: data for name, data in whole.items() if name not in sitemaps}
    assert b"/agreements/water/v/2/" in whole["sitemap.xml"] and b"/v/2/" not in poured["sitemap.xml"]
    version = poured["agreements/water/v/2/index.html"].decode()
    assert '<link rel="canonical" href="https://example.org/charter/agreements/water/v/2/">' in version
    assert "<script>alert(1)" not in version


def test_a_shell_finds_each_place_of_the_title_the_address_and_the_body() -> None:
    output = "<title>T - Site</title><a href='x/C0/C1/'>T</a><main>B</main>"
    shell = Shell.parse(output.replace("T", "charter-shell-d41c7-title")
                        .replace("B", "<!--charter-shell-d41c7-content \u003ch1 -->"), "x/C0/C1/")
    assert shell.slots == ("title-text", "url", "title", "content")
    page = Page("agreements/a/v/1/", "A & B", "<h1>A &amp; B</h1>", standalone=True)
    assert shell.pour(page) == ("<title>A &amp; B - Site</title><a href='agreements/a/v/1/'>A &amp; B</a>"
                                "<main><h1>A &amp; B</h1></main>")
