"""What the commits of the main line say about consent, as git's own trailer parser read them.

- A commit that makes a version of an agreement (it changes the file) records, with one
  `Consented-by: <party-id>` trailer per party, those parties' consent to that version; a
  `Consent-withdrawn-by: <party-id>` trailer in it withdraws the party's consent to the version before.
- A commit with `Consent-to: <agreement-id> v<n>` speaks of that version instead, whatever files it
  changes: so a party can consent to (or withdraw from) a version already committed, in a commit of
  its own (`git commit --allow-empty`). Without ` v<n>` it means the version standing at that commit.

Nothing here judges signatures or parties; it only says which version each trailer is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from generator.history.versions import AgreementHistory, Version
from generator.repository.model import Commit, RepositoryFacts

CONSENTED_BY = "Consented-by"
WITHDRAWN_BY = "Consent-withdrawn-by"
CONSENT_TO = "Consent-to"
CONSENT = "consent"
WITHDRAWAL = "withdrawal"
_TARGET = re.compile(r"(?P<id>[a-z0-9][a-z0-9-]*)(?:\s+v(?P<number>[1-9][0-9]*))?\Z")


@dataclass(frozen=True)
class Statement:
    kind: str
    """`consent` or `withdrawal`."""
    party: str
    agreement_id: str
    version: int
    commit: Commit
    position: int
    """The commit's place on the main line (0 = the first commit): later statements have larger ones."""
    with_version: bool = False
    """Recorded by the very commit that made the version (not by a later one)."""


@dataclass(frozen=True)
class Misdirected:
    """A `Consent-to` (or a withdrawal) that names no committed version."""

    commit: Commit
    agreement_id: str
    """The agreement it names, when it names one that exists ("" otherwise)."""
    message: str


@dataclass(frozen=True)
class Statements:
    found: tuple[Statement, ...] = ()
    misdirected: tuple[Misdirected, ...] = ()

    @property
    def commits(self) -> frozenset[str]:
        """The commits whose signature the ledger needs."""
        return frozenset(statement.commit.commit for statement in self.found)


Placed = list[tuple[int, Version]]
"""An agreement's committed versions with text, with their main-line positions, oldest first."""


def _placed(history: AgreementHistory, order: Mapping[str, int]) -> Placed:
    return [(order[version.revision.commit], version) for version in history.versions
            if version.revision is not None and version.revision.commit in order and not version.is_removed]


def _said(commit: Commit, key: str, agreement_id: str, version: int, position: int,
          made: bool = False) -> Iterator[Statement]:
    """A statement for each party the commit's `key` trailers name (once each)."""
    kind = CONSENT if key == CONSENTED_BY else WITHDRAWAL
    for party in dict.fromkeys(commit.trailer(key)):
        yield Statement(kind, party, agreement_id, version, commit, position, made)


def _in_version_commits(agreement_id: str, placed: Placed) -> Iterator[Statement | Misdirected]:
    """Trailers of the commits that made the versions (unless they name their own target)."""
    for index, (position, version) in enumerate(placed):
        revision = version.revision
        assert revision is not None
        if revision.trailer(CONSENT_TO):
            continue
        yield from _said(revision, CONSENTED_BY, agreement_id, version.number, position, made=True)
        if index:
            yield from _said(revision, WITHDRAWN_BY, agreement_id, placed[index - 1][1].number, position)
        elif revision.trailer(WITHDRAWN_BY):
            yield Misdirected(revision, agreement_id, f"withdraws consent to the version before version "
                              f"{version.number} of '{agreement_id}', and there is none")


def _named(commit: Commit, value: str, position: int,
           placed: Mapping[str, Placed]) -> Iterator[Statement | Misdirected]:
    """The statements of a commit whose `Consent-to` names the version they are about."""
    match = _TARGET.match(value.strip())
    if match is None:
        yield Misdirected(commit, "", f"has `{CONSENT_TO}: {value}`, which is not "
                          "`<agreement-id> v<version>`")
        return
    agreement_id, number = match["id"], match["number"]
    if agreement_id not in placed:
        yield Misdirected(commit, "", f"gives consent to '{agreement_id}', which is no agreement of the "
                          "charter")
        return
    before = [(at, version) for at, version in placed[agreement_id] if at <= position]
    chosen = [version for _, version in before if number is None or version.number == int(number)]
    if not chosen:
        shown = ", ".join(f"v{version.number}" for _, version in before) or "none"
        yield Misdirected(commit, agreement_id, f"gives consent to '{value.strip()}', which is not a version "
                          f"committed before it (committed then: {shown})")
        return
    version = chosen[-1]
    made = version.revision is not None and version.revision.commit == commit.commit
    for key in (CONSENTED_BY, WITHDRAWN_BY):
        yield from _said(commit, key, agreement_id, version.number, position, made)


def _targeting(facts: RepositoryFacts) -> dict[str, Commit]:
    """The commits that name their target with `Consent-to`, by id, newest first."""
    found: dict[str, Commit] = {}
    for commit in (*facts.revisions, *facts.unchanging):
        if commit.trailer(CONSENT_TO):
            found.setdefault(commit.commit, commit)
    return found


def gather(facts: RepositoryFacts, histories: Mapping[str, AgreementHistory]) -> Statements:
    """Every consent and withdrawal the main line records for the agreements of `histories`, oldest first."""
    order = {commit: number for number, commit in enumerate(facts.mainline)}
    placed = {agreement_id: _placed(history, order) for agreement_id, history in histories.items()}
    items: list[Statement | Misdirected] = []
    for agreement_id, versions in placed.items():
        items.extend(_in_version_commits(agreement_id, versions))
    for sha, commit in _targeting(facts).items():
        if sha in order:
            for value in dict.fromkeys(commit.trailer(CONSENT_TO)):
                items.extend(_named(commit, value, order[sha], placed))
    found = sorted((item for item in items if isinstance(item, Statement)),
                   key=lambda s: (s.position, s.agreement_id, s.version, s.kind, s.party))
    misdirected = [item for item in items if isinstance(item, Misdirected)]
    return Statements(tuple(found), tuple(misdirected))
