"""The consent ledger, end to end: real repositories with SSH-signed commits (keys made by ssh-keygen in a
temporary folder), built as a build builds them, each verdict read back from the version, agreement and
party pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as html_module
import re
import shlex
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import main
from generator.compose import BuildOutput, compose
from generator.settings import Settings
from generator.source.signing_keys import parse_signing_key
from tests.gitrepo import BASE_ENV, GitRepo, ssh_key
from tests.project import REPO_ROOT, agreement, mkdocs_yml, write_project
from tests.test_history import count_processes
from tests.test_rules import Case, Setup

AS_OF = dt.date(2030, 1, 1)
RIVER, VALLEY, SEEDS = "river-collective", "valley-farmers", "seed-network"


def fingerprint(public_key: Path) -> str:
    """The key's fingerprint as ssh-keygen prints it (`256 SHA256:… comment (ED25519)`)."""
    listed = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", str(public_key)], check=True,
                            capture_output=True, text=True).stdout
    return listed.split()[1]


def parties(keys: dict[str, str]) -> str:
    """The test registry, with `signing_keys` for the parties in `keys`."""
    entries = {RIVER: "River Keepers Collective\n  kind: collective", VALLEY: "Valley Farmers' Assembly\n  kind: community",
               SEEDS: "Seed Sovereignty Network\n  kind: network"}
    text = ""
    for party, fields in entries.items():
        text += f"{party}:\n  name: {fields}\n"
        if party in keys:
            text += f"  signing_keys:\n    - \"{keys[party]}\"\n"
    return text


def settings(root: Path, consent: str = "recorded") -> Settings:
    return Settings(root, root / "agreements", root / "charter", REPO_ROOT / "site_overrides" / "charter",
                    cache_dir=root / ".cache", consent=consent)


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)


class Rows(HTMLParser):
    """The cells of a page's consent table, one tuple per row, each cell's text with spaces collapsed."""

    def __init__(self, html: str, table: str = "charter-consents") -> None:
        super().__init__()
        self.table, self.inside, self.rows, self.cell = table, False, list[tuple[str, ...]](), list[str]()
        self.row: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and self.table in (dict(attrs).get("class") or "").split():
            self.inside = True
        elif self.inside and tag == "tr":
            self.row = []
        elif self.inside and tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag == "td" and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
        elif self.inside and tag == "tr" and self.row:
            self.rows.append(tuple(self.row))
            self.row = None

    def handle_data(self, data: str) -> None:
        self.cell.append(data)


def text_of(html: str, pattern: str) -> str:
    """The words of the first element matched by `pattern` (a regex over the HTML), tags removed."""
    match = re.search(pattern, html, re.DOTALL)
    assert match is not None, pattern
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


class Scenario:
    """One repository holding each kind of consent, in this order of commits (all on one day each):

    2021-01-01 the registry, with keys for the river keepers and the valley farmers (not yet the seeds)
    2021-02-01 `verified` v1, signed by the river keepers' key, consented by them
    2021-02-02 an empty commit signed by the valley farmers' key: `Consent-to: verified v1`
    2021-03-01 `declared` v1, unsigned, consented by the river keepers
    2021-04-01 `borrowed` v1, signed by the river keepers' key, consented by both parties
    2021-05-01 `same-commit` v1 with the seed network's key added to the registry in that very commit,
               signed by it, consented by the seed network
    2021-06-01 `withdrawn` v1, signed by the river keepers, consented by them
    2021-06-02 an empty commit signed by the river keepers: `Consent-to: withdrawn v1`, withdrawn
    2021-07-01 `typo` v1, unsigned, consented by an unknown id `river-colective`
    2021-08-01 `verified` moved to a sub-folder (v2, the same bytes: its consents carry over)
    """

    def __init__(self, folder: Path) -> None:
        keys = folder / "keys"
        self.river, river = ssh_key(keys, "river")
        self.valley, valley = ssh_key(keys, "valley")
        self.seeds, seeds = ssh_key(keys, "seeds")
        self.fingerprints = {name: fingerprint(keys / f"{name}.pub") for name in ("river", "valley", "seeds")}
        self.repo = repo = GitRepo(folder / "repo")
        write_project(repo.root, {}, parties=parties({RIVER: river, VALLEY: valley}))
        seeds_and_river = agreement("Same Commit Accord").replace(f"[{RIVER}, {VALLEY}]", f"[{SEEDS}, {RIVER}]")
        self.start = repo.commit("Start the charter", "2021-01-01T10:00:00Z")
        self.verified = repo.commit("Adopt verified", "2021-02-01T10:00:00Z", signing_key=self.river,
                                    trailers=(f"Consented-by: {RIVER}",),
                                    **{"agreements/verified.md": agreement("Verified Accord")})
        self.later = repo.commit("Consent of the valley farmers", "2021-02-02T10:00:00Z", signing_key=self.valley,
                                 trailers=("Consent-to: verified v1", f"Consented-by: {VALLEY}"))
        self.declared = repo.commit("Adopt declared", "2021-03-01T10:00:00Z", trailers=(f"Consented-by: {RIVER}",),
                                    **{"agreements/declared.md": agreement("Declared Accord")})
        self.borrowed = repo.commit("Adopt borrowed", "2021-04-01T10:00:00Z", signing_key=self.river,
                                    trailers=(f"Consented-by: {RIVER}", f"Consented-by:   {VALLEY} "),
                                    **{"agreements/borrowed.md": agreement("Borrowed Key Accord")})
        self.same = repo.commit("Adopt same-commit, registering the seed network's key", "2021-05-01T10:00:00Z",
                                signing_key=self.seeds, trailers=(f"Consented-by: {SEEDS}",),
                                **{"charter/parties.yml": parties({RIVER: river, VALLEY: valley, SEEDS: seeds}),
                                   "agreements/same-commit.md": seeds_and_river})
        self.withdrawn = repo.commit("Adopt withdrawn", "2021-06-01T10:00:00Z", signing_key=self.river,
                                     trailers=(f"Consented-by: {RIVER}",),
                                     **{"agreements/withdrawn.md": agreement("Withdrawn Accord")})
        self.withdrawal = repo.commit("Withdraw the river keepers' consent", "2021-06-02T10:00:00Z",
                                      signing_key=self.river,
                                      trailers=("Consent-to: withdrawn v1", f"Consent-withdrawn-by: {RIVER}"))
        self.typo = repo.commit("Adopt typo", "2021-07-01T10:00:00Z", trailers=("Consented-by: river-colective",),
                                **{"agreements/typo.md": agreement("Typo Accord")})
        (repo.root / "agreements/sub").mkdir()
        repo.git("mv", "agreements/verified.md", "agreements/sub/verified.md")
        self.moved = repo.commit("Move verified", "2021-08-01T10:00:00Z")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    with pytest.MonkeyPatch.context() as patch:
        for key, value in BASE_ENV.items():
            patch.setenv(key, value)
        return Scenario(tmp_path_factory.mktemp("consent"))


@pytest.fixture(scope="module")
def built(scenario: Scenario) -> BuildOutput:
    with pytest.MonkeyPatch.context() as patch:
        for key, value in BASE_ENV.items():
            patch.setenv(key, value)
        output = compose(settings(scenario.repo.root), fallback_as_of=AS_OF)
    assert output.site is not None, output.load.problems
    return output


def page(output: BuildOutput, url: str) -> str:
    assert output.site is not None
    return next(p.html for p in output.site.pages if p.url == url)


def short(commit: str) -> str:
    return commit[:10]


def test_the_registry_fingerprints_keys_as_ssh_keygen_does(scenario: Scenario) -> None:
    for name in ("river", "valley", "seeds"):
        public = Path(f"{getattr(scenario, name)}.pub").read_text(encoding="ascii")
        key = parse_signing_key(public)
        assert key is not None and key.kind == "ssh" and key.comment == f"{name}@example.org"
        assert key.fingerprint == scenario.fingerprints[name]


def signed(name: str, scenario: Scenario) -> str:
    return f"signed with the party's SSH key {scenario.fingerprints[name]}, registered before the commit"


def version_rows(scenario: Scenario) -> dict[str, list[tuple[str, ...]]]:
    """Per version page, the rows of its consent table: date, party, verdict, how, commit."""
    s, river, valley, seeds = scenario, "River Keepers Collective", "Valley Farmers' Assembly", "Seed Sovereignty Network"
    verified = [("2021-02-01", river, "verified", signed("river", s), f"{short(s.verified)} with the version"),
                ("2021-02-02", valley, "verified", signed("valley", s), f"{short(s.later)} a later commit")]
    return {
        "verified/v/1": verified,
        "verified/v/2": verified,  # moved, the same bytes: the consents carry over
        "declared/v/1": [("2021-03-01", river, "declared", "the commit is not signed",
                          f"{short(s.declared)} with the version")],
        "borrowed/v/1": [
            ("2021-04-01", river, "verified", signed("river", s), f"{short(s.borrowed)} with the version"),
            ("2021-04-01", valley, "declared", f"signed with key {s.fingerprints['river']}, registered for "
             f"{RIVER}, not for this party", f"{short(s.borrowed)} with the version")],
        "same-commit/v/1": [("2021-05-01", seeds, "declared", f"signed with key {s.fingerprints['seeds']}, which this "
                             "same commit added to the registry: a key counts only once the registry held it before",
                             f"{short(s.same)} with the version")],
        "withdrawn/v/1": [("2021-06-01", river, "contested", f"{signed('river', s)}; withdrawn on 2021-06-02 by commit "
                           f"{short(s.withdrawal)} (the withdrawal is verified: {signed('river', s)})",
                           f"{short(s.withdrawn)} with the version")],
        "typo/v/1": [],
    }


SUMMARIES = {
    "verified": "Consented by every party, verified: each party's consent is signed with a key registered for it.",
    "declared": "Not consented by every party: Valley Farmers' Assembly has not consented; River Keepers Collective "
                "only declared its consent.",
    "borrowed": "Consented by every party, not all verified: Valley Farmers' Assembly only declared its consent, "
                "without a registered signature.",
    "same-commit": "Not consented by every party: River Keepers Collective has not consented; Seed Sovereignty "
                   "Network only declared its consent.",
    "withdrawn": "Not consented by every party: River Keepers Collective, Valley Farmers' Assembly have not consented "
                 "(River Keepers Collective withdrew its consent).",
    "typo": "Not consented by every party: River Keepers Collective, Valley Farmers' Assembly have not consented.",
}


@pytest.mark.parametrize("version", ["verified/v/1", "verified/v/2", "declared/v/1", "borrowed/v/1",
                                     "same-commit/v/1", "withdrawn/v/1", "typo/v/1"])
def test_each_version_lists_who_consented_and_how(scenario: Scenario, built: BuildOutput, version: str) -> None:
    html = page(built, f"agreements/{version}/")
    assert Rows(html).rows == version_rows(scenario)[version]
    agreement_id = version.split("/")[0]
    assert text_of(html, r'<p class="charter-consent-summary">(.*?)</p>') == SUMMARIES[agreement_id]


@pytest.mark.parametrize("agreement_id", list(SUMMARIES))
def test_each_agreement_says_whether_its_current_text_has_every_partys_consent(built: BuildOutput,
                                                                                agreement_id: str) -> None:
    html = page(built, f"agreements/{agreement_id}/")
    current = 2 if agreement_id == "verified" else 1
    assert text_of(html, r"<dt>Consent to the current text</dt><dd>(.*?)</dd>") == (
        f"{SUMMARIES[agreement_id]} Who consented to version {current}.")
    assert f'href="v/{current}/#consent"' in html


def test_a_party_page_leads_to_its_ledger(scenario: Scenario, built: BuildOutput) -> None:
    s = scenario
    html = page(built, "parties/river-collective/")
    assert '<a href="consents/">Every consent this party gave</a>: 4 consents, newest first' in html
    assert Rows(html).rows == []  # the ledger is a page of its own, out of the party page's search entry
    ledger = page(built, "parties/river-collective/consents/")
    assert '<h1>Consents given by <a href="../">River Keepers Collective</a></h1>' in ledger
    assert Rows(ledger).rows == [
        ("2021-06-01", "Withdrawn Accord", "1", "contested", version_rows(s)["withdrawn/v/1"][0][3],
         f"{short(s.withdrawn)} with the version"),
        ("2021-04-01", "Borrowed Key Accord", "1", "verified", signed("river", s), f"{short(s.borrowed)} with the version"),
        ("2021-03-01", "Declared Accord", "1", "declared", "the commit is not signed", f"{short(s.declared)} with the version"),
        ("2021-02-01", "Verified Accord", "1", "verified", signed("river", s), f"{short(s.verified)} with the version"),
    ]
    awaiting = re.findall(r'<li class="charter-list__item"><a href="[^"]+">([^<]+)</a> <a href="([^"]+)">version (\d+)</a>'
                          r"([^<]*)</li>", html)
    assert awaiting == [("Typo Accord", "../../agreements/typo/v/1/#consent", "1", ""),
                        ("Withdrawn Accord", "../../agreements/withdrawn/v/1/#consent", "1", ""),
                        ("Same Commit Accord", "../../agreements/same-commit/v/1/#consent", "1", ""),
                        ("Declared Accord", "../../agreements/declared/v/1/#consent", "1", " (consent declared)")]
    assert f"<code>{s.fingerprints['river']}</code> (river@example.org)" in html
    seeds = page(built, "parties/seed-network/consents/")
    assert [row[1:4] for row in Rows(seeds).rows] == [("Same Commit Accord", "1", "declared")]
    assert sorted(found.url for found in built.site.pages if found.url.endswith("/consents/")) == [
        "parties/river-collective/consents/", "parties/seed-network/consents/", "parties/valley-farmers/consents/"]


def test_the_consent_page_lists_agreements_in_force_without_every_verified_consent_newest_first(
        built: BuildOutput) -> None:
    html = page(built, "consent/")
    assert [row[:2] for row in Rows(html, "charter-shortfalls").rows] == [
        ("version 1, 2021-07-01", "Typo Accord"), ("version 1, 2021-06-01", "Withdrawn Accord"),
        ("version 1, 2021-05-01", "Same Commit Accord"), ("version 1, 2021-04-01", "Borrowed Key Accord"),
        ("version 1, 2021-03-01", "Declared Accord")]
    assert "5 of 6 agreements in force" in html
    assert [row[2] for row in Rows(html, "charter-shortfalls").rows][3] == SUMMARIES["borrowed"]


def test_an_unknown_party_id_is_a_warning_naming_the_commit(scenario: Scenario, built: BuildOutput) -> None:
    assert [problem.format() for problem in built.load.problems] == [
        f"agreements/typo.md:1: warning[consent-party-unknown]: commit {scenario.typo[:12]} (2021-07-01, "
        "\"Adopt typo\") records consent by 'river-colective', which is not a party in the registry; it is not counted\n"
        "  help: did you mean 'river-collective'? A commit cannot be changed: record it again in a new commit "
        "(`charter consent typo --party river-collective` prints the command), then list "
        f"\"{scenario.typo[:12]} river-colective\" under the plugin's `consent_acknowledged`"]


def git_commands(calls: list[list[str]]) -> list[str]:
    """The git subcommand of each process, past git's own `-c name=value` options."""
    found = []
    for call in calls:
        rest = call[1:]
        while rest[:1] == ["-c"]:
            rest = rest[2:]
        found.append(rest[0])
    return found


def test_signatures_are_checked_in_one_git_process_whatever_the_number_of_commits_and_never_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import git  # noqa: F401 - GitPython's own `git version` at import time is not the build's

    import generator.repository.signatures as signatures

    checked: list[str] = []
    real_parse = signatures.parse_signatures

    def parse(output: bytes) -> dict[str, signatures.Signature]:
        found = real_parse(output)
        checked.extend(found)
        return found

    monkeypatch.setattr(signatures, "parse_signatures", parse)
    key, public = ssh_key(tmp_path / "keys", "river")
    calls = count_processes(monkeypatch)
    for consents in (2, 20):
        repo = GitRepo(tmp_path / f"repo-{consents}")
        write_project(repo.root, {}, parties=parties({RIVER: public}))
        repo.commit("Start", "2021-01-01T10:00:00Z")
        repo.commit("Adopt water", "2021-02-01T10:00:00Z", signing_key=key, trailers=(f"Consented-by: {RIVER}",),
                    **{"agreements/water.md": agreement("Water")})
        for day in range(consents - 1):
            repo.commit("Consent again", f"2021-03-{day + 1:02}T10:00:00Z", signing_key=key,
                        trailers=("Consent-to: water v1", f"Consented-by: {RIVER}"))
        checked.clear()
        calls.clear()
        first = compose(settings(repo.root), fallback_as_of=AS_OF)
        assert git_commands(calls) == ["log", "cat-file", "log"]
        assert "--stdin" in calls[2] and "--no-walk=unsorted" in calls[2]
        assert len(checked) == len(set(checked)) == consents
        calls.clear()
        again = compose(settings(repo.root), fallback_as_of=AS_OF)
        # HEAD has not moved: the log's records and the blobs are the cache's, and no signature is checked
        # again, so no git process runs at all.
        assert git_commands(calls) == [] and len(checked) == consents
        assert again.site == first.site
        assert Rows(page(again, "agreements/water/v/1/")).rows[0][2] == "verified"
        newer = [repo.commit("Consent once more", f"2021-04-0{day + 1}T10:00:00Z", signing_key=key,
                             trailers=("Consent-to: water v1", f"Consented-by: {RIVER}")) for day in range(3)]
        calls.clear()
        compose(settings(repo.root), fallback_as_of=AS_OF)
        assert git_commands(calls) == ["log", "log"]  # the new commits changed no file: no blob to read
        assert checked[consents:] == sorted(newer) and len(checked) == len(set(checked))


def consenting_project(folder: Path, policy: str) -> tuple[GitRepo, Path, Path]:
    """A project whose water accord is in force with the river keepers' signed consent only; the keys
    of both parties are registered. Returns the repository and the two private keys."""
    river_key, river = ssh_key(folder / "keys", "river")
    valley_key, valley = ssh_key(folder / "keys", "valley")
    repo = GitRepo(folder / "project")
    config = mkdocs_yml().replace("  - charter:\n", f"  - charter:\n      consent: {policy}\n")
    write_project(repo.root, {}, parties=parties({RIVER: river, VALLEY: valley}), config=config)
    repo.commit("Start", "2021-01-01T10:00:00Z")
    repo.commit("Adopt water", "2021-02-01T10:00:00Z", signing_key=river_key, trailers=(f"Consented-by: {RIVER}",),
                **{"agreements/water.md": agreement("Water")})
    return repo, river_key, valley_key


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def signed_with(command: str, key: Path) -> list[str]:
    """A printed `git -c gpg.format=ssh commit -S …` command with the signing key named, as argv."""
    argv = shlex.split(command)
    assert argv[:3] == ["git", "-c", "gpg.format=ssh"], command
    return [*argv[:3], "-c", f"user.signingkey={key}", *argv[3:]]


REQUIRED_MESSAGE = (
    "agreements/water.md:4: error[consent-missing]: the agreement is in force, but its current text (version 1) "
    "lacks the verified consent of 'valley-farmers': it has not consented\n"
    "  help: 'valley-farmers' must sign it with a key registered for it in parties.yml: git -c gpg.format=ssh "
    "commit -S --allow-empty --trailer 'Consented-by: valley-farmers' --trailer 'Consent-to: water v1' "
    "-m 'Consent of valley-farmers to water v1'\n"
    "1 error, 0 warnings, 0 notices in 3 files checked\n")


def test_consent_required_fails_check_until_every_party_has_signed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _, valley_key = consenting_project(tmp_path, "required")
    monkeypatch.chdir(repo.root)
    assert run(capsys, "check") == (1, REQUIRED_MESSAGE, "")
    command = REQUIRED_MESSAGE.split("parties.yml: ", 1)[1].split("\n", 1)[0]
    subprocess.run(signed_with(command, valley_key), cwd=repo.root, check=True, capture_output=True)
    assert run(capsys, "check") == (0, "0 errors, 0 warnings, 0 notices in 3 files checked\n", "")


def test_consent_required_fails_the_build_too(tmp_path: Path) -> None:
    repo, _, _ = consenting_project(tmp_path, "required")
    output = compose(settings(repo.root, consent="required"), fallback_as_of=AS_OF)
    assert output.site is None
    assert [problem.code for problem in output.load.errors] == ["consent-missing"]


def test_charter_consent_prints_a_command_that_records_verified_consent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _, valley_key = consenting_project(tmp_path, "recorded")
    monkeypatch.chdir(repo.root)
    code, out, err = run(capsys, "consent", "water", "--party", VALLEY)
    assert (code, err) == (0, "")
    assert out.startswith("To record the signed consent of Valley Farmers' Assembly to version 1 of 'water', its "
                          "current text, run:\n\n  git -c gpg.format=ssh commit -S --allow-empty --trailer "
                          "'Consented-by: valley-farmers' --trailer 'Consent-to: water v1' -m "
                          "'Consent of valley-farmers to water v1'\n\n-S signs with the key")
    assert "The key must be one of valley-farmers's signing_keys in charter/parties.yml" in out
    subprocess.run(signed_with(out.split("\n")[2].strip(), valley_key), cwd=repo.root, check=True,
                   capture_output=True)
    built = compose(settings(repo.root), fallback_as_of=AS_OF)
    assert [row[1:3] for row in Rows(page(built, "agreements/water/v/1/")).rows] == [
        ("River Keepers Collective", "verified"), ("Valley Farmers' Assembly", "verified")]
    code, out, _ = run(capsys, "consent", "water", "--party", VALLEY)
    assert out.startswith("Valley Farmers' Assembly has already given verified consent to version 1")


def test_charter_consent_with_an_uncommitted_change_commits_it_with_the_consent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo, river_key, _ = consenting_project(tmp_path, "recorded")
    monkeypatch.chdir(repo.root)
    repo.write("agreements/water.md", agreement("Water", body="## Purpose\n\nTo share, and to keep clean.\n"))
    code, out, _ = run(capsys, "consent", "water", "--party", RIVER)
    assert out.startswith("agreements/water.md has uncommitted changes: commit them with the consent of River "
                          "Keepers Collective:\n\n  git add agreements/water.md && git -c gpg.format=ssh commit -S "
                          "--trailer 'Consented-by: river-collective'\n")
    repo.git("add", "agreements/water.md")
    subprocess.run([*signed_with("git -c gpg.format=ssh commit -S --trailer 'Consented-by: river-collective'",
                                 river_key), "-m", "Amend water"], cwd=repo.root, check=True, capture_output=True)
    built = compose(settings(repo.root), fallback_as_of=AS_OF)
    assert [row[1:3] for row in Rows(page(built, "agreements/water/v/2/")).rows] == [
        ("River Keepers Collective", "verified")]


@pytest.mark.parametrize(("argv", "message"), [
    (("consent", "wter", "--party", RIVER), "charter: error: no agreement has the id 'wter'; did you mean 'water'?\n"),
    (("consent", "water", "--party", SEEDS), "charter: error: 'seed-network' is not a party of 'water'; its parties "
                                             "are river-collective, valley-farmers\n"),
])
def test_charter_consent_refuses_an_agreement_or_party_that_cannot_consent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: tuple[str, ...], message: str) -> None:
    repo, _, _ = consenting_project(tmp_path, "recorded")
    monkeypatch.chdir(repo.root)
    assert run(capsys, *argv) == (2, "", message)


@dataclass(frozen=True)
class ConsentCase(Case):
    """A row of the validation table whose input is a commit: `setup` commits to the project's repository."""

    policy: str = "recorded"


def commits(*entries: tuple[str, tuple[str, ...], dict[str, str]]) -> Setup:
    """Commit each (message, trailers, files) in turn, a day apart."""
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        repo = GitRepo(root)
        for day, (message, trailers, files) in enumerate(entries, start=1):
            repo.commit(message, f"2021-01-{day:02}T10:00:00Z", trailers=trailers, **files)
    return setup


CONSENT_CASES = [
    ConsentCase("consent-party-unknown", {}, setup=commits(
        ("Adopt a", ("Consented-by: valley-farmer",), {"agreements/a.md": agreement("Water")})),
        expected="agreements/a.md:1: warning[consent-party-unknown]: commit <id> (2021-01-01, \"Adopt a\") records "
                 "consent by 'valley-farmer', which is not a party in the registry; it is not counted\n"
                 "  help: did you mean 'valley-farmers'? A commit cannot be changed: record it again in a new commit "
                 "(`charter consent a --party valley-farmers` prints the command), then list \"<id> "
                 "valley-farmer\" under the plugin's `consent_acknowledged`"),
    ConsentCase("consent-target-unknown", {}, setup=commits(
        ("Adopt a", (), {"agreements/a.md": agreement("Water")}),
        ("Consent", ("Consent-to: a v2", f"Consented-by: {RIVER}"), {})),
        expected="agreements/a.md:1: warning[consent-target-unknown]: commit <id> (2021-01-02, \"Consent\") gives "
                 "consent to 'a v2', which is not a version committed before it (committed then: v1); it is not "
                 "counted\n"
                 "  help: name a committed version as `Consent-to: <agreement-id> v<version>`; `charter consent "
                 "<agreement-id> --party <party-id>` prints the command; then list \"<id>\" under the "
                 "plugin's `consent_acknowledged`"),
    ConsentCase("consent-missing", {}, policy="required", setup=commits(
        ("Adopt a", (f"Consented-by: {RIVER}",), {"agreements/a.md": agreement("Water")})),
        expected="agreements/a.md:4: error[consent-missing]: the agreement is in force, but its current text "
                 "(version 1) lacks the verified consent of 'river-collective': its consent is declared, not "
                 "verified: the commit is not signed\n"
                 "  help: 'river-collective' must sign it with a key registered for it in parties.yml: git -c "
                 "gpg.format=ssh commit -S --allow-empty --trailer 'Consented-by: river-collective' --trailer "
                 "'Consent-to: a v1' -m 'Consent of river-collective to a v1'\n"
                 "agreements/a.md:4: error[consent-missing]: the agreement is in force, but its current text "
                 "(version 1) lacks the verified consent of 'valley-farmers': it has not consented\n"
                 "  help: 'valley-farmers' must sign it with a key registered for it in parties.yml: git -c "
                 "gpg.format=ssh commit -S --allow-empty --trailer 'Consented-by: valley-farmers' --trailer "
                 "'Consent-to: a v1' -m 'Consent of valley-farmers to a v1'"),
]


@pytest.mark.parametrize("case", CONSENT_CASES, ids=lambda case: case.code)
def test_one_bad_commit_per_code(case: ConsentCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "project", case.agreements, parties=case.parties, themes=case.themes)
    assert case.setup is not None
    case.setup(root, monkeypatch)
    output = compose(settings(root, consent=case.policy), fallback_as_of=AS_OF)
    found = "\n".join(problem.format() for problem in output.load.problems)
    assert re.sub(r"\b[0-9a-f]{12}\b", "<id>", found) == case.expected


def test_consent_off_reads_no_consent(scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    import git  # noqa: F401 - GitPython's own `git version` at import time is not the build's

    calls = count_processes(monkeypatch)
    output = compose(dataclasses.replace(settings(scenario.repo.root), cache_dir=None, consent="off"),
                     fallback_as_of=AS_OF)
    assert git_commands(calls) == ["log", "cat-file"]
    assert output.ledger is None and output.load.problems == ()
    assert 'id="consent"' not in page(output, "agreements/verified/v/1/")
    assert "Consent to the current text" not in page(output, "agreements/verified/")
    assert "Consent ledger" not in page(output, "parties/river-collective/")
    assert "(the `consent` option is `off`)" in page(output, "consent/")


def test_without_a_repository_no_text_has_consent(tmp_path: Path) -> None:
    root = write_project(tmp_path / "plain", {"water.md": agreement("Water")})
    output = compose(settings(root, consent="required"), fallback_as_of=AS_OF)
    assert [(problem.code, problem.message.rsplit(": ", 1)[1]) for problem in output.load.errors] == [
        ("consent-missing", "the text has uncommitted changes, and no one has consented to them yet")] * 2
    recorded = compose(settings(root), fallback_as_of=AS_OF)
    assert text_of(page(recorded, "agreements/water/"), r"<dt>Consent to the current text</dt><dd>(.*?)</dd>") == (
        "Not consented: the text has uncommitted changes, and no party has consented to them yet.")


def test_which_version_each_trailer_is_about(tmp_path: Path) -> None:
    """An edit needs consent again; `Consent-to:` without a version means the version standing then; a
    withdrawal in a commit that changes the text is from the version before it."""
    repo = GitRepo(tmp_path / "repo")
    write_project(repo.root, {})
    repo.commit("Start", "2021-01-01T10:00:00Z")
    repo.commit("Adopt water", "2021-02-01T10:00:00Z", trailers=(f"Consented-by: {RIVER}",),
                **{"agreements/water.md": agreement("Water")})
    repo.commit("Amend water", "2021-03-01T10:00:00Z", trailers=(f"Consented-by: {VALLEY}",),
                **{"agreements/water.md": agreement("Water", body="## Purpose\n\nTo share fairly.\n")})
    later = repo.commit("Consent", "2021-03-02T10:00:00Z", trailers=("Consent-to: water", f"Consented-by: {RIVER}"))
    withdrawal = repo.commit("Amend water again", "2021-04-01T10:00:00Z",
                             trailers=(f"Consent-withdrawn-by: {RIVER}",),
                             **{"agreements/water.md": agreement("Water", body="## Purpose\n\nTo share.\n")})
    repo.commit("Odd", "2021-05-01T10:00:00Z", trailers=("Consent-to: water version 2", f"Consented-by: {RIVER}"))
    repo.commit("Other", "2021-05-02T10:00:00Z", trailers=("Consent-to: fire v1", f"Consented-by: {RIVER}"))
    output = compose(settings(repo.root), fallback_as_of=AS_OF)
    rows = {number: [row[1:3] + row[4:] for row in Rows(page(output, f"agreements/water/v/{number}/")).rows]
            for number in (1, 2, 3)}
    assert rows == {
        1: [("River Keepers Collective", "declared", f"{short(repo.git('rev-parse', 'HEAD~5'))} with the version")],
        2: [("Valley Farmers' Assembly", "declared", f"{short(repo.git('rev-parse', 'HEAD~4'))} with the version"),
            ("River Keepers Collective", "contested", f"{short(later)} a later commit")],
        3: [],
    }
    how = Rows(page(output, "agreements/water/v/2/")).rows[1][3]
    assert how == (f"the commit is not signed; withdrawn on 2021-04-01 by commit {short(withdrawal)} (the withdrawal "
                   "is declared: the commit is not signed)")
    # Problems sort by their message, which starts with the commit's id, so compare them as a set.
    assert sorted(problem.message.split(") ", 1)[1] for problem in output.load.problems) == [
        "gives consent to 'fire', which is no agreement of the charter; it is not counted",
        "has `Consent-to: water version 2`, which is not `<agreement-id> v<version>`; it is not counted"]
    assert {problem.path for problem in output.load.problems} == {"agreements"}


def test_each_consent_carries_the_reason_for_its_verdict(built: BuildOutput) -> None:
    assert built.ledger is not None
    reasons = {(consent.agreement_id, consent.party): (consent.verdict, consent.proof.reason)
               for consents in built.ledger.by_party.values() for consent in consents}
    assert reasons == {
        ("verified", RIVER): ("verified", "signed"), ("verified", VALLEY): ("verified", "signed"),
        ("declared", RIVER): ("declared", "unsigned"),
        ("borrowed", RIVER): ("verified", "signed"), ("borrowed", VALLEY): ("declared", "other-party"),
        ("same-commit", SEEDS): ("declared", "same-commit"),
        ("withdrawn", RIVER): ("contested", "signed"),
    }
