"""Which signing keys the party registry listed for each party, at every point of the main line.

A consent is verified only by a key the registry held *before* the consenting commit: the registry
as it stood at the commit's parent. So the registry's past is read from the same git read as the
agreements' (each revision of parties.yml and its bytes), never from today's file: a pull request
that adds a key cannot make its own commit, or any earlier one, verified.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.repository.model import RepositoryFacts
from generator.source.registries import parse_parties
from generator.source.signing_keys import SigningKey
from generator.vocabulary import ID_PATTERN

Registered = Mapping[str, frozenset[str]]
"""Party id -> the fingerprints of its signing keys."""
NOTHING: Registered = {}


@dataclass(frozen=True)
class KeyHistory:
    """The registry's keys after each commit that changed parties.yml, in main-line order."""

    positions: tuple[int, ...] = ()
    """Main-line positions (0 = the first commit) of the commits that changed the registry."""
    states: tuple[Registered, ...] = ()
    keys: Mapping[str, SigningKey] = field(default_factory=dict, hash=False)
    """Every key the registry ever listed, by fingerprint, and the parties it was listed for."""
    holders: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)
    """Fingerprint -> every party that ever listed it."""

    def before(self, position: int) -> Registered:
        """The keys as the registry stood just before the commit at `position`: at its parent."""
        found = bisect.bisect_left(self.positions, position)
        return self.states[found - 1] if found else NOTHING

    def written_at(self, position: int) -> Registered:
        """The keys the registry held after the commit at `position`, if that commit changed it."""
        found = bisect.bisect_left(self.positions, position)
        wrote = found < len(self.positions) and self.positions[found] == position
        return self.states[found] if wrote else NOTHING

    def allowed_signers(self) -> str:
        """An allowed-signers file (`ssh-keygen -Y verify`) of every SSH key ever registered, so that git
        checks each signature; whether the key was the party's at the time is decided here, not by git."""
        lines = []
        for fingerprint, key in sorted(self.keys.items()):
            holders = self.holders[fingerprint]
            principals = ",".join(sorted(party for party in holders if ID_PATTERN.match(party)))
            if key.kind == "ssh" and principals:
                lines.append(f"{principals} {key.public}\n")
        return "".join(lines)


def key_history(facts: RepositoryFacts, registry_path: str) -> KeyHistory:
    """The keys of every revision of the party registry at `registry_path`; a revision that does not
    parse, or deletes the file, registers no key."""
    order = {commit: number for number, commit in enumerate(facts.mainline)}
    positions: list[int] = []
    states: list[Registered] = []
    keys: dict[str, SigningKey] = {}
    holders: dict[str, set[str]] = {}
    for revision in facts.changes_to((registry_path,)):
        if revision.commit not in order:
            continue
        parties = parse_parties(registry_path, facts.contents[revision.blob])[0] if revision.blob else {}
        state = {party.id: frozenset(key.fingerprint for key in party.signing_keys)
                 for party in parties.values()}
        for party in parties.values():
            for key in party.signing_keys:
                keys.setdefault(key.fingerprint, key)
                holders.setdefault(key.fingerprint, set()).add(party.id)
        positions.append(order[revision.commit])
        states.append(state)
    return KeyHistory(tuple(positions), tuple(states), keys,
                      {fingerprint: frozenset(parties) for fingerprint, parties in holders.items()})
