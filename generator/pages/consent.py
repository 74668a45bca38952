"""The charter-wide consent page (`/consent/`), and each party's consents (`/parties/<id>/consents/`).

A party's consents have a page of their own, linked from the party's page: the ledger grows with every
version the party consents to (thousands of rows at 5,000 agreements), and the party's page is
searched, where a search would have to read through all of them. The page is out of the search index,
like the version pages the rows lead to, and kept in the build cache under its record
(generator.pages.rendered).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from generator import urls
from generator.consent.ledger import Consent, VersionConsent
from generator.model import Agreement, Party
from generator.pages.history import agreements_record, consent_record, given_record, parties_record
from generator.pages.render import SiteContext
from generator.pages.rendered import keyed_record
from generator.pages.site import Keyed, Page
from generator.vocabulary import IN_FORCE



@dataclass(frozen=True)
class Shortfall:
    """An agreement in force whose current text lacks the verified consent of some party."""

    agreement: Agreement
    current: VersionConsent
    date: dt.date
    """When the current text was committed (the build's date for an uncommitted one)."""


def current_consent(context: SiteContext, agreement: Agreement) -> VersionConsent | None:
    ledger = context.ledger.agreements.get(agreement.id) if context.ledger is not None else None
    return ledger.current if ledger is not None else None


def shortfalls(context: SiteContext) -> list[Shortfall]:
    """Agreements in force without the verified consent of every party, newest current text first."""
    found = []
    for agreement in context.charter.with_status(IN_FORCE):
        current = current_consent(context, agreement)
        history = context.histories.get(agreement.id)
        if current is None or history is None or history.current is None or current.all_verified:
            continue
        date = history.current.date.date() if history.current.date else context.as_of
        found.append(Shortfall(agreement, current, date))
    return sorted(found, key=lambda item: (item.date, item.agreement.id), reverse=True)


def awaiting(lacking: list[Shortfall], party_id: str) -> list[Shortfall]:
    """Of the `shortfalls`, those naming the party whose current text lacks its verified consent."""
    return [item for item in lacking if party_id in item.agreement.parties
            and item.current.standing(party_id) != "verified"]


def consent_page(context: SiteContext, policy: str) -> Page:
    """Rendered from its record, and kept in the build cache under it (generator.pages.rendered): at
    5,000 agreements, rendering each one's consent again on every build cost half a second."""
    lacking = shortfalls(context)
    record = {
        "ledger": True if context.ledger is not None else None, "policy": policy,
        "in_force": len(context.charter.with_status(IN_FORCE)),
        "shortfalls": [{"agreement": {"id": item.agreement.id, "url": item.agreement.url,
                                      "title": item.agreement.title},
                        "current": consent_record(item.current), "date": item.date} for item in lacking],
        "charter": {"parties": {party_id: entry for item in lacking
                                for party_id, entry in parties_record(context, item.current).items()}},
    }
    html = context.listing("consent.html", urls.CONSENT, record, shows_date=True)
    return Page(urls.CONSENT, "Consent", html,
                description="Agreements in force without the verified consent of all their parties.",
                searchable=False)


def party_consent_pages(context: SiteContext) -> Iterator[Page]:
    """A page for each party that gave a consent; rendered when it is written."""
    if context.ledger is None:
        return
    for party in context.charter.parties.values():
        given = context.ledger.by_party.get(party.id, ())
        if given:
            yield Page(urls.party_consents(party.id), f"Consents given by {party.name}",
                       partial(party_consents_html, context, party, given), searchable=False, standalone=True)


def party_consents_html(context: SiteContext, party: Party, given: tuple[Consent, ...]) -> Keyed:
    record = party_consents_record(context, party, given)
    url = record["page_url"]
    return keyed_record(context.cache, url, record, "consents", context.templates_code,
                        lambda: context.render_only("party-consents.html", url, **record))


def party_consents_record(context: SiteContext, party: Party, given: tuple[Consent, ...]) -> dict[str, Any]:
    """Every value party-consents.html is given, as plain data: the page's cache key."""
    return {
        "page_url": urls.party_consents(party.id),
        "party": {"id": party.id, "name": party.name},
        "consents": [given_record(consent) for consent in given],
        "charter": agreements_record(context, (consent.agreement_id for consent in given)),
    }
