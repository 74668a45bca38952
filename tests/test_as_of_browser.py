"""In a real Chromium: the charter as of a date (the picker, the #date link, what it lists), walking a
version page's previous and next links, and the way from a version to its change and to the current text.

On the 40-agreement demo, what the page lists for a day is held to an oracle read from git itself
(the main-line commit standing at the end of that day, the history pages' commit of each version and
the version pages' status), and to the year pages the server wrote.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import screenshot, served_site, watched_page
from generator.history.intervals import charter_intervals, standing_on
from tests.gitrepo import GitRepo, read_histories
from tests.project import mkdocs_yml
from tests.sites import mkdocs_build
from tests.test_as_of_pages import HOSTILE, commit_history

pytestmark = pytest.mark.browser

TITLES = {"forest": "Forest Pact", "roads": "Road Sharing", "seeds": "Seed Exchange", "tools": "Tool Library",
          "water": "Water Accord"}
"""Today's titles, by which the page orders the agreements."""
Shown = list[tuple[str, str, int, str]]
"""(group heading, agreement id, version, status) as the page shows them."""


@pytest.fixture(scope="module")
def dated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = GitRepo(tmp_path_factory.mktemp("as-of-browser") / "repo")
    commit_history(repo)
    (repo.root / "mkdocs.yml").write_text(mkdocs_yml(), encoding="utf-8")
    mkdocs_build(repo.root)
    return repo.root


@pytest.fixture(scope="module")
def dated_site(dated_project: Path) -> Iterator[str]:
    with served_site(dated_project / "site") as url:
        yield url


@pytest.fixture(scope="module")
def demo_site(demo_site_dir: Path) -> Iterator[tuple[str, Path]]:
    with served_site(demo_site_dir) as url:
        yield url, demo_site_dir


def shown(page: Any) -> Shown:
    """What the output lists, read from the page: each group's heading, then its entries."""
    return [tuple(entry) for entry in page.evaluate("""() => {
        const found = [];
        let heading = "";
        for (const node of document.querySelector(".charter-asof__output").children) {
            if (node.tagName === "H3") heading = node.firstChild.textContent.trim();
            for (const item of node.querySelectorAll ? node.querySelectorAll("li") : []) {
                const href = item.querySelector("a").getAttribute("href");
                const match = href.match(/agreements\\/([^/]+)\\/v\\/(\\d+)\\/$/);
                found.push([heading, match[1], Number(match[2]),
                            item.querySelector(".charter-status").textContent]);
            }
        }
        return found;
    }""")]


def summary(page: Any) -> str:
    return " ".join(page.locator(".charter-asof__summary").text_content().split())


def open_as_of(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.locator(".charter-asof__form").is_visible(), "the script unhides the picker"


def choose(page: Any, day: str) -> None:
    page.fill("#charter-asof-date", day)
    page.dispatch_event("#charter-asof-date", "change")


def test_the_link_sets_the_picker_and_the_picker_sets_the_link(browser: Any, dated_site: str) -> None:
    with watched_page(browser) as (page, watch):
        open_as_of(page, dated_site + "as-of/#2020-06-01")
        assert page.input_value("#charter-asof-date") == "2020-06-01"
        assert summary(page) == "On 2020-06-01 the charter held 3 agreements, 3 of them in force."
        assert shown(page) == [("In force", "roads", 1, "in force"), ("In force", "tools", 1, "in force"),
                               ("In force", "water", 4, "in force")], "seeds removed; tools v2 unreadable"
        screenshot(page, "as-of-2020-06-01")

        choose(page, "2020-02-15")
        assert page.evaluate("location.hash") == "#2020-02-15"
        assert page.locator(".charter-asof__permalink").get_attribute("href") == "#2020-02-15"
        assert shown(page) == [("In force", "roads", 1, "in force"), ("In force", "seeds", 1, "in force"),
                               ("In force", "tools", 1, "in force"), ("Proposed", "water", 1, "proposed")]
        assert page.locator(".charter-asof__output a", has_text="Seeds").text_content() == HOSTILE
        assert page.locator(".charter-asof__output script").count() == 0, "a title stays text"

        page.evaluate("location.hash = '#2021-03-01'")
        page.wait_for_function("document.querySelector('#charter-asof-date').value === '2021-03-01'")
        assert shown(page) == [("In force", "forest", 1, "in force"), ("In force", "seeds", 3, "in force"),
                               ("In force", "tools", 3, "in force"), ("Lapsed", "water", 5, "lapsed"),
                               ("Superseded", "roads", 2, "superseded")]
        assert summary(page) == "On 2021-03-01 the charter held 5 agreements, 3 of them in force."

        choose(page, "2019-01-01")
        assert shown(page) == [] and summary(page) == "On 2019-01-01 no agreement was on record."
        assert "The record begins on 2019-05-01." in page.locator(".charter-asof__output").text_content()

        choose(page, "2020-06-01")
        page.locator(".charter-asof__output a", has_text="Water Accord").click()
        page.wait_for_load_state("networkidle")
        assert page.url == dated_site + "agreements/water/v/4/"
        assert current_text(page).startswith("Current from 2020-06-01 until 2021-01-01")
    assert watch.problems == []


def test_without_a_fragment_the_page_shows_the_build_date_and_links_each_year(browser: Any,
                                                                             dated_site: str) -> None:
    with watched_page(browser) as (page, watch):
        open_as_of(page, dated_site + "as-of/")
        assert page.input_value("#charter-asof-date") == "2026-01-01", "the build's date (SOURCE_DATE_EPOCH)"
        assert page.evaluate("location.hash") == ""
        page.locator(".charter-asof__years a", has_text="2020").click()
        page.wait_for_load_state("networkidle")  # the theme's own requests end before the next click
        assert page.url == dated_site + "as-of/2020/"
        page.locator(".charter-pager a", has_text="Choose another date").click()
        page.wait_for_load_state("networkidle")
        assert page.input_value("#charter-asof-date") == "2020-12-31"
        assert ("In force", "forest", 1, "in force") in shown(page)
    assert watch.problems == []


def current_text(page: Any) -> str:
    return " ".join(page.locator(".charter-version__current").text_content().split())


def test_walk_the_versions_of_an_agreement_and_compare_one_with_today(browser: Any, dated_site: str) -> None:
    with watched_page(browser) as (page, watch):
        page.goto(dated_site + "agreements/water/v/1/")
        page.wait_for_load_state("networkidle")
        walked = [(page.url.removeprefix(dated_site), current_text(page).split(".")[0])]
        while page.locator(".charter-version__nav a[rel=next]").count():
            page.locator(".charter-version__nav a[rel=next]").click()
            page.wait_for_load_state("networkidle")
            walked.append((page.url.removeprefix(dated_site), current_text(page).split(".")[0]))
        assert walked == [
            ("agreements/water/v/1/", "Current from 2020-01-10 until 2020-03-01, when version 2 replaced it"),
            ("agreements/water/v/2/", "Current from 2020-03-01 until 2020-06-01, when version 3 replaced it"),
            ("agreements/water/v/3/", "Current on no day's record: version 4 replaced it on the day it took "
                                      "effect, 2020-06-01"),
            ("agreements/water/v/4/", "Current from 2020-06-01 until 2021-01-01, when version 5 replaced it"),
            ("agreements/water/v/5/", "Current since 2021-01-01"),
        ]
        back = [page.url.removeprefix(dated_site)]
        while page.locator(".charter-version__nav a[rel=prev]").count():
            page.locator(".charter-version__nav a[rel=prev]").click()
            page.wait_for_load_state("networkidle")
            back.append(page.url.removeprefix(dated_site))
        assert back == [f"agreements/water/v/{number}/" for number in (5, 4, 3, 2, 1)]

        page.goto(dated_site + "agreements/water/v/2/")
        page.wait_for_load_state("networkidle")
        page.locator(".charter-version__nav a", has_text="What changed in this version").click()
        page.wait_for_load_state("networkidle")
        assert page.url == dated_site + "agreements/water/history/#change-2"
        assert page.locator("#change-2 h3").text_content().startswith("Version 2, 2020-03-05")

        page.goto(dated_site + "agreements/water/v/2/")
        page.wait_for_load_state("networkidle")
        page.locator(".charter-version__nav a", has_text="Compare with the current text").click()
        page.wait_for_load_state("networkidle")
        assert page.url == dated_site + "agreements/water/history/?from=2#compare"
        assert page.input_value(".charter-compare__form select[name=from]") == "2"
        assert page.input_value(".charter-compare__form select[name=to]") == "5"
        assert " ".join(page.locator(".charter-compare__summary").text_content().split()) == (
            "From Version 2, 2020-03-05 to Version 5, 2021-01-01: 1 clause changed.")
        assert page.locator(".charter-compare__output del").all_text_contents() == ["season"]
        assert page.locator(".charter-compare__output ins").all_text_contents() == ["turns"]
    assert watch.problems == []


def test_the_page_agrees_with_the_server_on_every_day_a_version_began_or_ended(
        browser: Any, dated_project: Path, dated_site: str) -> None:
    """Each boundary, the day before it and the day after: the script's reading of the index is
    `intervals.standing_on`'s."""
    paths = {path.stem: f"agreements/{path.name}" for path in (dated_project / "agreements").glob("*.md")}
    intervals = charter_intervals(read_histories(dated_project, paths, dt.date(2026, 1, 1), "charter")[1])
    order = sorted(paths, key=lambda agreement_id: TITLES[agreement_id].casefold())
    boundaries = {day for spans in intervals.values() for interval in spans
                  for day in (interval.start, interval.end) if day is not None}
    days = sorted({day + dt.timedelta(days=shift) for day in boundaries for shift in (-1, 0, 1)})
    assert len(days) >= 30
    with watched_page(browser) as (page, watch):
        open_as_of(page, dated_site + "as-of/")
        for day in days:
            choose(page, day.isoformat())
            expected = [(found.agreement_id, found.interval.version, found.interval.status.replace("-", " "))
                        for found in standing_on(intervals, day, order)]
            assert [entry[1:] for entry in sorted(shown(page), key=lambda entry: order.index(entry[1]))] == \
                expected, day
    assert watch.problems == []


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout


def oracle(site: Path, day: str) -> set[tuple[str, int, str]]:
    """(id, version, status) of each agreement in the demo at the end of `day`, from git and the pages:
    the main-line commit standing then, each agreement's newest version committed by then (its history
    page names each version's commit), unless that version removed it, and that version's status."""
    project = site.parent
    mainline = [line.split() for line in git(project, "log", "--first-parent", "--date=short",
                                             "--format=%H %ad", "main").splitlines()]
    standing = next(index for index, (_, date) in enumerate(mainline) if date <= day)
    by_then = {commit for commit, _ in mainline[standing:]}
    found = set()
    for history in sorted(site.glob("agreements/*/history/index.html")):
        agreement_id = history.parent.parent.name
        rows = re.findall(r'<tr id="v(\d+)">.*?<code class="charter-commit">([0-9a-f]+)</code>',
                          history.read_text(encoding="utf-8"), re.S)
        committed = [int(number) for number, prefix in rows if any(c.startswith(prefix) for c in by_then)]
        if not committed:
            continue
        version = max(committed)
        page = (site / "agreements" / agreement_id / "v" / str(version) / "index.html").read_text("utf-8")
        if "the commit deleted its file" in page:
            continue
        status = re.search(r'class="charter-version__meta"><span class="charter-status [^"]+">([^<]+)<', page)
        assert status is not None, agreement_id
        found.add((agreement_id, version, status[1]))
    return found


def year_page_entries(site: Path, year: int) -> list[str]:
    page = (site / "as-of" / str(year) / "index.html").read_text(encoding="utf-8")
    part = page.split('id="standing"', 1)[1].split('id="recorded"', 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", "", item).split())
            for item in re.findall(r'<li class="charter-list__item charter-asof__item">(.*?)</li>', part)]


@pytest.mark.parametrize("day", ["1996-07-01", "2008-03-15", "2019-11-30"])
def test_the_demo_charter_as_of_a_day_is_what_git_held_then(browser: Any, demo_site: tuple[str, Path],
                                                            day: str) -> None:
    url, site = demo_site
    expected = oracle(site, day)
    assert len(expected) >= 3, "a day on which the demo holds several agreements"
    with watched_page(browser) as (page, watch):
        open_as_of(page, url + "as-of/")
        choose(page, day)
        found = shown(page)
        assert {entry[1:] for entry in found} == expected
        assert len(found) == len(expected)
        screenshot(page, f"as-of-demo-{day}")
    assert watch.problems == []


def test_the_demo_page_agrees_with_the_year_pages_the_server_wrote(browser: Any,
                                                                  demo_site: tuple[str, Path]) -> None:
    url, site = demo_site
    years = sorted(int(path.parent.name) for path in site.glob("as-of/[0-9]*/index.html"))
    assert years[0] <= 1991 and years[-1] == 2026
    with watched_page(browser) as (page, watch):
        open_as_of(page, url + "as-of/")
        for year in years[:-1:5]:
            choose(page, f"{year}-12-31")
            items = page.locator(".charter-asof__output li").all_text_contents()
            assert [" ".join(item.split()) for item in items] == year_page_entries(site, year), year
    assert watch.problems == []


def test_without_javascript_the_page_lists_the_editions_and_a_page_per_year(
        browser: Any, demo_site: tuple[str, Path]) -> None:
    url, site = demo_site
    tags = git(site.parent, "tag", "--list", "edition-*").split()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url + "as-of/")
        assert not page.locator(".charter-asof__form").is_visible()
        assert page.locator(".charter-asof__output").inner_text() == ""
        assert "Choosing a date needs JavaScript" in page.locator(".charter-asof").inner_text()
        editions = page.locator("#editions + ul a").all_text_contents()
        assert sorted(editions) == sorted(tags) and len(tags) >= 2
        years = page.locator(".charter-asof__years a").all_text_contents()
        assert years == [str(year) for year in range(2026, int(years[-1]) - 1, -1)]
        page.locator(".charter-asof__years a", has_text="2000").click()
        page.wait_for_load_state()
        assert page.url == url + "as-of/2000/"
        assert page.locator("h1").inner_text() == "The charter as of 2000-12-31"
        assert page.locator("#standing ~ ul li").count() > 0
    finally:
        context.close()
