"""The history engine against real git repositories with fixed dates: no mock of git anywhere."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.errors import CharterError
from generator.repository.read import (
    NO_COMMITS,
    NOT_A_REPOSITORY,
    GitNotFoundError,
    RepositoryHistory,
    ShallowCloneError,
    committer_date,
    parse_batch,
    parse_log,
    parse_tags,
    parse_trailers,
    read_histories,
)
from tests.gitrepo import BASE_ENV, GitRepo

AS_OF = dt.date(2030, 1, 1)


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git config, and no repository above the temporary folder."""
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def text(status: str = "draft", body: str = "## Access\n\nEveryone may draw water.\n", **fields: Any) -> str:
    lines = ["---", "title: Water", f"status: {status}", "parties: [river-folk, hill-folk]"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join([*lines, "---", body])


def wells(body: str = "## Access\n\nShared wells.\n") -> str:
    return text(body=body).replace("Water", "Wells")


def day(value: str) -> str:
    return f"{value}T12:00:00Z"


def read(repo: GitRepo, paths: dict[str, str]) -> RepositoryHistory:
    return read_histories(repo.root, "agreements", "docs", paths, as_of=AS_OF)


ADOPTED = {"adopted": "2021-01-28", "review_by": "2022-01-28"}
AMENDED_BODY = "## Access\n\nEveryone may draw water, free of charge.\n"
MERGED_BODY = AMENDED_BODY + "\n## Care\n\nWe keep the well clean.\n"


WATER = "agreements/water.md"
MOVED = "agreements/commons/water.md"


@pytest.fixture
def charter_repo(git_repo: GitRepo) -> GitRepo:
    """One agreement through every kind of change, plus a neighbour and a registry."""
    repo = git_repo
    repo.commit("Propose water", day("2021-01-10"), **{WATER: text(), "agreements/wells.md": wells(),
                                                      "docs/parties.yml": "river-folk: {}\n"})
    consent = "Consented-by: river-folk\nConsented-by: hill-folk"
    repo.commit(f"Adopt water\n\nAgreed at the spring assembly.\n\n{consent}", day("2021-02-01"),
                **{WATER: text("in-force", **ADOPTED)})
    repo.commit("Amend access", day("2021-03-05"), **{WATER: text("in-force", AMENDED_BODY, **ADOPTED)})
    renewed = {**ADOPTED, "review_by": "2023-01-28"}
    repo.commit("Renew water", day("2021-06-01"), **{WATER: text("in-force", AMENDED_BODY, **renewed)})
    summary = {**renewed, "summary": "Who may draw water"}
    repo.commit("Summarise", day("2021-07-01"), **{WATER: text("in-force", AMENDED_BODY, **summary)})
    related = {**summary, "relates_to": "[wells]"}
    repo.commit("Relate to wells", day("2021-08-01"), **{WATER: text("in-force", AMENDED_BODY, **related)})
    (repo.root / "agreements/commons").mkdir()
    repo.git("mv", WATER, MOVED)
    repo.commit("Move water into commons", day("2021-09-01"))
    repo.git("checkout", "-q", "-b", "care")
    repo.commit("Add care clause", day("2021-10-01"), author="Bo Branch <bo@example.org>",
                **{MOVED: text("in-force", MERGED_BODY, **related)})
    repo.git("checkout", "-q", "main")
    repo.commit("Unrelated readme", day("2021-10-05"), **{"README.md": "hello\n"})
    repo.git("merge", "-q", "--no-ff", "care", "-m", "Merge pull request #7: care clause",
             date=day("2021-10-10"))
    repo.commit("Supersede water", day("2021-11-01"), **{MOVED: text("superseded", MERGED_BODY, **related)})
    repo.git("tag", "-a", "edition-1", "-m", "First edition", date=day("2021-11-02"))
    repo.git("tag", "light")
    return repo


PATHS = {"water": "agreements/commons/water.md", "wells": "agreements/wells.md"}


def test_every_kind_of_change_gives_the_exact_timeline(charter_repo: GitRepo) -> None:
    history = read(charter_repo, PATHS)
    water = history.by_agreement["water"]
    assert [(e.kind, e.date.isoformat(), e.version, e.declared) for e in water.events] == [
        ("proposed", "2021-01-10", 1, False),
        ("declared-adopted", "2021-01-28", None, True),
        ("adopted", "2021-02-01", 2, False),
        ("amended", "2021-03-05", 3, False),
        ("renewed", "2021-06-01", 4, False),
        ("metadata-only", "2021-07-01", 5, False),
        ("relations-changed", "2021-08-01", 6, False),
        ("moved", "2021-09-01", 7, False),
        ("amended", "2021-10-10", 8, False),
        ("status-changed", "2021-11-01", 9, False),
        ("review-due", "2023-01-28", None, True),
    ]
    assert len(water.versions) == 9
    assert [v.number for v in water.versions] == list(range(1, 10))
    assert not water.has_uncommitted
    details = {e.kind: e.detail for e in water.events}
    assert details["status-changed"] == "from in-force to superseded"
    assert details["moved"] == "from agreements/water.md to agreements/commons/water.md"
    assert details["relations-changed"] == "relates_to: +wells"
    assert details["renewed"] == "review by 2023-01-28"


def test_a_merged_branch_shows_once_as_the_merge(charter_repo: GitRepo) -> None:
    water = read(charter_repo, PATHS).by_agreement["water"]
    merge = water.versions[7].revision
    assert merge is not None and merge.is_merge
    assert merge.subject == "Merge pull request #7: care clause"
    assert merge.author_name == "Ana Example"
    assert merge.authored == dt.datetime(2021, 10, 10, 12, tzinfo=dt.UTC)
    assert merge.commit == charter_repo.git("rev-parse", "HEAD~1")
    subjects = [v.revision.subject for v in water.versions if v.revision is not None]
    assert "Add care clause" not in subjects and "Unrelated readme" not in subjects
    merged = water.versions[7].agreement
    assert merged is not None and "keep the well clean" in merged.body


def test_revisions_carry_paths_blobs_changes_and_trailers(charter_repo: GitRepo) -> None:
    water = read(charter_repo, PATHS).by_agreement["water"]
    revisions = [v.revision for v in water.versions]
    assert all(r is not None for r in revisions)
    first, adoption, moved = revisions[0], revisions[1], revisions[6]
    assert first is not None and adoption is not None and moved is not None
    assert (first.change, first.path, first.parents) == ("added", "agreements/water.md", ())
    assert adoption.trailers == (("Consented-by", "river-folk"), ("Consented-by", "hill-folk"))
    assert adoption.trailer("consented-by") == ("river-folk", "hill-folk")
    assert adoption.subject == "Adopt water"
    assert (moved.change, moved.old_path, moved.path) == ("renamed", "agreements/water.md",
                                                           "agreements/commons/water.md")
    assert adoption.blob == charter_repo.git("rev-parse", f"{adoption.commit}:agreements/water.md")
    assert water.versions[1].text == text("in-force", **ADOPTED)


def test_repository_facts_head_date_tags_and_registries(charter_repo: GitRepo) -> None:
    history = read(charter_repo, PATHS)
    assert history.is_repository and history.warnings == ()
    assert history.newest_commit_date == dt.datetime(2021, 11, 1, 12, tzinfo=dt.UTC)
    assert [(t.name, t.commit, t.tagged, t.message) for t in history.tags] == [
        ("edition-1", charter_repo.git("rev-parse", "HEAD"),
         dt.datetime(2021, 11, 2, 12, tzinfo=dt.UTC), "First edition\n"),
    ]
    assert [(r.path, r.change) for r in history.registry_revisions] == [("docs/parties.yml", "added")]
    wells = history.by_agreement["wells"]
    assert [(e.kind, e.date.isoformat()) for e in wells.events] == [("proposed", "2021-01-10")]


def test_an_uncommitted_edit_is_a_trailing_version(charter_repo: GitRepo) -> None:
    charter_repo.write("agreements/wells.md", wells("## Access\n\nShared, clean wells.\n"))
    charter_repo.write("agreements/new.md", text())
    history = read(charter_repo, {**PATHS, "new": "agreements/new.md"})
    shared = history.by_agreement["wells"]
    assert len(shared.versions) == 2 and shared.has_uncommitted
    last = shared.versions[-1]
    assert last.revision is None and last.date is None and last.path == "agreements/wells.md"
    assert [(e.kind, e.date, e.version) for e in last.events] == [("amended", AS_OF, 2)]
    new = history.by_agreement["new"]
    assert [(v.number, v.revision) for v in new.versions] == [(1, None)]
    assert [e.kind for e in new.events] == ["proposed"]
    assert not history.by_agreement["water"].has_uncommitted


def test_line_endings_alone_are_not_an_uncommitted_change(charter_repo: GitRepo) -> None:
    (charter_repo.root / "agreements/wells.md").write_bytes(
        wells().replace("\n", "\r\n").encode())
    assert not read(charter_repo, PATHS).by_agreement["wells"].has_uncommitted


def test_a_folder_outside_git_shows_the_working_copy(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "agreements").mkdir(parents=True)
    (root / "agreements/water.md").write_text(text(), encoding="utf-8")
    history = read_histories(root, "agreements", "docs", {"water": "agreements/water.md"}, as_of=AS_OF)
    assert not history.is_repository
    assert history.warnings == (NOT_A_REPOSITORY,)
    assert history.newest_commit_date is None and history.tags == ()
    water = history.by_agreement["water"]
    assert [(v.number, v.revision, v.path) for v in water.versions] == [(1, None, "agreements/water.md")]
    assert [(e.kind, e.date) for e in water.events] == [("proposed", AS_OF)]


def test_a_repository_without_commits_warns(git_repo: GitRepo) -> None:
    git_repo.write("agreements/water.md", text())
    history = read(git_repo, {"water": "agreements/water.md"})
    assert history.is_repository and history.warnings == (NO_COMMITS,)
    assert history.newest_commit_date is None
    assert [v.revision for v in history.by_agreement["water"].versions] == [None]


def test_a_project_in_a_subfolder_of_the_repository(git_repo: GitRepo) -> None:
    git_repo.commit("Propose", day("2021-01-01"), **{"site/agreements/water.md": text(),
                                                    "site/docs/themes.yml": "commons: {}\n"})
    history = read_histories(git_repo.root / "site", "agreements", "docs", {"water": "agreements/water.md"})
    assert [v.path for v in history.by_agreement["water"].versions] == ["agreements/water.md"]
    assert [r.path for r in history.registry_revisions] == ["docs/themes.yml"]


def test_a_shallow_clone_is_refused_with_the_remedies(charter_repo: GitRepo, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{charter_repo.root}", str(shallow)],
                   check=True, capture_output=True, env={**os.environ, **BASE_ENV})
    with pytest.raises(ShallowCloneError) as raised:
        read_histories(shallow, "agreements", "docs", PATHS)
    message = str(raised.value)
    assert isinstance(raised.value, CharterError)
    assert "shallow clone" in message and "history is incomplete" in message
    for remedy in ("git fetch --unshallow", "fetch-depth: 0", "actions/checkout", "history: false",
                   "--no-history"):
        assert remedy in message


def test_a_missing_git_program_is_a_charter_error(charter_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(GitNotFoundError, match="install git"):
        read(charter_repo, PATHS)


def test_git_processes_do_not_grow_with_the_number_of_files(git_repo: GitRepo,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"agreements/a{n:02}.md": text() for n in range(20)}
    git_repo.commit("Propose", day("2021-01-01"), **files)
    git_repo.commit("Adopt", day("2021-02-01"), **{name: text("in-force", **ADOPTED) for name in files})
    (git_repo.root / "agreements/sub").mkdir()
    git_repo.git("mv", "agreements/a00.md", "agreements/sub/a00.md")
    git_repo.commit("Move", day("2021-03-01"))
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    class CountingPopen(real_popen):  # type: ignore[valid-type,misc]
        def __init__(self, args: list[str], *rest: Any, **options: Any) -> None:
            calls.append(list(args))
            super().__init__(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", CountingPopen)
    one = read(git_repo, {"a01": "agreements/a01.md"})
    one_calls = len(calls)
    paths = {f"a{n:02}": f"agreements/a{n:02}.md" for n in range(1, 20)} | {"a00": "agreements/sub/a00.md"}
    many = read(git_repo, paths)
    assert len(calls) - one_calls == one_calls == 5
    assert sum(1 for call in calls if "log" in call) == 2
    assert len(one.by_agreement["a01"].versions) == 2
    assert all(len(h.versions) == 2 for key, h in many.by_agreement.items() if key != "a00")
    moved = many.by_agreement["a00"]
    assert [e.kind for e in moved.events if not e.declared] == ["proposed", "adopted", "moved"]


# The parsers, on captured bytes.

CAPTURED_LOG = (
    b"\x1e" + b"c" * 40 + b"\0" + b"a" * 40 + b" " + b"b" * 40 + b"\0Ana\0ana@example.org\0"
    b"2021-10-10T12:00:00+02:00\0002021-10-11T09:30:00+00:00\0Merge care\n\nConsented-by: river-folk\n\0\0"
    b"\n:100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" R087\0agreements/x.md\0agreements/sub/x.md\0"
    b":000000 100644 " + b"0" * 40 + b" " + b"3" * 40 + b" A\0agreements/caf\xc3\xa9.md\0"
    b"\x1e" + b"a" * 40 + b"\0\0Bo\0bo@example.org\0"
    b"2021-01-01T00:00:00-05:00\0002021-01-01T00:00:00-05:00\0First\n\0\0"
    b"\n:100644 000000 " + b"4" * 40 + b" " + b"0" * 40 + b" D\0agreements/old.md\0"
)


def test_parse_log_reads_commits_and_raw_changes() -> None:
    merge, added, deleted = parse_log(CAPTURED_LOG)
    assert (merge.commit, merge.parents) == ("c" * 40, ("a" * 40, "b" * 40))
    assert merge.is_merge and merge.subject == "Merge care"
    assert merge.authored == dt.datetime(2021, 10, 10, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert merge.committed == dt.datetime(2021, 10, 11, 9, 30, tzinfo=dt.UTC)
    assert merge.trailers == (("Consented-by", "river-folk"),)
    assert (merge.change, merge.old_path, merge.path, merge.blob) == (
        "renamed", "agreements/x.md", "agreements/sub/x.md", "2" * 40)
    assert (added.commit, added.change, added.path) == ("c" * 40, "added", "agreements/café.md")
    assert (deleted.parents, deleted.author_name, deleted.change, deleted.blob) == ((), "Bo", "deleted", "")
    assert parse_log(b"") == ()


@pytest.mark.parametrize(("message", "trailers"), [
    ("Subject only", ()),
    ("Consented-by: a", ()),
    ("Subject\n\nConsented-by: a\nSigned-off-by: B <b@x>",
     (("Consented-by", "a"), ("Signed-off-by", "B <b@x>"))),
    ("Subject\n\nConsented-by: a\n  and b", (("Consented-by", "a and b"),)),
    ("Subject\n\nNot a trailer line\nConsented-by: a", ()),
    ("Subject\n\nConsented-by: a\n\nLast words.", ()),
])
def test_parse_trailers(message: str, trailers: tuple[tuple[str, str], ...]) -> None:
    assert parse_trailers(message) == trailers


def test_parse_batch_and_committer_date() -> None:
    commit = (b"tree " + b"1" * 40 + b"\nauthor A <a@x> 1600000000 +0000\n"
              b"committer C <c@x> 1600000000 -0130\n\nmsg\n")
    data = (b"%s commit %d\n%s\n" % (b"f" * 40, len(commit), commit) + b"HEADX missing\n"
            + b"%s blob 3\na\nb\n" % (b"e" * 40))
    head, missing, blob = parse_batch(data, 3)
    assert missing is None and blob == b"a\nb"
    assert head is not None
    date = committer_date(head)
    assert date == dt.datetime(2020, 9, 13, 12, 26, 40, tzinfo=dt.UTC)
    assert date is not None and date.utcoffset() == -dt.timedelta(hours=1, minutes=30)
    assert committer_date(b"tree x\n\ncommitter in the message 1 +0000\n") is None


def test_parse_tags_keeps_annotated_tags_of_commits() -> None:
    data = (b"edition-1\0tag\0" + b"c" * 40 + b"\0commit\0002021-11-02T12:00:00+00:00\0First edition\n\0\n"
            b"light\0commit\0\0\0\0\0\n")
    assert [(t.name, t.commit, t.tagged, t.message) for t in parse_tags(data)] == [
        ("edition-1", "c" * 40, dt.datetime(2021, 11, 2, 12, tzinfo=dt.UTC), "First edition\n")]
    assert parse_tags(b"") == ()
