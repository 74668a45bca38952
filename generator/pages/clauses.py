"""Each clause's history and citations: the note under each clause, and one page of clause histories.

One page per agreement (`/agreements/<id>/clauses/`) holds every clause's history, each at its own
anchor (`clauses/#<anchor>`), so the site grows by one page per agreement, not one per clause, and
each version's diff of a clause stands once on it, as on the history page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from markupsafe import Markup

from generator import urls
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


def clauses_page(context: SiteContext, agreement: Agreement) -> Page:
    url = urls.clauses(agreement.id)
    clauses = context.clause_histories.get(agreement.id, {})
    shown = [clauses[clause.anchor] for clause in agreement.clauses if clause.anchor in clauses]
    html_text = context.render(
        "clauses.html", url,
        agreement=agreement,
        clauses=shown,
        cited=context.citations.get(agreement.id),
        kind_labels=CLAUSE_CHANGE_LABELS,
        version_label=lambda version: version_label(version, context),
    )
    toc = tuple(TocEntry(clause.anchor, clause.title, 2) for clause in shown)
    return Page(url, f"Clauses of {agreement.title}: their history", html_text, toc, searchable=False)
