"""What each version of an agreement did: events derived by comparing it with the version before.

Pure: the inputs are the texts git (or the working copy) held, so a timeline can be rebuilt and
tested without a repository. A version whose text does not parse is kept, marked `unparsable`,
and the next good version is compared with the last good one, so one broken commit does not
make later amendments look like fresh proposals.

Declared dates (`adopted`, `review_by` in the current front matter) are what the parties say
happened or will happen; they join the git events on the timeline, marked `declared=True`,
because a charter adopted at an assembly is often committed days later. For the same reason an
adoption event carries the `adopted:` date its own version declares (`declared_date`), which the
timeline and the yearly counts use instead of the commit date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from generator.model import Agreement
from generator.repository.model import Revision
from generator.source.agreements import build_agreement
from generator.source.documents import DocumentError, FieldsMemo, SourceDocument, decode, parse_document
from generator.vocabulary import AMENDED, IN_FORCE, PROPOSED_EVENT, RELATIONS, duration_words

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass(frozen=True)
class Event:
    kind: str
    date: dt.date
    version: int | None
    """The version that caused it; None for a date declared in the front matter."""
    declared: bool = False
    detail: str = ""
    declared_date: dt.date | None = None
    """For an adoption: the `adopted:` date its own version declares, unless an earlier adoption
    already claimed that date (a re-adoption that kept the old date happened when it was committed)."""

    @property
    def happened_on(self) -> dt.date:
        """When the parties did it: the declared date where there is one, else when git recorded it."""
        return self.declared_date or self.date


@dataclass(frozen=True)
class Text:
    """Where a version's bytes are kept, read each time they are used: by blob id in what git holds (kept on
    disk between builds), by path in the working copy. So a history holds no version's text, and a long
    one never holds them all at once. Two texts are one when their keys are."""

    key: str
    store: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def held(cls, data: bytes) -> Text:
        """A text held in memory (a test's), keyed by a digest of its bytes."""
        key = hashlib.sha256(data).hexdigest()
        return cls(key, {key: data})

    def read(self) -> bytes:
        return self.store[self.key]


NO_TEXT = Text.held(b"")


@dataclass(frozen=True)
class Snapshot:
    """The raw input of one version: where the file was, its text, and the commit (None: uncommitted).

    A commit that deleted the file is a version too, with no bytes: the agreement's life may go on
    when a later commit restores it at the same path."""

    revision: Revision | None
    path: str
    text: Text


def without_markdown(document: SourceDocument) -> Agreement:
    """The agreement its front matter gives: no body, clauses or links, so no Markdown is parsed."""
    return build_agreement(dataclasses.replace(document, body=""))


@dataclass(frozen=True)
class Version:
    number: int
    revision: Revision | None
    path: str
    unparsed: str
    """The text when it did not read as an agreement (shown as it is); empty when it did, since `text`
    is read again when its body is needed."""
    header: SourceDocument | None
    """The document's fields and the line its body starts on, with an empty body (None when the text did
    not read as an agreement): all that most stages read of a version."""
    events: tuple[Event, ...]
    problem: str = ""
    """Why the text did not parse (empty when it did)."""
    text: Text = NO_TEXT
    body_start: int = 0
    """Where the body starts in the decoded text."""

    @property
    def document(self) -> SourceDocument | None:
        """The whole document, its body read from `text` on each use."""
        return dataclasses.replace(self.header, body=self.body) if self.header is not None else None

    @property
    def agreement(self) -> Agreement | None:
        """Built on each use and never kept: Markdown parsing is most of its cost, few versions are built
        at all, and a long history holding each one built would hold every version's text twice over."""
        document = self.document
        return build_agreement(document) if document is not None else None

    @property
    def front_matter(self) -> Agreement | None:
        """The agreement its front matter gives, without its Markdown (no body, clauses or links): what
        comparing two versions' fields needs, for a fraction of the cost."""
        return without_markdown(self.header) if self.header is not None else None

    @property
    def body(self) -> str:
        """The Markdown body, read from `text`, without building the agreement (which would parse it)."""
        if self.header is None:
            return self.unparsed
        return decode(self.path, self.text.read())[self.body_start:]

    @property
    def is_uncommitted(self) -> bool:
        return self.revision is None

    @property
    def is_removed(self) -> bool:
        """The commit deleted the file: this version has no text."""
        return self.revision is not None and self.revision.is_deletion

    @property
    def date(self) -> dt.datetime | None:
        """The author date: when the change was written, which survives rebases and merges."""
        return self.revision.authored if self.revision is not None else None


@dataclass(frozen=True)
class AgreementHistory:
    agreement_id: str
    versions: tuple[Version, ...]
    declared: tuple[Event, ...] = ()

    @property
    def events(self) -> tuple[Event, ...]:
        """Git and declared events by date; ties keep version order, declared dates after them."""
        ordered = [event for version in self.versions for event in version.events]
        return tuple(sorted([*ordered, *self.declared], key=lambda event: event.date))

    @property
    def current(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def has_uncommitted(self) -> bool:
        return bool(self.versions) and self.versions[-1].is_uncommitted


_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.MULTILINE)
"""What `str.rstrip` takes off each line (regular expressions' \\s is `str.isspace`), in one pass in C."""


@functools.lru_cache(maxsize=8)
def _normalised_body(body: str) -> str:
    """Lines without trailing spaces, no blank lines around; kept for a few bodies, as each version is
    compared first as the new text and then as the old one."""
    return _TRAILING_SPACE.sub("", body).strip("\n")


def _front_matter(agreement: Agreement) -> tuple[Agreement, dict[str, object]]:
    """The agreement without the body and what derives from it (clauses, links, line numbers)."""
    stripped = dataclasses.replace(agreement, path="", body="", body_line=0, clauses=(), links=(),
                                   headings=(), file_links=())
    return stripped, dict(agreement.extra)


def _relations_detail(before: Agreement, after: Agreement) -> str:
    parts = []
    for relation in RELATIONS:
        old, new = before.related(relation), after.related(relation)
        if old != new:
            added = [f"+{item}" for item in new if item not in old]
            removed = [f"-{item}" for item in old if item not in new]
            parts.append(f"{relation}: {' '.join([*added, *removed]) or 'reordered'}")
    return "; ".join(parts)


def _renewed(before: Agreement, after: Agreement) -> bool:
    old, new = before.review_by, after.review_by
    later = old is not None and new is not None and new > old
    restarted = after.renew_every is not None and after.renew_every != before.renew_every
    return later or restarted


def changes(
    before: Agreement | None, after: Agreement, moved_from: str | None = None,
    bodies: tuple[str, str] | None = None,
) -> tuple[tuple[str, str], ...]:
    """(kind, detail) pairs, in the documented order, for a version compared with the last good one.

    `before` is None for the first appearance (or when no earlier version parsed); `moved_from` is
    the previous version's path when the file moved. `bodies` (before, after) stand in for the two
    agreements' own, so the history can compare light agreements that share one built model.
    """
    found: list[tuple[str, str]] = []
    if after.status == IN_FORCE and (before is None or before.status != IN_FORCE):
        found.append(("adopted", f"from {before.status}" if before is not None else ""))
    if before is not None:
        old, new = bodies if bodies is not None else (before.body, after.body)
        if old != new and _normalised_body(old) != _normalised_body(new):
            found.append((AMENDED, ""))
        if _renewed(before, after):
            period = duration_words(after.renew_every or "")
            renewal = f"review by {after.review_by}" if after.review_by else f"every {period}"
            found.append(("renewed", renewal))
        if after.status not in (before.status, IN_FORCE):
            found.append(("status-changed", f"from {before.status} to {after.status}"))
        relations = _relations_detail(before, after)
        if relations:
            found.append(("relations-changed", relations))
    if moved_from is not None:
        found.append(("moved", f"from {moved_from} to {after.path}"))
    if not found and before is not None and _front_matter(before) != _front_matter(after):
        found.append(("metadata-only", ""))
    return tuple(found)


Lights = dict[tuple[str, int], tuple[object, Agreement]]
"""(path, identity of the parsed fields) -> (those fields, kept so the identity stays theirs; the light
agreement without its body): versions that share a front matter share its parsed fields (the memo hands
out one dict), so each is built once."""


def _light(document: SourceDocument, built: Lights) -> Agreement:
    """The agreement without its Markdown (no body, clauses or links): with the body beside it, all that
    events compare. Built once for all the versions that share a front matter."""
    key = (document.path, id(document.fields))
    found = built.get(key)
    if found is None or found[0] is not document.fields:
        found = built[key] = (document.fields, without_markdown(document))
    return found[1]


LastGood = tuple[Agreement, str]
"""The last version that parsed: its light agreement and its body."""


def _parse(snapshot: Snapshot, front_matters: FieldsMemo) -> tuple[str, SourceDocument | None, str]:
    data = snapshot.text.read()
    try:
        text = decode(snapshot.path, data)
    except DocumentError as error:
        return data.decode("utf-8", errors="replace"), None, error.problem.format()
    try:
        return text, parse_document(snapshot.path, text, front_matters), ""
    except DocumentError as error:
        return text, None, error.problem.format()


def _version(number: int, snapshot: Snapshot, before: Version | None, last_good: LastGood | None,
             uncommitted_date: dt.date, front_matters: FieldsMemo,
             claimed: Collection[dt.date], lights: Lights) -> tuple[Version, LastGood | None]:
    revision = snapshot.revision
    date = revision.authored.date() if revision is not None else uncommitted_date
    if revision is not None and revision.is_deletion:
        return Version(number, revision, snapshot.path, "", None, (Event("removed", date, number),),
                       text=snapshot.text), None
    text, document, problem = _parse(snapshot, front_matters)
    agreement = _light(document, lights) if document is not None else None
    body = document.body if document is not None else ""
    moved_from = before.path if before is not None and before.path != snapshot.path else None
    found: list[tuple[str, str]] = []
    if before is None:
        found.append((PROPOSED_EVENT, agreement.status if agreement is not None else ""))
    elif before.is_removed:
        found.append(("restored", ""))
    if agreement is None:
        found.append(("unparsable", problem))
        if moved_from is not None:
            found.append(("moved", f"from {moved_from} to {snapshot.path}"))
    else:
        found.extend(changes(last_good[0], agreement, moved_from, (last_good[1], body))
                     if last_good is not None else changes(None, agreement, moved_from))
    adopted_on = agreement.adopted if agreement is not None and agreement.adopted not in claimed else None
    events = tuple(Event(kind, date, number, False, detail, adopted_on if kind == "adopted" else None)
                   for kind, detail in found)
    good = (agreement, body) if agreement is not None else None
    if document is None:
        return Version(number, revision, snapshot.path, text, None, events, problem, snapshot.text), good
    header = dataclasses.replace(document, body="")
    return Version(number, revision, snapshot.path, "", header, events, problem, snapshot.text,
                   len(text) - len(body)), good


def declared_events(agreement: Agreement | None) -> tuple[Event, ...]:
    """Dates the current front matter declares: when it was adopted, when it is due for review."""
    if agreement is None:
        return ()
    found = []
    if agreement.adopted is not None:
        found.append(Event("declared-adopted", agreement.adopted, None, True, ""))
    if agreement.review_by is not None:
        found.append(Event("review-due", agreement.review_by, None, True, ""))
    return tuple(found)


def build_history(
    agreement_id: str, snapshots: Sequence[Snapshot], uncommitted_date: dt.date,
    front_matters: FieldsMemo | None = None,
) -> AgreementHistory:
    """Versions (oldest first) with their events; `uncommitted_date` dates a working-copy version.

    `front_matters` may outlive the call (a cache between builds); by default it is this call's.
    """
    versions: list[Version] = []
    last_good: LastGood | None = None
    claimed: set[dt.date] = set()
    lights: Lights = {}
    front_matters = {} if front_matters is None else front_matters
    for number, snapshot in enumerate(snapshots, start=1):
        before = versions[-1] if versions else None
        version, agreement = _version(number, snapshot, before, last_good, uncommitted_date, front_matters,
                                      claimed, lights)
        versions.append(version)
        claimed.update(event.declared_date for event in version.events if event.declared_date is not None)
        last_good = agreement or last_good
    log.debug("%s: %d versions", agreement_id, len(versions))
    current = last_good[0] if last_good is not None else None
    return AgreementHistory(agreement_id, tuple(versions), declared_events(current))
