"""The charter's domain model: frozen values, built once per build and shared by every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from generator import urls
from generator.source.signing_keys import SigningKey
from generator.vocabulary import RELATIONS


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    kind: str
    region: str = ""
    url: str = ""
    description: str = ""
    signing_keys: tuple[SigningKey, ...] = ()
    """The keys whose signature on a commit verifies the party's consent recorded in it."""


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Clause:
    """A `##` section; its anchor is what `[[id#anchor]]` links and diffs point at."""

    anchor: str
    title: str
    line: int


@dataclass(frozen=True)
class Heading:
    """Any heading of a body; its anchor is unique within the agreement's page."""

    anchor: str
    title: str
    line: int
    level: int


@dataclass(frozen=True)
class WikiLink:
    target: str
    anchor: str
    line: int


@dataclass(frozen=True)
class FileLink:
    """A Markdown link or image by relative path (`../folder/other.md#section`, `map.png`, `#section`)."""

    path: str
    """The repository path it leads to (the agreement's own for `#section`); "" when it leaves the
    repository."""
    fragment: str
    line: int
    written: str
    """The link as the author wrote it, for messages."""


@dataclass(frozen=True)
class Agreement:
    id: str
    path: str
    title: str
    status: str
    parties: tuple[str, ...]
    body: str
    body_line: int = 1
    mediators: tuple[str, ...] = ()
    level: str | None = None
    form: str = "written"
    institutionalised_as: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    adopted: dt.date | None = None
    review_by: dt.date | None = None
    renew_every: str | None = None
    amends: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    builds_on: tuple[str, ...] = ()
    relates_to: tuple[str, ...] = ()
    summary: str = ""
    former_ids: tuple[str, ...] = ()
    """Ids it had before (`former_ids:`): their addresses and `[[links]]` lead to it."""
    clauses: tuple[Clause, ...] = ()
    links: tuple[WikiLink, ...] = ()
    headings: tuple[Heading, ...] = ()
    file_links: tuple[FileLink, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def related(self, relation: str) -> tuple[str, ...]:
        if relation not in RELATIONS:
            raise KeyError(relation)
        value: tuple[str, ...] = getattr(self, relation)
        return value

    @property
    def url(self) -> str:
        return urls.agreement(self.id)

    @cached_property
    def anchors(self) -> frozenset[str]:
        return frozenset(heading.anchor for heading in self.headings)


@dataclass(frozen=True)
class Part:
    """A part of the composite charter: a heading and the agreements it gathers."""

    title: str
    themes: tuple[str, ...] = ()
    agreements: tuple[str, ...] = ()
    description: str = ""
    line: int = 1


@dataclass(frozen=True)
class LinkedFiles:
    """What a body may link to besides agreements: the files beside them and the charter's own pages."""

    urls: Mapping[str, str] = field(default_factory=dict)
    """Repository path -> site URL of each."""
    attachments: Mapping[str, str] = field(default_factory=dict)
    """Repository path -> site path of each file beside the agreements that the site publishes."""
    unpublished: frozenset[str] = frozenset()
    """Files beside the agreements of a kind that is not published (HTML, scripts), for the hint."""


@dataclass(frozen=True)
class Charter:
    title: str
    agreements: tuple[Agreement, ...]
    parties: Mapping[str, Party] = field(hash=False)
    themes: Mapping[str, Theme] = field(hash=False)
    parts: tuple[Part, ...] = ()
    files: LinkedFiles = field(default_factory=LinkedFiles, hash=False)
    renamed: Mapping[str, str] = field(default_factory=dict, hash=False)
    """Former id -> current id, as the history stage found them (git's renames and `former_ids`); empty
    until then, when only the declared `former_ids` are known."""

    @cached_property
    def by_id(self) -> Mapping[str, Agreement]:
        return {agreement.id: agreement for agreement in self.agreements}

    @cached_property
    def aliases(self) -> Mapping[str, str]:
        """Former id -> the id of the agreement that holds it now. A declared `former_ids` entry comes
        first (the first agreement in id order, should two declare one), then what the history found; a
        live id is never an alias, so an id given to a new agreement leads to that one."""
        found: dict[str, str] = {}
        for agreement in self.agreements:
            for former in agreement.former_ids:
                found.setdefault(former, agreement.id)
        for former, current in self.renamed.items():
            found.setdefault(former, current)
        return {former: current for former, current in found.items()
                if former not in self.by_id and current in self.by_id}

    @cached_property
    def formerly(self) -> Mapping[str, tuple[str, ...]]:
        """Agreement id -> the former ids that lead to it, for its page."""
        found: dict[str, list[str]] = {}
        for former, current in sorted(self.aliases.items()):
            found.setdefault(current, []).append(former)
        return {current: tuple(formers) for current, formers in found.items()}

    def resolve(self, agreement_id: str) -> Agreement | None:
        """The agreement an id names: its own, else the one that had it before."""
        found = self.by_id.get(agreement_id)
        if found is None and agreement_id in self.aliases:
            return self.by_id[self.aliases[agreement_id]]
        return found

    @cached_property
    def by_path(self) -> Mapping[str, Agreement]:
        return {agreement.path: agreement for agreement in self.agreements}

    @cached_property
    def backlinks(self) -> Mapping[str, Mapping[str, tuple[str, ...]]]:
        """id -> relation -> ids of the agreements that point at it with that relation."""
        found: dict[str, dict[str, list[str]]] = {}
        for agreement in self.agreements:
            for relation in RELATIONS:
                for target in agreement.related(relation):
                    if target != agreement.id:
                        found.setdefault(target, {}).setdefault(relation, []).append(agreement.id)
        return {
            target: {relation: tuple(sorted(set(ids))) for relation, ids in relations.items()}
            for target, relations in found.items()
        }

    def link_text(self, agreement_id: str, anchor: str = "") -> str | None:
        """The words a `[[id]]` or `[[id#anchor]]` link without words of its own shows: the agreement's
        title, and the heading's after a comma (a former id leads to the agreement that had it); None when the
        link leads nowhere."""
        target = self.resolve(agreement_id)
        if target is None:
            return None
        heading = next((h for h in target.headings if h.anchor == anchor), None)
        if anchor and heading is None:
            return None
        return f"{target.title}, {heading.title}" if heading else target.title

    def pointing_at(self, agreement_id: str, relation: str) -> tuple[str, ...]:
        return self.backlinks.get(agreement_id, {}).get(relation, ())

    def successors(self, agreement_id: str) -> tuple[str, ...]:
        return self.pointing_at(agreement_id, "supersedes")

    def with_status(self, status: str) -> tuple[Agreement, ...]:
        return tuple(agreement for agreement in self.agreements if agreement.status == status)
