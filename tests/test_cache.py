"""The blob-keyed cache: served only when it is exactly what was written for that key by this code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
import pytest

import datetime as dt

from generator.cache import BlobCache, compiled_templates, write_whole
from generator.diffs.consecutive import consecutive_diffs
from tests import packs
from tests.gitrepo import GitRepo, read_histories
from tests.project import agreement


AS_OF = dt.date(2025, 1, 1)


def compute_counter() -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> list[str]:
        calls.append(1)
        return ["fresh"]

    return calls, compute


def test_an_entry_is_computed_once_then_served(tmp_path: Path) -> None:
    cache = BlobCache(tmp_path)
    calls, compute = compute_counter()
    for _ in range(3):
        assert cache.get_or_compute("diffs", "abcd", compute, list, list) == ["fresh"]  # type: ignore[arg-type]
    assert len(calls) == 1 and (cache.hits, cache.misses) == (2, 1)


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],  # truncated by a crash
    lambda text: "not json at all",
    lambda text: text.replace('"fresh"', '"tampered"'),  # payload no longer matches its digest
    lambda text: text.replace('"abcd"', '"other"'),  # an entry written for another key
    lambda text: text.replace('"format": 2', '"format": 1'),  # an older format
    lambda text: text.replace("\n", " "),  # no header line
], ids=["truncated", "garbage", "tampered", "foreign", "old-format", "no-header"])
def test_a_damaged_entry_is_recomputed_and_rewritten(tmp_path: Path, damage: object) -> None:
    cache = BlobCache(tmp_path)
    calls, compute = compute_counter()
    cache.get_or_compute("diffs", "abcd", compute, list, list)  # type: ignore[arg-type]
    packs.damage(tmp_path, "diffs", "abcd", damage)  # type: ignore[arg-type]
    assert BlobCache(tmp_path).read("diffs", "abcd") is None
    cache = BlobCache(tmp_path)  # the next build
    assert cache.get_or_compute("diffs", "abcd", compute, list, list) == ["fresh"]  # type: ignore[arg-type]
    assert len(calls) == 2
    assert BlobCache(tmp_path).read("diffs", "abcd") == ["fresh"]


def test_a_file_is_written_whole_in_folders_made_for_it_leaving_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "pages" / "ab" / "abcd.json"
    write_whole(str(target), b"first ", b"version")
    write_whole(str(target), b"second")
    assert target.read_bytes() == b"second"
    assert [path.name for path in target.parent.iterdir()] == ["abcd.json"]


def test_a_write_that_fails_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "entry.json").mkdir()  # a folder where the file goes: the rename into place fails
    (tmp_path / "entry.json" / "inside").write_bytes(b"kept")
    with pytest.raises(OSError):
        write_whole(str(tmp_path / "entry.json"), b"new")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["entry.json"]
    assert (tmp_path / "entry.json" / "inside").read_bytes() == b"kept"
    cache = BlobCache(tmp_path)
    (tmp_path / "diffs").write_bytes(b"a file where the namespace's folder goes")
    cache.write("diffs", "abcd", ["fresh"])  # cannot be written: the build goes on without it
    assert cache.read("diffs", "abcd") is None and not cache.has("diffs", "abcd")


def test_without_a_directory_nothing_is_kept(tmp_path: Path) -> None:
    cache = BlobCache(None)
    calls, compute = compute_counter()
    cache.get_or_compute("diffs", "abcd", compute, list, list)  # type: ignore[arg-type]
    cache.get_or_compute("diffs", "abcd", compute, list, list)  # type: ignore[arg-type]
    assert len(calls) == 2 and not any(tmp_path.iterdir())



def test_a_value_encoded_as_none_is_not_kept(tmp_path: Path) -> None:
    """An encoder that cannot name a value (a kept history whose fields are not the memo's) keeps nothing,
    rather than an empty entry each build would read as a miss and write again."""
    cache = BlobCache(tmp_path)
    calls, compute = compute_counter()
    for _ in range(2):
        assert cache.get_or_compute("diffs", "abcd", compute, lambda value: None, list) == ["fresh"]
    assert len(calls) == 2 and not packs.places(tmp_path, "diffs")

def test_a_rebuild_after_one_commit_reads_and_diffs_one_version(git_repo: GitRepo, tmp_path: Path) -> None:
    path = "agreements/water.md"
    for number, day in enumerate(("01", "02", "03"), start=1):
        git_repo.commit(f"Version {number}", date=f"2024-01-{day}T00:00:00Z",
                        **{"agreements__water.md": agreement("Water", body=f"## Shares\n\n{number} parts.\n")})

    def diffs(cache: BlobCache) -> list[str]:
        history = read_histories(git_repo.root, {"water": path}, AS_OF, "charter")[1]["water"]
        return [change.body_html for change in consecutive_diffs(history, cache)]

    cache = BlobCache(tmp_path / "cache")
    first = diffs(cache)
    assert (cache.hits, cache.misses) == (0, 3), "one entry per version: its reading and its diff"
    git_repo.commit("Version 4", date="2024-01-04T00:00:00Z",
                    **{"agreements__water.md": agreement("Water", body="## Shares\n\n4 parts.\n")})
    rebuilt = BlobCache(tmp_path / "cache")
    second = diffs(rebuilt)
    assert (rebuilt.hits, rebuilt.misses) == (3, 1)
    assert second[1:] == first and "<ins>4</ins>" in second[0]


def test_front_matter_is_parsed_once_across_builds(git_repo: GitRepo, tmp_path: Path) -> None:
    from generator.source.parsed_cache import PersistentFieldsMemo

    path = "agreements/water.md"
    for number, review in enumerate(("2030-01-01", "2031-01-01", "2032-01-01"), start=1):
        git_repo.commit(f"Version {number}", date=f"2024-01-0{number}T00:00:00Z",
                        **{"agreements__water.md": agreement("Water", review_by=review)})

    def versions(cache: BlobCache) -> list[object]:
        memo = PersistentFieldsMemo(cache)
        history = read_histories(git_repo.root, {"water": path}, AS_OF, "charter", memo)[1]["water"]
        memo.save()
        return [version.agreement for version in history.versions]

    first_cache = BlobCache(tmp_path / "cache")
    first = versions(first_cache)
    assert (first_cache.hits, first_cache.misses) == (0, 3)
    git_repo.commit("Version 4", date="2024-01-04T00:00:00Z",
                    **{"agreements__water.md": agreement("Water", review_by="2033-01-01")})
    second_cache = BlobCache(tmp_path / "cache")
    second = versions(second_cache)
    assert (second_cache.hits, second_cache.misses) == (3, 1)
    assert second[:3] == first


def test_a_tampered_front_matter_entry_is_parsed_again(tmp_path: Path) -> None:
    from generator.source.parsed_cache import FILE_NAME, PersistentFieldsMemo
    from generator.source.yamlsafe import Located

    memo = PersistentFieldsMemo(BlobCache(tmp_path))
    memo["title: Water"] = {"title": Located("Water", 2)}
    memo.save()
    assert PersistentFieldsMemo(BlobCache(tmp_path)).get("title: Water") == {"title": Located("Water", 2)}
    entry = tmp_path / FILE_NAME
    entry.write_bytes(entry.read_bytes().replace(b"Water", b"Forge"))
    assert PersistentFieldsMemo(BlobCache(tmp_path)).get("title: Water") is None


def _compiling(templates: Path, kept: Path) -> tuple[jinja2.Environment, list[str]]:
    """An environment over `templates` keeping its compiled templates in `kept`, and the names it compiles."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates),
                                     bytecode_cache=compiled_templates(kept, "pages"))
    compiled: list[str] = []
    compile_source = environment.compile

    def counting(source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(name))
        return compile_source(source, name, *args, **kwargs)

    setattr(environment, "compile", counting)
    return environment, compiled


def test_a_template_compiled_once_is_loaded_compiled_until_its_source_changes(tmp_path: Path) -> None:
    templates, kept = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ words }}</p>", encoding="utf-8")
    for expected in (["page.html"], []):
        environment, compiled = _compiling(templates, kept)
        assert environment.get_template("page.html").render(words="kept") == "<p>kept</p>"
        assert compiled == expected
    (templates / "page.html").write_text("<b>{{ words }}</b>", encoding="utf-8")
    environment, compiled = _compiling(templates, kept)
    assert environment.get_template("page.html").render(words="new") == "<b>new</b>"
    assert compiled == ["page.html"]


@pytest.mark.parametrize("damage", [lambda data: data[: len(data) // 2], lambda data: data[:-3] + b"xyz",
                                    lambda data: b""])
def test_a_damaged_compiled_template_is_compiled_again(tmp_path: Path, damage: Any) -> None:
    templates, kept = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ words }}</p>", encoding="utf-8")
    _compiling(templates, kept)[0].get_template("page.html")
    [packed] = (kept / "templates" / "pages").iterdir()
    packed.write_bytes(damage(packed.read_bytes()))
    environment, compiled = _compiling(templates, kept)
    assert environment.get_template("page.html").render(words="again") == "<p>again</p>"
    assert compiled == ["page.html"]
