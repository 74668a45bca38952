"""Version and history pages poured into the theme's chrome read as MkDocs renders them, but for the chrome's
indentation; their bodies byte for byte."""

from __future__ import annotations

import logging
import posixpath
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.engine.files import page_meta
from generator.engine.shell import Shell, StandalonePages
from generator.pages import Page
from tests.gitrepo import GitRepo
from tests.project import REPO_ROOT, agreement, mkdocs_yml, write_project

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
    monkeypatch.setattr(StandalonePages, "loop_meta", lambda self, page: page_meta(page))  # rendered whole
    whole = built(project, tmp_path / "whole")
    sitemaps = {"sitemap.xml", "sitemap.xml.gz"}  # the sitemap lists only the pages MkDocs renders
    assert poured.keys() - sitemaps == whole.keys() - sitemaps
    assert {name: compact(data) for name, data in poured.items() if name not in sitemaps} == {
        name: compact(data) for name, data in whole.items() if name not in sitemaps}
    standalone = {name for name in poured
                  if re.fullmatch(r"(agreements/[^/]+/(v/\d+/|history/|clauses/)|as-of/\d+/)index\.html", name)}
    assert len(standalone) == 14, "three versions, two histories, two clause histories, seven years"
    for name in standalone:
        assert len(poured[name]) < 0.9 * len(whole[name]), "the chrome's indentation is gone"
    for name in ("agreements/water/v/1/index.html", "agreements/water/v/2/index.html"):
        assert b"<pre><code>keep   this\n\n    indented\n</code></pre>" in poured[name], "the body is untouched"
    in_loop = {name for name in poured.keys() - sitemaps if name.endswith(".html")
               and name not in standalone and poured[name] != whole[name]}
    assert {"agreements/water/index.html", "parties/river-collective/index.html"} <= in_loop, "poured in the loop"
    assert not in_loop & {"index.html", "404.html", "charter/index.html", "agreements/index.html"}, (
        "MkDocs' own pages and the nav's are as MkDocs renders them")
    for name in in_loop:
        assert len(poured[name]) < len(whole[name]), "the chrome's indentation is gone"
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


LINKS = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


def _resolved(page: str, href: str) -> str:
    """A relative address on the page `page` (a site path such as `agreements/water/`) as a site path."""
    resolved = posixpath.normpath(posixpath.join(page, href))
    return "" if resolved == "." else resolved


def chrome_of(html_text: str) -> set[str]:
    """Which parts of the theme's chrome a page carries, by the classes Material gives them."""
    parts = {"tabs": 'class="md-tabs"', "nav drawer": "md-nav--primary", "drawer button": 'md-icon" for="__drawer"',
             "contents sidebar": "md-sidebar--secondary", "search": 'class="md-search"', "footer": 'class="md-footer"',
             "theme bundle": "assets/javascripts/bundle.", "header": 'class="md-header'}
    return {name for name, mark in parts.items() if mark in html_text}


def test_old_versions_are_laid_out_light_and_every_other_page_in_the_full_chrome(tmp_path: Path) -> None:
    project = project_with_history(tmp_path / "charter")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  font: false\n", "  font: false\n  features: [navigation.tabs]\n"), encoding="utf-8")
    site = built(project, tmp_path / "site")
    full = {"tabs", "nav drawer", "drawer button", "contents sidebar", "search", "footer", "theme bundle", "header"}
    agreement_page = site["agreements/water/index.html"].decode()
    assert chrome_of(agreement_page) == full
    assert chrome_of(site["agreements/water/history/index.html"].decode()) == full
    assert chrome_of(site["agreements/water/clauses/index.html"].decode()) == full
    sheets = {_resolved("agreements/water/", href) for href in LINKS.findall(agreement_page)}
    assert "assets/stylesheets/charter.css" in sheets and any(sheet.startswith("assets/stylesheets/main.")
                                                              for sheet in sheets)
    for number in (1, 2):
        url = f"agreements/water/v/{number}/"
        version = site[f"{url}index.html"].decode()
        assert chrome_of(version) == {"header"}, "no tabs, drawer, contents, search, footer or theme script"
        assert {_resolved(url, href) for href in LINKS.findall(version)} == sheets, "the site's own stylesheets"
        header = version[version.index("<header"):version.index("</header>")]
        home = re.search(r'<a href="([^"]+)" class="md-ellipsis charter-header__home">Test Charter</a>', header)
        assert home is not None and _resolved(url, home[1]) == "", "the site's name leads home"
        links = {_resolved(url, href) for href in re.findall(r'href="([^"#?]+)', version.split("</header>")[1])}
        assert {"agreements/water", "agreements/water/history"} <= links, "the body leads to the agreement and history"
        assert 'class="charter-printed"' in version and "assets/javascripts/charter.js" in version
    assert 'href="../1/"' in site["agreements/water/v/2/index.html"].decode()


def test_a_theme_without_the_light_page_keeps_its_versions_in_the_full_chrome(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A charter's theme is its own copy of site_overrides/: one copied before light.html existed still builds."""
    theme = tmp_path / "theme"
    shutil.copytree(REPO_ROOT / "site_overrides", theme, ignore=shutil.ignore_patterns("light.html"))
    project = project_with_history(tmp_path / "charter")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(str(REPO_ROOT / "site_overrides"), str(theme)),
                      encoding="utf-8")
    caplog.set_level(logging.INFO)
    site = built(project, tmp_path / "site")
    assert "the theme has no light.html" in caplog.text
    assert "rendered whole" not in caplog.text
    assert {"nav drawer", "search", "theme bundle"} <= chrome_of(site["agreements/water/v/2/index.html"].decode())


def with_workers(project: Path, workers: int) -> Path:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(  - charter:\n)(      workers: \d+\n)?", rf"\g<1>      workers: {workers}\n", text),
                      encoding="utf-8")
    return project


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Standalone pages written by forked processes however few they are; the batches each wrote."""
    from generator.engine import shell

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr(shell, "PARALLEL_PAGES", 0)
    # Earlier tests in this process (the browser's) leave threads behind, which a build would not fork
    # beside; the work forked here takes no lock those threads hold.
    monkeypatch.setattr(shell, "can_fork", lambda: True)
    batches: list[int] = []
    real = shell.write_forked

    def spied(pages: list[Page], *args: object) -> None:
        batches.append(len(pages))
        real(pages, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(shell, "write_forked", spied)
    return batches


def test_pages_written_by_two_processes_are_the_pages_one_writes(tmp_path: Path, forked: list[int]) -> None:
    project = project_with_history(tmp_path / "charter")
    alone = built(with_workers(project, 1), tmp_path / "alone")
    assert forked == []
    together = built(with_workers(project, 2), tmp_path / "together")
    assert forked == [14]
    assert together == alone
    again = built(project, tmp_path / "together")  # into a site that holds them: each is kept, not written
    assert again == alone and forked == [14, 14]


def before_each_page(monkeypatch: pytest.MonkeyPatch, step: Callable[[Page], None]) -> None:
    """`step` runs as each standalone page is rendered, in whichever process renders it."""
    from generator.engine import shell

    real = shell.Renderer.render

    def render(self: shell.Renderer, page: Page, body: str | None = None) -> str:
        step(page)
        return real(self, page, body)

    monkeypatch.setattr(shell.Renderer, "render", render)


def test_a_forked_writers_warnings_reach_the_build_and_fail_it_when_strict(
        tmp_path: Path, forked: list[int], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.exceptions import Abort

    from generator.engine import shell

    project = with_workers(project_with_history(tmp_path / "charter"), 2)
    before_each_page(monkeypatch, lambda page: shell.log.warning("charter: looked at /%s", page.url))
    with pytest.raises(Abort, match="14 warnings"):
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True))
    assert forked == [14]
    assert caplog.text.count("charter: looked at /") == 14
    assert "looked at /agreements/water/v/2/" in caplog.text


def test_a_page_that_fails_in_a_forked_writer_fails_the_build_with_its_message(
        tmp_path: Path, forked: list[int], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.exceptions import Abort

    from generator.errors import CharterError

    project = with_workers(project_with_history(tmp_path / "charter"), 2)

    def failing(page: Page) -> None:
        if page.url == "agreements/seeds/v/1/":
            raise CharterError("version.html:3: the template failed while writing /agreements/seeds/v/1/")

    before_each_page(monkeypatch, failing)
    with pytest.raises(Abort, match="BuildError"):
        built(project, tmp_path / "site")
    assert forked == [14]
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert errors == ["charter: version.html:3: the template failed while writing /agreements/seeds/v/1/"]
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(("url", "expected"), [
    ("agreements/wheat/v/1/", "agreements/"),
    ("agreements/water/v/1/", "agreements/water/"),
    ("as-of/2021/", "as-of/"),
    ("parties/elders/", ""),
    ("", ""),
])
def test_a_pages_chrome_shares_the_folders_some_nav_address_has(url: str, expected: str) -> None:
    from generator.engine.layouts import leading_folders, shared_folders

    nav = ["", "agreements/", "agreements/water/", "as-of/", "https://example.org/elsewhere/"]
    assert shared_folders(url, leading_folders(nav)) == expected
