"""A rebuild after one amending commit renders again only what the commit changed, and rewrites no other file.

Files are compared by inode and modification time: a file the build left alone keeps both, one it
replaced has a new inode (publishing renames a new file into place). No time is measured.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.compose import compose
from generator.pages import Page
from tests import packs
from tests.gitrepo import GitRepo
from tests.project import agreement, site_settings, write_project
from tests.sites import mkdocs_build

SEEDS = "## Seeds\n\nThe network keeps the seeds.\n\n## Exchange\n\nSeeds are exchanged each spring.\n"
WATER_1 = "## Shares\n\nEach farm draws a share, as in [[seeds#exchange]].\n\n## Review\n\nEvery year.\n"
WATER_2 = WATER_1.replace("draws a share", "draws an equal share")
WATER_3 = WATER_2.replace("Every year.", "Every two years, at the spring assembly.")
FOREST_1 = "## Paths\n\nThe forest paths stay open.\n"
FOREST_2 = "## Paths\n\nThe forest paths stay open to all.\n\n## Fires\n\nNo fires in summer.\n"


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {path.relative_to(site).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in site.rglob("*") if path.is_file()}


def cache_entries(project: Path, namespace: str) -> set[str]:
    return set(packs.places(project / ".cache" / "charter", namespace))


TITLES = {"seeds": "Seed Exchange", "water": "Water Accord", "forest": "Forest Paths"}


def amend(repo: GitRepo, name: str, body: str, date: str) -> None:
    repo.write(f"agreements/{name}.md", agreement(TITLES[name], body=body))
    repo.git("commit", "-q", "-am", f"Amend {name}", date=date)


def charter_with_history(root: Path) -> GitRepo:
    """Three agreements, two of them amended once, the water accord linking to a clause of the seeds'."""
    bodies = {"seeds": SEEDS, "water": WATER_1, "forest": FOREST_1}
    write_project(root, {f"{name}.md": agreement(TITLES[name], body=body) for name, body in bodies.items()})
    repo = GitRepo(root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Adopt three agreements", date="2021-01-10T12:00:00Z")
    amend(repo, "water", WATER_2, "2022-02-01T12:00:00Z")
    amend(repo, "forest", FOREST_2, "2023-03-01T12:00:00Z")
    return repo


def test_one_amendment_rewrites_exactly_the_pages_that_show_it(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    mkdocs_build(project)
    site = project / "site"
    before, bodies, diffs = stamps(site), cache_entries(project, "bodies"), cache_entries(project, "diffs")
    assert "agreements/water/v/2/index.html" in before and "agreements/forest/v/2/index.html" in before

    mkdocs_build(project)  # nothing changed: nothing is written, nothing rendered again
    assert stamps(site) == before
    assert (cache_entries(project, "bodies"), cache_entries(project, "diffs")) == (bodies, diffs)

    amend(repo, "water", WATER_3, "2024-04-01T12:00:00Z")
    mkdocs_build(project)
    after = stamps(site)
    rewritten = {name for name, stamp in after.items() if before.get(name) != stamp}
    assert set(before) - set(after) == set()
    assert sorted(rewritten) == sorted({
        "agreements/water/v/3/index.html",  # the new version
        "agreements/water/v/2/index.html",  # no longer the current text
        "agreements/water/clauses/index.html",  # the clause it changed has one more change
        "agreements/water/index.html",  # its page, its history and its feed
        "agreements/water/history/index.html",
        "agreements/water/feed.xml",
        "charter/index.html",  # the composite charter holds its text
        "changes/index.html",  # the pages that list the change
        "renewals/index.html",
        "feed.xml",
        "index.html",  # the home page counts versions
        "search/search_index.json",  # its current text is searched
        "consent/index.html",  # its current version awaits the consent of its parties,
        "parties/river-collective/index.html",  # which each party's page links to
        "parties/valley-farmers/index.html",
        "as-of/index.json",  # the charter as of each day since the commit (the day picker's index)
        "as-of/index.html",
        "as-of/2024/index.html",  # the year it was recorded in, and the years whose last day it stands on
        "as-of/2025/index.html",
        "as-of/2026/index.html",
    })
    # Only the new text was rendered (on its version's page, its agreement's page and in the composite
    # charter) and only its diff computed.
    assert len(cache_entries(project, "bodies") - bodies) == 3
    assert len(cache_entries(project, "diffs") - diffs) == 1
    assert os.listdir(tmp_path) == ["charter"]


def version_body(project: Path, url: str) -> str:
    """The agreement's text on a version page (the page around it names the build's latest commit)."""
    output = compose(site_settings(project, cache_dir=project / ".cache" / "charter"),
                     fallback_as_of=dt.date(2026, 1, 1))
    assert output.site is not None
    written = {page.url: page.html for page in output.site.pages}  # every page rendered, as a build writes it
    html = written[url]
    return html.split('<div class="charter-body">', 1)[1].split("\n</div>\n", 1)[0]


def test_a_cached_body_is_rendered_again_when_a_heading_it_links_to_is_reworded(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    first = version_body(project, "agreements/water/v/1/")
    assert ">Seed Exchange, Exchange</a>" in first
    bodies = cache_entries(project, "bodies")
    assert version_body(project, "agreements/water/v/1/") == first  # from the cache
    reworded = SEEDS.replace("## Exchange", "## Spring exchange {#exchange}")
    amend(repo, "seeds", reworded, "2024-05-01T12:00:00Z")
    again = version_body(project, "agreements/water/v/1/")
    assert again == first.replace("Seed Exchange, Exchange", "Seed Exchange, Spring exchange")
    # The seeds' new text, on its new version's page, its own page and in the composite charter; the water
    # accord's are replaced.
    assert len(cache_entries(project, "bodies") - bodies) == 3


def test_a_corrupt_or_foreign_body_entry_is_rendered_again(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    charter_with_history(project)
    first = version_body(project, "agreements/water/v/2/")
    cache = project / ".cache" / "charter"
    entries = sorted(cache_entries(project, "bodies"))
    assert entries
    for number, key in enumerate(entries):
        packs.damage(cache, "bodies", key, (lambda text: text.replace("farm", "<script>alert(1)</script>"))
                     if number % 2 else (lambda text: text[:20]))
    assert version_body(project, "agreements/water/v/2/") == first


def site_bytes(site: Path) -> dict[str, bytes]:
    return {name: (site / name).read_bytes() for name in stamps(site)}


def test_a_warm_build_reads_no_diff_and_computes_again_a_diff_that_is_gone(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    charter_with_history(project)
    mkdocs_build(project)
    before = site_bytes(project / "site")
    cache = project / ".cache" / "charter"
    shutil.rmtree(cache / "diffs")
    mkdocs_build(project)  # every diff is outlined, every page showing one is cached: no diff is read
    assert not (cache / "diffs").exists()
    assert site_bytes(project / "site") == before
    shutil.rmtree(cache / "pages")  # the site still holds each page as written from its key: none rendered
    mkdocs_build(project)
    assert site_bytes(project / "site") == before
    kept = cache_entries(project, "pages")  # only the pages of MkDocs' own loop, rendered again
    assert f"{hashlib.sha256(b'agreements/water/v/1/').hexdigest()}" not in kept
    assert f"{hashlib.sha256(b'agreements/water/').hexdigest()}" in kept
    shutil.rmtree(cache / "written")  # the pages showing a diff are rendered again, each diff computed again
    mkdocs_build(project)
    assert site_bytes(project / "site") == before
    assert len(cache_entries(project, "diffs")) == 5  # one a version

    (cache / "diff-outlines.pack").write_bytes(b"charter-pack 1 not an outline")  # read as empty
    shutil.rmtree(cache / "pages")
    shutil.rmtree(cache / "written")
    mkdocs_build(project)
    assert site_bytes(project / "site") == before


def test_a_rebuild_renders_no_standalone_page_the_site_holds_as_written_and_restores_one_changed_by_hand(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.engine import shell

    rendered: list[str] = []
    real = shell.Renderer.render

    def counted(self: shell.Renderer, page: Page, body: str | None = None) -> str:
        rendered.append(page.url)
        return real(self, page, body)

    monkeypatch.setattr(shell.Renderer, "render", counted)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = tmp_path / "charter"
    charter_with_history(project)

    def mkdocs_build(project: Path) -> None:  # as the command does, in this process: its renders counted
        config = load_config(str(project / "mkdocs.yml"), strict=True)
        # MkDocs keeps one plugin for every build of a process: set as `mkdocs build` starts it, and undone.
        monkeypatch.setattr(config.plugins["charter"], "command", "build")
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()

    mkdocs_build(project)
    site = project / "site"
    first, written = stamps(site), len(rendered)
    assert "agreements/water/v/1/" in rendered and written > 5

    rendered.clear()
    mkdocs_build(project)
    assert rendered == [] and stamps(site) == first

    old_version = site / "agreements" / "water" / "v" / "1" / "index.html"
    right = old_version.read_bytes()
    old_version.write_bytes(right.replace(b"</body>", b"<script>alert(1)</script></body>"))
    history = site / "agreements" / "forest" / "history" / "index.html"
    history.unlink()
    mkdocs_build(project)
    assert sorted(rendered) == ["agreements/forest/history/", "agreements/water/v/1/"]
    assert old_version.read_bytes() == right and history.is_file()

    rendered.clear()
    shutil.rmtree(project / ".cache" / "charter" / "written")  # without its notes, each is rendered and compared
    mkdocs_build(project)
    assert len(rendered) == written
    unchanged = {name: stamp for name, stamp in stamps(site).items()
                 if name not in {"agreements/water/v/1/index.html", "agreements/forest/history/index.html"}}
    assert unchanged == {name: stamp for name, stamp in first.items() if name in unchanged}
