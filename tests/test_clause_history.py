"""Each clause's history and who cites it, from a real repository whose clauses are reworded, moved,
re-anchored, renamed under a pinned anchor and left alone across dated commits, to the built pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator.cache import BlobCache
from generator.compose import compose
from generator.diffs.consecutive import consecutive_diffs
from generator.diffs.lineage import ClauseHistory, clause_histories
from generator.source.citations import WHOLE, CitedBy, citations
from generator.source.loader import load_charter
from tests.browser import screenshot, served_site, watched_page
from tests.golden import assert_golden
from tests.gitrepo import GitRepo, read_histories
from tests.links import broken_links, repeated_ids
from tests.project import agreement, site_settings, write_project
from tests.sites import mkdocs_build

AS_OF = dt.date(2024, 1, 1)
INTRO = "The valley shares its water.\n\n"
SHARES = "## Shares\n\nEach farm takes {} buckets a day.\n\n"
DISPUTES = "## Disputes{}\n\nTalk first.\n\n"
SEASONS = "## {} {{#seasons}}\n\nDry and wet.\n\n### Wet season\n\nStore the rain.\n\n"
RECORDS = "## Records\n\nKeep a ledger.\n\n"
DROUGHT = "## Drought\n\nShare less, and [[water#shares|the shares]] halve.\n\n"
# (date, message, body): v1 writes four clauses; v2 rewords one; v3 moves one and renames another under
# its pinned anchor; v4 pins a new anchor on an unchanged heading; v5 moves the file and adds a clause.
VERSIONS = [
    ("2020-01-10T10:00:00Z", "Water accord",
     INTRO + SHARES.format("two") + DISPUTES.format("") + SEASONS.format("Seasons") + RECORDS),
    ("2020-06-01T10:00:00Z", "Three buckets",
     INTRO + SHARES.format("three") + DISPUTES.format("") + SEASONS.format("Seasons") + RECORDS),
    ("2021-03-01T10:00:00Z", "Records first; seasons named",
     INTRO + RECORDS + SHARES.format("three") + DISPUTES.format("") + SEASONS.format("Dry and wet seasons")),
    ("2022-02-01T10:00:00Z", "Pin the disputes clause",
     INTRO + RECORDS + SHARES.format("three") + DISPUTES.format(" {#disputes-rule}")
     + SEASONS.format("Dry and wet seasons")),
]
FINAL = (INTRO + RECORDS + SHARES.format("three") + DISPUTES.format(" {#disputes-rule}")
         + SEASONS.format("Dry and wet seasons") + DROUGHT)
SEEDS = agreement("Seed Exchange", body=(
    "## Seeds\n\nWatered as in [[water#shares]] and [[water#wet-season]], kept as in "
    "[the records](water/accord.md#records).\n\n## Elsewhere\n\nSee [[water]].\n"))
FOREST = agreement("Forest Pact", body="## Trees\n\nAs [[water#shares|the shares]] say.\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("clauses"), {})
    repo = GitRepo(root)
    for date, message, body in VERSIONS:
        repo.commit(message, date, **{"agreements__water.md": agreement("Water Accord", body=body)})
    (root / "agreements" / "water").mkdir()
    repo.git("mv", "agreements/water.md", "agreements/water/accord.md")
    repo.commit("Move into a folder; drought", "2023-05-01T10:00:00Z",
                **{"agreements__water__accord.md": agreement("Water Accord", body=FINAL, id="water"),
                   "agreements__seeds.md": SEEDS, "agreements__forest.md": FOREST})
    return root


def lineage(root: Path, cache: BlobCache) -> dict[str, ClauseHistory]:
    _, histories = read_histories(root, {"water": "agreements/water/accord.md"}, AS_OF, "charter")
    return clause_histories(consecutive_diffs(histories["water"], cache))


def steps(history: ClauseHistory) -> list[tuple[int, str, str]]:
    """(version, what it did, the clause's anchor before it) of each version that changed the clause."""
    return [(r.version.number, r.step.kind, r.step.old_anchor) for r in history.revisions]


def test_each_clause_lists_only_the_versions_that_changed_it(project: Path) -> None:
    found = lineage(project, BlobCache(None))
    assert list(found) == ["records", "shares", "disputes-rule", "seasons", "drought"], "the current order"
    assert {anchor: steps(history) for anchor, history in found.items()} == {
        "records": [(1, "added", "")],  # moved in version 3, never changed
        "shares": [(2, "changed", "shares"), (1, "added", "")],
        "disputes-rule": [(4, "renamed", "disputes"), (1, "added", "")],  # followed across its new anchor
        "seasons": [(3, "renamed", "seasons"), (1, "added", "")],  # reworded under its pinned anchor
        "drought": [(5, "added", "")],
    }
    assert found["seasons"].title == "Dry and wet seasons"
    assert found["seasons"].revisions[0].step.old_title == "Seasons"


def test_last_amended_names_the_version_its_date_and_the_section_of_its_change(project: Path) -> None:
    found = lineage(project, BlobCache(None))
    last = {anchor: history.last for anchor, history in found.items()}
    assert {anchor: (r.version.number, r.version.date.date().isoformat(), r.step.section_id)
            for anchor, r in last.items() if r is not None and r.version.date is not None} == {
        "records": (1, "2020-01-10", "v1-records"),
        "shares": (2, "2020-06-01", "v2-shares"),
        "disputes-rule": (4, "2022-02-01", "v4-disputes-rule"),
        "seasons": (3, "2021-03-01", "v3-seasons"),
        "drought": (5, "2023-05-01", "v5-drought"),
    }
    shares = found["shares"].revisions[0].html
    assert "<del>two</del>" in shares and "<ins>three</ins>" in shares and 'id="v2-shares"' in shares
    assert "Disputes" not in shares, "only that clause's section of the version's diff"


def test_a_cached_rebuild_follows_the_clauses_the_same_way(project: Path, tmp_path: Path) -> None:
    fresh = lineage(project, BlobCache(tmp_path))
    cache = BlobCache(tmp_path)
    assert lineage(project, cache) == fresh
    assert cache.hits == 5 and cache.misses == 0


def test_removed_and_restored_text_keeps_the_clause_history_across_the_gap(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    repo = GitRepo(root)
    first = agreement("W", body=SHARES.format("two"))
    repo.commit("Water", "2020-01-01T10:00:00Z", **{"agreements__water.md": first})
    repo.git("rm", "-q", "agreements/water.md")
    repo.commit("Gone", "2020-02-01T10:00:00Z")
    repo.commit("Back", "2020-03-01T10:00:00Z",
                **{"agreements__water.md": agreement("W", body=SHARES.format("two") + RECORDS)})
    _, histories = read_histories(root, {"water": "agreements/water.md"}, AS_OF, "charter")
    found = clause_histories(consecutive_diffs(histories["water"], BlobCache(None)))
    assert {anchor: steps(history) for anchor, history in found.items()} == {
        "shares": [(1, "added", "")], "records": [(3, "added", "")]}


def test_uncommitted_changes_are_the_last_amendment_of_the_clauses_they_touch(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    GitRepo(root).commit("Water", "2020-01-01T10:00:00Z",
                         **{"agreements__water.md": agreement("W", body=SHARES.format("two") + RECORDS)})
    (root / "agreements" / "water.md").write_text(agreement("W", body=SHARES.format("four") + RECORDS),
                                                 encoding="utf-8")
    (root / "agreements" / "new.md").write_text(agreement("New", body=RECORDS), encoding="utf-8")
    output = compose(site_settings(root), fallback_as_of=AS_OF)
    assert output.site is not None
    pages = {page.url: page.html for page in output.site.pages}
    water, new = (re.sub(r"<[^>]+>", "", pages[f"agreements/{name}/"]) for name in ("water", "new"))
    assert "Last amended in version 2 (uncommitted)" in water
    assert "Unchanged since version 1, 2020-01-01" in water
    assert "Added in version 1 (uncommitted)" in new
    assert 'id="v2-shares"' in pages["agreements/water/history/"]


def test_a_clause_anchored_like_a_change_leaves_no_id_twice_on_the_clauses_page(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    body = SHARES.format("two") + "## Twin {#v1-shares}\n\nNamed like a change.\n"
    GitRepo(root).commit("Water", "2020-01-01T10:00:00Z",
                         **{"agreements__water.md": agreement("W", body=body)})
    output = compose(site_settings(root), fallback_as_of=AS_OF)
    assert output.site is not None
    pages = {page.url: page.html for page in output.site.pages}
    clauses = pages["agreements/water/clauses/"]
    assert clauses.count('id="v1-shares"') == 1
    assert '<section class="charter-clause-history" id="v1-shares">' in clauses
    assert 'id="v1-v1-shares"' in clauses, "the other change keeps its id"
    assert pages["agreements/water/history/"].count('id="v1-shares"') == 1


def test_links_that_lead_nowhere_cite_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "water.md": agreement("Water", body=SHARES.format("two")),
        "seeds.md": agreement("Seeds",
                              body="## Seeds\n\n[[water#nowhere]], [[gone]], [x](water.md#Shares).\n"),
    })
    result = load_charter(site_settings(root), AS_OF)
    assert {problem.code for problem in result.problems} == {"link-anchor-unknown", "link-unknown"}
    cited = citations(result.charter)
    assert {target: dict(found.by_clause) for target, found in cited.items()} == {
        "water": {"shares": ("seeds",)}}, "a relative link may name a heading by its words"


def test_a_link_by_a_former_id_cites_the_agreement_that_has_it_now(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "water.md": agreement("Water", body=SHARES.format("two"), former_ids="[river]"),
        "seeds.md": agreement("Seeds", body="## Seeds\n\nAs in [[river#shares]].\n"),
    })
    result = load_charter(site_settings(root), AS_OF)
    assert not result.errors, result.errors
    assert {target: dict(found.by_clause) for target, found in citations(result.charter).items()} == {
        "water": {"shares": ("seeds",)}}


def cited_by(project: Path) -> dict[str, CitedBy]:
    result = load_charter(site_settings(project), AS_OF)
    assert not result.errors, result.errors
    return citations(result.charter)


def test_citations_by_clause_from_wiki_links_relative_links_and_sub_headings(project: Path) -> None:
    cited = cited_by(project)
    assert set(cited) == {"water"}, "a link of an agreement to itself cites nothing"
    assert dict(cited["water"].by_clause) == {
        WHOLE: ("seeds",),
        "records": ("seeds",),  # a relative link to the file, with the heading's anchor
        "shares": ("forest", "seeds"),
        "seasons": ("seeds",),  # through its sub-heading `wet-season`
    }
    assert cited["water"].sources == ("forest", "seeds")
    assert cited["water"].clauses_cited_by("seeds") == ("records", "shares", "seasons")


@pytest.mark.parametrize("url, golden", [("agreements/water/", "agreement-clause-notes.html"),
                                         ("agreements/water/clauses/", "clauses.html")])
def test_pages_match_golden(project: Path, url: str, golden: str) -> None:
    output = compose(site_settings(project), fallback_as_of=AS_OF)
    assert output.site is not None
    assert_golden(f"pages/{golden}", next(page.html for page in output.site.pages if page.url == url))


class _Notes(HTMLParser):
    """Each clause heading's id, and the text and links of the note under it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.notes: dict[str, tuple[str, list[str]]] = {}
        self.heading = ""
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "h2" and values.get("id"):
            self.heading = values["id"] or ""
        elif tag == "p" and values.get("class") == "charter-clause-note":
            self.inside = True
            self.notes[self.heading] = ("", [])
        elif tag == "a" and self.inside:
            self.notes[self.heading][1].append(values.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "p"

    def handle_data(self, data: str) -> None:
        if self.inside:
            text, links = self.notes[self.heading]
            self.notes[self.heading] = (text + data, links)


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    mkdocs_build(project)
    return project / "site"


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def notes(site: Path, url: str) -> dict[str, tuple[str, list[str]]]:
    parser = _Notes()
    parser.feed(read(site, url))
    return {anchor: (" ".join(text.split()), links) for anchor, (text, links) in parser.notes.items()}


def test_each_clause_of_the_page_says_when_it_last_changed_and_who_cites_it(site: Path) -> None:
    history = "history/#"
    assert notes(site, "agreements/water") == {
        "records": ("Unchanged since version 1, 2020-01-10 · History of this clause · "
                    "Cited by Seed Exchange",
                    [history + "v1-records", "clauses/#records", "../seeds/"]),
        "shares": ("Last amended in version 2, 2020-06-01 · History of this clause · Cited by Forest Pact, "
                   "Seed Exchange",
                   [history + "v2-shares", "clauses/#shares", "../forest/", "../seeds/"]),
        "disputes-rule": ("Last amended in version 4, 2022-02-01 · History of this clause",
                          [history + "v4-disputes-rule", "clauses/#disputes-rule"]),
        "seasons": ("Last amended in version 3, 2021-03-01 · History of this clause · "
                    "Cited by Seed Exchange",
                    [history + "v3-seasons", "clauses/#seasons", "../seeds/"]),
        "drought": ("Added in version 5, 2023-05-01 · History of this clause",
                    [history + "v5-drought", "clauses/#drought"]),
    }
    seeds = notes(site, "agreements/seeds")["seeds"][0]
    assert seeds == "Unchanged since version 1, 2023-05-01 · History of this clause"


def test_the_page_shows_who_cites_it_beside_the_typed_backlinks(site: Path) -> None:
    page = read(site, "agreements/water")
    row = re.search(r'<div class="[^"]*charter-relations__cited"><dt>Cited by</dt><dd>(.*?)</dd>', page)
    assert row is not None
    text = re.sub(r"<[^>]+>", "", row[1])
    assert text == "Forest Pact (on Shares), Seed Exchange (on Records, Shares, Dry and wet seasons)"
    assert '<a href="#seasons">Dry and wet seasons</a>' in row[1]
    assert "charter-relations__cited" not in read(site, "agreements/forest"), "no one cites it"


def test_the_clause_history_page_lists_each_clause_with_only_its_versions(site: Path) -> None:
    page = read(site, "agreements/water/clauses")
    pieces = re.split(r'(?=<section class="charter-clause-history" )', page)[1:]
    sections = [(re.match(r'<section class="charter-clause-history" id="([^"]+)">', piece)[1], piece)
                for piece in pieces]
    assert [anchor for anchor, _ in sections] == ["records", "shares", "disputes-rule", "seasons", "drought"]
    versions = {anchor: re.findall(r'<h3><a href="../v/(\d+)/">Version \d+, [\d-]+</a>: (\w+)</h3>', body)
                for anchor, body in sections}
    assert versions == {
        "records": [("1", "added")],
        "shares": [("2", "amended"), ("1", "added")],
        "disputes-rule": [("4", "renamed"), ("1", "added")],
        "seasons": [("3", "renamed"), ("1", "added")],
        "drought": [("5", "added")],
    }
    seasons = dict(sections)["seasons"]
    assert "<h3><del>Seasons</del> <ins>Dry and wet seasons</ins></h3>" in seasons
    assert "Anchor changed from #disputes to #disputes-rule." in dict(sections)["disputes-rule"]
    assert "Cited by" in dict(sections)["shares"] and "Cited by" not in dict(sections)["drought"]
    assert '<a href="../clauses/">clause by clause</a>' in read(site, "agreements/water/history")


def test_every_link_of_the_site_resolves_and_no_page_repeats_an_id(site: Path) -> None:
    assert (site / "agreements/seeds/clauses/index.html").is_file()
    assert broken_links(site) == []
    assert repeated_ids(site) == []


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with served_site(site) as url:
        yield url


def in_view(page: Any, selector: str) -> bool:
    return bool(page.locator(selector).evaluate(
        "element => { const box = element.getBoundingClientRect();"
        " return box.top >= 0 && box.top < window.innerHeight; }"))


@pytest.mark.browser
def test_a_reader_opens_a_clause_history_from_the_agreement_page(browser: Any, served: str) -> None:
    with watched_page(browser) as (page, watch):
        page.goto(served + "agreements/water/")
        note = page.locator("h2#shares + p.charter-clause-note")
        assert note.is_visible()
        screenshot(page, "clause-notes-water")
        assert " ".join(note.inner_text().split()).startswith("Last amended in version 2, 2020-06-01")
        note.get_by_role("link", name="History of this clause").click()
        page.wait_for_url("**/agreements/water/clauses/#shares")
        clause = page.locator("section#shares")
        assert in_view(page, "section#shares"), "the clause's own history is where the page opens"
        assert [" ".join(text.split()) for text in clause.locator("article > h3").all_inner_texts()] == [
            "Version 2, 2020-06-01: amended", "Version 1, 2020-01-10: added"]
        assert clause.locator("ins").all_inner_texts()[:1] == ["three"]
        assert clause.locator("del").all_inner_texts() == ["two"]
        screenshot(page, "clause-history-shares")
        clause.get_by_role("link", name="In the history").first.click()
        page.wait_for_url("**/agreements/water/history/#v2-shares")
        assert in_view(page, "#v2-shares"), "the same change, among the version's others"

        page.goto(served + "agreements/water/")
        page.locator("h2#seasons + p.charter-clause-note").get_by_role(
            "link", name=re.compile(r"^Last amended in version 3")).click()
        page.wait_for_url("**/agreements/water/history/#v3-seasons")
        assert "Dry and wet seasons" in page.locator("#v3-seasons h3").inner_text()
    assert watch.problems == []


def test_every_clause_of_the_demo_charter_has_its_note_and_its_history(demo_site_dir: Path) -> None:
    pages = sorted(demo_site_dir.glob("agreements/**/clauses/index.html"))
    assert len(pages) >= 40
    clauses = amended = 0
    for clauses_page in pages:
        agreement_page = clauses_page.parent.parent / "index.html"
        agreement_html = agreement_page.read_text(encoding="utf-8")
        headings = re.findall(r'<h2 id="([^"]+)">', agreement_html.split('<div class="charter-body">')[1]
                              .split("</div>\n<h2 id=\"relations\">")[0])
        noted = _Notes()
        noted.feed(agreement_html)
        assert list(noted.notes) == headings, agreement_page
        sections = re.findall(r'<section class="charter-clause-history" id="([^"]+)">',
                              clauses_page.read_text(encoding="utf-8"))
        assert sections == headings, clauses_page
        clauses += len(headings)
        amended += sum("Last amended" in text for text, _ in noted.notes.values())
    assert amended and amended < clauses, "some clauses changed since they were written, some did not"
    assert broken_links(demo_site_dir) == []


AMEND = re.compile(r"Amend (?P<id>[a-z0-9-]+): (?P<kind>rewrite|add|strike) clause '(?P<title>[^']+)'")


def test_the_demo_clause_histories_agree_with_the_commits_that_made_them(demo_site_dir: Path) -> None:
    """The demo's commits say which clause each amendment rewrote, added or struck: the clause histories,
    found from the texts alone, must list exactly those versions (and the one that first wrote each)."""
    project = demo_site_dir.parent
    load = load_charter(site_settings(project), AS_OF)
    _, histories = read_histories(project, {a.id: a.path for a in load.charter.agreements}, AS_OF, "charter")
    checked = 0
    for agreement_id, history in histories.items():
        expected: dict[str, list[int]] = {}
        for version in history.versions:
            if version.number == 1:
                first = version.agreement.clauses if version.agreement else ()
                expected = {clause.title: [1] for clause in first}
                continue
            for said in AMEND.finditer(version.revision.message if version.revision else ""):
                title = said["title"]
                if said["kind"] == "strike":
                    del expected[title]
                else:
                    expected[title] = [version.number] if said["kind"] == "add" else [
                        *expected[title], version.number]
        found = clause_histories(consecutive_diffs(history, BlobCache(None)))
        assert {clause.title: [r.version.number for r in reversed(clause.revisions)]
                for clause in found.values()} == expected, agreement_id
        checked += sum(len(numbers) > 1 for numbers in expected.values())
    assert checked > 40, "many clauses were amended"
