"""Addresses that survive renames: a real repository renames an agreement's file (and so its id), and a
real `mkdocs build` leaves a redirect at each old address, while `[[old-id]]` links lead to the new page
with a warning. Also a declared `former_ids`, the history stage's pure data, and a real browser."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.compose import check
from generator.history.renames import FormerId, former_ids
from generator.pages.redirects import agreement_redirects, redirect_assets, redirect_html
from generator.source.loader import load_charter
from tests.browser import screenshot, served_site, watched_page
from tests.gitrepo import GitRepo, read_histories
from tests.project import agreement, mkdocs_yml, write_project
from tests.test_build import mkdocs
from tests.test_rules import settings

WATER = agreement("Water Commons",
                  body="The valley shares water.\n\n## Shares\n\nBy season.\n\n## Disputes\n\nTalk.\n")
AMENDED = WATER.replace("Talk.", "Talk first.")
SEEDS = agreement("Seed Exchange", body="## Seeds\n\nWater as in [[water]], shared as in [[water#shares]].\n")
SITE_URL = "https://charter.example.org/valley/"
RIVERS = agreement("Rivers", former_ids="[river-pact]", body="## Banks\n\nKept open.\n")


def renamed_project(root: Path) -> GitRepo:
    """water.md in 2021, amended in 2022, moved with `git mv` to commons/water-commons.md in 2023 (its id
    is its file name, so the id changes); seeds.md links to it by the old id throughout."""
    project = write_project(root, {}, config=f"site_url: {SITE_URL}\n" + mkdocs_yml())
    repo = GitRepo(project)
    repo.commit("Adopt water", "2021-03-01T10:00:00Z", 
                **{"agreements__water.md": WATER, "agreements__seeds.md": SEEDS})
    repo.commit("Amend water", "2022-03-01T10:00:00Z", **{"agreements__water.md": AMENDED})
    (project / "agreements" / "commons").mkdir()
    repo.git("mv", "agreements/water.md", "agreements/commons/water-commons.md")
    repo.commit("Rename water to water-commons", "2023-03-01T10:00:00Z", **{"agreements__rivers.md": RIVERS})
    return repo


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The site and the build's standard error (not --strict: a link by a former id is a warning)."""
    repo = renamed_project(tmp_path_factory.mktemp("renamed") / "charter")
    result = mkdocs(repo.root, "build")
    assert result.returncode == 0, result.stderr
    return repo.root / "site", result.stderr


def redirect_target(site: Path, url: str) -> str:
    """Where the redirect page at `url` sends the reader, once its three ways of saying so agree."""
    page = (site / url / "index.html").read_text(encoding="utf-8")
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', page)
    visible = re.search(r'<a href="([^"]+)">', page)
    assert refresh and canonical and visible, page
    assert refresh[1] == visible[1]
    assert f"<script>location.replace({json.dumps(refresh[1])} + location.hash)</script>" in page
    assert canonical[1] == SITE_URL + posixpath.normpath(posixpath.join(url, refresh[1])) + "/"
    assert '<meta name="robots" content="noindex">' in page
    return refresh[1]


def test_the_old_address_its_history_and_its_versions_redirect(built: tuple[Path, str]) -> None:
    site, _ = built
    assert redirect_target(site, "agreements/water/") == "../water-commons/"
    assert redirect_target(site, "agreements/water/history/") == "../../water-commons/history/"
    assert [redirect_target(site, f"agreements/water/v/{n}/") for n in (1, 2)] == [
        "../../../water-commons/v/1/", "../../../water-commons/v/2/"]
    assert not (site / "agreements/water/v/3").exists(), "version 3 never had the old id"
    assert redirect_target(site, "agreements/water/clauses/") == "../../water-commons/clauses/"
    new = (site / "agreements/water-commons/v/2/index.html").read_text(encoding="utf-8")
    assert "Talk first." in new and "Redirecting" not in new
    assert "Water Commons" in (site / "agreements/water/index.html").read_text(encoding="utf-8")


def test_a_link_by_the_old_id_leads_to_the_new_page_with_a_warning(built: tuple[Path, str]) -> None:
    site, stderr = built
    page = (site / "agreements/seeds/index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="charter-link[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert links == [("../water-commons/", "Water Commons"),
                     ("../water-commons/#shares", "Water Commons, Shares")]
    warnings = [line for line in stderr.splitlines() if line.startswith("WARNING")]
    assert warnings == [
        "WARNING -  agreements/seeds.md:9:13: warning[link-renamed]: [[water]] uses a former id of "
        "'water-commons'",
        "WARNING -  agreements/seeds.md:9:37: warning[link-renamed]: [[water#shares]] uses a former id of "
        "'water-commons'"]


def test_the_feed_is_also_at_the_old_address(built: tuple[Path, str]) -> None:
    site, _ = built
    feed = (site / "agreements/water-commons/feed.xml").read_bytes()
    assert b"Rename water to water-commons" in feed
    assert (site / "agreements/water/feed.xml").read_bytes() == feed


def test_the_agreement_page_names_its_former_ids(built: tuple[Path, str]) -> None:
    site, _ = built
    page = (site / "agreements/water-commons/index.html").read_text(encoding="utf-8")
    assert "<div><dt>Formerly</dt><dd><code>water</code></dd></div>" in page
    cited = re.search(r'<div class="[^"]*charter-relations__cited"><dt>Cited by</dt><dd>(.*?)</dd></div>', page)
    assert cited and "Seed Exchange" in cited[1], "a link by the former id cites the agreement"
    assert "<dt>Formerly</dt>" not in (site / "agreements/seeds/index.html").read_text(encoding="utf-8")


def test_a_declared_former_id_redirects_the_page_and_its_history(built: tuple[Path, str]) -> None:
    site, _ = built
    assert redirect_target(site, "agreements/river-pact/") == "../rivers/"
    assert redirect_target(site, "agreements/river-pact/history/") == "../../rivers/history/"
    assert not (site / "agreements/river-pact/v").exists(), "no version had that id in this history"


def test_redirects_stay_out_of_the_search_index_and_the_sitemap(built: tuple[Path, str]) -> None:
    site, _ = built
    locations = (site / "search/search_index.json").read_text(encoding="utf-8")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "agreements/water-commons/" in sitemap and "agreements/water-commons/" in locations
    for old in ("agreements/water/", "agreements/river-pact/"):
        assert old not in sitemap and old not in locations


def test_charter_check_reads_the_history_for_an_unknown_link(built: tuple[Path, str]) -> None:
    root = built[0].parent
    files_alone = load_charter(settings(root), dt.date(2024, 1, 1))
    assert [p.code for p in files_alone.problems if p.path == "agreements/seeds.md"] == ["link-unknown"] * 2
    checked = check(settings(root), fallback_as_of=dt.date(2024, 1, 1))
    assert [(p.code, p.severity.value) for p in checked.problems] == [("link-renamed", "warning")] * 2
    assert checked.charter.resolve("water") is checked.charter.by_id["water-commons"]


def test_the_history_stage_finds_each_former_id_and_its_last_version(tmp_path: Path) -> None:
    repo = renamed_project(tmp_path / "charter")
    paths = {"water-commons": "agreements/commons/water-commons.md", "seeds": "agreements/seeds.md",
             "rivers": "agreements/rivers.md"}
    _, histories = read_histories(repo.root, paths, dt.date(2024, 1, 1), registries_dir="charter")
    charter = load_charter(settings(repo.root)).charter
    found = former_ids(charter, histories)
    assert found == (FormerId("river-pact", "rivers", 0, True), FormerId("water", "water-commons", 2))
    pages = ["agreements/rivers/", "agreements/rivers/history/", "agreements/rivers/v/1/",
             "agreements/water-commons/", "agreements/water-commons/history/",
             *(f"agreements/water-commons/v/{number}/" for number in (1, 2, 3)),
             "agreements/water-commons/clauses/",
             "agreements/water-commons-2/", "agreements/seeds/"]
    assert agreement_redirects(found, pages, {"rivers": 1, "water-commons": 3}) == {
        "agreements/river-pact/": "agreements/rivers/",
        "agreements/river-pact/history/": "agreements/rivers/history/",
        "agreements/water/": "agreements/water-commons/",
        "agreements/water/history/": "agreements/water-commons/history/",
        "agreements/water/v/1/": "agreements/water-commons/v/1/",
        "agreements/water/v/2/": "agreements/water-commons/v/2/",
        "agreements/water/clauses/": "agreements/water-commons/clauses/"}


def test_an_id_taken_again_stays_with_the_live_agreement_and_a_hostile_old_name_gets_no_address(
        tmp_path: Path) -> None:
    """A new agreement given the old id keeps it: no redirect, and [[water]] leads to it. An old file name
    that is no valid id (it never passed the checks) gets no address either."""
    repo = renamed_project(tmp_path / "charter")
    new_water = agreement("New Water", body="## Shares\n\nNew.\n")
    repo.commit("A new water agreement", "2024-03-01T10:00:00Z", **{"agreements__water.md": new_water})
    repo.commit("A bad name", "2024-04-01T10:00:00Z", **{"agreements__Bad<b>.md": agreement("Bad")})
    (repo.root / "agreements" / "fixed").mkdir()
    repo.git("mv", "agreements/Bad<b>.md", "agreements/fixed/fixed.md")
    repo.commit("Fix the name", "2024-05-01T10:00:00Z")
    result = mkdocs(repo.root, "build")
    assert result.returncode == 0, result.stderr
    site = repo.root / "site"
    assert "Redirecting" not in (site / "agreements/water/index.html").read_text(encoding="utf-8")
    seeds = (site / "agreements/seeds/index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="charter-link[^"]*" href="([^"]+)"', seeds)
    assert links == ["../water/", "../water/#shares"]
    assert "link-renamed" not in result.stderr
    assert sorted(path.name for path in (site / "agreements").iterdir() if path.is_dir()) == [
        "fixed", "river-pact", "rivers", "seeds", "water", "water-commons"]


@pytest.fixture(scope="module")
def served(built: tuple[Path, str]) -> Iterator[str]:
    with served_site(built[0]) as url:
        yield url


@pytest.mark.browser
def test_a_browser_following_an_old_address_lands_on_the_new_page(browser: Any, served: str) -> None:
    with watched_page(browser) as (page, watch):
        page.goto(served + "agreements/water/#disputes")
        page.wait_for_url(served + "agreements/water-commons/#disputes")
        assert page.locator("h1").first.inner_text() == "Water Commons"
        page.goto(served + "agreements/water/v/2/")
        page.wait_for_url(served + "agreements/water-commons/v/2/")
        assert "Talk first." in page.locator("article").inner_text()
        page.goto(served + "agreements/water/history/")
        page.wait_for_url(served + "agreements/water-commons/history/")
        screenshot(page, "renamed-history-after-redirect")
        assert watch.console_errors == []  # a redirect aborts the old page's own requests, as it should


def test_a_redirect_page_escapes_what_it_names() -> None:
    hostile = '</title><script>alert(1)</script>"'
    site_url = 'https://x.org/"><script>alert(2)</script>'
    page = redirect_html("agreements/old/", "agreements/new/", hostile, site_url)
    assert page.count("<script>") == 1 and "alert(" not in page.split("<script>", 1)[1].split("</script>")[0]
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in page
    canonical = "https://x.org/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;/agreements/new/"
    assert f'<link rel="canonical" href="{canonical}">' in page


def test_a_redirect_never_takes_the_place_of_a_page_or_a_file() -> None:
    titles = {"agreements/new/": "New", "agreements/live/": "Live"}
    wanted = {"agreements/old/": "agreements/new/", "agreements/live/": "agreements/new/",
              "agreements/gone/": "agreements/nowhere/", "agreements/maps/": "agreements/new/"}
    found = redirect_assets(wanted, titles, {"agreements/maps/index.html"}, None)
    assert [asset.path for asset in found] == ["agreements/old/index.html"]


def test_the_commands_check_and_edit_a_charter_whose_links_name_a_former_id(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`charter check` passes with the warnings, and an edit is not refused as if the charter failed."""
    repo = renamed_project(tmp_path / "charter")
    monkeypatch.chdir(repo.root)
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.count("warning[link-renamed]") == 2 and "0 errors, 2 warnings" in out
    assert main(["status", "rivers", "lapsed"]) == 0
    assert "status: in-force -> lapsed" in capsys.readouterr().out


def test_an_id_two_histories_carried_leads_to_the_one_that_carried_it_last(tmp_path: Path) -> None:
    """a.md became b.md; later a new a.md became c.md: the old address is c's, whose a is the newer."""
    project = write_project(tmp_path / "charter", {})
    repo = GitRepo(project)
    repo.commit("A", "2021-01-01T10:00:00Z", **{"agreements__a.md": agreement("First A")})
    repo.git("mv", "agreements/a.md", "agreements/b.md")
    repo.commit("A becomes B", "2021-06-01T10:00:00Z")
    repo.commit("A again", "2022-01-01T10:00:00Z", **{"agreements__a.md": agreement("Second A")})
    repo.git("mv", "agreements/a.md", "agreements/c.md")
    repo.commit("A becomes C", "2023-01-01T10:00:00Z")
    paths = {"b": "agreements/b.md", "c": "agreements/c.md"}
    _, histories = read_histories(repo.root, paths, dt.date(2024, 1, 1), registries_dir="charter")
    found = former_ids(load_charter(settings(repo.root)).charter, histories)
    assert found == (FormerId("a", "c", 1),)
