"""Figures under the hand-written preamble: agreements by status, recent changes, renewals due."""

from __future__ import annotations

import datetime as dt

from generator.model import Agreement
from generator.pages.render import SiteContext
from generator.vocabulary import IN_FORCE, STATUSES

RECENT_COUNT = 8
RENEWALS_COUNT = 10


def renewals_due(context: SiteContext) -> list[Agreement]:
    """In-force agreements with a review date, soonest (or most overdue) first."""
    dated = [a for a in context.charter.with_status(IN_FORCE) if a.review_by is not None]
    return sorted(dated, key=lambda a: (a.review_by, a.id))


def recently_amended(context: SiteContext) -> list[tuple[Agreement, dt.date]]:
    """Agreements by their newest amendment in git, newest first; one line per agreement."""
    latest: dict[str, dt.date] = {}
    for agreement_id, history in context.histories.items():
        dates = [event.date for event in history.events if event.kind == "amended" and not event.declared]
        if dates and agreement_id in context.charter.by_id:
            latest[agreement_id] = max(dates)
    ordered = sorted(latest.items(), key=lambda item: (item[1], item[0]), reverse=True)
    return [(context.charter.by_id[agreement_id], date) for agreement_id, date in ordered]


def home_html(context: SiteContext) -> str:
    counts = [(status, len(context.charter.with_status(status))) for status in STATUSES]
    return context.render(
        "home.html",
        "",
        counts=counts,
        total=len(context.charter.agreements),
        recent=recently_amended(context)[:RECENT_COUNT],
        renewals=renewals_due(context)[:RENEWALS_COUNT],
    )
