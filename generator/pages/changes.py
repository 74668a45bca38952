"""The charter-wide changes page and renewal timeline, from the same git events as the history pages.

Rules, so a reader can check a figure against the history pages:

- A change is one git event of one version (declared dates are not changes). Order: newest first by
  date, then within a day by the commit's time (author time, then committer time; an uncommitted
  version is the newest of its day), then agreement id, then version, newest first; the events of
  one version keep their order.
- An uncommitted version (a local preview) is listed on the changes page, marked as such, but is
  not counted per year and never reaches a feed: it has no author, no date and may never land.
- Per year: every committed `adopted`, `amended` and `renewed` event counts in the year of its
  author date, with two exceptions for adoptions, since git only knows when a text was recorded:
  an adoption counts in the year of the `adopted:` date its version declares (as the history
  page's timeline plots it; see `Event.declared_date`), and an agreement with no git adoption at
  all (history off, or never committed in force) that declares `adopted:` counts one adoption in
  that year.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from generator import urls
from generator.history.versions import AgreementHistory, Event, Version
from generator.model import Agreement, Charter
from generator.pages.home import renewals_due
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry
from generator.pages.timeline import STYLES
from generator.vocabulary import EVENT_LABELS

CHANGES_LIMIT = 200
COUNTED_KINDS = ("adopted", "amended", "renewed")
COUNTED_LABELS = {"adopted": "Adoptions", "amended": "Amendments", "renewed": "Renewals"}
COUNTED_NOUNS = {"adopted": ("adoption", "adoptions"), "amended": ("amendment", "amendments"),
                 "renewed": ("renewal", "renewals")}
CHART_WIDTH = 720
CHART_HEIGHT = 240
CHART_LEFT = 40
CHART_RIGHT = 20
CHART_TOP = 40
CHART_BASE = 200
BAR_LABEL_WIDTH = 8
"""Bars at least this wide carry their count above them."""


@dataclass(frozen=True)
class Change:
    """One git event of one agreement: a row of the changes page and an entry of the feeds."""

    agreement: Agreement
    version: Version
    event: Event

    @property
    def label(self) -> str:
        return EVENT_LABELS[self.event.kind]

    @property
    def version_url(self) -> str:
        return urls.version(self.agreement.id, self.version.number)

    @property
    def change_url(self) -> str:
        """The version's section on the history page, which shows what it changed."""
        return urls.change(self.agreement.id, self.version.number)


@dataclass(frozen=True)
class YearCount:
    year: int
    adopted: int = 0
    amended: int = 0
    renewed: int = 0

    def count(self, kind: str) -> int:
        value: int = getattr(self, kind)
        return value


def charter_changes(charter: Charter, histories: Mapping[str, AgreementHistory], *,
                    committed_only: bool = False) -> list[Change]:
    """Every git event of every agreement, newest first, in the documented order."""
    found = [
        Change(agreement, version, event)
        for agreement in charter.agreements
        if (history := histories.get(agreement.id)) is not None
        for version in history.versions
        if not (committed_only and version.is_uncommitted)
        for event in version.events
    ]
    return sorted(found, key=_newest_first)


def _newest_first(change: Change) -> tuple[float, float, float, str, int]:
    revision = change.version.revision
    authored, committed = (revision.authored.timestamp(), revision.committed.timestamp()) if revision else (
        math.inf, math.inf)
    return (-change.event.date.toordinal(), -authored, -committed, change.agreement.id, -change.version.number)


def counted_events(agreement: Agreement, history: AgreementHistory | None) -> list[tuple[dt.date, str]]:
    """(date, kind) of the agreement's adoptions, amendments and renewals, by the module's rules."""
    events = [
        event
        for version in (history.versions if history is not None else ())
        if not version.is_uncommitted
        for event in version.events
        if event.kind in COUNTED_KINDS
    ]
    dated = [(event.happened_on, event.kind) for event in events]
    if agreement.adopted is not None and not any(event.kind == "adopted" for event in events):
        dated.append((agreement.adopted, "adopted"))
    return dated


def yearly_counts(charter: Charter, histories: Mapping[str, AgreementHistory]) -> list[YearCount]:
    """Adoptions, amendments and renewals per year, every year from the first to the last."""
    tally: dict[int, dict[str, int]] = {}
    for agreement in charter.agreements:
        for date, kind in counted_events(agreement, histories.get(agreement.id)):
            year = date.year
            counts = tally.setdefault(year, dict.fromkeys(COUNTED_KINDS, 0))
            counts[kind] += 1
    if not tally:
        return []
    empty = dict.fromkeys(COUNTED_KINDS, 0)
    return [YearCount(year, **tally.get(year, empty)) for year in range(min(tally), max(tally) + 1)]


def last_renewal(agreement: Agreement, history: AgreementHistory | None) -> dt.date | None:
    """When the agreement was last adopted or renewed, dated as the per-year counts date it."""
    dates = [date for date, kind in counted_events(agreement, history) if kind in ("adopted", "renewed")]
    return max(dates, default=None)


def _bar_patterns() -> str:
    """Amendments hatched and renewals dotted, so the three bars differ without their colours."""
    amended, renewed = STYLES["amended"].colour, STYLES["renewed"].colour
    return ('<defs>'
            '<pattern id="charter-bars-amended" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{amended}"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2.5"/></pattern>'
            '<pattern id="charter-bars-renewed" width="5" height="5" patternUnits="userSpaceOnUse">'
            f'<rect width="5" height="5" fill="{renewed}"/><circle cx="2.5" cy="2.5" r="1.3" fill="#fff"/>'
            '</pattern></defs>')


def _bar_paint(kind: str) -> str:
    colour = STYLES[kind].colour
    fill = colour if kind == "adopted" else f"url(#charter-bars-{kind})"
    return f'fill="{fill}" stroke="{colour}"'


def year_chart_svg(years: Sequence[YearCount]) -> str:
    """Grouped bars per year; the table beside it carries the same figures for screen readers."""
    if not years:
        return ""
    peak = max(max(year.count(kind) for kind in COUNTED_KINDS) for year in years) or 1
    group = (CHART_WIDTH - CHART_LEFT - CHART_RIGHT) / len(years)
    bar = group * 0.8 / len(COUNTED_KINDS)
    span = CHART_BASE - CHART_TOP
    parts = [
        (f'<svg class="charter-year-chart" role="img" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
         'xmlns="http://www.w3.org/2000/svg" aria-labelledby="year-chart-title">'),
        '<title id="year-chart-title">Adoptions, amendments and renewals per year</title>',
        _bar_patterns(),
        (f'<line x1="{CHART_LEFT}" y1="{CHART_BASE}" x2="{CHART_WIDTH - CHART_RIGHT}" y2="{CHART_BASE}" '
         'stroke="#64748b"/>'),
        (f'<text x="{CHART_LEFT - 6}" y="{CHART_TOP + 4}" text-anchor="end" font-size="11" '
         f'fill="currentColor">{peak}</text>'),
        (f'<text x="{CHART_LEFT - 6}" y="{CHART_BASE + 4}" text-anchor="end" font-size="11" '
         'fill="currentColor">0</text>'),
    ]
    for index, kind in enumerate(COUNTED_KINDS):
        key = CHART_LEFT + index * 130
        parts.append(f'<rect x="{key}" y="9" width="14" height="14" {_bar_paint(kind)}/>'
                     f'<text x="{key + 20}" y="20" font-size="12" fill="currentColor">'
                     f'{escape(COUNTED_LABELS[kind])}</text>')
    step = max(1, len(years) // 12)
    for position, year in enumerate(years):
        left = CHART_LEFT + position * group + group * 0.1
        for index, kind in enumerate(COUNTED_KINDS):
            count = year.count(kind)
            if count:
                height = span * count / peak
                x = left + index * bar
                tooltip = escape(f"{year.year}: {count} {COUNTED_NOUNS[kind][count != 1]}")
                parts.append(f'<rect class="charter-year-chart__bar charter-year-chart__bar--{kind}" '
                             f'x="{x:.1f}" y="{CHART_BASE - height:.1f}" width="{bar:.1f}" '
                             f'height="{height:.1f}" {_bar_paint(kind)}><title>{tooltip}</title></rect>')
                if bar >= BAR_LABEL_WIDTH:
                    parts.append(f'<text x="{x + bar / 2:.1f}" y="{CHART_BASE - height - 3:.1f}" '
                                 f'text-anchor="middle" font-size="9" fill="currentColor">{count}</text>')
        if position % step == 0:
            parts.append(f'<text x="{left + group * 0.4:.1f}" y="{CHART_BASE + 18}" text-anchor="middle" '
                         f'font-size="11" fill="currentColor">{year.year}</text>')
    parts.append("</svg>")
    return "".join(parts)


def changes_page(context: SiteContext) -> Page:
    url = urls.CHANGES
    found = charter_changes(context.charter, context.histories)
    html = context.render("changes.html", url, changes=found[:CHANGES_LIMIT], total=len(found),
                          limit=CHANGES_LIMIT)
    return Page(url, "Recent changes", html, description="The latest changes to every agreement of the charter.",
                searchable=False)


def renewals_page(context: SiteContext) -> Page:
    url = urls.RENEWALS
    years = yearly_counts(context.charter, context.histories)
    due = [(agreement, last_renewal(agreement, context.histories.get(agreement.id)))
           for agreement in renewals_due(context)]
    html = context.render(
        "renewals.html", url,
        years=years, kinds=COUNTED_KINDS, kind_labels=COUNTED_LABELS, due=due,
        chart=Markup(year_chart_svg(years)),  # noqa: S704 - numbers and fixed labels, escaped
    )
    toc = (TocEntry("by-year", "By year", 2), TocEntry("renewals-due", "Renewals due", 2))
    return Page(url, "Renewal timeline", html, toc, "Adoptions, amendments and renewals across the charter.",
                searchable=False)
