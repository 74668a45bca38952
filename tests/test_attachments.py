"""Files beside the agreements and relative links to them: what is published, where, and what a link
in a body becomes on each page that shows it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pages import build_site
from generator.source.attachments import find_anchor, linked_files, linked_path, page_url
from generator.source.loader import load_charter
from tests.gitrepo import GitRepo
from tests.project import agreement, site_settings, write_project

AS_OF = dt.date(2026, 1, 1)


@pytest.mark.parametrize("source, target, path", [
    ("agreements/water/code.md", "drought.md", "agreements/water/drought.md"),
    ("agreements/water/code.md", "./maps/basin.png", "agreements/water/maps/basin.png"),
    ("agreements/water/code.md", "../commons/seeds.md", "agreements/commons/seeds.md"),
    ("agreements/water/code.md", "../../charter/glossary.md", "charter/glossary.md"),
    ("agreements/water/code.md", "../../../secret.md", ""),
    ("agreements/water/code.md", "", "agreements/water/code.md"),
])
def test_where_a_relative_link_leads(source: str, target: str, path: str) -> None:
    assert linked_path(source, target) == path


@pytest.mark.parametrize("relative, url", [
    ("index.md", ""), ("README.md", ""), ("glossary.md", "glossary/"), ("guide/index.md", "guide/"),
    ("guide/terms.md", "guide/terms/"),
])
def test_pages_of_docs_dir_are_where_mkdocs_puts_them(relative: str, url: str) -> None:
    assert page_url(relative) == url


def test_a_fragment_names_an_anchor_as_written_or_as_a_headings_words() -> None:
    anchors = {"dry-season", "stage-2"}
    assert find_anchor(anchors, "dry-season") == "dry-season"
    assert find_anchor(anchors, "Dry-Season") == "dry-season"
    assert find_anchor(anchors, "Stage 2") == "stage-2"
    assert find_anchor(anchors, "stage-3") is None


def files_project(root: Path) -> Path:
    write_project(root, {
        "water/code.md": agreement("Code", body=(
            "## Shares\n\nSee ![map](maps/basin.png), [annex](annex%20a.pdf),\n"
            "[the page](../../charter/glossary.md#terms), [home](../../charter/index.md),\n"
            "[this clause](#shares), [here](code.md#shares), [nothing](#nowhere),\n"
            "[the diagram](flow.svg) and [the page](notes.html).\n")),
    })
    beside = root / "agreements" / "water"
    for name in ("maps/basin.png", "annex a.pdf", "flow.svg", "notes.html", "run.js", "_drafts/old.png",
                 ".cache/x.png"):
        (beside / name).parent.mkdir(parents=True, exist_ok=True)
        (beside / name).write_bytes(b"data of " + name.encode())
    outside = root.parent / "outside.png"
    outside.write_bytes(b"not the project's")
    (beside / "linked.png").symlink_to(outside)
    (root / "charter" / "glossary.md").write_text("# Glossary\n\n## Terms\n", encoding="utf-8")
    return root


def test_which_files_are_published_and_where(tmp_path: Path) -> None:
    root = files_project(tmp_path / "project")
    files = linked_files(site_settings(root))
    assert files.attachments == {"agreements/water/annex a.pdf": "agreements/water/annex a.pdf",
                                 "agreements/water/maps/basin.png": "agreements/water/maps/basin.png"}
    assert files.unpublished == {"agreements/water/flow.svg", "agreements/water/notes.html",
                                 "agreements/water/run.js"}
    assert {path: url for path, url in files.urls.items() if path.startswith("charter/")} == {
        "charter/index.md": "", "charter/glossary.md": "glossary/"}
    trusted = linked_files(site_settings(root, trusted_html=True))
    assert "agreements/water/flow.svg" in trusted.attachments
    assert "agreements/water/notes.html" not in trusted.urls


def test_what_each_link_becomes_and_what_is_reported(tmp_path: Path) -> None:
    root = files_project(tmp_path / "project")
    result = load_charter(site_settings(root, as_of=AS_OF))
    assert [(p.line, p.code) for p in result.problems] == [
        (11, "link-section-missing"), (12, "link-file-missing"), (12, "link-file-missing")]
    assert all("could run script" in problem.hint for problem in result.problems[1:])
    site = build_site(result.charter, site_settings(root), AS_OF)
    html = {page.url: page.html for page in site.pages}
    own = html["agreements/code/"]
    for expected in ('<img src="../water/maps/basin.png" alt="map">', 'href="../water/annex%20a.pdf"',
                     'href="../../glossary/#terms"', 'href="../../"', 'href="#shares"',
                     '<span class="charter-link--broken">nothing</span>',
                     '<span class="charter-link--broken">the diagram</span>'):
        assert expected in own
    assert own.count('href="#shares"') == 2
    assert 'href="#code--shares"' in html["charter/"]
    assert 'src="../agreements/water/maps/basin.png"' in html["charter/"]
    assert {(asset.path, asset.source) for asset in site.assets if asset.source} == {
        ("agreements/water/annex a.pdf", root / "agreements/water/annex a.pdf"),
        ("agreements/water/maps/basin.png", root / "agreements/water/maps/basin.png")}


def test_a_real_build_publishes_the_files_and_nothing_that_could_run_script(tmp_path: Path) -> None:
    root = files_project(tmp_path / "project")
    GitRepo(root).commit("Code with its files", "2024-01-10T10:00:00Z")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("warning[link-file-missing]") == 2
    site = root / "site" / "agreements" / "water"
    assert (site / "maps" / "basin.png").read_bytes() == b"data of maps/basin.png"
    assert (site / "annex a.pdf").is_file()
    assert sorted(path.name for path in site.rglob("*") if path.is_file()) == ["annex a.pdf", "basin.png"]
