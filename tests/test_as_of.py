"""One "as of" date per build: a charter last committed on 2020-03-01, with an uncommitted edit, built on
a machine whose clock says otherwise, shows 2020-03-01 everywhere and never the machine's date; and
`charter check` measures overdue reviews against the same date as the build."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.gitrepo import BASE_ENV, GitRepo
from tests.project import agreement, mkdocs_yml, write_project

LAST_COMMIT = "2020-03-01"
OVERDUE_THEN = agreement("Water Accord", adopted="2018-06-01", review_by="2019-06-01", body="## Shares\n\nBy season.\n")
OVERDUE_SINCE = agreement("Seed Exchange", adopted="2020-01-01", review_by="2021-01-01", body="## Seeds\n\nSwap them.\n")
"""Due after the last commit but before today: overdue only if a stage measured against the machine's clock."""


def date_forms(day: dt.date) -> list[bytes]:
    """The ways a page, a feed, the search index or the sitemap could write a date."""
    forms = {day.isoformat(), day.strftime("%Y%m%d"), day.strftime("%d %B %Y"), day.strftime("%B %d, %Y"),
             day.strftime("%b %d, %Y"), day.strftime("%d/%m/%Y"), day.strftime("%m/%d/%Y"),
             f"{day.day} {day:%B %Y}", f"{day:%B} {day.day}, {day.year}"}
    return [form.encode() for form in sorted(forms)]


def environment() -> dict[str, str]:
    """The build's own environment, with no SOURCE_DATE_EPOCH to fix its date from outside."""
    env = {**os.environ, **BASE_ENV, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, set[dt.date]]:
    project = write_project(tmp_path_factory.mktemp("as-of"), {"water.md": OVERDUE_THEN},
                            config=mkdocs_yml() + "site_url: https://example.org/charter/\n")  # a sitemap with dates
    repo = GitRepo(project)
    repo.commit("Write the charter", date="2019-01-10T10:00:00Z")
    repo.commit("Add the seed exchange", date=f"{LAST_COMMIT}T10:00:00Z", **{"agreements__seeds.md": OVERDUE_SINCE})
    repo.write("agreements/seeds.md", OVERDUE_SINCE.replace("Swap them.", "Swap them, freely."))
    repo.write("agreements/loose.md", agreement("Loose Practice", status="proposed"))
    days = {dt.date.today()}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=environment(),
                            capture_output=True, text=True, timeout=300)
    days.add(dt.date.today())
    assert result.returncode == 0, result.stderr
    assert dt.date.fromisoformat(LAST_COMMIT) not in days, "the machine's clock reads the charter's date"
    return project, result.stderr, days


def overdue(lines: str) -> list[str]:
    return sorted(re.findall(r"agreements/\S+:\d+(?::\d+)?: notice\[review-overdue\]: [^\n]*", lines))


def test_no_output_file_holds_the_machines_date(built: tuple[Path, str, set[dt.date]]) -> None:
    project, _, days = built
    forms = [form for day in days for form in date_forms(day)]
    files = [path for path in (project / "site").rglob("*") if path.is_file()]
    assert {"feed.xml", "search_index.json", "sitemap.xml", "sitemap.xml.gz"} <= {path.name for path in files}
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".gz":
            stamp = int.from_bytes(data[4:8], "little")  # gzip's own modification time
            assert dt.datetime.fromtimestamp(stamp, dt.UTC).date() not in days, path
            data = gzip.decompress(data)
        found = [form.decode() for form in forms if form in data]
        assert not found, f"{path.relative_to(project)} holds {found}"


def test_the_uncommitted_edit_is_dated_as_of_the_last_commit(built: tuple[Path, str, set[dt.date]]) -> None:
    site = built[0] / "site"
    history = (site / "agreements" / "seeds" / "history" / "index.html").read_text(encoding="utf-8")
    assert f"Version 2, {LAST_COMMIT} (uncommitted)" in history
    changes = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert changes.count(f'<time datetime="{LAST_COMMIT}">') == 4  # two uncommitted versions, one commit
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap)) == {LAST_COMMIT}
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert search["docs"], "the search index was written"


def test_check_and_the_build_report_the_same_overdue_reviews(built: tuple[Path, str, set[dt.date]],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    project, build_log, _ = built
    monkeypatch.chdir(project)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    assert main(["check"]) == 0
    checked = overdue(capsys.readouterr().out)
    assert checked == overdue(build_log) == [
        "agreements/water.md:6:12: notice[review-overdue]: review was due on 2019-06-01"]
    assert main(["check", "--as-of", "today"]) == 0
    assert overdue(capsys.readouterr().out) == [
        "agreements/seeds.md:6:12: notice[review-overdue]: review was due on 2021-01-01", *checked]
    assert main(["check", "--as-of", "2019-01-01", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["notice"] == 0


def test_a_date_that_is_not_one_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check", "--as-of", "yesterday"])
    assert caught.value.code == 2
    assert "argument --as-of: 'yesterday' is not a date; write YYYY-MM-DD or today" in capsys.readouterr().err
