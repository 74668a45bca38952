"""An agreement's timeline as inline SVG, drawn at build time so it needs no script and prints.

Every text and attribute is escaped: titles, commit messages and paths come from pull requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 720
HEIGHT = 120
MARGIN = 40
AXIS_Y = 70
MARK_COLOURS = {
    "proposed": "#1d4ed8",
    "adopted": "#15803d",
    "amended": "#0f766e",
    "renewed": "#7c3aed",
    "status-changed": "#a16207",
    "relations-changed": "#475569",
    "moved": "#475569",
    "metadata-only": "#94a3b8",
    "unparsable": "#b91c1c",
    "removed": "#b91c1c",
    "restored": "#1d4ed8",
}
# Drawn as the shape of the most telling event of a version, so colour is never the only cue.
PRIORITY = ("removed", "adopted", "status-changed", "renewed", "restored", "amended", "proposed",
            "relations-changed", "moved", "metadata-only", "unparsable")


@dataclass(frozen=True)
class Mark:
    date: dt.date
    kind: str
    label: str
    href: str


def _x(date: dt.date, start: dt.date, end: dt.date) -> float:
    span = max((end - start).days, 1)
    return MARGIN + (WIDTH - 2 * MARGIN) * (date - start).days / span


def _shape(kind: str, x: float) -> str:
    colour = MARK_COLOURS.get(kind, "#475569")
    if kind == "declared-adopted":
        return (f'<rect x="{x - 5:.1f}" y="{AXIS_Y - 5}" width="10" height="10" fill="none" '
                f'stroke="{MARK_COLOURS["adopted"]}" stroke-width="2"/>')
    if kind == "adopted":
        return f'<rect x="{x - 6:.1f}" y="{AXIS_Y - 6}" width="12" height="12" fill="{colour}"/>'
    if kind == "removed":
        return (f'<path d="M{x - 6:.1f},{AXIS_Y - 6} L{x + 6:.1f},{AXIS_Y + 6} M{x - 6:.1f},{AXIS_Y + 6} '
                f'L{x + 6:.1f},{AXIS_Y - 6}" stroke="{colour}" stroke-width="3"/>')
    if kind in {"renewed", "status-changed"}:
        points = f"{x:.1f},{AXIS_Y - 8} {x + 7:.1f},{AXIS_Y} {x:.1f},{AXIS_Y + 8} {x - 7:.1f},{AXIS_Y}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{AXIS_Y}" r="6" fill="{colour}"/>'


def main_kind(kinds: Sequence[str]) -> str:
    return next((kind for kind in PRIORITY if kind in kinds), kinds[0] if kinds else "metadata-only")


def timeline_svg(marks: Sequence[Mark], title: str, review_by: dt.date | None, as_of: dt.date,
                 review_href: str = "") -> str:
    """One row of marks on a time axis, with the next review as a flag, overdue in its own colour."""
    dates = [mark.date for mark in marks] + ([review_by] if review_by else []) + [as_of]
    start = dt.date(min(dates).year, 1, 1)
    end = dt.date(max(dates).year + 1, 1, 1)
    parts = [
        f'<svg class="charter-timeline" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="timeline-title">',
        f'<title id="timeline-title">Timeline of {escape(title)}</title>',
        f'<line x1="{MARGIN}" y1="{AXIS_Y}" x2="{WIDTH - MARGIN}" y2="{AXIS_Y}" stroke="#64748b" stroke-width="2"/>',
    ]
    step = max(1, (end.year - start.year) // 8)
    for year in range(start.year, end.year + 1, step):
        x = _x(dt.date(year, 1, 1), start, end)
        parts.append(f'<line x1="{x:.1f}" y1="{AXIS_Y + 10}" x2="{x:.1f}" y2="{AXIS_Y + 16}" stroke="#64748b"/>'
                     f'<text x="{x:.1f}" y="{AXIS_Y + 30}" text-anchor="middle" font-size="11" '
                     f'fill="currentColor">{year}</text>')
    x_now = _x(as_of, start, end)
    parts.append(f'<line class="charter-timeline__today" x1="{x_now:.1f}" y1="{AXIS_Y - 30}" x2="{x_now:.1f}" '
                 f'y2="{AXIS_Y + 10}" stroke="#64748b" stroke-dasharray="3 3"/>')
    for mark in marks:
        x = _x(mark.date, start, end)
        tooltip = escape(f"{mark.date.isoformat()}: {mark.label}")
        parts.append(f'<a href="{escape(mark.href)}" class="charter-timeline__mark charter-timeline__mark--'
                     f'{escape(mark.kind)}"><title>{tooltip}</title>{_shape(mark.kind, x)}</a>')
    if review_by is not None:
        overdue = review_by < as_of
        colour = "#b91c1c" if overdue else "#15803d"
        x = _x(review_by, start, end)
        label = f"Review {'was due' if overdue else 'due'} {review_by.isoformat()}"
        flag = (f'<line x1="{x:.1f}" y1="{AXIS_Y}" x2="{x:.1f}" y2="{AXIS_Y - 40}" stroke="{colour}" '
                f'stroke-width="2"/><polygon points="{x:.1f},{AXIS_Y - 40} {x + 14:.1f},{AXIS_Y - 34} '
                f'{x:.1f},{AXIS_Y - 28}" fill="{colour}"/>'
                f'<text x="{x:.1f}" y="{AXIS_Y - 46}" text-anchor="middle" font-size="11" fill="{colour}">'
                f'{"overdue" if overdue else "review"}</text>')
        state = "overdue" if overdue else "due"
        body = f'<title>{escape(label)}</title>{flag}'
        parts.append(f'<a href="{escape(review_href)}" class="charter-timeline__review charter-timeline__review--'
                     f'{state}">{body}</a>' if review_href else
                     f'<g class="charter-timeline__review charter-timeline__review--{state}">{body}</g>')
    parts.append("</svg>")
    return "".join(parts)


def marks_for(versions: Sequence[tuple[int, dt.date, Sequence[str], str]],
              href: Callable[[int], str]) -> list[Mark]:
    """One mark per version: (number, date, event kinds, label) -> a linked mark."""
    return [Mark(date, main_kind(kinds), label, href(number)) for number, date, kinds, label in versions]
