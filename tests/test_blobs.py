"""The blob store: git's blobs kept on disk between builds, checked by their ids, read back when used."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from generator.history.histories import agreement_histories
from generator.repository.blobs import Blobs, BlobStore, blob_id
from generator.repository.model import RepositoryFacts
from generator.repository.read import read_repository
from tests.gitrepo import GitRepo
from tests.project import agreement
from tests.test_history import count_processes

PATHS = {name: f"agreements/{name}.md" for name in ("water", "seeds", "roads")}


def history(git_repo: GitRepo) -> None:
    """Three agreements, each amended twice: nine blobs."""
    for round_number, date in enumerate(("2021-01-05", "2021-02-05", "2021-03-05")):
        git_repo.commit(f"Round {round_number}", f"{date}T12:00:00Z", **{
            f"agreements__{name}.md": agreement(name.title(), body=f"## Purpose\n\n{name} {round_number}.\n")
            for name in PATHS})


def read(git_repo: GitRepo, cache: Path | None) -> RepositoryFacts:
    return read_repository(git_repo.root, list(PATHS.values()), ["agreements"], cache)


def git_blobs(git_repo: GitRepo) -> dict[str, bytes]:
    listed = git_repo.git("log", "--format=", "--raw", "--no-abbrev", "--", "agreements").splitlines()
    blobs = {line.split()[3] for line in listed}
    return {sha: subprocess.run(["git", "cat-file", "blob", sha], cwd=git_repo.root, check=True,
                                capture_output=True).stdout for sha in blobs}


def data_file(cache: Path) -> Path:
    (found,) = (cache / "blobs").glob("*.data")
    return found


def test_a_rebuild_reads_every_blob_from_the_store_and_none_from_git(
        git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history(git_repo)
    cache = tmp_path / "cache"
    expected = git_blobs(git_repo)
    first = read(git_repo, cache)
    assert isinstance(first.contents, Blobs) and dict(first.contents) == expected and len(expected) == 9
    calls = count_processes(monkeypatch)
    again = read(git_repo, cache)
    assert not [call for call in calls if "cat-file" in call], "every blob was kept"
    assert dict(again.contents) == expected


def test_versions_hold_no_text_and_read_it_from_the_store(git_repo: GitRepo, tmp_path: Path) -> None:
    history(git_repo)
    facts = read(git_repo, tmp_path / "cache")
    histories = agreement_histories(facts, PATHS, dt.date(2022, 1, 1))
    for name, found in histories.items():
        assert [version.header.body for version in found.versions if version.header] == ["", "", ""]
        assert [version.body for version in found.versions] == [f"## Purpose\n\n{name} {n}.\n" for n in range(3)]
        assert all(version.text.store is facts.contents for version in found.versions)
        assert [version.agreement.body for version in found.versions if version.agreement] == [
            version.body for version in found.versions]


def test_a_damaged_store_is_read_from_git_again_and_never_served(
        git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history(git_repo)
    cache = tmp_path / "cache"
    expected = git_blobs(git_repo)
    read(git_repo, cache)
    damaged = data_file(cache)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    calls = count_processes(monkeypatch)
    assert dict(read(git_repo, cache).contents) == expected
    assert [call for call in calls if "cat-file" in call], "the damaged blob came from git again"
    calls.clear()
    assert dict(read(git_repo, cache).contents) == expected
    assert not [call for call in calls if "cat-file" in call], "and was kept again"


def test_a_lost_data_file_is_read_from_git_again(git_repo: GitRepo, tmp_path: Path) -> None:
    history(git_repo)
    cache = tmp_path / "cache"
    read(git_repo, cache)
    data_file(cache).unlink()
    assert dict(read(git_repo, cache).contents) == git_blobs(git_repo)


def test_a_build_without_a_cache_holds_the_blobs_in_memory(git_repo: GitRepo) -> None:
    history(git_repo)
    facts = read(git_repo, None)
    assert isinstance(facts.contents, dict) and facts.contents == git_blobs(git_repo)


def test_blob_ids_are_the_ones_git_gives(git_repo: GitRepo) -> None:
    data = "## Purpose\n\nTo share wells, ünd water.\n".encode()
    path = git_repo.write("blob.txt", data.decode())
    sha = git_repo.git("hash-object", str(path))
    assert blob_id(data, sha) == sha and blob_id(data + b"!", sha) != sha
    assert len(blob_id(data, "0" * 64)) == 64, "a SHA-256 repository's ids"


def test_a_store_mostly_of_blobs_no_longer_wanted_is_compacted_while_earlier_readers_read_on(
        tmp_path: Path) -> None:
    texts = [os.urandom(1 << 16) for _ in range(40)]
    ids = [blob_id(text, "0" * 40) for text in texts]
    store = BlobStore(tmp_path / "blobs")
    assert store.missing(ids) == ids
    for sha, text in zip(ids, texts, strict=True):
        store.add(sha, text)
    earlier = store.finish(ids)
    store.close()
    old = data_file(tmp_path)
    store = BlobStore(tmp_path / "blobs")
    assert store.missing(ids) == []
    kept = store.finish(ids[:2])  # 128 KiB wanted of 2.5 MiB held
    store.close()
    assert not old.exists() and data_file(tmp_path).stat().st_size == 2 << 16
    assert dict(kept) == dict(zip(ids[:2], texts[:2], strict=True))
    assert dict(earlier) == dict(zip(ids, texts, strict=True)), "a reader opened before reads its own file"
    store = BlobStore(tmp_path / "blobs")
    assert store.missing(ids) == ids[2:], "the blobs no longer wanted are gone from the store"
    store.close()


def test_blobs_that_cannot_be_kept_on_disk_are_held_in_memory(
        git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.repository.blobs as blobs

    history(git_repo)

    def full(descriptor: int, data: bytes) -> tuple[int, int]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(blobs, "_append", full)
    facts = read(git_repo, tmp_path / "cache")
    assert isinstance(facts.contents, dict) and facts.contents == git_blobs(git_repo)
