"""Index pages: all agreements, by status, by level, and a page per theme and per party.

Each is rendered from a record of plain data, and read from the build cache while its record and the
templates are those of a page an earlier build rendered (generator.pages.rendered): at thousands of
agreements, rendering every list again on every build cost more than any other page the charter
builds besides its versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from generator import urls
from generator.model import Agreement, Charter, Party
from generator.pages.consent import awaiting, shortfalls
from generator.pages.history import party_names
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry
from generator.vocabulary import LEVELS, STATUSES

UNSET_LEVEL = "unspecified"


def by_title(agreements: tuple[Agreement, ...] | list[Agreement]) -> list[Agreement]:
    return sorted(agreements, key=lambda a: (a.title.casefold(), a.id))


def listed(agreements: Iterable[Agreement]) -> list[dict[str, Any]]:
    """Agreements as a list shows them (`agreement_list`, `agreement_link`, `status_badge`), as plain data."""
    return [{"id": agreement.id, "url": agreement.url, "title": agreement.title, "status": agreement.status,
             "level": agreement.level, "adopted": agreement.adopted, "parties": list(agreement.parties)}
            for agreement in agreements]


def _grouped_page(context: SiteContext, url: str, title: str, intro: str,
                  groups: list[tuple[str, str, list[Agreement]]]) -> Page:
    """A page of sections; empty groups stay, so a reader sees that nothing is there."""
    record = {"title": title, "intro": intro,
              "groups": [[anchor, heading, listed(agreements)] for anchor, heading, agreements in groups]}
    toc = tuple(TocEntry(anchor, heading, 2) for anchor, heading, _ in groups)
    return Page(url, title, context.listing("grouped.html", url, record), toc, searchable=False)


def status_page(context: SiteContext) -> Page:
    groups = [(status, status.replace("-", " ").capitalize(), by_title(context.charter.with_status(status)))
              for status in STATUSES]
    return _grouped_page(context, urls.STATUS_INDEX, "Agreements by status",
                         "Every agreement, from drafts to those that have lapsed or been superseded.", groups)


def level_page(context: SiteContext) -> Page:
    agreements = context.charter.agreements
    groups = [(level, level.capitalize(), by_title([a for a in agreements if a.level == level]))
              for level in LEVELS]
    unset = by_title([a for a in agreements if a.level is None])
    if unset:
        groups.append((UNSET_LEVEL, "Level not given", unset))
    return _grouped_page(context, urls.LEVEL_INDEX, "Agreements by level",
                         "From a village to the whole world.", groups)


def all_agreements_page(context: SiteContext) -> Page:
    agreements = by_title(context.charter.agreements)
    parties = party_names(context, (party for agreement in agreements for party in agreement.parties))
    record = {"agreements": listed(agreements), "charter": {"parties": parties}}
    html = context.listing("agreements.html", urls.AGREEMENTS, record)
    return Page(urls.AGREEMENTS, "All agreements", html, searchable=False)


def themes_index_page(context: SiteContext) -> Page:
    html = context.render("themes.html", urls.THEMES, counts=_theme_counts(context.charter))
    return Page(urls.THEMES, "Themes", html)


def _theme_counts(charter: Charter) -> dict[str, int]:
    return {theme: sum(1 for a in charter.agreements if theme in a.themes) for theme in charter.themes}


def theme_pages(context: SiteContext) -> Iterator[Page]:
    for theme in context.charter.themes.values():
        url = urls.theme(theme.id)
        agreements = by_title([a for a in context.charter.agreements if theme.id in a.themes])
        record = {"theme": {"title": theme.title, "description": theme.description},
                  "agreements": listed(agreements)}
        html = context.listing("theme.html", url, record)
        yield Page(url, theme.title, html, description=theme.description)


def parties_index_page(context: SiteContext) -> Page:
    charter = context.charter
    counts = {party: sum(1 for a in charter.agreements if party in a.parties or party in a.mediators)
              for party in charter.parties}
    html = context.render("parties.html", urls.PARTIES, counts=counts)
    return Page(urls.PARTIES, "Parties", html)


def party_record(party: Party) -> dict[str, Any]:
    return {"id": party.id, "name": party.name, "kind": party.kind, "region": party.region, "url": party.url,
            "description": party.description,
            "signing_keys": [{"kind": key.kind, "fingerprint": key.fingerprint, "comment": key.comment}
                             for key in party.signing_keys]}


def party_pages(context: SiteContext) -> Iterator[Page]:
    lacking = shortfalls(context)
    agreements = context.charter.agreements
    for party in context.charter.parties.values():
        url = urls.party(party.id)
        ledger = context.ledger.by_party.get(party.id, ()) if context.ledger is not None else ()
        record = {
            "party": party_record(party),
            "party_to": listed(by_title([a for a in agreements if party.id in a.parties])),
            "mediates": listed(by_title([a for a in agreements if party.id in a.mediators])),
            "ledger": True if context.ledger is not None else None, "consents": len(ledger),
            "awaiting": [{"agreement": listed([item.agreement])[0], "number": item.current.number,
                          "standing": item.current.standing(party.id)}
                         for item in awaiting(lacking, party.id)],
        }
        toc: tuple[TocEntry, ...] = (TocEntry("party-to", "Party to", 2), TocEntry("mediates", "Mediates", 2))
        if context.ledger is not None:
            toc += (TocEntry("consent", "Consent ledger", 2),)
        yield Page(url, party.name, context.listing("party.html", url, record), toc, party.description)
