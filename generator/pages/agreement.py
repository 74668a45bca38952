"""Each agreement's own page: metadata panel, clause text, relations and backlinks."""

from __future__ import annotations

from collections.abc import Sequence

from generator.model import Agreement, Heading
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry
from generator.vocabulary import RELATIONS


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
    url = agreement.url
    html = context.render(
        "agreement.html",
        url,
        agreement=agreement,
        body=context.body_html(agreement, url),
        backlinks=backlinks(context, agreement),
        successors=context.charter.successors(agreement.id),
    )
    toc = agreement_toc(agreement.headings)
    if any(agreement.related(relation) for relation in RELATIONS) or backlinks(context, agreement):
        toc += (TocEntry("relations", "Relations", 2),)
    return Page(url, agreement.title, html, toc, agreement.summary)
