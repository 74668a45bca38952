"""The history engine against real git repositories with fixed dates: no mock of git anywhere."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import git  # imported here so that GitPython's own start-up `git version` is not counted below

from generator.errors import CharterError
from generator.history.versions import AgreementHistory
from generator.repository.log import parse_log, tokens
from generator.repository.model import Commit, RepositoryFacts
from generator.repository.read import (
    NO_COMMITS,
    NOT_A_REPOSITORY,
    GitError,
    GitNotFoundError,
    ShallowCloneError,
    committer_date,
    read_head_date,
    read_repository,
    repository_warnings,
)
from tests.gitrepo import BASE_ENV, GitRepo, read_histories

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


def read(repo: GitRepo, paths: dict[str, str]) -> dict[str, AgreementHistory]:
    return read_histories(repo.root, paths, AS_OF)[1]


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
    repo.git("tag", "-a", "of-a-file", "-m", "Not of a commit", f"HEAD:{MOVED}")
    return repo


PATHS = {"water": "agreements/commons/water.md", "wells": "agreements/wells.md"}


def test_every_kind_of_change_gives_the_exact_timeline(charter_repo: GitRepo) -> None:
    water = read(charter_repo, PATHS)["water"]
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
    water = read(charter_repo, PATHS)["water"]
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
    water = read(charter_repo, PATHS)["water"]
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
    adopted = water.versions[1]
    assert adopted.unparsed == "" and adopted.body == "## Access\n\nEveryone may draw water.\n"
    assert charter_repo.git("cat-file", "blob", adoption.blob) == text("in-force", **ADOPTED).strip()


def test_repository_facts_head_date_tags_and_registries(charter_repo: GitRepo) -> None:
    facts, histories = read_histories(charter_repo.root, PATHS, AS_OF)
    assert facts.is_repository and repository_warnings(facts) == () and facts.working == {}
    assert facts.head_date == dt.datetime(2021, 11, 1, 12, tzinfo=dt.UTC)
    assert read_head_date(charter_repo.root) == facts.head_date
    assert [(t.name, t.commit, t.tagged, t.message) for t in facts.tags] == [
        ("edition-1", charter_repo.git("rev-parse", "HEAD"),
         dt.datetime(2021, 11, 2, 12, tzinfo=dt.UTC), "First edition\n"),
    ]
    assert facts.mainline == tuple(charter_repo.git("rev-list", "--first-parent", "--reverse", "HEAD").split())
    assert [(r.path, r.change) for r in facts.changes_to(("docs/parties.yml",))] == [("docs/parties.yml", "added")]
    parties = facts.changes_to(("docs/parties.yml",))[0].blob  # registries are read too: keys at each commit
    assert set(facts.contents) == {r.blob for r in facts.revisions if r.path.startswith("agreements/")} | {parties}
    assert facts.contents[parties] == (charter_repo.root / "docs/parties.yml").read_bytes()
    wells = histories["wells"]
    assert [(e.kind, e.date.isoformat()) for e in wells.events] == [("proposed", "2021-01-10")]


def test_an_uncommitted_edit_is_a_trailing_version(charter_repo: GitRepo) -> None:
    charter_repo.write("agreements/wells.md", wells("## Access\n\nShared, clean wells.\n"))
    charter_repo.write("agreements/new.md", text())
    facts, history = read_histories(charter_repo.root, {**PATHS, "new": "agreements/new.md"}, AS_OF)
    assert set(facts.working) == {"agreements/wells.md", "agreements/new.md"}
    shared = history["wells"]
    assert len(shared.versions) == 2 and shared.has_uncommitted
    last = shared.versions[-1]
    assert last.revision is None and last.date is None and last.path == "agreements/wells.md"
    assert [(e.kind, e.date, e.version) for e in last.events] == [("amended", AS_OF, 2)]
    new = history["new"]
    assert [(v.number, v.revision) for v in new.versions] == [(1, None)]
    assert [e.kind for e in new.events] == ["proposed"]
    assert not history["water"].has_uncommitted


def test_line_endings_alone_are_not_an_uncommitted_change(charter_repo: GitRepo) -> None:
    (charter_repo.root / "agreements/wells.md").write_bytes(
        wells().replace("\n", "\r\n").encode())
    assert not read(charter_repo, PATHS)["wells"].has_uncommitted


def test_a_folder_outside_git_shows_the_working_copy(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "agreements").mkdir(parents=True)
    (root / "agreements/water.md").write_text(text(), encoding="utf-8")
    facts, histories = read_histories(root, {"water": "agreements/water.md"}, AS_OF)
    assert not facts.is_repository
    assert repository_warnings(facts) == (NOT_A_REPOSITORY,)
    assert facts.head_date is None and facts.tags == () and read_head_date(root) is None
    water = histories["water"]
    assert [(v.number, v.revision, v.path) for v in water.versions] == [(1, None, "agreements/water.md")]
    assert [(e.kind, e.date) for e in water.events] == [("proposed", AS_OF)]


def test_a_repository_without_commits_warns(git_repo: GitRepo) -> None:
    git_repo.write("agreements/water.md", text())
    facts, histories = read_histories(git_repo.root, {"water": "agreements/water.md"}, AS_OF)
    assert facts.is_repository and repository_warnings(facts) == (NO_COMMITS,)
    assert facts.head_date is None and read_head_date(git_repo.root) is None
    assert [v.revision for v in histories["water"].versions] == [None]


def test_a_project_in_a_subfolder_of_the_repository(git_repo: GitRepo) -> None:
    git_repo.commit("Propose", day("2021-01-01"), **{"site/agreements/water.md": text(),
                                                    "site/docs/themes.yml": "commons: {}\n"})
    facts, histories = read_histories(git_repo.root / "site", {"water": "agreements/water.md"}, AS_OF)
    assert [v.path for v in histories["water"].versions] == ["agreements/water.md"]
    assert [r.path for r in facts.changes_to(("docs/themes.yml",))] == ["docs/themes.yml"]


def test_a_rebase_stopped_in_a_repository_above_the_project_is_named(git_repo: GitRepo) -> None:
    water = "site/agreements/water.md"
    git_repo.commit("Propose", day("2021-01-01"), **{water: text()})
    git_repo.git("checkout", "-q", "-b", "amend")
    git_repo.commit("Amend on a branch", day("2021-01-02"), **{water: text(body="## Access\n\nBranch.\n")})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("Amend on main", day("2021-01-03"), **{water: text(body="## Access\n\nMain.\n")})
    with pytest.raises(subprocess.CalledProcessError):
        git_repo.git("rebase", "main", "amend")
    facts = read_histories(git_repo.root / "site", {"water": "agreements/water.md"}, AS_OF)[0]
    assert facts.unfinished == ("a rebase",)
    assert repository_warnings(facts)[0].startswith("the repository is in the middle of a rebase")


def test_a_shallow_clone_is_refused_with_the_remedies(charter_repo: GitRepo, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{charter_repo.root}", str(shallow)],
                   check=True, capture_output=True, env={**os.environ, **BASE_ENV})
    with pytest.raises(ShallowCloneError) as raised:
        read_histories(shallow, PATHS, AS_OF)
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
    calls = count_processes(monkeypatch)
    one = read(git_repo, {"a01": "agreements/a01.md"})
    one_calls = len(calls)
    paths = {f"a{n:02}": f"agreements/a{n:02}.md" for n in range(1, 20)} | {"a00": "agreements/sub/a00.md"}
    many = read(git_repo, paths)
    assert len(calls) - one_calls == one_calls == 2
    assert [call[1] for call in calls[:2]] == ["log", "cat-file"]
    assert len(one["a01"].versions) == 2
    assert all(len(h.versions) == 2 for key, h in many.items() if key != "a00")
    moved = many["a00"]
    assert [e.kind for e in moved.events if not e.declared] == ["proposed", "adopted", "moved"]
    calls.clear()
    read_head_date(git_repo.root)
    assert [call[1] for call in calls] == ["cat-file"]


def test_a_cached_log_reads_only_the_commits_made_since(charter_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    """The log kept between builds gives the facts a fresh read gives: after new commits (only they are
    read), when HEAD has not moved (no log at all), and after a rewritten history (read again whole)."""
    specs, cache = ["agreements", "docs/parties.yml"], tmp_path / "cache"
    paths, calls = list(PATHS.values()), count_processes(monkeypatch)

    def cached_and_fresh() -> tuple[RepositoryFacts, RepositoryFacts, list[list[str]]]:
        calls.clear()
        cached = read_repository(charter_repo.root, paths, specs, cache)
        logs = [call for call in calls if call[1] == "log"]
        return cached, read_repository(charter_repo.root, paths, specs), logs

    first, fresh, logs = cached_and_fresh()
    assert first == fresh and len(logs) == 1 and logs[0][-2] == "HEAD"
    head = charter_repo.git("rev-parse", "HEAD")
    charter_repo.commit("Amend wells", day("2021-12-01"), **{"agreements/wells.md": wells("## Access\n\nDeep.\n")})
    charter_repo.commit("Unrelated", day("2021-12-02"), **{"README.md": "bye\n"})
    newer, fresh, logs = cached_and_fresh()
    assert newer == fresh and [log[-2] for log in logs] == [f"{head}..HEAD"]
    assert [r.subject for r in newer.revisions[:2]] == ["Amend wells", "Supersede water"]
    assert len(newer.mainline) == len(first.mainline) + 2
    same, fresh, logs = cached_and_fresh()
    assert same == fresh == newer and logs == []
    charter_repo.git("commit", "-q", "--amend", "-m", "Unrelated, reworded", date=day("2021-12-03"))
    rewritten, fresh, logs = cached_and_fresh()
    assert rewritten == fresh and rewritten.mainline[-1] != newer.mainline[-1]
    assert [log[-2].endswith("..HEAD") for log in logs] == [True, False]  # tried the new commits, then all


def count_processes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every process started from now on, whoever starts it (GitPython included), by its arguments."""
    calls: list[list[str]] = []
    real_init = subprocess.Popen.__init__

    def counting(self: subprocess.Popen[bytes], args: list[str], *rest: Any, **options: Any) -> None:
        calls.append([str(arg) for arg in args])
        real_init(self, args, *rest, **options)

    monkeypatch.setattr(subprocess.Popen, "__init__", counting)
    return calls


def test_a_file_deleted_and_restored_keeps_its_earlier_life(git_repo: GitRepo) -> None:
    git_repo.commit("Propose water", day("2021-01-10"), **{WATER: text()})
    git_repo.commit("Adopt water", day("2021-02-01"), **{WATER: text("in-force", **ADOPTED)})
    git_repo.git("rm", "-q", WATER)
    git_repo.commit("Remove water", day("2021-05-01"))
    git_repo.commit("Restore water, amended", day("2022-03-01"),
                    **{WATER: text("in-force", AMENDED_BODY, **ADOPTED)})
    git_repo.git("rm", "-q", WATER)
    git_repo.commit("Remove it again", day("2022-04-01"))
    git_repo.write(WATER, text("in-force", AMENDED_BODY, **ADOPTED))
    water = read(git_repo, {"water": WATER})["water"]
    assert [(v.number, v.is_removed, v.revision.subject if v.revision else None) for v in water.versions] == [
        (1, False, "Propose water"), (2, False, "Adopt water"), (3, True, "Remove water"),
        (4, False, "Restore water, amended"), (5, True, "Remove it again"), (6, False, None)]
    assert [(e.kind, e.date.isoformat(), e.version) for e in water.events if not e.declared] == [
        ("proposed", "2021-01-10", 1), ("adopted", "2021-02-01", 2), ("removed", "2021-05-01", 3),
        ("restored", "2022-03-01", 4), ("amended", "2022-03-01", 4), ("removed", "2022-04-01", 5),
        ("restored", AS_OF.isoformat(), 6)]
    assert water.versions[2].body == "" and water.versions[2].agreement is None
    assert water.current is water.versions[-1] and water.has_uncommitted


def test_trailers_are_read_as_git_reads_them(git_repo: GitRepo) -> None:
    messages = {
        "Subject only": (),
        "Consented-by: a": (),  # the subject is never a trailer
        "Two\n\nConsented-by: a\nSigned-off-by: B <b@x>": (("Consented-by", "a"), ("Signed-off-by", "B <b@x>")),
        "Folded\n\nConsented-by: a\n  and b": (("Consented-by", "a and b"),),
        "Prose\n\nNot a trailer line\nConsented-by: a": (),
        "Not last\n\nConsented-by: a\n\nLast words.": (),
        "Mixed\n\nSome words\nSigned-off-by: A <a@x>\nConsented-by: c": (
            ("Signed-off-by", "A <a@x>"), ("Consented-by", "c")),
        "Consent\n\nConsented-by: river-folk\nConsent-withdrawn-by:  hill-folk ": (
            ("Consented-by", "river-folk"), ("Consent-withdrawn-by", "hill-folk")),
    }
    for number, message in enumerate(messages):
        git_repo.commit(message, day(f"2021-01-{number + 1:02}"), **{WATER: text(body=f"## Access\n\n{number}.\n")})
    facts = read_histories(git_repo.root, {"water": WATER}, AS_OF)[0]
    found = {revision.message.strip(): revision.trailers for revision in facts.revisions}
    assert found == {message.strip(): trailers for message, trailers in messages.items()}


# The parsers, on captured bytes.

CAPTURED_LOG = (
    b"\x1e" + b"c" * 40 + b"\0" + b"a" * 40 + b" " + b"b" * 40 + b"\0Ana\0ana@example.org\0"
    b"2021-10-10T12:00:00+02:00\0002021-10-11T09:30:00+00:00\0Merge care\n\nConsented-by: river-folk\n\0"
    b"Consented-by\x1driver-folk\0\0"
    b"\n:100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" R087\0agreements/x.md\0agreements/sub/x.md\0"
    b":000000 100644 " + b"0" * 40 + b" " + b"3" * 40 + b" A\0agreements/caf\xc3\xa9.md\0"
    b"\x1e" + b"e" * 40 + b"\0" + b"a" * 40 + b"\0Cy\0cy@example.org\0"
    b"2021-06-01T00:00:00+00:00\0002021-06-01T00:00:00+00:00\0Consent\n\0"
    b"Consented-by\x1dhill-folk\x1fConsent-to\x1dcare v2\0\0"
    b"\x1e" + b"a" * 40 + b"\0\0Bo\0bo@example.org\0"
    b"2021-01-01T00:00:00-05:00\0002021-01-01T00:00:00-05:00\0First\n\0\0\0"
    b"\n:100644 000000 " + b"4" * 40 + b" " + b"0" * 40 + b" D\0agreements/old.md\0"
)


@pytest.mark.parametrize("size", [1, 7, 1 << 16], ids=["byte-by-byte", "odd-chunks", "one-chunk"])
def test_parse_log_reads_commits_and_raw_changes(size: int) -> None:
    chunks = [CAPTURED_LOG[start : start + size] for start in range(0, len(CAPTURED_LOG), size)]
    commit, merge, added, bare, first, deleted = parse_log(tokens(chunks))
    assert type(commit) is Commit and type(bare) is Commit and type(first) is Commit
    assert commit == Commit(*(getattr(merge, name) for name in vars(commit)))
    assert (bare.commit, bare.parents, bare.trailers) == ("e" * 40, ("a" * 40,), (
        ("Consented-by", "hill-folk"), ("Consent-to", "care v2")))
    assert (first.commit, first.message, first.trailers) == ("a" * 40, "First\n", ())
    assert (merge.commit, merge.parents) == ("c" * 40, ("a" * 40, "b" * 40))
    assert merge.is_merge and merge.subject == "Merge care"
    assert merge.authored == dt.datetime(2021, 10, 10, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert merge.committed == dt.datetime(2021, 10, 11, 9, 30, tzinfo=dt.UTC)
    assert merge.trailers == (("Consented-by", "river-folk"),)
    assert (merge.change, merge.old_path, merge.path, merge.blob) == (
        "renamed", "agreements/x.md", "agreements/sub/x.md", "2" * 40)
    assert (added.commit, added.change, added.path) == ("c" * 40, "added", "agreements/café.md")
    assert (deleted.parents, deleted.author_name, deleted.change, deleted.blob) == ((), "Bo", "deleted", "")
    assert deleted.is_deletion and deleted.trailers == ()
    assert list(parse_log(tokens([]))) == []


def test_committer_date() -> None:
    commit = (b"tree " + b"1" * 40 + b"\nauthor A <a@x> 1600000000 +0000\n"
              b"committer C <c@x> 1600000000 -0130\n\nmsg\n")
    date = committer_date(commit)
    assert date == dt.datetime(2020, 9, 13, 12, 26, 40, tzinfo=dt.UTC)
    assert date is not None and date.utcoffset() == -dt.timedelta(hours=1, minutes=30)
    assert committer_date(b"tree x\n\ncommitter in the message 1 +0000\n") is None


def test_a_missing_object_is_named_with_the_remedy(charter_repo: GitRepo) -> None:
    blob = charter_repo.git("rev-parse", f"HEAD:{MOVED}")
    (charter_repo.root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    with pytest.raises(GitError) as raised:
        read(charter_repo, PATHS)
    assert str(raised.value) == (f"git cannot read the object {blob}: it is missing\n"
                                 "  help: run `git fsck`, or build without history by setting the plugin option "
                                 "`history: false` (CLI: `--no-history`)")


def test_a_failing_git_command_is_quoted_with_the_remedy(charter_repo: GitRepo) -> None:
    (charter_repo.root / ".git" / "refs" / "heads" / "main").write_text("0" * 40 + "\n")
    with pytest.raises(GitError) as raised:
        read(charter_repo, PATHS)
    message = str(raised.value)
    assert message.startswith(f"`git log` failed in {charter_repo.root}: fatal: bad object HEAD\n  help: "), message
    assert "git 2.31 or newer" in message and "history: false" in message and "Traceback" not in message


def test_the_search_for_a_repository_stops_at_a_ceiling(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    git_repo.commit("Propose", day("2021-01-01"), **{"site/agreements/water.md": text()})
    project = git_repo.root / "site"
    assert read_head_date(project) is not None
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(git_repo.root))  # as git reads it: no climbing into it
    assert read_head_date(project) is None
    assert repository_warnings(read_histories(project, {"water": "agreements/water.md"}, AS_OF)[0]) == (
        NOT_A_REPOSITORY,)
    assert subprocess.run(["git", "rev-parse"], cwd=project, capture_output=True).returncode != 0
