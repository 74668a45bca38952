"""Each agreement's own page: metadata panel, clause text, relations and backlinks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from markupsafe import Markup

from generator import urls
from generator.diffs.lineage import ClauseHistory
from generator.model import Agreement, Heading
from generator.pages.bodies import body_key, cached_entry, render_and_keep
from generator.pages.clauses import split_at_clauses
from generator.pages.consent import current_consent
from generator.pages.history import agreements_record, consent_record, parties_record, party_names
from generator.pages.render import BuildDate, SiteContext, dated
from generator.pages.rendered import cached_page, keep_page, page_key
from generator.pages.site import Page, TocEntry
from generator.source.markup import FileResolver, Resolver, render
from generator.vocabulary import CLAUSE_CHANGE_LABELS, RELATION_LABELS, RELATIONS


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
                agreement.summary, fresh_bodies=partial(context.fresh_bodies, agreement.url, (agreement,)))


def agreement_html(context: SiteContext, agreement: Agreement) -> str:
    """The page from its record (`agreement_record`), and from the cache when its record, its body and the
    templates are those of a page an earlier build rendered (generator.pages.rendered)."""
    record = agreement_record(context, agreement)
    url = agreement.url
    links, files = context.resolver(url), context.file_resolver(agreement, url, "")
    cache = context.cache
    if cache is None:
        return dated(render_agreement(context, record, context.body_html(agreement, url)), context.as_of)
    key = body_key(agreement.body, agreement.path, url, "", 0, context.trusted_html)  # as context.body_html
    page = page_key(record, ["body", key], context.templates_code)
    found = cached_page(cache, url, page, links, files)
    if found is not None:
        return dated(found, context.as_of)
    entry = cached_entry(cache, key, links, files)
    if entry is not None:
        body, asked = Markup(entry["html"]), entry["asked"]  # noqa: S704 - kept by render_and_keep
    else:
        body, asked = render_and_keep(cache, key, agreement.path, links, files,
                                      partial(body_renderer, context, agreement))
    return dated(keep_page(cache, url, page, render_agreement(context, record, body), asked), context.as_of)


def body_renderer(context: SiteContext, agreement: Agreement, links: Resolver, files: FileResolver) -> Markup:
    html = render(agreement.body, links, resolve_file=files, trusted_html=context.trusted_html)
    return Markup(html)  # noqa: S704 - sanitised by markup.render unless the charter is trusted


def render_agreement(context: SiteContext, record: Mapping[str, Any], body: Markup) -> str:
    """agreement.html given the record and nothing else of the build's but code (the vocabulary's words),
    and the body."""
    anchors = list(record["clause_titles"])
    return context.render_only(
        "agreement.html", record["page_url"], **record,
        body=body,  # whole, for templates copied before the notes under each clause
        body_parts=split_at_clauses(body, anchors),
        relations=RELATIONS, relation_labels=RELATION_LABELS, kind_labels=CLAUSE_CHANGE_LABELS,
        as_of=BuildDate(),
    )


def agreement_record(context: SiteContext, agreement: Agreement) -> dict[str, Any]:
    """Every value agreement.html is given, as plain data, besides its body, the build's date (its printed
    stamp's, filled in by `dated`) and the code's own (the vocabulary's words): the page's cache key. What
    the date decides, whether its review is due, is here."""
    history = context.histories.get(agreement.id)
    current = history.current if history is not None else None
    cited = context.citations.get(agreement.id)
    edition = context.latest_edition
    held = edition.versions.get(agreement.id) if edition is not None else None
    consent = current_consent(context, agreement)
    related = {relation: list(agreement.related(relation)) for relation in RELATIONS}
    linked = [*context.charter.successors(agreement.id), *(target for ids in related.values() for target in ids),
              *(source for _, sources in backlinks(context, agreement) for source in sources),
              *(cited.sources if cited else ())]
    return {
        "page_url": agreement.url,
        "agreement": {
            "id": agreement.id, "url": agreement.url, "title": agreement.title, "status": agreement.status,
            "form": agreement.form, "institutionalised_as": list(agreement.institutionalised_as),
            "level": agreement.level, "parties": list(agreement.parties), "mediators": list(agreement.mediators),
            "themes": list(agreement.themes), "adopted": agreement.adopted, "review_by": agreement.review_by,
            "review_state": context.review_state(agreement), "renew_every": agreement.renew_every,
            "summary": agreement.summary, "related": related,
        },
        "history": None if history is None or current is None else {
            "versions": len(history.versions), "current": {"number": current.number, "date": current.date}},
        "formerly": list(context.charter.formerly.get(agreement.id, ())),
        "successors": list(context.charter.successors(agreement.id)),
        "backlinks": [[label, list(sources)] for label, sources in backlinks(context, agreement)],
        "consent": consent_record(consent),
        "clauses": clause_notes(context.clause_histories.get(agreement.id, {})),
        "clauses_url": urls.clauses(agreement.id),
        "clause_titles": {clause.anchor: clause.title for clause in agreement.clauses},
        "cited": None if cited is None else {
            "by_clause": {anchor: list(sources) for anchor, sources in cited.by_clause.items()},
            "sources": [[source, list(cited.clauses_cited_by(source))] for source in cited.sources]},
        "charter": {**agreements_record(context, linked),
                    "parties": {**parties_record(context, consent),
                                **party_names(context, [*agreement.parties, *agreement.mediators])},
                    "themes": theme_titles(context, agreement.themes)},
        "latest_edition": None if edition is None else {"name": edition.name,
                                                         "versions": {agreement.id: held} if held else {}},
    }


def clause_notes(clauses: Mapping[str, ClauseHistory]) -> dict[str, dict[str, Any]]:
    """Each clause's last change, as the note under its heading reads it."""
    return {anchor: {"only": len(clause.revisions) == 1, "last": {
        "step": {"kind": clause.last.step.kind, "section_id": clause.last.step.section_id},
        "version": {"number": clause.last.version.number, "date": clause.last.version.date}}}
        for anchor, clause in clauses.items() if clause.last is not None}


def theme_titles(context: SiteContext, ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """The registry's entries for these themes, as `theme_ref` reads them (id and title)."""
    found = {theme_id: context.charter.themes.get(theme_id) for theme_id in sorted(set(ids))}
    return {theme_id: {"id": theme.id, "title": theme.title} for theme_id, theme in found.items() if theme}
