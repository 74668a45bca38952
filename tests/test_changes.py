"""The changes page and the renewal timeline, from a real git history with fixed dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cache import BlobCache
from generator.diffs.consecutive import history_diffs
from generator.history.versions import AgreementHistory
from generator.source.loader import load_charter
from generator.model import Charter
from generator.pages import Site, build_site
from generator.pages.changes import (
    COUNTED_LABELS,
    YearCount,
    charter_changes,
    last_renewal,
    year_chart_svg,
    yearly_counts,
)
from generator.settings import Settings
from tests.gitrepo import BASE_ENV, GitRepo, read_histories
from tests.golden import assert_golden
from tests.project import REPO_ROOT, agreement, site_settings, write_project

AS_OF = dt.date(2024, 6, 1)
HOSTILE = "<script>alert(1)</script>"
MALLORY = "Mallory <mallory@example.org>"
PROPOSED_WATER = agreement("Water Accord", status="proposed")
ADOPTED = {"adopted": "2021-02-01", "review_by": "2022-02-01"}
WATER = agreement("Water Accord", **ADOPTED)
AMENDED = agreement("Water Accord", body="## Purpose\n\nTo share, in turn.\n", **ADOPTED)
RENEWED = agreement("Water Accord", body="## Purpose\n\nTo share, in turn.\n",
                    **{**ADOPTED, "review_by": "2023-02-01"})
SEEDS = {"title": f'"{HOSTILE}"', "body": "## Seeds\n\nSwap them.\n"}


def day(value: str) -> str:
    return f"{value}T12:00:00Z"


@dataclass(frozen=True)
class Built:
    root: Path
    charter: Charter
    histories: dict[str, AgreementHistory]

    def site(self, site_url: str | None = None) -> Site:
        return build_site(self.charter, site_settings(site_url=site_url), AS_OF, histories=self.histories,
                          diffs=history_diffs(self.histories, BlobCache(None)))


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git config, and no repository above the temporary folder."""
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def make_history(repo: GitRepo) -> None:
    """Water: proposed, adopted, amended, renewed; Old Deal committed already in force; the seeds
    deal (a hostile title) adopted by someone else; Loose Practice written but never committed."""
    write_project(repo.root, {})
    seeds = agreement(HOSTILE, status="proposed", body=SEEDS["body"]).replace(
        f"title: {HOSTILE}", f"title: {SEEDS['title']}")
    repo.commit("Propose water and seeds", day("2021-01-10"),
                **{"agreements/water.md": PROPOSED_WATER, "agreements/seeds.md": seeds})
    repo.commit("Adopt water\n\nAt the spring assembly.", day("2021-02-01"), **{"agreements/water.md": WATER})
    repo.commit("Amend water access", day("2021-03-05"), **{"agreements/water.md": AMENDED})
    old = agreement("Old Deal", adopted="2015-06-01", review_by="2030-01-01")
    repo.commit("Renew water; record the old deal", day("2022-01-20"),
                **{"agreements/water.md": RENEWED, "agreements/old.md": old})
    adopted_seeds = seeds.replace("status: proposed", "status: in-force").replace(
        "---\n## Seeds", "adopted: 2023-05-01\nreview_by: 2024-09-01\n---\n## Seeds")
    repo.commit(HOSTILE, day("2023-05-05"), author=MALLORY, **{"agreements/seeds.md": adopted_seeds})
    repo.write("agreements/loose.md", agreement("Loose Practice", adopted="2018-04-01"))


def read_built(root: Path) -> Built:
    settings = Settings(root, root / "agreements", root / "charter", REPO_ROOT / "site_overrides" / "charter")
    result = load_charter(settings, AS_OF)
    assert not result.errors, result.errors
    charter = result.charter
    paths = {a.id: a.path for a in charter.agreements}
    return Built(root, charter, read_histories(root, paths, AS_OF, "charter")[1])


@pytest.fixture
def built(git_repo: GitRepo) -> Built:
    make_history(git_repo)
    return read_built(git_repo.root)


def test_changes_are_listed_newest_first_by_date_then_agreement_then_version(built: Built) -> None:
    rows = [
        (c.event.date.isoformat(), c.agreement.id, c.version.number, c.event.kind, c.event.detail,
         c.version.revision.author_name if c.version.revision else "",
         c.version.revision.subject if c.version.revision else "")
        for c in charter_changes(built.charter, built.histories)
    ]
    assert rows == [
        ("2024-06-01", "loose", 1, "proposed", "in-force", "", ""),
        ("2024-06-01", "loose", 1, "adopted", "", "", ""),
        ("2023-05-05", "seeds", 2, "adopted", "from proposed", "Mallory", HOSTILE),
        ("2022-01-20", "old", 1, "proposed", "in-force", "Ana Example", "Renew water; record the old deal"),
        ("2022-01-20", "old", 1, "adopted", "", "Ana Example", "Renew water; record the old deal"),
        ("2022-01-20", "water", 4, "renewed", "review by 2023-02-01", "Ana Example",
         "Renew water; record the old deal"),
        ("2021-03-05", "water", 3, "amended", "", "Ana Example", "Amend water access"),
        ("2021-02-01", "water", 2, "adopted", "from proposed", "Ana Example", "Adopt water"),
        ("2021-01-10", "seeds", 1, "proposed", "proposed", "Ana Example", "Propose water and seeds"),
        ("2021-01-10", "water", 1, "proposed", "proposed", "Ana Example", "Propose water and seeds"),
    ]
    committed = charter_changes(built.charter, built.histories, committed_only=True)
    assert [c.agreement.id for c in committed][:2] == ["seeds", "old"]


def _cells(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.DOTALL)]
            for row in rows]


def test_changes_page_links_each_change_and_escapes_untrusted_text(built: Built) -> None:
    html = next(p.html for p in built.site().pages if p.url == "changes/")
    cells = _cells(html)
    assert cells[0] == ["2024-06-01", "Loose Practice", "Proposed (in-force)", "1", "", "not yet committed"]
    assert cells[2] == ["2023-05-05", "&lt;script&gt;alert(1)&lt;/script&gt;", "Adopted (from proposed)", "2",
                        "Mallory", "&lt;script&gt;alert(1)&lt;/script&gt;"]
    assert cells[5][:4] == ["2022-01-20", "Water Accord", "Renewed (review by 2023-02-01)", "4"]
    assert len(cells) == 10
    assert 'href="../agreements/water/history/#change-4">Renewed</a>' in html
    assert '<a href="../agreements/water/v/4/">4</a>' in html
    assert 'href="../feed.xml"' in html
    assert HOSTILE not in html


def test_years_count_git_events_and_declared_adoptions(built: Built) -> None:
    assert yearly_counts(built.charter, built.histories) == [
        YearCount(2015, adopted=1),  # old: first committed in force, counted in its declared year
        YearCount(2016), YearCount(2017),
        YearCount(2018, adopted=1),  # loose: never committed, counted in its declared year
        YearCount(2019), YearCount(2020),
        YearCount(2021, adopted=1, amended=1),  # water: adopted as its version declares
        YearCount(2022, renewed=1),
        YearCount(2023, adopted=1),
    ]


def test_renewals_page_lists_reviews_due_with_flags(built: Built) -> None:
    html = next(p.html for p in built.site().pages if p.url == "renewals/")
    due = _cells(html.split('id="renewals-due"', 1)[1])
    assert due == [
        ["2023-02-01", "Water Accord", "", "2022-01-20", "overdue"],
        ["2024-09-01", "&lt;script&gt;alert(1)&lt;/script&gt;", "", "2023-05-01", "due soon"],  # as declared
        ["2030-01-01", "Old Deal", "", "2015-06-01", ""],
    ]
    years = re.findall(r'<tr><th scope="row">(\d+)</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>', html)
    assert years[0] == ("2023", "1", "0", "0") and years[-1] == ("2015", "1", "0", "0") and len(years) == 9
    assert html.count('class="charter-year-chart__bar ') == 6
    assert "<title>2021: 1 amendment</title>" in html and "<script" not in html


def test_the_year_chart_tells_its_bars_apart_without_colour(built: Built) -> None:
    chart = year_chart_svg(yearly_counts(built.charter, built.histories))
    paints = {kind: set(re.findall(rf'charter-year-chart__bar--{kind}" [^>]*?(fill="[^"]+")', chart))
              for kind in ("adopted", "amended", "renewed")}
    assert paints == {"adopted": {'fill="#15803d"'}, "amended": {'fill="url(#charter-bars-amended)"'},
                      "renewed": {'fill="url(#charter-bars-renewed)"'}}
    legend = dict(re.findall(r'<rect x="\d+" y="9" width="14" height="14" (fill="[^"]+")[^>]*/>'
                             r'<text[^>]*>(\w+)</text>', chart))
    assert legend == {paint: label for kind, label in COUNTED_LABELS.items() for paint in paints[kind]}
    assert '<pattern id="charter-bars-amended"' in chart and '<pattern id="charter-bars-renewed"' in chart
    assert_golden("pages/year-chart.svg", chart)


def test_last_renewal_prefers_git_renewals_over_the_declared_adoption(built: Built) -> None:
    water = built.charter.by_id["water"]
    assert last_renewal(water, built.histories["water"]) == dt.date(2022, 1, 20)
    assert last_renewal(water, None) == dt.date(2021, 2, 1)


def test_without_history_the_pages_still_build(built: Built) -> None:
    site = build_site(built.charter, site_settings(), AS_OF)
    changes = next(p.html for p in site.pages if p.url == "changes/")
    assert "No changes recorded" in changes
    assert [y.adopted for y in yearly_counts(built.charter, {})] == [1, 0, 0, 1, 0, 0, 1, 0, 1]
    assert year_chart_svg([]) == ""


def test_home_lists_recent_amendments_from_git(built: Built) -> None:
    home = built.site().home_html
    recent = home.split('id="recently-amended"', 1)[1].split("<h2", 1)[0]
    assert '<a href="agreements/water/">Water Accord</a>' in recent
    assert '<time datetime="2021-03-05">2021-03-05</time>' in recent


def test_a_days_changes_are_ordered_by_commit_time_newest_first(git_repo: GitRepo) -> None:
    write_project(git_repo.root, {})
    git_repo.commit("Propose alpha", day("2021-01-01"), **{"agreements/alpha.md": PROPOSED_WATER})
    git_repo.commit("Propose zeta", day("2021-01-01"), **{"agreements/zeta.md": PROPOSED_WATER})
    git_repo.commit("Amend zeta", "2021-05-01T09:00:00Z", **{"agreements/zeta.md": AMENDED})
    git_repo.commit("Amend alpha", "2021-05-01T15:30:00+02:00", **{"agreements/alpha.md": AMENDED})
    git_repo.commit("Amend zeta again", "2021-05-01T16:00:00Z", **{"agreements/zeta.md": RENEWED})
    built = read_built(git_repo.root)
    rows = [(c.event.date.isoformat(), c.agreement.id, c.version.number, c.event.kind)
            for c in charter_changes(built.charter, built.histories)]
    assert rows == [
        ("2021-05-01", "zeta", 3, "renewed"),  # 16:00 UTC
        ("2021-05-01", "alpha", 2, "adopted"),  # 13:30 UTC, though written 15:30 in its own zone
        ("2021-05-01", "alpha", 2, "amended"),  # the events of one version keep their order
        ("2021-05-01", "zeta", 2, "adopted"),  # 09:00 UTC
        ("2021-05-01", "zeta", 2, "amended"),
        ("2021-01-01", "alpha", 1, "proposed"),  # the same second: by agreement id
        ("2021-01-01", "zeta", 1, "proposed"),
    ]
