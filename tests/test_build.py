"""End-to-end: a real `mkdocs build --strict` of a temporary charter, then the pages themselves."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.project import agreement, write_project

HOSTILE_TITLE = "<script>alert(1)</script>"

AGREEMENTS = {
    "water.md": agreement(
        "Water Accord",
        themes="[nature-diversity]",
        review_by="2030-01-01",
        body="The valley shares water. See [[seeds]].\n\n## Shares\n\nBy season.\n\n## Disputes {#disputes}\n\nTalk first.\n",
    ),
    "food/seeds.md": agreement(
        "Seed Exchange",
        themes="[agriculture-industry]",
        amends="[water]",
        body="## Seeds\n\nDisputes go as in [[water#disputes]].\n",
    ),
    "old-deal.md": agreement("Old Deal", status="superseded"),
    "new-deal.md": agreement("New Deal", supersedes="[old-deal]", mediators="[seed-network]"),
    "hostile.md": agreement(HOSTILE_TITLE, status="draft", summary=f'"{HOSTILE_TITLE}"'),
    "dream.md": agreement("A Proposed Dream", status="proposed", themes="[nature-diversity]"),
}


def mkdocs(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run([sys.executable, "-m", "mkdocs", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write_project(tmp_path_factory.mktemp("charter"), AGREEMENTS)
    GitRepo(project).commit("Write the charter", date="2025-06-01T10:00:00Z")
    result = mkdocs(project, "build", "--strict")
    assert result.returncode == 0, result.stderr
    return project / "site"


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_every_page_is_built(site: Path) -> None:
    expected = ["", "charter/", "agreements/", "status/", "levels/", "themes/", "parties/",
                "themes/nature-diversity/", "parties/seed-network/",
                *(f"agreements/{name}/" for name in ("water", "seeds", "old-deal", "new-deal", "hostile", "dream"))]
    for url in expected:
        assert (site / url / "index.html").is_file(), url
    assert not (site / "parties.yml").exists(), "registries are inputs, not published files"


def test_backlinks_are_computed(site: Path) -> None:
    water = read(site, "agreements/water/")
    assert re.search(r'<dt>Amended by</dt><dd><a href="\.\./seeds/">Seed Exchange</a></dd>', water)
    old = read(site, "agreements/old-deal/")
    assert re.search(r'<dt>Superseded by</dt><dd><a href="\.\./new-deal/">New Deal</a>', old)
    assert 'class="charter-banner charter-banner--superseded"' in old


def test_wiki_links_resolve_to_agreements_and_clauses(site: Path) -> None:
    seeds = read(site, "agreements/seeds/")
    assert '<a class="charter-link charter-link--clause" href="../water/#disputes"' in seeds
    assert 'id="disputes"' in read(site, "agreements/water/")


def test_party_page_lists_its_agreements(site: Path) -> None:
    party = read(site, "parties/river-collective/")
    for title in ("Water Accord", "Seed Exchange", "New Deal"):
        assert f">{title}</a>" in party
    mediator = read(site, "parties/seed-network/")
    mediates = mediator.split('id="mediates"', 1)[1]
    assert ">New Deal</a>" in mediates


def test_composite_holds_only_in_force_agreements(site: Path) -> None:
    composite = read(site, "charter/")
    for title in ("Water Accord", "Seed Exchange", "New Deal"):
        assert f">{title}</a></h3>" in composite
    for title in ("Old Deal", "A Proposed Dream", "&lt;script&gt;"):
        assert f">{title}" not in composite


def test_search_finds_each_agreement_once_on_its_own_page(site: Path) -> None:
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {document["location"].split("#")[0] for document in search["docs"]}
    assert {"agreements/water/", "agreements/seeds/", "agreements/new-deal/"} <= pages
    assert "charter/" not in pages, "the composite repeats every agreement's text"
    assert not any(page.startswith(("editions/edition-", "agreements/water/v/")) for page in pages)
    hits = [document for document in search["docs"] if "Talk first" in document["text"]]
    assert [hit["location"] for hit in hits] == ["agreements/water/#disputes"]


def test_search_leaves_out_the_lists_of_agreements(site: Path) -> None:
    """A title is found on its agreement's page, not again on every page that lists it."""
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {document["location"].split("#")[0] for document in search["docs"]}
    assert not pages & {"agreements/", "status/", "levels/", "changes/", "renewals/", "consent/"}
    assert {"parties/seed-network/", "themes/nature-diversity/"} <= pages, "found by their own headings"
    listed = [document["location"] for document in search["docs"]
              if "Water Accord" in document["text"] or "New Deal" in document["text"]]
    assert not [location for location in listed if location.startswith(("parties/", "themes/"))]
    party = read(site, "parties/seed-network/")
    assert 'class="charter-list"' in party, "the party page still lists them"
    assert "charter:unindexed" not in party, "the index's marks are cut from what readers get"


def test_search_reads_an_agreements_text_not_its_panel_notes_or_relations(site: Path) -> None:
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    indexed = " ".join(document["title"] + " " + document["text"] for document in search["docs"]
                       if document["location"].startswith("agreements/water/"))
    page = read(site, "agreements/water/")
    for shown in ("<dt>Parties</dt>", "History of this clause", '<h2 id="relations">', "<dt>Amended by</dt>"):
        assert shown in page, shown
    assert "Talk first" in indexed
    for unsearched in ("Parties", "History of this clause", "Relations", "Amended by", "Built as of"):
        assert unsearched not in indexed, unsearched
    assert "charter:unindexed" not in page


def test_hostile_metadata_is_escaped_in_every_page(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text, page
    hostile = read(site, "agreements/hostile/")
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in hostile
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; - Test Charter</title>" in hostile
    assert "alert(1)" not in (site / "search" / "search_index.json").read_text().replace("&lt;script&gt;alert(1)", "")


def test_the_site_loads_nothing_from_third_parties(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page


def test_validation_errors_fail_the_build_without_traceback(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"bad.md": agreement("Bad", status="in_force", themes="[nope]")})
    result = mkdocs(project, "build")
    assert result.returncode != 0
    assert "agreements/bad.md:3:9: error[enum-value]: status 'in_force' is not one of" in result.stderr
    assert "help: did you mean 'in-force'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_shallow_clone_fails_with_the_documented_message(tmp_path: Path) -> None:
    origin = write_project(tmp_path / "origin", {"water.md": agreement("Water Accord")})
    repo = GitRepo(origin)
    repo.commit("Propose", date="2024-01-01T00:00:00Z")
    repo.commit("Amend", date="2024-02-01T00:00:00Z", **{"agreements__water.md": agreement("Water Accord II")})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", origin.as_uri(), str(clone)], check=True)
    result = mkdocs(clone, "build")
    assert result.returncode != 0
    assert "shallow clone" in result.stderr and "fetch-depth: 0" in result.stderr
    assert "history: false" in result.stderr and "Traceback" not in result.stderr
    without_history = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=clone, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CHARTER_NO_HISTORY": "1"},
    )
    assert without_history.returncode == 0, without_history.stderr
    assert not (clone / "site" / "agreements" / "water" / "history").exists()


def test_a_copy_without_git_builds_with_a_warning(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"water.md": agreement("Water Accord")})
    result = mkdocs(project, "build")
    assert result.returncode == 0, result.stderr
    assert "WARNING -  not a git repository: showing the working copy as uncommitted" in result.stderr
    history = read(project / "site", "agreements/water/history/")
    assert "uncommitted" in history


def test_an_agreement_links_its_history(site: Path) -> None:
    water = read(site, "agreements/water/")
    assert '<a href="history/">1 version</a>, last changed <time datetime="2025-06-01">2025-06-01</time>' in water
    assert (site / "agreements" / "water" / "v" / "1" / "index.html").is_file()


def test_a_missing_git_program_gets_a_clear_message(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"water.md": agreement("Water Accord")})
    GitRepo(project).commit("Propose", date="2024-01-01T00:00:00Z")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PATH": str(tmp_path / "no-programs-here")}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "the git program could not be run" in result.stderr and "install git" in result.stderr
    assert "history: false" in result.stderr and "Traceback" not in result.stderr


def test_a_rebase_stopped_on_a_conflict_is_named_and_the_markers_are_errors(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"water.md": agreement("Water Accord")})
    repo = GitRepo(project)
    repo.commit("Propose", date="2024-01-01T00:00:00Z")
    repo.git("checkout", "-q", "-b", "amend")
    repo.commit("Amend on a branch", date="2024-01-02T00:00:00Z",
                **{"agreements__water.md": agreement("Water Accord, as the branch has it")})
    repo.git("checkout", "-q", "main")
    repo.commit("Amend on main", date="2024-01-03T00:00:00Z",
                **{"agreements__water.md": agreement("Water Accord, as main has it")})
    rebase = subprocess.run(["git", "rebase", "main", "amend"], cwd=project, capture_output=True, text=True,
                            env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_COMMITTER_NAME": "A",
                                 "GIT_COMMITTER_EMAIL": "a@example.org"})
    assert rebase.returncode != 0, "the rebase was meant to stop on a conflict"
    result = mkdocs(project, "build")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "the repository is in the middle of a rebase" in result.stderr
    assert "agreements/water.md:2: error[conflict-markers]" in result.stderr
