"""The consent ledger: for each version of each agreement, which of its parties consented, and how surely.

A consent is
- **verified** when its commit is signed (git says the signature is good) by a key that the party
  registry, as it stood at the commit's parent, listed for that party;
- **declared** when the trailer is there but the commit is unsigned, its signature is bad, or the key
  was not the party's then (another party's, unregistered, or registered by that very commit);
- **contested** when a later commit records the party's withdrawal of consent to the same version.

A version counts the consents given to it, and those of the version before when its bytes are the
same (a pure move keeps its consents; any edit needs consent again). A consent by a party that the
version does not name as a party is not counted; one by an id the registry does not know is a warning
naming the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from generator.checks.problems import Problem, Severity
from generator.checks.suggest import closest
from generator.consent.acknowledged import Acknowledgement, is_acknowledged
from generator.consent.keys import KeyHistory
from generator.consent.statements import CONSENT, WITHDRAWAL, Misdirected, Statement, Statements
from generator.history.versions import AgreementHistory, Version
from generator.model import Charter
from generator.repository.model import Commit
from generator.repository.signatures import Signature
from generator.source.agreements import field_ids

VERIFIED, DECLARED, CONTESTED = "verified", "declared", "contested"
KEY_KINDS = {"ssh": "SSH", "openpgp": "OpenPGP"}


@dataclass(frozen=True)
class Proof:
    """What the signature of a statement's commit shows."""

    verdict: str
    """`verified` or `declared`."""
    reason: str
    """signed, unsigned, bad-signature, unchecked, expired, same-commit, other-party or unregistered."""
    how: str
    """The reason in words, for the pages."""
    key: str = ""
    """The fingerprint of the key that signed, if any."""


@dataclass(frozen=True)
class Withdrawal:
    commit: Commit
    proof: Proof

    @property
    def date(self) -> dt.datetime:
        return self.commit.authored


@dataclass(frozen=True)
class Consent:
    party: str
    agreement_id: str
    version: int
    commit: Commit
    proof: Proof
    with_version: bool
    """Recorded by the commit that made the version, rather than by a later commit."""
    withdrawn: Withdrawal | None = None

    @property
    def verdict(self) -> str:
        return CONTESTED if self.withdrawn is not None else self.proof.verdict

    @property
    def date(self) -> dt.datetime:
        return self.commit.authored


@dataclass(frozen=True)
class VersionConsent:
    agreement_id: str
    number: int
    parties: tuple[str, ...]
    """The parties this version of the text names."""
    consents: tuple[Consent, ...] = ()
    """Every consent that counts for this version, oldest first."""
    uncommitted: bool = False
    removed: bool = False

    def standing(self, party: str) -> str:
        """`verified`, `declared`, or `` when the party's consent is missing or contested."""
        return self._standings.get(party, "")

    @cached_property
    def _standings(self) -> Mapping[str, str]:
        """Each consenting party's standing, worked out once: every version page reads it several times."""
        verdicts: dict[str, set[str]] = {}
        for consent in self.consents:
            verdicts.setdefault(consent.party, set()).add(consent.verdict)
        return {party: VERIFIED if VERIFIED in found else DECLARED if DECLARED in found else ""
                for party, found in verdicts.items()}

    @cached_property
    def missing(self) -> tuple[str, ...]:
        """Worked out once: a version page reads it for itself, for who contested and for whether all
        consented."""
        return tuple(party for party in self.parties if not self.standing(party))

    @property
    def declared_only(self) -> tuple[str, ...]:
        return tuple(party for party in self.parties if self.standing(party) == DECLARED)

    @property
    def contested(self) -> tuple[str, ...]:
        """Parties whose every consent to this version was withdrawn."""
        return tuple(party for party in self.missing if any(c.party == party for c in self.consents))

    @property
    def all_consented(self) -> bool:
        return bool(self.parties) and not self.missing

    @property
    def all_verified(self) -> bool:
        return bool(self.parties) and all(self.standing(party) == VERIFIED for party in self.parties)


@dataclass(frozen=True)
class AgreementLedger:
    agreement_id: str
    versions: tuple[VersionConsent, ...]
    """By version number, oldest first."""

    @property
    def current(self) -> VersionConsent | None:
        return self.versions[-1] if self.versions else None

    def version(self, number: int) -> VersionConsent | None:
        return self.versions[number - 1] if 0 < number <= len(self.versions) else None


@dataclass(frozen=True)
class Ledger:
    agreements: Mapping[str, AgreementLedger] = field(default_factory=dict, hash=False)
    problems: tuple[Problem, ...] = ()

    @cached_property
    def by_party(self) -> Mapping[str, tuple[Consent, ...]]:
        """Party id -> its consents to any version, newest first."""
        found: dict[str, list[Consent]] = {}
        for ledger in self.agreements.values():
            for version in ledger.versions:
                for consent in version.consents:
                    if consent.version == version.number:  # once, not again where it carries over
                        found.setdefault(consent.party, []).append(consent)
        def newest(consent: Consent) -> tuple[dt.datetime, str, int]:
            return consent.date, consent.agreement_id, consent.version

        return {party: tuple(sorted(consents, key=newest, reverse=True)) for party, consents in found.items()}


def prove(party: str, statement: Statement, signature: Signature | None, keys: KeyHistory) -> Proof:
    """Whether the commit's signature verifies the party's statement, and why (or why not)."""
    if signature is None or signature.status == "N":
        return Proof(DECLARED, "unsigned", "the commit is not signed")
    if signature.status == "B":
        return Proof(DECLARED, "bad-signature", "the commit's signature does not match it")
    signer = signature.fingerprints[0] if signature.fingerprints else ""
    if signature.status == "E":
        return Proof(DECLARED, "unchecked", "git could not check the commit's signature", signer)
    if not signature.is_good:
        return Proof(DECLARED, "expired", "the commit is signed with an expired or revoked key", signer)
    before = keys.before(statement.position)
    for fingerprint in signature.fingerprints:
        if fingerprint in before.get(party, ()):
            kind = KEY_KINDS[keys.keys[fingerprint].kind]
            return Proof(VERIFIED, "signed", f"signed with the party's {kind} key {fingerprint}, registered "
                         "before the commit", fingerprint)
    added = keys.written_at(statement.position).get(party, frozenset())
    if any(fingerprint in added for fingerprint in signature.fingerprints):
        return Proof(DECLARED, "same-commit", f"signed with key {signer}, which this same commit added to "
                     "the registry: a key counts only once the registry held it before", signer)
    others = sorted(other for other, held in before.items() if other != party
                    and any(fingerprint in held for fingerprint in signature.fingerprints))
    if others:
        return Proof(DECLARED, "other-party", f"signed with key {signer}, registered for "
                     f"{', '.join(others)}, not for this party", signer)
    return Proof(DECLARED, "unregistered", f"signed with key {signer}, which the registry did not list for "
                 "the party when the commit was made", signer)


def _parties(version: Version) -> tuple[str, ...]:
    return field_ids(version.header, "parties") if version.header is not None else ()


def _counted(history: AgreementHistory, given: Mapping[int, list[int]]) -> list[list[int]]:
    """For each version (oldest first), the consents that count for it: its own, and the version before's
    when the bytes are the same (a move keeps its consents; any edit needs consent again)."""
    counted: list[list[int]] = []
    for version in history.versions:
        own = list(given.get(version.number, []))
        before = history.versions[version.number - 2] if version.number > 1 else None
        same = (before is not None and before.revision is not None and version.revision is not None
                and not version.is_removed and before.revision.blob == version.revision.blob)
        counted.append([*counted[-1], *own] if same else own)
    return counted


def build_ledger(charter: Charter, histories: Mapping[str, AgreementHistory], statements: Statements,
                 signatures: Mapping[str, Signature], keys: KeyHistory, agreements_shown: str,
                 acknowledged: Sequence[Acknowledgement] = ()) -> Ledger:
    """The ledger of every agreement with a history, and the warnings about trailers that name nothing
    (but those the maintainers acknowledged)."""
    problems = [_misdirected(charter, item, agreements_shown) for item in statements.misdirected
                if not is_acknowledged(acknowledged, item.commit.commit)]
    unknown: dict[tuple[str, str], Statement] = {}
    known: list[tuple[Statement, Proof]] = []
    for statement in statements.found:
        if statement.party in charter.parties:
            signature = signatures.get(statement.commit.commit)
            known.append((statement, prove(statement.party, statement, signature, keys)))
        elif not is_acknowledged(acknowledged, statement.commit.commit, statement.party):
            unknown.setdefault((statement.commit.commit, statement.party), statement)
    problems.extend(_unknown_party(charter, statement, agreements_shown) for statement in unknown.values())
    given: dict[str, dict[int, list[int]]] = {}
    for index, (statement, _) in enumerate(known):
        history = histories.get(statement.agreement_id)
        if (statement.kind == CONSENT and history is not None
                and statement.party in _parties(history.versions[statement.version - 1])):
            given.setdefault(statement.agreement_id, {}).setdefault(statement.version, []).append(index)
    counted = {key: _counted(history, given.get(key, {})) for key, history in histories.items()}
    withdrawn: dict[int, Withdrawal] = {}
    for statement, proof in known:  # oldest first: a consent is withdrawn by the first withdrawal after it
        if statement.kind != WITHDRAWAL:
            continue
        for index in counted[statement.agreement_id][statement.version - 1]:
            earlier, _ = known[index]
            if earlier.party == statement.party and earlier.position < statement.position:
                withdrawn.setdefault(index, Withdrawal(statement.commit, proof))
    consents = {index: Consent(statement.party, statement.agreement_id, statement.version, statement.commit,
                               proof, statement.with_version, withdrawn.get(index))
                for index, (statement, proof) in enumerate(known) if statement.kind == CONSENT}
    ledgers = {key: AgreementLedger(key, tuple(
        VersionConsent(key, version.number, _parties(version),
                       tuple(sorted((consents[index] for index in indices), key=lambda c: c.date)),
                       version.is_uncommitted, version.is_removed)
        for version, indices in zip(history.versions, counted[key], strict=True)))
        for key, history in histories.items()}
    return Ledger(ledgers, tuple(problems))


def _path(charter: Charter, agreement_id: str, agreements_shown: str) -> str:
    agreement = charter.by_id.get(agreement_id)
    return agreement.path if agreement is not None else agreements_shown


def _named_commit(commit: Commit) -> str:
    return f"commit {commit.commit[:12]} ({commit.authored.date().isoformat()}, \"{commit.subject}\")"


def _unknown_party(charter: Charter, statement: Statement, agreements_shown: str) -> Problem:
    noun = "consent" if statement.kind == CONSENT else "a withdrawal of consent"
    close = closest(statement.party, charter.parties)
    meant = close or "<party-id>"
    return Problem(
        _path(charter, statement.agreement_id, agreements_shown), 1, "consent-party-unknown",
        f"{_named_commit(statement.commit)} records {noun} by '{statement.party}', which is not a party in "
        "the registry; it is not counted",
        f"{f'did you mean {meant!r}? ' if close else ''}A commit cannot be changed: record it again in a new "
        f"commit (`charter consent {statement.agreement_id} --party {meant}` prints the command), then list "
        f"\"{statement.commit.commit[:12]} {statement.party}\" under the plugin's `consent_acknowledged`",
        Severity.WARNING)


def _misdirected(charter: Charter, item: Misdirected, agreements_shown: str) -> Problem:
    return Problem(
        _path(charter, item.agreement_id, agreements_shown), 1, "consent-target-unknown",
        f"{_named_commit(item.commit)} {item.message}; it is not counted",
        "name a committed version as `Consent-to: <agreement-id> v<version>`; `charter consent "
        "<agreement-id> --party <party-id>` prints the command; then list "
        f"\"{item.commit.commit[:12]}\" under the plugin's `consent_acknowledged`", Severity.WARNING)
