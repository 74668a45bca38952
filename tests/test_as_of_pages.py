"""The as-of pages and version pages of a build from a real repository: the index, the year pages and
what each version page says about when it was current and where its neighbours are."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

from generator.compose import BuildOutput, compose
from generator.history.intervals import Interval
from generator.model import Agreement
from generator.pages import Site
from generator.pages.asof import Entry, grouped
from generator.settings import Settings
from tests.gitrepo import GitRepo
from tests.project import REPO_ROOT, agreement, write_project

AS_OF = dt.date(2021, 6, 1)
TEMPLATES = REPO_ROOT / "site_overrides" / "charter"
HOSTILE = "Seeds </script><!-- & more"


def at(day: str, hour: int = 12) -> str:
    return f"{day}T{hour:02d}:00:00Z"


def files(**texts: str) -> dict[str, str]:
    return {f"agreements__{name}.md": text for name, text in texts.items()}


def water(status: str, text: str = "By season.") -> str:
    return agreement("Water Accord", status, body=f"## Shares\n\n{text}\n",
                     **({"adopted": "2020-03-01"} if status != "proposed" else {}))


def settings_for(root: Path, **options: object) -> Settings:
    return Settings(root, root / "agreements", root / "charter", TEMPLATES, as_of=AS_OF,
                    **options)  # type: ignore[arg-type]


def commit_history(repo: GitRepo) -> None:
    """Adoption declared before its commit, amendments (two on one day), an unreadable version, a
    removal and restoration, a supersession and a lapse, from 2019 (declared) to 2021."""
    write_project(repo.root, {}, config="site_name: Test Charter\n")
    repo.commit("Propose water; bring in roads and tools", at("2020-01-10"), **files(
        water=water("proposed"), roads=agreement("Road Sharing", adopted="2019-05-01"),
        tools=agreement("Tool Library", adopted="2020-01-10")))
    repo.commit("Adopt seeds", at("2020-02-01"), **files(seeds=agreement(HOSTILE, adopted="2020-02-01")))
    repo.commit("Adopt water", at("2020-03-05"), **files(water=water("in-force")))
    repo.git("rm", "-q", "agreements/seeds.md")
    repo.commit("Remove seeds", at("2020-04-01"))
    repo.commit("Break tools", at("2020-05-01"), **files(tools="---\ntitle: [unclosed\n---\n"))
    repo.commit("Amend water: need", at("2020-06-01", 9), **files(water=water("in-force", "By need.")))
    repo.commit("Amend water: turns", at("2020-06-01", 18), **files(water=water("in-force", "By turns.")))
    repo.commit("Mend tools", at("2020-07-01"),
                **files(tools=agreement("Tool Library", adopted="2020-01-10")))
    repo.commit("Restore seeds", at("2020-08-01"),
                **files(seeds=agreement("Seed Exchange", adopted="2020-02-01")))
    repo.commit("Forest supersedes roads", at("2020-09-01"), **files(
        forest=agreement("Forest Pact", adopted="2020-09-01", supersedes="[roads]"),
        roads=agreement("Road Sharing", "superseded", adopted="2019-05-01")))
    repo.commit("Water lapsed", at("2021-01-01"), **files(water=water("lapsed", "By turns.")))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = GitRepo(tmp_path_factory.mktemp("as-of") / "repo")
    commit_history(repo)
    return repo.root


@pytest.fixture(scope="module")
def built(project: Path) -> BuildOutput:
    output = compose(settings_for(project), fallback_as_of=AS_OF)
    assert output.site is not None, output.load.problems
    return output


def site_of(output: BuildOutput) -> Site:
    assert output.site is not None
    return output.site


def page(output: BuildOutput, url: str) -> str:
    return next(p.html for p in site_of(output).pages if p.url == url)


def text(fragment: str) -> str:
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return words.replace(" .", ".").replace(" ,", ",").replace(" :", ":")


ITEM = r'<li class="charter-list__item charter-asof__item">(.*?)</li>'


def items(page_html: str, section: str) -> list[str]:
    """The text of each entry of a list in one section (`standing` or `recorded`) of a year page."""
    part = page_html.split(f'id="{section}"', 1)[1].split("<h2", 1)[0]
    return [text(item) for item in re.findall(ITEM, part)]


def test_the_index_holds_every_interval_compactly_and_safely(built: BuildOutput) -> None:
    asset = next(a for a in site_of(built).assets if a.path == "as-of/index.json")
    raw = asset.content.decode("utf-8")
    assert "<" not in raw and ">" not in raw and "&" not in raw, "safe to embed in a page"
    index = json.loads(raw)
    assert index["built"] == "2021-06-01" and index["first"] == "2019-05-01"
    assert [(a["id"], a["url"], a["versions"]) for a in index["agreements"]] == [
        ("forest", "agreements/forest/", [[1, "2020-09-01", None, "in-force"]]),
        ("roads", "agreements/roads/", [[1, "2019-05-01", "2020-09-01", "in-force"],
                                        [2, "2020-09-01", None, "superseded"]]),
        ("seeds", "agreements/seeds/", [[1, "2020-02-01", "2020-04-01", "in-force", HOSTILE],
                                        [2, "2020-04-01", "2020-08-01", "removed"],
                                        [3, "2020-08-01", None, "in-force"]]),
        ("tools", "agreements/tools/", [[1, "2020-01-10", "2020-07-01", "in-force"],
                                        [3, "2020-07-01", None, "in-force"]]),
        ("water", "agreements/water/", [[1, "2020-01-10", "2020-03-01", "proposed"],
                                        [2, "2020-03-01", "2020-06-01", "in-force"],
                                        [3, "2020-06-01", "2020-06-01", "in-force"],
                                        [4, "2020-06-01", "2021-01-01", "in-force"],
                                        [5, "2021-01-01", None, "lapsed"]]),
    ]
    as_of_page = page(built, "as-of/")
    embedded = re.search(r'<script type="application/json" class="charter-asof__index">(.*?)</script>',
                         as_of_page, re.S)
    assert embedded is not None and embedded[1] + "\n" == raw, "the page embeds the index as it is published"
    assert "</script><!--" not in as_of_page


def test_each_year_lists_the_charter_at_its_end_and_what_it_recorded(built: BuildOutput) -> None:
    urls = [p.url for p in site_of(built).pages if p.url.startswith("as-of/")]
    assert urls == ["as-of/", "as-of/2019/", "as-of/2020/", "as-of/2021/"]
    year = page(built, "as-of/2020/")
    assert text(year.split("</h1>")[0]) == "The charter as of 2020-12-31"
    assert items(year, "standing") == [
        "Forest Pact version 1 in force current since 2020-09-01",
        "Seed Exchange version 3 in force current since 2020-08-01",
        "Tool Library version 3 in force current since 2020-07-01",
        "Water Accord version 4 in force current since 2020-06-01",
        "Road Sharing version 2 superseded current since 2020-09-01",
    ]
    assert items(year, "recorded") == [
        "2020-01-10: Tool Library version 1 in force",
        "2020-01-10: Water Accord version 1 proposed",
        f"2020-02-01: {HOSTILE} version 1 in force",
        "2020-03-01: Water Accord version 2 in force",
        "2020-04-01: Seed Exchange version 2 removed",
        "2020-06-01: Water Accord version 3 in force (replaced the same day)",
        "2020-06-01: Water Accord version 4 in force",
        "2020-07-01: Tool Library version 3 in force",
        "2020-08-01: Seed Exchange version 3 in force",
        "2020-09-01: Forest Pact version 1 in force",
        "2020-09-01: Road Sharing version 2 superseded",
    ]
    assert '<a rel="prev" href="../2019/">' in year and '<a rel="next" href="../2021/">' in year
    this_year = page(built, "as-of/2021/")
    assert text(this_year.split("</h1>")[0]) == "The charter as of 2021-06-01", "the build's year: its date"
    assert items(this_year, "standing")[3:] == ["Water Accord version 5 lapsed current since 2021-01-01",
                                                "Road Sharing version 2 superseded current since 2020-09-01"]
    assert 'rel="next"' not in this_year
    first = page(built, "as-of/2019/")
    assert items(first, "standing") == ["Road Sharing version 1 in force current since 2019-05-01"]
    assert 'rel="prev"' not in first


def test_the_page_links_every_year_and_says_there_is_no_edition(built: BuildOutput) -> None:
    as_of_page = page(built, "as-of/")
    assert re.findall(r'<li><a href="(\d{4}/)">', as_of_page) == ["2021/", "2020/", "2019/"]
    assert '<a class="charter-asof__permalink" href="#2021-06-01">' in as_of_page, "the build's date"
    assert "No editions yet." in as_of_page


def current(version_page: str) -> str:
    return text(version_page.split('<p class="charter-version__current">', 1)[1].split("</p>", 1)[0])


@pytest.mark.parametrize("url, expected", [
    ("agreements/water/v/1/", "Current from 2020-01-10 until 2020-03-01, when version 2 replaced it. "
                              "The charter as of 2020-01-10."),
    ("agreements/water/v/2/", "Current from 2020-03-01 until 2020-06-01, when version 3 replaced it. It took "
                              "effect on the adoption its parties declared; it was committed on 2020-03-05. "
                              "The charter as of 2020-03-01."),
    ("agreements/water/v/3/", "Current on no day's record: version 4 replaced it on the day it took effect, "
                              "2020-06-01."),
    ("agreements/water/v/5/", "Current since 2021-01-01. The charter as of 2021-01-01."),
    ("agreements/seeds/v/2/", "The agreement was not in the charter from 2020-04-01 until 2020-08-01, when "
                              "version 3 restored it. The charter as of 2020-04-01."),
    ("agreements/tools/v/2/", "Committed on 2020-05-01, but its text could not be read: the charter as of a "
                              "date passes over it and shows the version before it."),
    ("agreements/roads/v/1/", "Current from 2019-05-01 until 2020-09-01, when version 2 replaced it. It took "
                              "effect on the adoption its parties declared; it was committed on 2020-01-10. "
                              "The charter as of 2019-05-01."),
])
def test_each_version_page_says_when_it_was_current(built: BuildOutput, url: str, expected: str) -> None:
    assert current(page(built, url)) == expected


def nav(version_page: str) -> list[tuple[str, str]]:
    part = version_page.split('<nav class="charter-pager charter-version__nav"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="([^"]+)">(.*?)</a>', part)
    return [(html.unescape(href), text(words)) for href, words in links]


def test_version_pages_link_their_neighbours_their_change_and_the_current_text(built: BuildOutput) -> None:
    assert nav(page(built, "agreements/water/v/1/")) == [
        ("../../history/#change-1", "What changed in this version"),
        ("../../history/?from=1#compare", "Compare with the current text"),
        ("../2/", "Next: version 2"),
    ]
    assert nav(page(built, "agreements/water/v/3/")) == [
        ("../2/", "Previous: version 2"),
        ("../../history/#change-3", "What changed in this version"),
        ("../../history/?from=3#compare", "Compare with the current text"),
        ("../4/", "Next: version 4"),
    ]
    assert nav(page(built, "agreements/water/v/5/")) == [
        ("../4/", "Previous: version 4"), ("../../history/#change-5", "What changed in this version")]
    assert nav(page(built, "agreements/seeds/v/2/")) == [
        ("../1/", "Previous: version 1"), ("../../history/#change-2", "What changed in this version"),
        ("../3/", "Next: version 3")], "a removal has no text to compare"
    history = page(built, "agreements/water/history/")
    assert all(f'id="change-{number}"' in history for number in range(1, 6))


def test_without_history_the_page_says_there_is_no_record(project: Path) -> None:
    output = compose(settings_for(project, history=False), fallback_as_of=AS_OF)
    assert [p.url for p in site_of(output).pages if p.url.startswith("as-of/")] == ["as-of/"]
    assert "No version of any agreement is on record" in page(output, "as-of/")
    assert "<script" not in page(output, "as-of/"), "nothing to pick from"
    index = json.loads(next(a for a in site_of(output).assets if a.path == "as-of/index.json").content)
    assert index["agreements"] == [] and index["first"] is None


def test_a_status_no_longer_in_the_vocabulary_is_listed_under_other() -> None:
    water = Agreement("water", "agreements/water.md", "Water Accord", "in-force", (), "")
    entries = [Entry(water, Interval(1, dt.date(2001, 1, 1), None, status, "", dt.date(2001, 1, 1)))
               for status in ("active", "lapsed", "in-force")]
    assert [(status, heading, [entry.interval.status for entry in found])
            for status, heading, found in grouped(entries)] == [
        ("in-force", "In force", ["in-force"]), ("lapsed", "Lapsed", ["lapsed"]),
        ("other", "Other", ["active"])]


def test_a_version_dated_before_the_one_before_it_counts_from_that_ones_start(git_repo: GitRepo) -> None:
    write_project(git_repo.root, {}, config="site_name: Test Charter\n")
    git_repo.commit("Dam", at("2020-05-10"), **files(dam=agreement("Dam Watch", adopted="2020-05-10")))
    rewritten = agreement("Dam Watch", adopted="2020-05-10", body="## Purpose\n\nTo watch.\n")
    git_repo.commit("Dam, rebased from earlier", at("2020-05-01"), **files(dam=rewritten))
    output = compose(settings_for(git_repo.root), fallback_as_of=AS_OF)
    assert current(page(output, "agreements/dam/v/2/")) == (
        "Current since 2020-05-10. Its commit is dated 2020-05-01, before the version before it took effect, "
        "so it counts from then. The charter as of 2020-05-10.")
    assert current(page(output, "agreements/dam/v/1/")) == (
        "Current on no day's record: version 2 replaced it on the day it took effect, 2020-05-10.")
