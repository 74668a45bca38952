"""The charter-wide consent page (`/consent/`) and what party pages show of the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator import urls
from generator.consent.ledger import VersionConsent
from generator.model import Agreement
from generator.pages.render import SiteContext
from generator.pages.site import Page
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
    in_force = context.charter.with_status(IN_FORCE)
    html = context.render("consent.html", urls.CONSENT, shortfalls=shortfalls(context),
                          in_force=len(in_force), policy=policy)
    return Page(urls.CONSENT, "Consent", html,
                description="Agreements in force without the verified consent of all their parties.", searchable=False)
