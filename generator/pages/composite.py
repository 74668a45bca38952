"""The composite charter: the full text of every in-force agreement, grouped into parts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from generator import urls
from generator.model import Agreement, Charter, Part
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry
from generator.vocabulary import IN_FORCE

OTHER_PART = "Other agreements"


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


def composite_page(context: SiteContext, charter: Charter | None = None, url: str = urls.CHARTER, title: str | None = None,
                   template: str = "composite.html", **values: Any) -> Page:
    """The charter's full text; an edition passes the charter as it stood, its own page and a template
    that extends composite.html, so both read alike. Links resolve against the charter shown."""
    if charter is not None:
        context = dataclasses.replace(context, charter=charter)
    parts = place_agreements(context.charter)
    bodies = {
        agreement.id: context.body_html(agreement, url, prefix=f"{agreement.id}--", shift=2)
        for placed in parts
        for agreement in placed.agreements
    }
    title = title or context.charter.title
    html = context.render(template, url, parts=parts, bodies=bodies, title=title, **values)
    toc = tuple(
        TocEntry(placed.anchor, placed.part.title, 2,
                 tuple(TocEntry(agreement.id, agreement.title, 3) for agreement in placed.agreements))
        for placed in parts
    )
    # Each agreement's own page is searched; the whole charter again (or as an edition had it) would only
    # repeat each hit, and on pages of thousands of headings cost the search index most of its build.
    return Page(url, title, html, toc, "The full text of every agreement in force.", searchable=False)

