"""Consent warnings the maintainers have read and accepted.

A commit cannot be changed, so a trailer naming a party the registry does not know (a typo, a party
never registered) would fail every `--strict` build for good. The `consent_acknowledged` option lists
such commits, each with the name it acknowledges, and their warnings go quiet; a new commit, or another
name in the same commit, still warns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.asof import ConfigError

ENTRY = re.compile(r"(?P<commit>[0-9a-f]{7,40})(?:\s+(?P<name>\S+))?")


@dataclass(frozen=True)
class Acknowledgement:
    commit: str
    """The commit's id or an abbreviation of it, of at least 7 hex digits."""
    name: str | None = None
    """The party id as the trailer wrote it; None acknowledges every consent warning of the commit."""

    def covers(self, commit: str, name: str | None) -> bool:
        return commit.startswith(self.commit) and (self.name is None or self.name == name)


def parse_acknowledgements(entries: Iterable[str]) -> tuple[Acknowledgement, ...]:
    """`<commit> <party-id>` or `<commit>` alone, as mkdocs.yml lists them."""
    found = []
    for entry in entries:
        match = ENTRY.fullmatch(entry.strip().lower())
        if match is None:
            raise ConfigError(f"consent_acknowledged: {entry!r} is not `<commit> <party-id>` (a commit id of "
                              "at least 7 hex digits, then the name its trailer wrote) or `<commit>` alone")
        found.append(Acknowledgement(match["commit"], match["name"]))
    return tuple(found)


def is_acknowledged(acknowledgements: Iterable[Acknowledgement], commit: str,
                    name: str | None = None) -> bool:
    return any(acknowledgement.covers(commit, name) for acknowledgement in acknowledgements)
