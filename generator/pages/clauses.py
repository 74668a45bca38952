"""Each clause's history and citations: the note under each clause, and one page of clause histories.

One page per agreement (`/agreements/<id>/clauses/`) holds every clause's history, each at its own
anchor (`clauses/#<anchor>`), so the site grows by one page per agreement, not one per clause, and
each version's diff of a clause stands once on it, as on the history page. The page is kept in the
build cache under its record (generator.pages.rendered), as a history page is.
"""

from __future__ import annotations

import html as html_module
from collections.abc import Collection, Sequence
from functools import partial
from typing import Any

from markupsafe import Markup

from generator import urls
from generator.diffs.lineage import ClauseHistory, ClauseRevision
from generator.model import Agreement
from generator.pages.history import agreements_record, revision_record, version_label
from generator.pages.render import SiteContext
from generator.pages.rendered import keyed_record
from generator.pages.site import Keyed, Page, TocEntry
from generator.source.markup import CLAUSE_LEVEL
from generator.vocabulary import CLAUSE_CHANGE_LABELS


def split_at_clauses(body: str, anchors: Sequence[str]) -> tuple[tuple[Markup, str], ...]:
    """The rendered body cut after each clause's heading: (HTML, the anchor of the heading it ends
    with, or "" for the last piece), so a note can stand under each heading."""
    parts: list[tuple[Markup, str]] = []
    start = 0
    for anchor in anchors:
        opening = body.find(f'<{CLAUSE_LEVEL} id="{html_module.escape(anchor)}"', start)
        closing = body.find(f"</{CLAUSE_LEVEL}>", opening) if opening >= 0 else -1
        if closing < 0:
            continue
        end = closing + len(CLAUSE_LEVEL) + 3
        parts.append((Markup(body[start:end]), anchor))  # noqa: S704 - cut from sanitised HTML
        start = end
    parts.append((Markup(body[start:]), ""))  # noqa: S704 - cut from sanitised HTML
    return tuple(parts)


def _section_html(html: Markup, section_id: str, taken: Collection[str]) -> Markup:
    """A clause's section of a version's diff, without its history-page id where a clause of this page has
    that anchor (a clause may pin `{#v1-shares}`): an id stands once on a page."""
    if section_id not in taken:
        return html
    own_id = f' id="{html_module.escape(section_id)}"'
    return Markup(str(html).replace(own_id, "", 1))  # noqa: S704 - the id of escaped diff HTML


def clauses_page(context: SiteContext, agreement: Agreement) -> Page:
    """Rendered when the page is written, as the agreement's own page is."""
    clauses = context.clause_histories.get(agreement.id, {})
    shown = tuple(clauses[clause.anchor] for clause in agreement.clauses if clause.anchor in clauses)
    toc = tuple(TocEntry(clause.anchor, clause.title, 2) for clause in shown)
    return Page(urls.clauses(agreement.id), f"Clauses of {agreement.title}: their history",
                partial(clauses_html, context, agreement, shown), toc, searchable=False, standalone=True)


def clauses_html(context: SiteContext, agreement: Agreement, shown: Sequence[ClauseHistory]) -> Keyed:
    """The page from its record, and from the cache when an earlier build rendered that record with these
    templates: the record names each section of a diff by the diff's cache key, so it holds no HTML."""
    record = clauses_record(context, agreement, shown)
    anchors = {clause.anchor for clause in shown}
    revisions = [revision for clause in shown for revision in clause.revisions]

    def rendered() -> str:  # reads each diff shown once
        diffs = {id(revision.change): revision.change.shown() for revision in revisions}
        sections = {_section(revision): _section_html(diffs[id(revision.change)].blocks[revision.block].html,
                                                      revision.step.section_id, anchors)
                    for revision in revisions}
        return context.render_only("clauses.html", record["page_url"], **record, sections=sections,
                                   kind_labels=CLAUSE_CHANGE_LABELS)

    kept = all(revision.change.key is not None for revision in revisions)  # an uncommitted diff is never kept
    return keyed_record(context.cache if kept else None, record["page_url"], record, "diffs",
                        context.templates_code, rendered)


def _section(revision: ClauseRevision) -> str:
    return f"{revision.version.number}/{revision.block}"


def clauses_record(context: SiteContext, agreement: Agreement,
                   shown: Sequence[ClauseHistory]) -> dict[str, Any]:
    """Every value clauses.html is given, as plain data, besides the diffs' sections (named by the diffs'
    cache keys) and the code's own (the words for a change): the page's cache key."""
    cited = context.citations.get(agreement.id)
    by_clause = ({clause.anchor: list(cited.by_clause.get(clause.anchor, ())) for clause in shown}
                 if cited else {})
    return {
        "page_url": urls.clauses(agreement.id),
        "agreement": {"id": agreement.id, "url": agreement.url, "title": agreement.title},
        "cited": {"by_clause": by_clause} if cited else None,
        "charter": agreements_record(context, [source for citing in by_clause.values() for source in citing]),
        "clauses": [{"anchor": clause.anchor, "title": clause.title, "revisions": [{
            "version": {"number": revision.version.number, "revision": revision_record(revision.version)},
            "label": version_label(revision.version, context),
            "step": {"kind": revision.step.kind, "section_id": revision.step.section_id},
            "section": _section(revision), "diff": revision.change.key,
        } for revision in clause.revisions]} for clause in shown],
    }
