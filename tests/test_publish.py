"""A failed, interrupted or killed build leaves the previous site exactly as it was."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from generator.engine.files import GeneratedAsset
from generator.engine.publish import STAGED_PAGES, Publication, SiteWriter, discard, publish, recover, stage
from generator.pages import Asset
from tests.gitrepo import GitRepo
from tests.project import agreement, mkdocs_yml, write_project


def snapshot(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(site.rglob("*")) if path.is_file()}


def test_publish_swaps_the_staged_site_in(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old")
    staging = stage(site)
    (staging / "new.html").write_text("new")
    publish(staging, site)
    assert [p.name for p in site.iterdir()] == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("first_build", [True, False])
def test_pages_the_adapter_staged_under_flat_names_are_published_at_their_addresses(
        tmp_path: Path, first_build: bool) -> None:
    site = tmp_path / "site"
    if not first_build:
        (site / "agreements" / "water" / "v" / "1").mkdir(parents=True)
        (site / "agreements" / "water" / "v" / "1" / "index.html").write_text("as it was")
        (site / "agreements" / "gone" / "v" / "1").mkdir(parents=True)
        (site / "agreements" / "gone" / "v" / "1" / "index.html").write_text("no longer built")
    staging = stage(site)
    (staging / "index.html").write_text("home")
    writer = SiteWriter(staging, site)
    writer("agreements/water/v/1/index.html", b"amended", "key", [])
    writer("agreements/water/history/index.html", b"history", "key", [])
    assert sorted(p.relative_to(staging).parts[0] for p in staging.rglob("*") if p.is_file()) == [
        ".charter-pages", ".charter-pages", "index.html"]
    publish(staging, site, writer.kept, writer.written)
    assert snapshot(site) == snapshot_of({"index.html": "home", "agreements/water/v/1/index.html": "amended",
                                          "agreements/water/history/index.html": "history"})
    assert not (site / "agreements" / "gone").exists(), "the folders a page no longer fills go"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def snapshot_of(files: dict[str, str]) -> dict[str, str]:
    return {name: hashlib.sha256(text.encode()).hexdigest() for name, text in sorted(files.items())}


def test_discard_and_stale_staging_folders_leave_the_site_alone(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old")
    abandoned = stage(site)
    (abandoned / "half.html").write_text("half")
    staging = stage(site)  # a later build clears what a killed one left
    assert not abandoned.exists()
    discard(staging)
    assert snapshot(site) == {"old.html": hashlib.sha256(b"old").hexdigest()}


def test_a_swap_cut_between_its_renames_is_undone(tmp_path: Path) -> None:
    site = tmp_path / "site"
    previous = tmp_path / ".site-previous"
    previous.mkdir()
    (previous / "old.html").write_text("old")
    recover(site)
    assert (site / "old.html").read_text() == "old" and not previous.exists()


def charter_project(root: Path, count: int) -> Path:
    body = "## Terms\n\nText.\n\n## Review\n\nEvery year.\n"
    agreements = {f"a{number:04d}.md": agreement(f"Agreement {number}", body=body) for number in range(count)}
    write_project(root, agreements)
    GitRepo(root).commit("Charter", date="2025-01-01T00:00:00Z")
    return root


def build(project: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # A suite run in the background inherits SIGINT ignored, and so would the build: it must hear Ctrl-C.
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "build", *args], cwd=project, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def test_a_build_that_fails_keeps_the_old_site(tmp_path: Path) -> None:
    project = charter_project(tmp_path, 3)
    assert build(project).wait(timeout=300) == 0
    before = snapshot(project / "site")
    (project / "agreements" / "a0000.md").write_text(agreement("Broken", status="in_force"), encoding="utf-8")
    failing = build(project)
    assert failing.wait(timeout=300) != 0
    assert snapshot(project / "site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_build_killed_midway_keeps_the_old_site(tmp_path: Path, stop: signal.Signals) -> None:
    project = charter_project(tmp_path, 400)
    assert build(project).wait(timeout=300) == 0
    before = snapshot(project / "site")
    assert len(before) > 400
    (project / "mkdocs.yml").write_text(mkdocs_yml("Renamed Charter"), encoding="utf-8")  # every page changes
    running = build(project)
    deadline = time.monotonic() + 120
    staged: list[Path] = []
    while time.monotonic() < deadline and not staged:
        staged = [p for p in project.glob(".site-building-*") if (p / STAGED_PAGES).is_dir()]
        time.sleep(0.05)
    assert staged, "the build never started writing"
    running.send_signal(stop)
    assert running.wait(timeout=120) != 0
    assert snapshot(project / "site") == before


def test_a_page_the_site_holds_byte_for_byte_is_not_staged_again_and_a_changed_one_is_staged_flat(
        tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ("a", "b"):
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text("<p>caf\u00e9</p>", encoding="utf-8")
    kept = (site / "a" / "index.html").stat()
    publication = Publication(site)
    same, changed = (File(f"{name}/index.md", None, str(publication.staging), use_directory_urls=True)
                     for name in ("a", "b"))
    assert publication.page_output(same, "<p>caf\u00e9</p>") == "", "MkDocs writes no file for empty output"
    assert publication.page_output(changed, "<p>tea</p>") == "", "the rebuild stages it itself"
    assert (publication.kept, publication.written) == ({"a/index.html"}, {"b/index.html"})
    assert [path.parent.name for path in publication.staging.rglob("*") if path.is_file()] == [STAGED_PAGES]
    publication.finish(built=True)
    assert (site / "a" / "index.html").stat().st_ino == kept.st_ino
    assert (site / "b" / "index.html").read_text(encoding="utf-8") == "<p>tea</p>"
    assert not publication.staging.exists()


def test_the_first_build_leaves_its_pages_to_mkdocs(tmp_path: Path) -> None:
    publication = Publication(tmp_path / "site")
    page = File("a/index.md", None, str(publication.staging), use_directory_urls=True)
    assert publication.page_output(page, "<p>tea</p>") == "<p>tea</p>"
    assert publication.written == set()
    publication.finish(built=False)


def test_an_asset_the_site_holds_byte_for_byte_is_not_staged_again(tmp_path: Path) -> None:
    site, docs = tmp_path / "site", tmp_path / "docs"
    for name in ("a", "b"):
        (site / "agreements" / name).mkdir(parents=True)
        (site / "agreements" / name / "feed.xml").write_bytes(b"<feed/>")
    docs.mkdir()
    publication = Publication(site)
    config = MkDocsConfig()
    config.load_dict({"site_name": "Charter", "docs_dir": str(docs), "site_dir": str(publication.staging)})
    assert config.validate() == ([], [])
    for name, content in (("a", b"<feed/>"), ("b", b"<feed>amended</feed>")):
        GeneratedAsset(config, Asset(f"agreements/{name}/feed.xml", content), publication.holds).copy_file()
    staged = [path.relative_to(publication.staging).as_posix() for path in publication.staging.rglob("*.xml")]
    assert staged == ["agreements/b/feed.xml"]
    unchanged = (site / "agreements" / "a" / "feed.xml").stat()
    publication.finish(built=True)
    assert (site / "agreements" / "a" / "feed.xml").stat().st_ino == unchanged.st_ino
    assert (site / "agreements" / "b" / "feed.xml").read_bytes() == b"<feed>amended</feed>"


def test_a_rebuild_keeps_its_unchanged_pages_without_a_word_about_each(tmp_path: Path) -> None:
    project = charter_project(tmp_path, 3)
    assert build(project).wait(timeout=300) == 0
    page = project / "site" / "agreements" / "a0000" / "index.html"
    written = page.stat()
    again = build(project)
    _, errors = again.communicate(timeout=300)
    assert again.returncode == 0, errors
    assert "Page skipped" not in errors
    assert (page.stat().st_ino, page.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
