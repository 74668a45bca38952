"""Agreement, version, history, clause-history and year pages are rendered again only when something they
show changed (generator.pages.rendered); tests/test_listing_cache.py does the same for the pages that list
the charter.

A page is rendered exactly when its cache entry is written (a hit writes nothing), so the entries a
build wrote, told by their places in the pack (an entry written again has a new one), are the pages it
rendered. No time is measured.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.compose import compose
from generator.pages.render import TemplateFailure
from generator.settings import Settings
from tests import packs
from tests.project import REPO_ROOT, agreement
from tests.sites import mkdocs_build
from tests.test_incremental import SEEDS, TITLES, WATER_3, amend, charter_with_history

AS_OF = dt.date(2026, 1, 1)


def page_entries(project: Path, namespace: str = "pages") -> dict[str, tuple[int, int]]:
    """Each page's entry, by its place in the pack: a page rendered again is kept at a new place."""
    return packs.places(project / ".cache" / "charter", namespace)


def rendered_pages(project: Path, before: dict[str, tuple[int, int]], namespace: str = "pages") -> list[str]:
    """The pages whose entries were written since `before`: the pages rendered."""
    cache = project / ".cache" / "charter"
    return sorted(json.loads(packs.payload_text(cache, namespace, key))["page"]
                  for key, place in page_entries(project, namespace).items() if before.get(key) != place)


TEMPLATES = REPO_ROOT / "site_overrides" / "charter"


def version_pages(project: Path, templates: Path = TEMPLATES, part: str = "/v/",
                  as_of: dt.date = AS_OF) -> dict[str, str]:
    """Every version page's body (before the theme's chrome), from a build with the project's cache; with
    `part`, the pages whose address holds that instead."""
    settings = Settings(project, project / "agreements", project / "charter", templates, as_of=as_of,
                        cache_dir=project / ".cache" / "charter")
    output = compose(settings, fallback_as_of=as_of)
    assert output.site is not None
    return {page.url: page.html for page in output.site.pages if part in page.url}


def test_a_rebuild_renders_only_the_pages_whose_inputs_changed(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    mkdocs_build(project)
    first = page_entries(project)
    per_agreement = {"forest": (1, 2), "seeds": (1,), "water": (1, 2)}
    assert rendered_pages(project, {}) == sorted(
        [f"agreements/{name}/{part}" for name in per_agreement
         for part in ("", "clauses/", "history/", "history/#changes")]
        + [f"agreements/{name}/v/{number}/" for name, numbers in per_agreement.items() for number in numbers]
        + [f"as-of/{year}/" for year in range(2020, 2027)] + ["charter/"])
    mkdocs_build(project)  # nothing changed: no page is rendered
    assert page_entries(project) == first

    amend(repo, "water", WATER_3, "2024-04-01T12:00:00Z")
    mkdocs_build(project)
    assert rendered_pages(project, first) == [
        "agreements/water/",  # its text, and the note under the amended clause
        "agreements/water/clauses/",  # its amended clause has one more version
        "agreements/water/history/",  # one more version, and its diff
        "agreements/water/history/#changes",
        "agreements/water/v/2/",  # no longer current: replaced on a day, by a version it now links to
        "agreements/water/v/3/",  # the new version
        "as-of/2024/",  # recorded in 2024
        "as-of/2025/", "as-of/2026/",  # standing since; the years before are as they were
        "charter/",  # the water accord's text in it
    ]
    assert len(page_entries(project)) == 26  # one entry a page: a page rendered again replaces its own
    site = project / "site" / "agreements" / "water" / "v"
    assert "Next: version 3" in (site / "2" / "index.html").read_text(encoding="utf-8")
    assert "?from=1#compare" in (site / "1" / "index.html").read_text(encoding="utf-8"), (
        "its comparison with the current text names no number, so a new version leaves the page as it was")


def test_a_page_is_rendered_again_when_an_agreement_it_links_to_is_retitled(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    first = version_pages(project)
    assert ">Seed Exchange, Exchange</a>" in first["agreements/water/v/1/"]
    assert version_pages(project) == first  # from the cache
    entries = page_entries(project)
    repo.write("agreements/seeds.md", agreement("Seed Commons", body=SEEDS))
    repo.git("commit", "-q", "-am", "Retitle the seeds", date="2024-05-01T12:00:00Z")
    again = version_pages(project)
    assert again["agreements/water/v/1/"] == first["agreements/water/v/1/"].replace(
        "Seed Exchange, Exchange", "Seed Commons, Exchange")
    # The pages whose text links to the seeds' (both versions of the water accord), and the seeds' new one.
    assert rendered_pages(project, entries) == ["agreements/seeds/v/1/", "agreements/seeds/v/2/",
                                                "agreements/water/v/1/", "agreements/water/v/2/"]


def test_a_version_that_cannot_be_read_names_the_agreement_by_its_title_today(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    repo.write("agreements/forest.md", "---\ntitle: [unclosed\n---\nBroken.\n")
    repo.git("commit", "-q", "-am", "Break the forest paths", date="2024-01-01T12:00:00Z")
    repo.write("agreements/forest.md", agreement(TITLES["forest"], body="## Paths\n\nOpen.\n"))
    repo.git("commit", "-q", "-am", "Mend the forest paths", date="2024-02-01T12:00:00Z")
    broken = version_pages(project)["agreements/forest/v/3/"]
    assert "could not be read as an agreement" in broken and "<h1>Forest Paths</h1>" in broken
    repo.write("agreements/forest.md", agreement("Open Forest Paths", body="## Paths\n\nOpen.\n"))
    repo.git("commit", "-q", "-am", "Retitle the forest paths", date="2024-03-01T12:00:00Z")
    pages = version_pages(project)
    retitled = broken.replace("<h1>Forest Paths</h1>", "<h1>Open Forest Paths</h1>")
    assert pages["agreements/forest/v/3/"] == retitled
    assert "<h1>Forest Paths</h1>" in pages["agreements/forest/v/2/"]  # a readable text keeps its own title


def test_a_consent_renders_again_only_the_version_it_consents_to(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    first = version_pages(project)
    entries = page_entries(project)
    repo.git("commit", "-q", "--allow-empty", "-m", "Consent", "--trailer", "Consented-by: valley-farmers",
             "--trailer", "Consent-to: water v1", date="2024-06-01T12:00:00Z")
    again = version_pages(project)
    assert rendered_pages(project, entries) == ["agreements/water/v/1/"]
    row = "charter-consents__row--declared"
    assert row not in first["agreements/water/v/1/"]
    assert "Valley Farmers&#39; Assembly</a></td>" in again["agreements/water/v/1/"].split(row, 1)[1]
    assert {url: html for url, html in again.items() if url != "agreements/water/v/1/"} == {
        url: html for url, html in first.items() if url != "agreements/water/v/1/"}


def test_every_page_is_rendered_again_when_a_template_changes(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    charter_with_history(project)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    first = version_pages(project, templates)
    macros = templates / "macros.html"  # imported by version.html: a template it reads, not its own file
    macros.write_text(macros.read_text(encoding="utf-8").replace("No edition has been made.",
                                                                 "No edition yet."), encoding="utf-8")
    again = version_pages(project, templates)
    assert again == {url: html.replace("No edition has been made.", "No edition yet.")
                     for url, html in first.items()}
    assert all("No edition yet." in html for html in again.values())


PAGES_FROM_RECORDS = [("agreement.html", "agreements/water/"), ("version.html", "/v/"), ("history.html", "/history/"),
                      ("history-changes.html", "/history/"), ("clauses.html", "/clauses/"),
                      ("as-of-year.html", "as-of/"), ("composite.html", "charter/"),
                      ("edition.html", "editions/edition-2023/"), ("agreements.html", "agreements/"),
                      ("grouped.html", "status/"), ("grouped.html", "levels/"), ("theme.html", "themes/"),
                      ("party.html", "parties/"), ("consent.html", "consent/")]


@pytest.mark.parametrize(("template", "part"), PAGES_FROM_RECORDS)
def test_a_template_that_reads_outside_the_page_record_fails_instead_of_going_stale(
        tmp_path: Path, template: str, part: str) -> None:
    project = tmp_path / "charter"
    charter_with_history(project).git("tag", "-a", "edition-2023", "-m", "The 2023 edition",
                                      date="2023-06-01T12:00:00Z")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    page = templates / template
    text, read = page.read_text(encoding="utf-8"), "{{ histories | length }}\n"
    if "{% extends" in text:  # what a child writes outside its blocks is never rendered
        head, _, tail = text.rpartition("{% endblock %}")
        page.write_text(f"{head}{read}{{% endblock %}}{tail}", encoding="utf-8")
    else:
        page.write_text(text + read, encoding="utf-8")
    with pytest.raises(TemplateFailure, match="histories"):
        version_pages(project, templates, part)


@pytest.mark.parametrize(("part", "page", "shown", "times"), [
    ("/history/", "agreements/water/history/", 'class="charter-change"', 3),
    ("/clauses/", "agreements/water/clauses/", 'class="charter-change charter-clause-history__version"', 4),
    ("/clauses/", "agreements/seeds/clauses/", 'Cited by <a href="../../water/">Water Accord</a>', 1),
    ("as-of/", "as-of/2024/", 'class="charter-list__item charter-asof__item"', 4),  # 3 standing, 1 recorded
    ("agreements/seeds/", "agreements/seeds/", 'class="charter-clause-note"', 2),  # a note under each clause
    ("agreements/seeds/", "agreements/seeds/", '<a href="../water/">Water Accord</a> (on <a href="#exchange">', 1),
    ("agreements/water/", "agreements/water/", 'href="history/#v3-', 1),
])
def test_a_page_from_its_record_in_the_cache_reads_as_one_rendered_afresh(
        tmp_path: Path, part: str, page: str, shown: str, times: int) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    amend(repo, "water", WATER_3, "2024-04-01T12:00:00Z")
    rendered = version_pages(project, part=part)
    entries = page_entries(project)
    assert version_pages(project, part=part) == rendered  # from the cache: nothing written
    assert page_entries(project) == entries
    settings = Settings(project, project / "agreements", project / "charter", TEMPLATES, as_of=AS_OF)
    output = compose(settings, fallback_as_of=AS_OF)  # no cache at all
    assert output.site is not None
    assert {found.url: found.html for found in output.site.pages if part in found.url} == rendered
    assert rendered[page].count(shown) == times


def test_a_corrupt_or_foreign_page_entry_is_rendered_again(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    charter_with_history(project)
    first = version_pages(project)
    entries = sorted(page_entries(project))
    assert len(entries) == len(first)
    for number, key in enumerate(entries):
        packs.damage(project / ".cache" / "charter", "pages", key,
                     (lambda text: text.replace("Seeds", "<script>alert(1)</script>"))
                     if number % 2 else (lambda text: text[:20]))
    assert version_pages(project) == first


def test_a_page_without_a_cache_reads_as_one_from_the_cache(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    repo.git("commit", "-q", "--allow-empty", "-m", "Consent", "--trailer", "Consented-by: valley-farmers",
             "--trailer", "Consent-to: water v2", date="2024-06-01T12:00:00Z")
    cached = version_pages(project)
    assert version_pages(project) == cached
    settings = Settings(project, project / "agreements", project / "charter", TEMPLATES, as_of=AS_OF)
    output = compose(settings, fallback_as_of=AS_OF)
    assert output.site is not None
    assert {page.url: page.html for page in output.site.pages if "/v/" in page.url} == cached
    assert "Built as of" in cached["agreements/water/v/2/"]  # the current text's printed stamp names the date
    assert "Built as of" not in cached["agreements/water/v/1/"]


def test_a_new_edition_is_named_on_every_version_page(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    first = version_pages(project)
    assert all("No edition has been made." in html for html in first.values())
    repo.git("tag", "-a", "edition-2024", "-m", "The charter as of 2024", date="2024-01-01T12:00:00Z")
    again = version_pages(project)
    assert "It reads as at the latest edition, edition-2024." in again["agreements/water/v/2/"]
    assert "The latest edition, edition-2024, holds version 2." in again["agreements/water/v/1/"]


def test_a_retitled_agreement_keeps_each_old_version_under_its_own_title(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    mkdocs_build(project)
    entries = page_entries(project)
    repo.write("agreements/water.md", agreement("Valley Water Commons", body=WATER_3))
    repo.git("commit", "-q", "-am", "Retitle the water accord", date="2024-04-01T12:00:00Z")
    mkdocs_build(project)
    assert rendered_pages(project, entries) == [
        "agreements/seeds/",  # cited by the water accord, by its new title
        "agreements/seeds/clauses/",  # the water accord cites a clause of the seeds': by its new title
        "agreements/water/",
        "agreements/water/clauses/", "agreements/water/history/", "agreements/water/history/#changes",
        "agreements/water/v/2/", "agreements/water/v/3/",  # version 1 keeps its body: only its chrome's title
        "as-of/2024/", "as-of/2025/", "as-of/2026/",  # the years before show the version then, by its title then
        "charter/",  # the water accord under its new title
    ]
    old = (project / "site" / "agreements" / "water" / "v" / "1" / "index.html").read_text(encoding="utf-8")
    new = (project / "site" / "agreements" / "water" / "v" / "3" / "index.html").read_text(encoding="utf-8")
    assert "<title>Valley Water Commons (version 1)" in old and "<h1>Water Accord</h1>" in old
    assert "<h1>Valley Water Commons</h1>" in new


def test_a_rebuild_writes_again_only_the_feeds_whose_entries_changed(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    repo = charter_with_history(project)
    mkdocs_build(project)
    first = page_entries(project, "feeds")
    assert len(first) == 4  # the charter's, and one an agreement
    feed = (project / "site" / "agreements" / "water" / "feed.xml").read_bytes()
    mkdocs_build(project)
    assert page_entries(project, "feeds") == first
    amend(repo, "water", WATER_3, "2024-04-01T12:00:00Z")
    mkdocs_build(project)
    assert rendered_pages(project, first, "feeds") == ["agreements/water/feed.xml", "feed.xml"]
    again = (project / "site" / "agreements" / "water" / "feed.xml").read_bytes()
    assert again.count(b"<entry>") == feed.count(b"<entry>") + 1
    shutil.rmtree(project / ".cache")  # a feed written afresh reads as the one kept
    mkdocs_build(project)
    assert (project / "site" / "agreements" / "water" / "feed.xml").read_bytes() == again


def test_a_new_build_date_in_the_same_year_renders_no_history_page_but_each_timeline_runs_to_it(
        tmp_path: Path) -> None:
    project = tmp_path / "charter"
    charter_with_history(project)
    first = version_pages(project, part="/history/")
    entries, feeds = page_entries(project), page_entries(project, "feeds")
    later = version_pages(project, part="/history/", as_of=AS_OF + dt.timedelta(days=40))
    assert page_entries(project, "feeds") == feeds  # each dated by its newest entry
    assert rendered_pages(project, entries) == []  # the axis runs over whole years: the drawing is the same
    for url, html in later.items():
        assert "dashed line: as of 2026-02-10" in html and "dashed line: as of 2026-01-01" in first[url]
        line = re.compile(r'class="charter-timeline__today" x1="([0-9.]+)"')
        assert float(line.findall(html)[0]) > float(line.findall(first[url])[0])  # forty days on
        assert html.split('<h2 id="changes">')[1] == first[url].split('<h2 id="changes">')[1]
        assert "charter'" not in html  # no slot is left

    next_year = version_pages(project, part="/history/", as_of=dt.date(2027, 3, 1))
    # Each timeline runs to the build's year; the changes and the comparison, most of the page, do not.
    assert rendered_pages(project, entries) == [f"agreements/{name}/history/"
                                                for name in ("forest", "seeds", "water")]
    for url, html in next_year.items():
        assert "2027" in html.split('<h2 id="versions">')[0] and "dashed line: as of 2027-03-01" in html
        assert html.split('<h2 id="changes">')[1] == first[url].split('<h2 id="changes">')[1]


def test_a_new_day_renders_no_agreement_page_or_version_again_but_each_stamp_names_it(tmp_path: Path) -> None:
    project = tmp_path / "charter"
    charter_with_history(project)
    version_pages(project, part="agreements/")
    entries = page_entries(project)
    next_day = AS_OF + dt.timedelta(days=1)
    pages = version_pages(project, part="agreements/", as_of=next_day)
    assert [page for page in rendered_pages(project, entries) if "/history/" not in page] == []
    stamp = 'Built as of <time datetime="2026-01-02">2026-01-02</time>.'
    assert sorted(url for url, html in pages.items() if stamp in html) == [
        "agreements/forest/", "agreements/forest/v/2/", "agreements/seeds/", "agreements/seeds/v/1/",
        "agreements/water/", "agreements/water/v/2/"]  # each agreement's page and its current text
    assert not any("charter:built-as-of" in html for html in pages.values())
