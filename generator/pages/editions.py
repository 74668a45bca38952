"""The editions index and one page per edition: what changed since the one before, then its full text.

An edition page is the composite charter as it stood at the tag (composite.html, extended by
edition.html), so the charter of any edition reads exactly as today's does.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator import urls
from generator.history.editions import AgreementChange, Edition, EditionChanges, edition_changes
from generator.pages.composite import composite_page
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry
from generator.vocabulary import EDITION_CHANGE_LABELS



@dataclass(frozen=True)
class EditionEntry:
    """An edition with its page address and its changes since the edition before it."""

    edition: Edition
    url: str
    previous: EditionEntry | None
    changes: EditionChanges


def slug(name: str) -> str:
    """A tag name as a path segment of [a-z0-9-]: accents dropped, anything else a hyphen."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "edition"


def edition_addresses(editions: Sequence[Edition]) -> tuple[str, ...]:
    """Each edition's page, oldest first; two tags that slug alike get -2, -3... in that order, so
    addresses are stable."""
    addresses: list[str] = []
    taken: set[str] = set()
    for edition in editions:
        base = candidate = slug(edition.name)
        suffix = 1
        while candidate in taken:
            suffix += 1
            candidate = f"{base}-{suffix}"
        taken.add(candidate)
        addresses.append(urls.edition(candidate))
    return tuple(addresses)


def edition_entries(context: SiteContext, editions: Sequence[Edition]) -> tuple[EditionEntry, ...]:
    """Oldest first, each with its changes since the one before."""
    entries: list[EditionEntry] = []
    for edition, url in zip(editions, edition_addresses(editions), strict=True):
        previous = entries[-1] if entries else None
        changes = edition_changes(previous.edition if previous else None, edition, context.histories)
        entries.append(EditionEntry(edition, url, previous, changes))
    return tuple(entries)


def amendment_links(change: Mapping[str, Any]) -> list[tuple[int, str]]:
    """(version, address of its change on the history page) for each version that amended the text, from
    the change's record."""
    return [(number, urls.change(change["agreement"]["id"], number)) for number in change["amendments"]]


def change_record(change: AgreementChange) -> dict[str, Any]:
    agreement = change.agreement
    return {"agreement": {"id": agreement.id, "url": agreement.url, "title": agreement.title,
                          "status": agreement.status, "review_by": agreement.review_by},
            "amendments": list(change.amendments)}


def _neighbour(entry: EditionEntry | None) -> dict[str, Any] | None:
    return None if entry is None else {"url": entry.url, "edition": {"name": entry.edition.name}}


def edition_record(entry: EditionEntry, following: EditionEntry | None, total: int) -> dict[str, Any]:
    """What edition.html adds to composite.html's record, as plain data."""
    edition = entry.edition
    return {
        "edition": {"name": edition.name, "number": edition.number, "date": edition.date,
                    "subject": edition.subject, "details": edition.details, "commit": edition.commit},
        "entry": {"previous": _neighbour(entry.previous),
                  "changes": {"sections": [[kind, [change_record(change) for change in changes]]
                                           for kind, changes in entry.changes.sections]}},
        "following": _neighbour(following),
        "total": total,
        "index_url": urls.EDITIONS,
    }


def counts(changes: EditionChanges) -> str:
    """Counts per kind, such as `2 added, 1 amended`; `no changes` when there are none."""
    return ", ".join(f"{len(items)} {kind}" for kind, items in changes.sections) or "no changes"


def editions_index_page(context: SiteContext, entries: Sequence[EditionEntry]) -> Page:
    html = context.render("editions.html", urls.EDITIONS, entries=tuple(reversed(entries)), counts=counts)
    return Page(urls.EDITIONS, "Editions", html,
                description="The charter as it stood at each edition, newest first.")


def edition_page(context: SiteContext, entry: EditionEntry, following: EditionEntry | None,
                 total: int) -> Page:
    edition = entry.edition
    page = composite_page(
        context, edition.charter, entry.url, f"{context.charter.title}: {edition.name}", "edition.html",
        record=edition_record(entry, following, total),
        code={"labels": EDITION_CHANGE_LABELS, "amendment_links": amendment_links},
    )
    toc = (TocEntry("edition_changes", "What changed", 2),
           TocEntry("edition_text", "The charter as it stood", 2), *page.toc)
    date = f" on {edition.date.date().isoformat()}" if edition.date else ""
    return dataclasses.replace(page, toc=toc, description=f"The charter as it stood at {edition.name}{date}.")


def editions_pages(context: SiteContext, editions: Sequence[Edition]) -> Iterator[Page]:
    """The index (always, saying so when there is no edition) and one page per edition."""
    entries = edition_entries(context, editions)
    yield editions_index_page(context, entries)
    for index, entry in enumerate(entries):
        following = entries[index + 1] if index + 1 < len(entries) else None
        yield edition_page(context, entry, following, len(entries))
