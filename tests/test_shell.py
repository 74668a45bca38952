"""Version and history pages poured into the theme's chrome read as MkDocs renders them, but for the chrome's
indentation; their bodies byte for byte."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.engine.shell import Shell, StandalonePages
from generator.pages import Page
from tests.gitrepo import GitRepo
from tests.project import agreement, mkdocs_yml, write_project

CODE = "```\nkeep   this\n\n    indented\n```\n"
"""A body's whitespace, which compacting the chrome must leave as it is."""
TITLE = 'Rivers &amp; "Seeds" <em>now</em>   and  </title><script>alert(1)</script>'


def project_with_history(root: Path) -> Path:
    config = mkdocs_yml() + "site_url: https://example.org/charter/\n"
    write_project(root, {"water.md": agreement(f"'{TITLE}'", body=f"## Shares\n\nA share.\n\n{CODE}"),
                         "seeds.md": agreement("Seeds", body="## Seeds\n\nKept.\n")}, config=config)
    repo = GitRepo(root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Adopt", date="2021-01-10T12:00:00Z")
    repo.write("agreements/water.md", agreement(f"'{TITLE}'", body=f"## Shares\n\nAn equal share.\n\n{CODE}"))
    repo.git("commit", "-q", "-am", "Amend", date="2022-01-10T12:00:00Z")
    return root


def files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes()
            for path in site.rglob("*") if path.is_file()}


def compact(data: bytes) -> bytes:
    """Both sites with every run of whitespace that holds a line break read as one line break."""
    return re.sub(rb"[ \t]*\n\s*", b"\n", data)


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
    assert poured.keys() - sitemaps == whole.keys() - sitemaps
    assert {name: compact(data) for name, data in poured.items() if name not in sitemaps} == {
        name: compact(data) for name, data in whole.items() if name not in sitemaps}
    standalone = {name for name in poured if re.fullmatch(r"agreements/[^/]+/(v/\d+/|history/)index\.html", name)}
    assert len(standalone) == 5
    for name in standalone:
        assert len(poured[name]) < 0.9 * len(whole[name]), "the chrome's indentation is gone"
    for name in ("agreements/water/v/1/index.html", "agreements/water/v/2/index.html"):
        assert b"<pre><code>keep   this\n\n    indented\n</code></pre>" in poured[name], "the body is untouched"
    assert [name for name in sorted(poured.keys() - sitemaps) if name.endswith(".html")
            and name not in standalone and poured[name] != whole[name]] == [], "MkDocs' own pages are as they were"
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
