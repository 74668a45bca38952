"""Editions: annotated tags that mark the charter as it stood, and what changed between two of them.

An edition is an annotated tag whose name matches the configured pattern (`edition-*`), on a
commit of the main line (HEAD's first-parent chain). The agreement "as it stood" at a tag is its
newest committed version whose commit lies at or before the tag's commit on the main line; a
version that did not parse is passed over for the last one that did, as the history pages do.

Two editions are compared agreement by agreement, as the history pages compare two versions
(`events.changes`): added (not there before), adopted (now in force, new or not), amended (the
body changed), renewed (a later review date or a new renewal period), lapsed, superseded and
withdrawn (that status reached since).

Limitations, since editions are rebuilt from today's files and their histories:

- Only agreements that still exist at HEAD are known: a file deleted since a tag is missing from
  that edition (its history is not read), and so are changes to it.
- Registries (parties, themes, the parts of charter.yml) are today's, not the tag's.
- A tag on a commit off the main line (a side branch, merged or not) is skipped with a warning:
  finding its nearest main-line ancestor would need another git call per tag.
"""

from __future__ import annotations

import bisect
import datetime as dt
import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from generator.history.versions import AgreementHistory, Version, changes
from generator.model import Agreement, Charter
from generator.repository.model import RepositoryFacts, Tag
from generator.source import markup
from generator.source.agreements import build_agreement
from generator.source.markup import Scanner
from generator.vocabulary import AMENDED, EDITION_CHANGE_KINDS, ENDED_STATUSES


@dataclass(frozen=True)
class Edition:
    name: str
    """The tag's name, as written."""
    commit: str
    date: dt.datetime | None
    """The tagger's date; None for a tag without a tagger."""
    message: str
    charter: Charter = field(hash=False)
    """The agreements as they stood at the tag (with their current ids), with today's registries."""
    number: int
    """1 for the oldest edition."""
    versions: Mapping[str, int] = field(default_factory=dict, hash=False)
    """Agreement id -> the number of the version that stood at the tag."""

    @property
    def subject(self) -> str:
        """The first line of the tag's message."""
        return self.message.strip().split("\n", 1)[0].strip()

    @property
    def details(self) -> str:
        """The message after its first line, if any: why the parties marked this edition."""
        return self.message.strip().partition("\n")[2].strip()


@dataclass(frozen=True)
class AgreementChange:
    """One agreement under one kind of change between two editions."""

    agreement: Agreement
    """As it stood at the newer edition."""
    before: int | None
    """Its version at the older edition; None when it was not there."""
    after: int
    amendments: tuple[int, ...] = ()
    """For `amended`: the versions whose own change (history/#change-<n>) altered the text."""


@dataclass(frozen=True)
class EditionChanges:
    added: tuple[AgreementChange, ...] = ()
    adopted: tuple[AgreementChange, ...] = ()
    amended: tuple[AgreementChange, ...] = ()
    renewed: tuple[AgreementChange, ...] = ()
    lapsed: tuple[AgreementChange, ...] = ()
    superseded: tuple[AgreementChange, ...] = ()
    withdrawn: tuple[AgreementChange, ...] = ()

    def of(self, kind: str) -> tuple[AgreementChange, ...]:
        if kind not in EDITION_CHANGE_KINDS:
            raise KeyError(kind)
        found: tuple[AgreementChange, ...] = getattr(self, kind)
        return found

    @property
    def sections(self) -> tuple[tuple[str, tuple[AgreementChange, ...]], ...]:
        """(kind, changes) for every kind that has any, in `EDITION_CHANGE_KINDS` order."""
        return tuple((kind, self.of(kind)) for kind in EDITION_CHANGE_KINDS if self.of(kind))

    @property
    def total(self) -> int:
        return sum(len(self.of(kind)) for kind in EDITION_CHANGE_KINDS)


def matching_tags(facts: RepositoryFacts, pattern: str) -> tuple[Tag, ...]:
    """Annotated tags named by the pattern (case-sensitively, whatever the platform)."""
    return tuple(tag for tag in facts.tags if fnmatch.fnmatchcase(tag.name, pattern))


def edition_warnings(facts: RepositoryFacts, pattern: str) -> tuple[str, ...]:
    """Why a matching tag is not an edition: its commit is not on HEAD's main line."""
    mainline = set(facts.mainline)
    return tuple(
        f"tag {tag.name} is not an edition: its commit {tag.commit[:12]} is not on the main line of HEAD "
        "(the first-parent chain); tag the merge commit instead"
        for tag in matching_tags(facts, pattern) if tag.commit not in mainline
    )


Placed = tuple[list[int], list[Version]]
"""An agreement's committed versions that stood (readable, or a removal) and their main-line positions."""


def _placed(history: AgreementHistory, positions: Mapping[str, int]) -> Placed:
    """Uncommitted versions never count; unreadable ones give way to the last readable one; a removal
    stands for the agreement's absence."""
    standing = [version for version in history.versions if version.revision is not None
                and version.revision.commit in positions
                and (version.header is not None or version.is_removed)]
    return [positions[version.revision.commit] for version in standing if version.revision], standing


def _charter_at(charter: Charter, placed: Mapping[str, Placed], position: int,
                built: dict[tuple[str, int], Agreement | None], scan: Scanner) -> tuple[Charter, dict[str, int]]:
    """The charter at a main-line position; `built` holds the versions built for earlier editions, since
    most agreements stand unchanged from one edition to the next and building one parses its Markdown."""
    agreements: list[Agreement] = []
    versions: dict[str, int] = {}
    for current in charter.agreements:
        places, standing = placed.get(current.id, ([], []))
        found = bisect.bisect_right(places, position)
        if not found:
            continue
        version = standing[found - 1]
        key = (current.id, version.number)
        if key not in built:
            document = version.document  # None: removed by then
            built[key] = None if document is None else replace(build_agreement(document, scan), id=current.id)
        agreement = built[key]
        if agreement is not None:
            agreements.append(agreement)
            versions[current.id] = version.number
    return replace(charter, agreements=tuple(agreements)), versions


def _current_texts(charter: Charter, histories: Mapping[str, AgreementHistory]
                   ) -> dict[tuple[str, int], Agreement | None]:
    """Today's agreements as the committed versions they are: an agreement whose file holds what HEAD
    holds (git reports no working change) was built from that very text, so it is not built again."""
    found: dict[tuple[str, int], Agreement | None] = {}
    for agreement in charter.agreements:
        history = histories.get(agreement.id)
        current = history.current if history is not None else None
        if (current is not None and not current.is_uncommitted and current.header is not None
                and current.path == agreement.path):
            found[(agreement.id, current.number)] = agreement
    return found


def editions_from(facts: RepositoryFacts, charter: Charter, histories: Mapping[str, AgreementHistory],
                  pattern: str, scan: Scanner = markup.scan) -> tuple[Edition, ...]:
    """Editions oldest first (by main-line position, then tag date and name); `charter` is today's;
    `scan` reads the bodies of the versions that stood (a build passes its cache of scans)."""
    positions = {commit: index for index, commit in enumerate(facts.mainline)}
    tags = sorted(
        (tag for tag in matching_tags(facts, pattern) if tag.commit in positions),
        key=lambda tag: (positions[tag.commit], tag.tagged.timestamp() if tag.tagged else 0.0, tag.name),
    )
    placed = {key: _placed(value, positions) for key, value in histories.items()} if tags else {}
    editions = []
    built = _current_texts(charter, histories)
    for number, tag in enumerate(tags, start=1):
        standing, versions = _charter_at(charter, placed, positions[tag.commit], built, scan)
        editions.append(Edition(tag.name, tag.commit, tag.tagged, tag.message, standing, number, versions))
    return tuple(editions)


def _amendments(history: AgreementHistory | None, before: int, after: int) -> tuple[int, ...]:
    """The versions between two editions that amended the text: none when they only reformatted it (the
    diffs stage settles that), and the edition's own version when the history is not known."""
    if history is None:
        return (after,)
    return tuple(version.number for version in history.versions if before < version.number <= after
                 and any(event.kind == AMENDED for event in version.events))


def _kinds(before: Agreement | None, after: Agreement) -> Iterator[str]:
    """The history pages' own comparison (`events.changes`), plus the statuses reached."""
    events = {kind for kind, _ in changes(before, after)}
    if before is None:
        yield "added"
    yield from (kind for kind in ("adopted", "amended", "renewed") if kind in events)
    for status in ENDED_STATUSES:
        if after.status == status and (before is None or before.status != status):
            yield status


def edition_changes(previous: Edition | None, edition: Edition,
                    histories: Mapping[str, AgreementHistory]) -> EditionChanges:
    """What changed from `previous` (None: the first edition, where everything is added) to `edition`.

    A new agreement that came in force is both added and adopted, as its first version's events are
    proposed and adopted. Each list keeps the charter's order of agreements.
    """
    found: dict[str, list[AgreementChange]] = {kind: [] for kind in EDITION_CHANGE_KINDS}
    for agreement in edition.charter.agreements:
        before = previous.charter.by_id.get(agreement.id) if previous is not None else None
        old = previous.versions.get(agreement.id) if previous is not None and before is not None else None
        new = edition.versions.get(agreement.id, 0)
        for kind in _kinds(before, agreement):
            numbers = _amendments(histories.get(agreement.id), old or 0, new) if kind == AMENDED else ()
            if kind == AMENDED and not numbers:
                continue  # re-wrapped or re-spaced between the two, and no reader sees a change
            found[kind].append(AgreementChange(agreement, old, new, numbers))
    return EditionChanges(**{kind: tuple(items) for kind, items in found.items()})
