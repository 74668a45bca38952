"""Each agreement's own page: metadata panel, clause text, relations and backlinks."""

from __future__ import annotations

from generator.model import Agreement
from generator.pages.consent import current_consent
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry
from generator.vocabulary import RELATIONS


def agreement_toc(agreement: Agreement, prefix: str = "", level: int = 2) -> tuple[TocEntry, ...]:
    return tuple(TocEntry(f"{prefix}{clause.anchor}", clause.title, level) for clause in agreement.clauses)


def backlinks(context: SiteContext, agreement: Agreement) -> list[tuple[str, tuple[str, ...]]]:
    """(reader's label, ids) for every relation other agreements hold towards this one."""
    return [
        (label, ids)
        for relation, label in RELATIONS.items()
        if (ids := context.charter.pointing_at(agreement.id, relation))
    ]


def agreement_page(context: SiteContext, agreement: Agreement) -> Page:
    url = agreement.url
    html = context.render(
        "agreement.html",
        url,
        agreement=agreement,
        body=context.body_html(agreement, url),
        backlinks=backlinks(context, agreement),
        successors=context.charter.successors(agreement.id),
        consent=current_consent(context, agreement),
    )
    toc = agreement_toc(agreement)
    if any(agreement.related(relation) for relation in RELATIONS) or backlinks(context, agreement):
        toc += (TocEntry("relations", "Relations", 2),)
    return Page(url, agreement.title, html, toc, agreement.summary)
