"""Index pages: all agreements, by status, by level, and a page per theme and per party."""

from __future__ import annotations

from collections.abc import Iterator

from generator import urls
from generator.model import Agreement, Charter
from generator.pages.consent import awaiting, shortfalls
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry
from generator.vocabulary import LEVELS, STATUSES

UNSET_LEVEL = "unspecified"


def by_title(agreements: tuple[Agreement, ...] | list[Agreement]) -> list[Agreement]:
    return sorted(agreements, key=lambda a: (a.title.casefold(), a.id))


def _grouped_page(context: SiteContext, url: str, title: str, intro: str,
                  groups: list[tuple[str, str, list[Agreement]]]) -> Page:
    """A page of sections; empty groups stay, so a reader sees that nothing is there."""
    html = context.render("grouped.html", url, title=title, intro=intro, groups=groups)
    toc = tuple(TocEntry(anchor, heading, 2) for anchor, heading, _ in groups)
    return Page(url, title, html, toc, searchable=False)


def status_page(context: SiteContext) -> Page:
    groups = [(status, status.replace("-", " ").capitalize(), by_title(context.charter.with_status(status)))
              for status in STATUSES]
    return _grouped_page(context, urls.STATUS_INDEX, "Agreements by status",
                         "Every agreement, from drafts to those that have lapsed or been superseded.", groups)


def level_page(context: SiteContext) -> Page:
    agreements = context.charter.agreements
    groups = [(level, level.capitalize(), by_title([a for a in agreements if a.level == level]))
              for level in LEVELS]
    unset = by_title([a for a in agreements if a.level is None])
    if unset:
        groups.append((UNSET_LEVEL, "Level not given", unset))
    return _grouped_page(context, urls.LEVEL_INDEX, "Agreements by level",
                         "From a village to the whole world.", groups)


def all_agreements_page(context: SiteContext) -> Page:
    html = context.render("agreements.html", urls.AGREEMENTS, agreements=by_title(context.charter.agreements))
    return Page(urls.AGREEMENTS, "All agreements", html, searchable=False)


def themes_index_page(context: SiteContext) -> Page:
    html = context.render("themes.html", urls.THEMES, counts=_theme_counts(context.charter))
    return Page(urls.THEMES, "Themes", html)


def _theme_counts(charter: Charter) -> dict[str, int]:
    return {theme: sum(1 for a in charter.agreements if theme in a.themes) for theme in charter.themes}


def theme_pages(context: SiteContext) -> Iterator[Page]:
    for theme in context.charter.themes.values():
        url = urls.theme(theme.id)
        agreements = by_title([a for a in context.charter.agreements if theme.id in a.themes])
        html = context.render("theme.html", url, theme=theme, agreements=agreements)
        yield Page(url, theme.title, html, description=theme.description)


def parties_index_page(context: SiteContext) -> Page:
    charter = context.charter
    counts = {party: sum(1 for a in charter.agreements if party in a.parties or party in a.mediators)
              for party in charter.parties}
    html = context.render("parties.html", urls.PARTIES, counts=counts)
    return Page(urls.PARTIES, "Parties", html)


def party_pages(context: SiteContext) -> Iterator[Page]:
    lacking = shortfalls(context)
    for party in context.charter.parties.values():
        url = urls.party(party.id)
        agreements = context.charter.agreements
        ledger = context.ledger.by_party.get(party.id, ()) if context.ledger is not None else ()
        html = context.render(
            "party.html", url, party=party,
            party_to=by_title([a for a in agreements if party.id in a.parties]),
            mediates=by_title([a for a in agreements if party.id in a.mediators]),
            consents=len(ledger), awaiting=awaiting(lacking, party.id),
        )
        toc: tuple[TocEntry, ...] = (TocEntry("party-to", "Party to", 2), TocEntry("mediates", "Mediates", 2))
        if context.ledger is not None:
            toc += (TocEntry("consent", "Consent ledger", 2),)
        yield Page(url, party.name, html, toc, party.description)
