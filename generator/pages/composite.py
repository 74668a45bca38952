"""The composite charter: the full text of every in-force agreement, grouped into parts."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from generator import urls
from generator.model import Agreement, Charter, Part
from generator.pages.bodies import still_true
from generator.pages.history import party_names
from generator.pages.render import BuildDate, SiteContext, dated
from generator.pages.rendered import keyed_by, page_key
from generator.pages.site import Page, TocEntry
from generator.vocabulary import IN_FORCE

OTHER_PART = "Other agreements"
HEADING_SHIFT = 2
"""An agreement's headings sit under its own h3 and its part's h2."""


@dataclass(frozen=True)
class PlacedPart:
    part: Part
    anchor: str
    agreements: tuple[Agreement, ...]


def default_parts(charter: Charter) -> tuple[Part, ...]:
    """Without charter.yml, one part per theme, in the registry's order."""
    return tuple(Part(theme.title, themes=(theme.id,), description=theme.description)
                 for theme in charter.themes.values())


def place_agreements(charter: Charter) -> tuple[PlacedPart, ...]:
    """Put each in-force agreement in exactly one part, so no text is printed twice.

    An agreement named by a part goes there; otherwise it goes to the part of its first theme
    that has one (an agreement lists its main theme first); what fits nowhere closes the
    charter under "Other agreements".
    """
    parts = charter.parts or default_parts(charter)
    placed: dict[int, list[Agreement]] = {index: [] for index in range(len(parts) + 1)}
    part_of_theme: dict[str, int] = {}
    for index, part in enumerate(parts):
        for theme in part.themes:
            part_of_theme.setdefault(theme, index)
    for agreement in charter.with_status(IN_FORCE):
        named = [index for index, part in enumerate(parts) if agreement.id in part.agreements]
        themed = [part_of_theme[theme] for theme in agreement.themes if theme in part_of_theme]
        placed[(named or themed or [len(parts)])[0]].append(agreement)
    every_part = (*parts, Part(OTHER_PART))
    return tuple(
        PlacedPart(part, f"part-{index + 1}", tuple(sorted(placed[index], key=lambda a: (a.title, a.id))))
        for index, part in enumerate(every_part)
        if placed[index]
    )


def composite_page(context: SiteContext, charter: Charter | None = None, url: str = urls.CHARTER,
                   title: str | None = None, template: str = "composite.html",
                   record: Mapping[str, Any] | None = None, code: Mapping[str, Any] | None = None) -> Page:
    """The charter's full text; an edition passes the charter as it stood, its own page, a template that
    extends composite.html (so both read alike), the plain data it adds to the page's record and the code
    its template calls. Links resolve against the charter shown."""
    if charter is not None:
        context = dataclasses.replace(context, charter=charter)
    parts = place_agreements(context.charter)
    title = title or context.charter.title
    values = {**composite_record(context, parts, url, title), **(record or {})}
    toc = tuple(
        TocEntry(placed.anchor, placed.part.title, 2,
                 tuple(TocEntry(agreement.id, agreement.title, 3) for agreement in placed.agreements))
        for placed in parts
    )
    # Each agreement's own page is searched; the whole charter again (or as an edition had it) would only
    # repeat each hit, and on pages of thousands of headings cost the search index most of its build.
    shown = [agreement for placed in parts for agreement in placed.agreements]
    return Page(url, title, partial(composite_html, context, parts, template, values, code or {}), toc,
                "The full text of every agreement in force.", searchable=False,
                fresh_bodies=partial(context.fresh_bodies, url, shown, _prefix, HEADING_SHIFT))


def composite_record(context: SiteContext, parts: Sequence[PlacedPart], url: str,
                     title: str) -> dict[str, Any]:
    """Every value composite.html is given, as plain data, besides the bodies (named by their cache keys):
    with the bodies' keys, the page's cache key."""
    agreements = [agreement for placed in parts for agreement in placed.agreements]
    edition = context.latest_edition
    return {
        "page_url": url,
        "title": title,
        "parts": [{"anchor": placed.anchor,
                   "part": {"title": placed.part.title, "description": placed.part.description},
                   "agreements": [{"id": agreement.id, "url": agreement.url, "title": agreement.title,
                                   "parties": list(agreement.parties), "adopted": agreement.adopted}
                                  for agreement in placed.agreements]}
                  for placed in parts],
        "charter": {"parties": party_names(context, (party for a in agreements for party in a.parties))},
        "latest_edition": None if edition is None else {"name": edition.name},
    }


def _prefix(agreement_id: str) -> str:
    """Where an agreement's anchors go on the page: no two agreements' clauses share an id."""
    return f"{agreement_id}--"


def composite_html(context: SiteContext, parts: Sequence[PlacedPart], template: str,
                   record: Mapping[str, Any], code: Mapping[str, Any]) -> str:
    """The page from its record and its bodies, and from the cache when an earlier build rendered that
    record around bodies of the same keys, whose links each still resolve the same way
    (generator.pages.rendered). Without a cache, rendered each time."""
    url = record["page_url"]
    shown = [agreement for placed in parts for agreement in placed.agreements]

    def rendered() -> tuple[str, list[Any]]:
        bodies, asked = {}, []
        for agreement in shown:
            bodies[agreement.id], links = context.body_and_links(agreement, url, prefix=_prefix(agreement.id),
                                                                 shift=HEADING_SHIFT)
            asked.append([agreement.id, links])
        html = context.render_only(template, url, **record, **code, bodies=bodies, as_of=BuildDate())
        return html, asked

    if context.cache is None:
        return dated(rendered()[0], context.as_of)
    identity = [[agreement.id, context.body_key(agreement, url, prefix=_prefix(agreement.id),
                                                shift=HEADING_SHIFT)] for agreement in shown]
    links = context.resolver(url)

    def holds(asked: Any) -> bool:
        """Each body's links, checked from its own place on the page."""
        if not isinstance(asked, list) or len(asked) != len(shown):
            return False
        files = (context.file_resolver(agreement, url, _prefix(agreement.id)) for agreement in shown)
        return all(isinstance(entry, list) and len(entry) == 2 and entry[0] == agreement.id
                   and still_true(entry[1], links, resolve)
                   for agreement, entry, resolve in zip(shown, asked, files))

    key = page_key(record, identity, context.templates_code)
    page = keyed_by(context.cache, url, key, holds, rendered)
    return dated(page.render()[0], context.as_of)
