"""Histories kept between builds (generator.history.kept), against real repositories with fixed dates: each
history read back is the one built from the same snapshots, and a change to any of its inputs builds
that agreement's history again, and only that one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from generator.cache import BlobCache
from generator.history.histories import agreement_histories
from generator.history.kept import NAMESPACE, history_key
from generator.history.versions import AgreementHistory, Snapshot, Text
from generator.repository.model import RepositoryFacts
from generator.repository.read import read_repository
from generator.source.parsed_cache import FILE_NAME, PersistentFieldsMemo
from tests.gitrepo import BASE_ENV, GitRepo
from tests.packs import places

AS_OF = dt.date(2030, 1, 1)
WATER, WELLS, FIELDS = "agreements/water.md", "agreements/wells.md", "agreements/fields.md"
PATHS = {"water": WATER, "wells": "agreements/deep-wells.md", "fields": FIELDS}


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def text(title: str, status: str = "draft", body: str = "## Access\n\nEveryone may draw water.\n",
         **fields: str) -> str:
    lines = ["---", f"title: {title}", f"status: {status}", "parties: [river-folk, hill-folk]"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join([*lines, "---", body])


def commit(repo: GitRepo, message: str, day: str, files: dict[str, str]) -> None:
    for path, written in files.items():
        repo.write(path, written)
    repo.commit(message, f"{day}T12:00:00Z")


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """Histories with every kind of version: amended, adopted with a declared date, renamed, unparsable,
    removed and restored, and a text changed in the working copy."""
    water = "## Access\n\nShared wells.\n"
    proposed = {WATER: text("Water"), WELLS: text("Wells"), FIELDS: text("Fields")}
    commit(git_repo, "Propose", "2020-01-01", proposed)
    commit(git_repo, "Amend", "2020-06-01", {WATER: text("Water", body=water)})
    commit(git_repo, "Adopt", "2021-02-01",
           {WATER: text("Water", "in-force", adopted="2021-01-15", review_by="2031-01-01", body=water)})
    git_repo.git("mv", WELLS, "agreements/deep-wells.md")
    commit(git_repo, "Move", "2021-03-01", {})
    commit(git_repo, "Break", "2021-04-01", {FIELDS: "no front matter\n"})
    commit(git_repo, "Mend", "2021-05-01", {FIELDS: text("Fields", body="## Plots\n")})
    git_repo.git("rm", "-q", FIELDS)
    commit(git_repo, "Remove", "2021-06-01", {})
    commit(git_repo, "Restore", "2021-07-01", {FIELDS: text("Fields", body="## Plots\n")})
    git_repo.write(WATER, text("Water", "in-force", adopted="2021-01-15", body="## Access\n\nAll wells.\n"))
    return git_repo


def facts_of(repo: GitRepo) -> RepositoryFacts:
    return read_repository(repo.root, list(PATHS.values()), ["agreements"])


def fresh(repo: GitRepo, as_of: dt.date = AS_OF) -> dict[str, AgreementHistory]:
    return agreement_histories(facts_of(repo), PATHS, as_of)


def kept(repo: GitRepo, cache_dir: Path, as_of: dt.date = AS_OF
         ) -> tuple[dict[str, AgreementHistory], BlobCache]:
    """The histories as a build reads them, with its cache and front-matter memo (saved, as a build does);
    the cache returned counts the histories' entries alone."""
    cache = BlobCache(cache_dir)
    memo = PersistentFieldsMemo(BlobCache(cache_dir))
    histories = agreement_histories(facts_of(repo), PATHS, as_of, memo, cache)
    memo.save()
    return histories, cache


def test_a_history_read_back_is_the_one_built(repo: GitRepo, tmp_path: Path) -> None:
    expected = fresh(repo)
    kinds = {event.kind for history in expected.values() for event in history.events}
    assert {"amended", "adopted", "moved", "unparsable", "removed", "restored", "declared-adopted"} <= kinds
    first, cache = kept(repo, tmp_path / "cache")
    assert first == expected and cache.hits == 0
    second, cache = kept(repo, tmp_path / "cache")
    assert second == expected
    assert (cache.hits, cache.misses) == (len(PATHS), 0)
    for version, built in zip(second["water"].versions, expected["water"].versions, strict=True):
        assert (version.body, version.front_matter) == (built.body, built.front_matter)
    assert second["fields"].versions[1].unparsed == "no front matter\n"


def test_a_new_commit_builds_its_agreement_alone_again(repo: GitRepo, tmp_path: Path) -> None:
    kept(repo, tmp_path / "cache")
    repo.write(FIELDS, text("Fields", body="## Plots\n\nShared.\n"))
    repo.git("add", FIELDS)  # water's uncommitted text stays so
    repo.git("commit", "-q", "-m", "Amend the plots", date="2022-01-01T12:00:00Z")
    histories, cache = kept(repo, tmp_path / "cache")
    assert histories == fresh(repo)
    assert (cache.hits, cache.misses) == (len(PATHS) - 1, 1)
    assert histories["fields"].versions[-1].events[0].kind == "amended"


def test_the_working_copy_and_its_date_are_part_of_the_key(repo: GitRepo, tmp_path: Path) -> None:
    kept(repo, tmp_path / "cache")
    later = dt.date(2031, 1, 1)
    histories, cache = kept(repo, tmp_path / "cache", later)  # only water has an uncommitted version
    assert (cache.hits, cache.misses) == (len(PATHS) - 1, 1)
    assert histories == fresh(repo, later)
    assert histories["water"].versions[-1].date is None
    repo.write(WATER, text("Water", "in-force", body="## Access\n\nNo wells.\n"))
    histories, cache = kept(repo, tmp_path / "cache", later)
    assert (cache.hits, cache.misses) == (len(PATHS) - 1, 1)
    assert histories == fresh(repo, later)


def test_an_entry_whose_fields_are_gone_is_built_again(repo: GitRepo, tmp_path: Path) -> None:
    kept(repo, tmp_path / "cache")
    (tmp_path / "cache" / FILE_NAME).unlink()  # the front-matter memo, which the entries name fields in
    histories, cache = kept(repo, tmp_path / "cache")
    assert histories == fresh(repo)
    assert cache.misses >= len(PATHS)


@pytest.mark.parametrize("written", [
    {"versions": [["agreements/water.md", ""]], "declared": []},  # a version short of its fields
    {"versions": [], "declared": []},  # fewer versions than the snapshots
    [],
])
def test_an_entry_of_another_shape_is_built_again(repo: GitRepo, tmp_path: Path, written: object) -> None:
    expected = fresh(repo)
    kept(repo, tmp_path / "cache")
    cache = BlobCache(tmp_path / "cache")
    for key in places(tmp_path / "cache", NAMESPACE):  # sealed as the cache seals: only the shape is wrong
        cache.write(NAMESPACE, key, written)
    histories, cache = kept(repo, tmp_path / "cache")
    assert histories == expected
    assert (cache.hits, cache.misses) == (0, len(PATHS))


def test_the_key_names_each_snapshot(repo: GitRepo) -> None:
    """Every snapshot's commit, path, blob and change, and the agreement's id, move the key."""
    facts = facts_of(repo)
    snapshots = [Snapshot(revision, revision.path, Text(revision.blob, facts.contents))
                 for revision in reversed(facts.revisions) if revision.path == WATER]
    key = history_key("water", snapshots, AS_OF)
    assert history_key("water", snapshots, dt.date(2031, 1, 1)) == key  # no uncommitted text: no date
    assert history_key("wells", snapshots, AS_OF) != key
    assert history_key("water", snapshots[:-1], AS_OF) != key
    moved = dataclasses.replace(snapshots[0], path="agreements/other.md")
    assert history_key("water", [moved, *snapshots[1:]], AS_OF) != key
    last = snapshots[-1].revision
    assert last is not None
    for revision in (dataclasses.replace(last, blob="0" * 40), dataclasses.replace(last, change="renamed"),
                     dataclasses.replace(last, commit="1" * 40)):
        changed = dataclasses.replace(snapshots[-1], revision=revision)
        assert history_key("water", [*snapshots[:-1], changed], AS_OF) != key
