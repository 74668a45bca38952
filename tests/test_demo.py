"""The demo charter: a deterministic, dated git history whose every edition passes validation."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest

from generator.compose import compose
from generator.demo import DemoSummary, write_demo
from generator.errors import CharterError
from generator.source.loader import LoadResult, load_charter
from generator.settings import Settings
from tests.gitrepo import BASE_ENV

AGREEMENTS = 12


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, env={**os.environ, **BASE_ENV}, check=True,
                            capture_output=True, text=True)
    return result.stdout.strip()


def validate(root: Path) -> LoadResult:
    return load_charter(Settings(root=root, agreements_dir=root / "agreements", docs_dir=root / "charter",
                                 templates_dir=root))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    return write_demo(tmp_path_factory.mktemp("demo") / "charter", seed=1, agreements=AGREEMENTS)


def test_writes_a_git_repository_with_a_clean_working_tree(demo: DemoSummary) -> None:
    root = demo.target
    for name in ("mkdocs.yml", "charter/index.md", "charter/parties.yml", "charter/themes.yml"):
        assert (root / name).is_file(), name
    assert git(root, "rev-parse", "HEAD") == demo.head
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "branch", "--format=%(refname:short)") == "main"  # merged branches are deleted
    assert int(git(root, "rev-list", "--count", "--all")) == demo.commits == AGREEMENTS * 12


def test_commit_dates_strictly_increase(demo: DemoSummary) -> None:
    stamps = [line.split() for line in git(demo.target, "log", "--format=%at %ct").splitlines()]
    assert all(author == committer for author, committer in stamps)
    times = [int(author) for author, _ in reversed(stamps)]
    assert all(earlier < later for earlier, later in pairwise(times))
    assert demo.first.year == 1990 and demo.last.year == 2026


def test_history_has_a_merged_pull_request(demo: DemoSummary) -> None:
    merges = git(demo.target, "log", "--merges", "--format=%P|%s").splitlines()
    assert merges and len(merges) == demo.merges
    parents, subject = merges[0].split("|")
    assert len(parents.split()) == 2
    assert re.fullmatch(r"Merge pull request #\d+ from [a-z]+/[a-z0-9-]+", subject)


def test_editions_are_annotated_tags(demo: DemoSummary) -> None:
    tags = git(demo.target, "for-each-ref", "refs/tags", "--format=%(objecttype) %(refname:short)")
    assert tags.splitlines() == [f"tag {name}" for name in demo.tags]
    assert {"edition-2000", "edition-2010", "edition-2020", "edition-2026"} <= set(demo.tags)
    assert git(demo.target, "rev-parse", "edition-2026^{commit}") == demo.head


def test_agreements_are_moved_into_theme_folders(demo: DemoSummary) -> None:
    renames = [line for line in git(demo.target, "log", "-M", "--name-status", "--format=").splitlines()
               if line.startswith("R")]
    assert renames
    _, old, new = renames[0].split("\t")
    assert old.count("/") == 1 and new.count("/") == 2 and Path(old).name == Path(new).name


def test_commit_messages_read_like_a_charter_history(demo: DemoSummary) -> None:
    log = git(demo.target, "log", "--format=%B")
    for pattern in (r"^Propose [a-z-]+-\d+: ", r"^Adopt [a-z-]+-\d+", r"^Amend [a-z-]+-\d+: rewrite clause '",
                    r"^Renew [a-z-]+-\d+ until \d{4}-\d\d-\d\d", r"superseding [a-z-]+-\d+",
                    r"^Consented-by: [a-z-]+$", r"^Sort agreements into folders by theme"):
        assert re.search(pattern, log, re.MULTILINE), pattern


def test_final_state_passes_validation(demo: DemoSummary) -> None:
    result = validate(demo.target)
    assert result.errors == ()
    charter = result.charter
    assert len(charter.agreements) == AGREEMENTS
    assert charter.with_status("superseded") and charter.with_status("in-force")
    assert all(charter.successors(old.id) for old in charter.with_status("superseded"))
    in_force = charter.with_status("in-force")
    overdue = [a for a in in_force if a.review_by is not None and a.review_by < demo.last]
    assert len(overdue) <= max(1, len(in_force) // 3)  # mostly due in the future, a few overdue


def test_the_demo_records_signed_consents_so_the_ledger_shows_on_a_first_build(demo: DemoSummary) -> None:
    root = demo.target
    settings = Settings(root, root / "agreements", root / "charter", root / "site_overrides" / "charter")
    output = compose(settings, fallback_as_of=dt.date(2030, 1, 1), pages=False)
    assert output.load.errors == () and output.ledger is not None
    assert [problem for problem in output.load.problems if problem.code.startswith("consent")] == []
    verdicts = Counter(consent.verdict for consents in output.ledger.by_party.values() for consent in consents)
    assert verdicts["verified"] == min(8, AGREEMENTS * 12 // 20) and verdicts["declared"] > 20
    last = git(root, "-c", "gpg.ssh.allowedSignersFile=/dev/null", "log", f"-{verdicts['verified'] + 1}",
               "--format=%G?")  # U: a good signature by a key git was not told to trust
    assert last.split() == ["U"] * verdicts["verified"] + ["N"]
    complete = [key for key, ledger in output.ledger.agreements.items()
                if ledger.current is not None and ledger.current.all_verified]
    assert complete, "no agreement has the verified consent of all its parties"


def test_an_earlier_edition_also_passes_validation(demo: DemoSummary, tmp_path: Path) -> None:
    edition = tmp_path / "edition-2020"
    git(demo.target, "worktree", "add", "--detach", str(edition), "edition-2020")
    result = validate(edition)
    assert result.errors == ()
    assert result.charter.agreements


def test_the_same_seed_writes_the_same_commits(demo: DemoSummary, tmp_path: Path) -> None:
    again = write_demo(tmp_path / "again", seed=1, agreements=AGREEMENTS)
    assert again.head == demo.head
    assert git(again.target, "rev-parse", *demo.tags) == git(demo.target, "rev-parse", *demo.tags)


def test_another_seed_writes_another_history(demo: DemoSummary, tmp_path: Path) -> None:
    other = write_demo(tmp_path / "other", seed=2, agreements=AGREEMENTS)
    assert other.head != demo.head
    assert validate(other.target).errors == ()


def test_commits_sets_the_length_of_the_history(tmp_path: Path) -> None:
    summary = write_demo(tmp_path / "short", seed=3, agreements=6, commits=300, start_year=2001,
                         end_year=2024)
    assert summary.commits == 300 == int(git(summary.target, "rev-list", "--count", "--all"))
    assert summary.first.year == 2001 and summary.tags[-1] == "edition-2024"
    assert validate(summary.target).errors == ()


def test_long_writes_agreements_of_real_length(tmp_path: Path) -> None:
    summary = write_demo(tmp_path / "long", seed=1, agreements=5, commits=40, long=True)
    texts = [path.read_text(encoding="utf-8") for path in (summary.target / "agreements").rglob("*.md")]
    assert len(texts) == 5
    for text in texts:
        headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
        assert len(headings) >= 60 and len(set(headings)) == len(headings)  # each clause its own anchor
        assert len(text.encode()) > 15_000
    assert validate(summary.target).errors == ()
    assert write_demo(tmp_path / "again", seed=1, agreements=5, commits=40, long=True).head == summary.head


def test_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(CharterError, match="not an empty directory"):
        write_demo(tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"agreements": 2}, "at least 5 agreements"),
        ({"agreements": 10, "commits": 20}, "too few"),
        ({"start_year": 2020, "end_year": 2010}, "start must lie before the end"),
    ],
)
def test_rejects_impossible_options(tmp_path: Path, options: dict[str, int], message: str) -> None:
    with pytest.raises(CharterError, match=message):
        write_demo(tmp_path / "demo", **options)
    assert not (tmp_path / "demo").exists()
