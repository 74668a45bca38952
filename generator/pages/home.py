"""Figures under the hand-written preamble: agreements by status, recent changes, renewals due."""

from __future__ import annotations

from generator.model import Agreement
from generator.pages.render import SiteContext
from generator.vocabulary import STATUSES

RECENT_COUNT = 8
RENEWALS_COUNT = 10


def renewals_due(context: SiteContext) -> list[Agreement]:
    """In-force agreements with a review date, soonest (or most overdue) first."""
    dated = [a for a in context.charter.with_status("in-force") if a.review_by is not None]
    return sorted(dated, key=lambda a: (a.review_by, a.id))


def recently_adopted(context: SiteContext) -> list[Agreement]:
    dated = [a for a in context.charter.agreements if a.adopted is not None]
    return sorted(dated, key=lambda a: (a.adopted, a.id), reverse=True)


def home_html(context: SiteContext) -> str:
    counts = [(status, len(context.charter.with_status(status))) for status in STATUSES]
    return context.render(
        "home.html",
        "",
        counts=counts,
        total=len(context.charter.agreements),
        recent=recently_adopted(context)[:RECENT_COUNT],
        renewals=renewals_due(context)[:RENEWALS_COUNT],
    )
