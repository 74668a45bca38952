"""Each clause's history and citations: the note under each clause, and one page of clause histories.

One page per agreement (`/agreements/<id>/clauses/`) holds every clause's history, each at its own
anchor (`clauses/#<anchor>`), so the site grows by one page per agreement, not one per clause, and
each version's diff of a clause stands once on it, as on the history page.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence
from functools import partial

from markupsafe import Markup

from generator import urls
from generator.diffs.lineage import ClauseHistory, ClauseRevision
from generator.model import Agreement
from generator.pages.history import version_label
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry
from generator.source.markup import CLAUSE_LEVEL
from generator.vocabulary import CLAUSE_CHANGE_LABELS


def split_at_clauses(body: str, anchors: Sequence[str]) -> tuple[tuple[Markup, str], ...]:
    """The rendered body cut after each clause's heading: (HTML, the anchor of the heading it ends
    with, or "" for the last piece), so a note can stand under each heading."""
    parts: list[tuple[Markup, str]] = []
    start = 0
    for anchor in anchors:
        opening = body.find(f'<{CLAUSE_LEVEL} id="{html.escape(anchor)}"', start)
        closing = body.find(f"</{CLAUSE_LEVEL}>", opening) if opening >= 0 else -1
        if closing < 0:
            continue
        end = closing + len(CLAUSE_LEVEL) + 3
        parts.append((Markup(body[start:end]), anchor))  # noqa: S704 - cut from sanitised HTML
        start = end
    parts.append((Markup(body[start:]), ""))  # noqa: S704 - cut from sanitised HTML
    return tuple(parts)


def _section_html(revision: ClauseRevision, taken: Collection[str]) -> Markup:
    """The clause's section of the version's diff, without its history-page id where a clause of this
    page has that anchor (a clause may pin `{#v1-shares}`): an id stands once on a page."""
    if revision.step.section_id not in taken:
        return revision.html
    own_id = f' id="{html.escape(revision.step.section_id)}"'
    return Markup(str(revision.html).replace(own_id, "", 1))  # noqa: S704 - the id of escaped diff HTML


def clauses_page(context: SiteContext, agreement: Agreement) -> Page:
    """Rendered when the page is written, as the agreement's own page is."""
    clauses = context.clause_histories.get(agreement.id, {})
    shown = tuple(clauses[clause.anchor] for clause in agreement.clauses if clause.anchor in clauses)
    toc = tuple(TocEntry(clause.anchor, clause.title, 2) for clause in shown)
    return Page(urls.clauses(agreement.id), f"Clauses of {agreement.title}: their history",
                partial(clauses_html, context, agreement, shown), toc, searchable=False, standalone=True)


def clauses_html(context: SiteContext, agreement: Agreement, shown: Sequence[ClauseHistory]) -> str:
    anchors = {clause.anchor for clause in shown}
    return context.render(
        "clauses.html", urls.clauses(agreement.id),
        agreement=agreement,
        clauses=shown,
        cited=context.citations.get(agreement.id),
        kind_labels=CLAUSE_CHANGE_LABELS,
        version_label=lambda version: version_label(version, context),
        section_html=lambda revision: _section_html(revision, anchors),
    )
