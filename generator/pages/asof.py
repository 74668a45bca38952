"""The charter as of any date: a page where the reader picks a day, its JSON index, and a page per year.

The index (`as-of/index.json`, also embedded in the page for its script) holds every version's
interval (generator.history.intervals): compact rows of `[version, start, end, status]`, plus the
version's title where it differs from today's. The script picks, for each agreement, the last row
that started on or before the day, as `intervals.standing_on` does, so the page and the year pages
agree. Without JavaScript the page lists the editions and a page per year.

A year's page shows the charter at the end of that year (on 31 December; for the build's own year,
on the build's date), and the versions that became current during the year. It is kept in the build
cache under its record (generator.pages.rendered): a past year's page is rendered once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from markupsafe import Markup

from generator import urls
from generator.history.editions import Edition
from generator.history.intervals import REMOVED, Interval, Standing, first_day, standing_on_days
from generator.model import Agreement
from generator.pages.editions import edition_addresses
from generator.pages.history import json_for_script
from generator.pages.render import SiteContext
from generator.pages.rendered import keyed_record
from generator.pages.site import Asset, Keyed, Page, TocEntry
from generator.vocabulary import DRAFT, IN_FORCE, LAPSED, PROPOSED, SUPERSEDED, WITHDRAWN

URL = urls.AS_OF
INDEX = urls.AS_OF_INDEX
GROUPS = ((IN_FORCE, "In force"), (PROPOSED, "Proposed"), (DRAFT, "Drafts"), (LAPSED, "Lapsed"),
          (SUPERSEDED, "Superseded"), (WITHDRAWN, "Withdrawn"))
"""The order and headings of the statuses an as-of list groups by; any other status (an old version's
word) goes under OTHER."""
OTHER = "Other"


@dataclass(frozen=True)
class Entry:
    """One agreement in a list of the charter on a day, or of the versions a year recorded."""

    agreement: Agreement
    interval: Interval

    @property
    def title(self) -> str:
        return self.interval.title or self.agreement.title

    @property
    def url(self) -> str:
        return urls.version(self.agreement.id, self.interval.version)


def year_url(year: int) -> str:
    return urls.as_of_year(year)


def ordered(context: SiteContext) -> tuple[Agreement, ...]:
    """Agreements with a record, by today's title: the page's script keeps the index's order."""
    return tuple(sorted((agreement for agreement in context.charter.agreements
                         if context.intervals.get(agreement.id)),
                        key=lambda agreement: (agreement.title.casefold(), agreement.id)))


def index_payload(context: SiteContext) -> dict[str, object]:
    def row(interval: Interval, agreement: Agreement) -> list[object]:
        found: list[object] = [interval.version, interval.start.isoformat(),
                               interval.end.isoformat() if interval.end else None, interval.status]
        return [*found, interval.title] if interval.title not in ("", agreement.title) else found

    first = first_day(context.intervals)
    return {
        "built": context.as_of.isoformat(),
        "first": first.isoformat() if first else None,
        "groups": [list(group) for group in GROUPS],
        "other": OTHER,
        "agreements": [{"id": agreement.id, "title": agreement.title, "url": agreement.url,
                        "versions": [row(interval, agreement)
                                     for interval in context.intervals[agreement.id]]}
                       for agreement in ordered(context)],
    }


def grouped(entries: Sequence[Entry]) -> list[tuple[str, str, list[Entry]]]:
    """(status, heading, entries) for each status that has any, in GROUPS order, then OTHER."""
    known = dict(GROUPS)
    groups = [(status, heading, [entry for entry in entries if entry.interval.status == status])
              for status, heading in GROUPS]
    others = [entry for entry in entries if entry.interval.status not in known]
    return [group for group in groups if group[2]] + ([("other", OTHER, others)] if others else [])


def years(context: SiteContext) -> tuple[int, ...]:
    """From the year the record begins to the build's (none without a record)."""
    first = first_day(context.intervals)
    return tuple(range(first.year, max(first.year, context.as_of.year) + 1)) if first else ()


def year_day(context: SiteContext, year: int) -> dt.date:
    return dt.date(year, 12, 31) if year < context.as_of.year else context.as_of


def recorded_by_year(context: SiteContext, agreements: Sequence[Agreement]) -> dict[int, list[Entry]]:
    """The versions (removals too) that became current in each year, by day, then agreement."""
    found = sorted(((interval.start, index, interval.version, agreement, interval)
                    for index, agreement in enumerate(agreements)
                    for interval in context.intervals[agreement.id]), key=lambda item: item[:3])
    by_year: dict[int, list[Entry]] = {}
    for start, _, _, agreement, interval in found:
        by_year.setdefault(start.year, []).append(Entry(agreement, interval))
    return by_year


def as_of_page(context: SiteContext, editions: Sequence[tuple[Edition, str]], index_json: Markup) -> Page:
    """`editions`: each with its page's address, oldest first."""
    html = context.render("as-of.html", URL, years=years(context), editions=editions, index_json=index_json,
                          first=first_day(context.intervals))
    toc = (TocEntry("choose-a-date", "Choose a date", 2), TocEntry("by-year", "Year by year", 2),
           TocEntry("editions", "Editions", 2))
    return Page(URL, "The charter as of a date", html, toc,
                "Which agreements stood on any day, each in the version current then, with its status then.")


class Years:
    """What every year's page is made from, gathered once: each year's record lists the whole charter, and
    a long history has a page for each of forty years or more."""

    def __init__(self, context: SiteContext, agreements: Sequence[Agreement]) -> None:
        self.context, self.by_id = context, {agreement.id: agreement for agreement in agreements}
        self.all = years(context)
        self.recorded = recorded_by_year(context, agreements)
        self._entries: dict[tuple[str, int], dict[str, Any]] = {}
        """Each version's entry as a record shows it: the same in every year it stands."""

    @cached_property
    def _standing(self) -> dict[dt.date, tuple[Standing, ...]]:
        """What stood at the end of each year (on the build's day in its own), found in one walk."""
        days = [year_day(self.context, year) for year in self.all]
        return standing_on_days(self.context.intervals, days, self.by_id)

    def page(self, year: int) -> Page:
        """Rendered when the page is written: a long history has a page per year, each listing the charter."""
        day = year_day(self.context, year)
        toc = (TocEntry("standing", "The charter then", 2), TocEntry("recorded", f"Recorded in {year}", 2))
        return Page(year_url(year), f"The charter as of {day.isoformat()}", partial(self.html, year), toc,
                    searchable=False, standalone=True)

    def html(self, year: int) -> Keyed:
        """The page from its record, and from the cache when an earlier build rendered that record with these
        templates: of a long history's year pages, a rebuild renders again only the build's own year's."""
        context, record = self.context, self.record(year)
        url = record["page_url"]

        def rendered() -> str:
            return context.render_only("as-of-year.html", url, **record, removed=REMOVED, year_url=year_url)

        return keyed_record(context.cache, url, record, "year", context.templates_code, rendered)

    def record(self, year: int) -> dict[str, Any]:
        """Every value as-of-year.html is given, as plain data, besides the code's own: the page's cache
        key."""
        day = year_day(self.context, year)
        standing = grouped([Entry(self.by_id[found.agreement_id], found.interval)
                            for found in self._standing[day]])
        return {
            "page_url": year_url(year), "year": year, "day": day,
            "groups": [[status, heading, [self._entry(entry) for entry in entries]]
                       for status, heading, entries in standing],
            "recorded": [self._entry(entry) for entry in self.recorded.get(year, ())],
            "previous": year - 1 if year - 1 in self.all else None,
            "following": year + 1 if year + 1 in self.all else None,
        }

    def _entry(self, entry: Entry) -> dict[str, Any]:
        interval = entry.interval
        slot = (entry.agreement.id, interval.version)
        found = self._entries.get(slot)
        if found is None:
            found = self._entries[slot] = {
                "url": entry.url, "title": entry.title,
                "interval": {"version": interval.version, "status": interval.status, "start": interval.start,
                             "is_empty": interval.is_empty}}
        return found


def as_of_pages(context: SiteContext, editions: Sequence[Edition]) -> tuple[list[Page], Asset]:
    """The page, one page per year, and the index."""
    index_json = json_for_script(index_payload(context))
    by_year = Years(context, ordered(context))
    listed = tuple(zip(editions, edition_addresses(editions), strict=True))
    pages = [as_of_page(context, listed, index_json), *(by_year.page(year) for year in by_year.all)]
    return pages, Asset(INDEX, (index_json + "\n").encode("utf-8"))

