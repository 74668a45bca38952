"""In a real Chromium: history pages' timelines and the in-browser comparison of any two versions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import screenshot, served_site, watched_page
from tests.gitrepo import GitRepo
from tests.project import agreement, write_project
from tests.sites import mkdocs_build

pytestmark = pytest.mark.browser

SHARES = "The valley shares its water.\n\n## Shares\n\nEach household takes {} buckets a day.\n\n"
BODIES = [
    SHARES.format("two") + "## Disputes\n\nTalk first.\n",
    SHARES.format("three") + "## Disputes\n\nTalk first.\n",
    SHARES.format("three") + "## Disputes\n\nTalk first, then ask the mediators.\n\n## Drought\n\nShare <b>less</b>.\n",
]
DATES = ["2024-01-10T10:00:00Z", "2024-06-01T10:00:00Z", "2025-02-01T10:00:00Z"]


@pytest.fixture(scope="module")
def amended_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = write_project(tmp_path_factory.mktemp("amended"), {})
    repo = GitRepo(project)
    for number, (body, date) in enumerate(zip(BODIES, DATES, strict=True), start=1):
        repo.commit(f"Water accord, take {number}", date=date,
                    **{"agreements__water.md": agreement("Water Accord", body=body)})
    mkdocs_build(project)
    with served_site(project / "site") as url:
        yield url


@pytest.fixture(scope="module")
def sample_site(sample_site_dir: Path) -> Iterator[str]:
    with served_site(sample_site_dir) as url:
        yield url


def texts(page: Any, selector: str) -> list[str]:
    return list(page.locator(f".charter-compare__output {selector}").all_text_contents())


def choose(page: Any, start: int, end: int) -> None:
    page.select_option(".charter-compare__form select[name=from]", str(start))
    page.select_option(".charter-compare__form select[name=to]", str(end))


def open_history(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.charter-timeline").count() == 1
    assert page.locator("svg.charter-timeline").is_visible()
    assert page.locator(".charter-compare__form").is_visible(), "the script unhides the form"


def test_compare_any_two_versions(browser: Any, amended_site: str) -> None:
    with watched_page(browser) as (page, watch):
        open_history(page, amended_site + "agreements/water/history/")
        versions = json.loads(page.locator(".charter-compare__versions").text_content())["versions"]
        assert [version["number"] for version in versions] == [1, 2, 3]
        assert page.locator(".charter-timeline__mark").count() >= 3

        # At load: the last change, version 2 to version 3.
        assert texts(page, "ins") == [", then ask the mediators", "Share <b>less</b>."]
        assert texts(page, "del") == []
        assert texts(page, ".charter-diff__folded") == ["1 unchanged clause: Shares"]
        assert page.locator(".charter-compare__output b").count() == 0, "text stays text"

        choose(page, 1, 3)
        assert texts(page, "ins") == ["three", ", then ask the mediators", "Share <b>less</b>."]
        assert texts(page, "del") == ["two"]
        assert texts(page, "h3") == ["Shares", "Disputes", "Drought"]
        assert texts(page, ".charter-compare__summary") == [
            "From Version 1, 2024-01-10 to Version 3, 2025-02-01: 2 clauses changed, 1 added."]

        choose(page, 3, 1)
        assert texts(page, "ins") == ["two"]
        assert texts(page, "del") == ["three", ", then ask the mediators", "Share <b>less</b>."]

        choose(page, 1, 2)
        assert texts(page, "ins") == ["three"]
        assert texts(page, "del") == ["two"]
        assert texts(page, ".charter-diff__folded") == ["1 unchanged clause: Disputes"]

        choose(page, 2, 2)
        assert texts(page, "ins") == texts(page, "del") == []
        assert "No changes" in page.locator(".charter-compare__output").text_content()
    assert watch.problems == []


def test_sample_charter_history_page(browser: Any, sample_site: str) -> None:
    with watched_page(browser) as (page, watch):
        open_history(page, sample_site + "agreements/upper-valley-water-sharing/history/")
        output = page.locator(".charter-compare__output")
        assert output.text_content().strip(), "the comparison renders at load"
        versions = json.loads(page.locator(".charter-compare__versions").text_content())["versions"]
        last = str(versions[-1]["number"])
        choose(page, int(last), int(last))
        assert "No changes" in output.text_content()
        if len(versions) == 1:
            assert page.locator(".charter-compare__form select[name=from]").input_value() == last
    assert watch.problems == []


def timeline_links(page: Any) -> list[str]:
    """The names Chromium computes for the timeline's links, as a screen reader hears them."""
    snapshot = page.locator("svg.charter-timeline").aria_snapshot()
    return re.findall(r'link "((?:[^"\\]|\\.)*)"', snapshot)


def test_the_timeline_is_named_and_walked_by_keyboard(browser: Any, sample_site: str) -> None:
    with watched_page(browser) as (page, watch):
        open_history(page, sample_site + "agreements/upper-valley-water-sharing/history/")
        svg = page.locator("svg.charter-timeline")
        assert svg.get_attribute("role") != "img", "it holds links"
        assert page.get_by_role("group", name="Timeline of Upper Valley Water Sharing Accord").count() == 1
        names = timeline_links(page)
        assert len(names) == svg.locator("a").count() and all(name.strip() for name in names)
        adoption = re.compile(r"Version 1 \(Proposed, Adopted\): adopted 2019-04-12 \(declared\); "
                              r"committed \d{4}-\d\d-\d\d")
        assert adoption.fullmatch(names[0]), "drawn at the declared date, named with both"
        screenshot(page.locator("#timeline ~ svg.charter-timeline"), "timeline-sample-water-sharing")

        page.locator("h2#timeline").evaluate("heading => { heading.tabIndex = -1; heading.focus(); }")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('svg.charter-timeline') !== null")
        assert focused, "the first mark is the next stop after the heading"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/agreements/upper-valley-water-sharing/v/1/")
    assert watch.problems == []


@pytest.fixture(scope="module")
def demo_site(demo_site_dir: Path) -> Iterator[tuple[str, Path]]:
    with served_site(demo_site_dir) as url:
        yield url, demo_site_dir


def test_demo_charter_history_page(browser: Any, demo_site: tuple[str, Path]) -> None:
    url, site = demo_site
    histories = sorted(site.glob("agreements/**/history/index.html"),
                       key=lambda page: (-len(list(page.parent.parent.glob("v/*"))), page.as_posix()))
    richest = histories[0].parent.relative_to(site).as_posix()
    with watched_page(browser) as (page, watch):
        open_history(page, f"{url}{richest}/")
        versions = json.loads(page.locator(".charter-compare__versions").text_content())["versions"]
        assert len(versions) >= 3
        assert page.locator(".charter-change").count() == len(versions)
        assert page.locator(".charter-change ins").count() + page.locator(".charter-change del").count() > 0
        choose(page, 1, len(versions))
        summary = page.locator(".charter-compare__summary").text_content()
        assert summary.startswith("From Version 1, ") and f"to Version {len(versions)}, " in summary
        assert texts(page, "ins") or texts(page, "del")
        screenshot(page.locator("svg.charter-timeline"), "timeline-demo-richest")
        groups = page.locator("svg.charter-timeline a.charter-timeline__group")
        assert groups.count() >= 1, "the richest history has marks too close to draw apart"
        names = timeline_links(page)
        assert len(names) == page.locator("svg.charter-timeline a").count() and all(names)
        counted = sum(int(re.match(r"(\d+) changes ", name).group(1)) if " changes " in name else 1
                      for name in names if not name.startswith("Review"))
        assert counted == len(versions), "every version is in one mark or one group"
        groups.first.click()
        row = page.evaluate("location.hash")
        assert re.fullmatch(r"#v\d+", row), "a group opens the versions table"
        assert page.locator(f"tr{row}").is_visible()
    assert watch.problems == []
