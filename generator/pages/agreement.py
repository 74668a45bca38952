"""Each agreement's own page: metadata panel, clause text, relations and backlinks."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from generator import urls
from generator.model import Agreement, Heading
from generator.pages.clauses import split_at_clauses
from generator.pages.consent import current_consent
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry
from generator.vocabulary import CLAUSE_CHANGE_LABELS, RELATIONS


_Node = tuple[Heading, list["_Node"]]


def agreement_toc(headings: Sequence[Heading]) -> tuple[TocEntry, ...]:
    """Each heading under the nearest one above it of a higher level: a clause's sub-headings under it."""
    top: list[_Node] = []
    open_levels: list[tuple[int, list[_Node]]] = [(0, top)]
    for heading in headings:
        while open_levels[-1][0] >= heading.level:
            open_levels.pop()
        node: _Node = (heading, [])
        open_levels[-1][1].append(node)
        open_levels.append((heading.level, node[1]))

    def entries(nodes: list[_Node]) -> tuple[TocEntry, ...]:
        return tuple(TocEntry(heading.anchor, heading.title, heading.level, entries(children))
                     for heading, children in nodes)

    return entries(top)


def backlinks(context: SiteContext, agreement: Agreement) -> list[tuple[str, tuple[str, ...]]]:
    """(reader's label, ids) for every relation other agreements hold towards this one."""
    return [
        (label, ids)
        for relation, label in RELATIONS.items()
        if (ids := context.charter.pointing_at(agreement.id, relation))
    ]


def agreement_page(context: SiteContext, agreement: Agreement) -> Page:
    """Rendered when the page is written, so thousands of agreements' pages are never all in memory."""
    toc = agreement_toc(agreement.headings)
    cited = context.citations.get(agreement.id)
    if any(agreement.related(relation) for relation in RELATIONS) or backlinks(context, agreement) or cited:
        toc += (TocEntry("relations", "Relations", 2),)
    return Page(agreement.url, agreement.title, partial(agreement_html, context, agreement), toc,
                agreement.summary)


def agreement_html(context: SiteContext, agreement: Agreement) -> str:
    url = agreement.url
    body = context.body_html(agreement, url)
    return context.render(
        "agreement.html",
        url,
        agreement=agreement,
        body=body,  # whole, for templates copied before the notes under each clause
        body_parts=split_at_clauses(body, [clause.anchor for clause in agreement.clauses]),
        backlinks=backlinks(context, agreement),
        successors=context.charter.successors(agreement.id),
        consent=current_consent(context, agreement),
        clauses=context.clause_histories.get(agreement.id, {}),
        clauses_url=urls.clauses(agreement.id),
        clause_titles={clause.anchor: clause.title for clause in agreement.clauses},
        kind_labels=CLAUSE_CHANGE_LABELS,
        cited=context.citations.get(agreement.id),
    )
