"""The composite charter, each edition, the lists of agreements and the consent page are rendered again
only when something they show changed (generator.pages.composite, generator.pages.indexes): a rebuild
writes their cache entries (told by their places in the pack) for exactly those pages, and what it
serves from the cache reads as a build without a cache renders it. No time is measured.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.compose import compose
from generator.settings import Settings
from tests.project import agreement
from tests.test_incremental import SEEDS, TITLES, WATER_3, amend, charter_with_history
from tests.test_page_cache import AS_OF, TEMPLATES, page_entries, rendered_pages, version_pages


def test_the_charter_and_an_edition_are_kept_until_what_they_show_changes(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    repo.git("tag", "-a", "edition-2022", "-m", "The 2022 edition", date="2022-06-01T12:00:00Z")
    shown = ["charter/", "editions/edition-2022/"]

    def composites(as_of: dt.date = AS_OF) -> dict[str, str]:
        pages = version_pages(project, part="", as_of=as_of)
        return {url: html for url, html in pages.items() if url in shown}

    def rendered_composites(before: dict[str, tuple[int, int]]) -> list[str]:
        return [page for page in rendered_pages(project, before)
                if page.startswith(("charter/", "editions/"))]

    first = composites()
    assert sorted(first) == shown and "Seed Exchange" in first["charter/"]
    entries = page_entries(project)
    assert composites() == first and page_entries(project) == entries  # from the cache: nothing written

    later = composites(AS_OF + dt.timedelta(days=1))
    assert rendered_composites(entries) == []  # a new day only fills in the printed stamp
    assert later == {url: html.replace("2026-01-01", "2026-01-02") for url, html in first.items()}

    amend(repo, "forest", "## Paths\n\nOpen to all, in every season.\n", "2024-05-01T12:00:00Z")
    amended = composites()
    assert rendered_composites(entries) == ["charter/"]  # the edition holds the forest paths as they stood
    assert "in every season" in amended["charter/"]
    assert amended["editions/edition-2022/"] == first["editions/edition-2022/"]

    entries = page_entries(project)
    repo.git("tag", "-a", "edition-2024", "-m", "The 2024 edition", date="2024-06-01T12:00:00Z")
    assert 'Next: <a href="../edition-2024/">edition-2024</a>' in composites()["editions/edition-2022/"]
    assert rendered_composites(entries) == ["charter/", "editions/edition-2022/", "editions/edition-2024/"]

    settings = Settings(project, project / "agreements", project / "charter", TEMPLATES, as_of=AS_OF)
    output = compose(settings, fallback_as_of=AS_OF)  # no cache at all
    assert output.site is not None
    assert {page.url: page.html for page in output.site.pages if page.url in shown} == composites()


def test_the_charter_is_rendered_again_when_an_agreement_it_does_not_show_but_links_to_is_retitled(
        tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    repo.write("agreements/seeds.md", agreement(TITLES["seeds"], status="proposed", body=SEEDS))
    repo.git("commit", "-q", "-am", "Propose the seeds again", date="2024-01-01T12:00:00Z")
    first = version_pages(project, part="charter/")["charter/"]
    assert ">Seed Exchange, Exchange</a>" in first and 'id="seeds"' not in first  # linked, not shown
    entries = page_entries(project)
    repo.write("agreements/seeds.md", agreement("Seed Commons", status="proposed", body=SEEDS))
    repo.git("commit", "-q", "-am", "Retitle the seeds", date="2024-05-01T12:00:00Z")
    again = version_pages(project, part="charter/")["charter/"]
    assert again == first.replace("Seed Exchange, Exchange", "Seed Commons, Exchange")  # the link's words
    assert "charter/" in rendered_pages(project, entries)


def listing_entries(project: Path) -> dict[str, tuple[int, int]]:
    return page_entries(project, "listings")


def rendered_listings(project: Path, before: dict[str, tuple[int, int]]) -> list[str]:
    return rendered_pages(project, before, "listings")


def test_the_lists_of_agreements_are_rendered_again_only_when_an_agreement_they_list_changes(
        tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    lists = ["agreements/", "consent/", "levels/", "parties/river-collective/", "parties/valley-farmers/",
             "status/"]

    def listings(as_of: dt.date = AS_OF) -> dict[str, str]:
        return {url: html for url, html in version_pages(project, part="", as_of=as_of).items()
                if url in lists or url.startswith("themes/")}

    first = listings()
    entries = listing_entries(project)
    assert len(entries) == len(first) and set(lists) <= set(first)
    next_day = {url: html.replace("2026-01-01", "2026-01-02") for url, html in first.items()}
    assert listings(AS_OF + dt.timedelta(days=1)) == next_day  # the consent page's date filled in
    assert listing_entries(project) == entries and next_day != first

    amend(repo, "water", WATER_3, "2024-04-01T12:00:00Z")  # the same title, status, level and parties
    amended = listings()
    # Only the consent page and each party's name the water accord's current text, which awaits consent.
    awaiting = ["consent/", "parties/river-collective/", "parties/valley-farmers/"]
    assert sorted(url for url, html in amended.items() if html != first[url]) == awaiting
    assert all("version 3</a>" in amended[url] for url in awaiting)
    assert rendered_listings(project, entries) == awaiting
    first, entries = amended, listing_entries(project)

    repo.write("agreements/seeds.md", agreement("Seed Commons", body=SEEDS))
    repo.git("commit", "-q", "-am", "Retitle the seeds", date="2024-05-01T12:00:00Z")
    again = listings()
    changed = {url for url, html in again.items() if html != first[url]}
    assert changed == {url for url, html in first.items() if "Seed Exchange" in html} >= set(lists)
    assert all("Seed Commons" in again[url] and "Seed Exchange" not in again[url] for url in changed)
    assert rendered_listings(project, entries) == sorted(changed)
    assert len(listing_entries(project)) == len(entries)  # each rendered again in place of its own
