"""An agreement's timeline as inline SVG, drawn at build time so it needs no script and prints.

Readable at any length of history: marks that would overlap at the drawing's width merge into
one group that shows how many changes it holds. Colour is never the only key: each kind of event
has its own shape, a date the text declares is a filled mark and a commit date an outlined one,
and the legend says all of it in words. The drawing holds links, so it is a named group, not an
image, and each link carries its own name for keyboards and screen readers.

Every text and attribute is escaped: titles, commit messages and paths come from pull requests.

The axis runs over whole years, so a drawing depends on the date it runs to only through that date's
year, whether the review it flags is past, where its dashed line goes and the date its legend names.
A drawing kept across days (a history page's) is given the first two (`Now` without its date) and
holds slots for the other two, filled in as its page is written (`fill_now`): a new day draws nothing
again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from generator.vocabulary import EVENT_LABELS, PROPOSED_EVENT

WIDTH = 720
HEIGHT = 120
MARGIN = 40
AXIS_Y = 70
MARK_SIZE = 16
"""A mark's width, its outline included: two marks closer than this would overlap."""
GAP = 2
LABEL_SPACING = 40
"""The least distance between two year labels: a label is about 28 units wide."""
LABEL_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
PAPER = "#fff"
INK = "#334155"
DUE = "#15803d"
OVERDUE = "#b91c1c"


NOW_X = "charter'now-x'"
NOW_TEXT = "charter'as-of'"
_NOW_X_SLOT = re.compile(rf"{NOW_X}(\d+)'(\d+)'")
"""The slots: where the dashed line goes (with the years its axis starts and ends) and the date the legend
names. Each holds a bare `'`, which no escaped text of the page (a title, a commit's subject) can spell."""


@dataclass(frozen=True)
class Now:
    """The date a timeline runs to, as its drawing reads it; without `date`, its line and legend are slots."""

    year: int
    review_past: bool
    date: dt.date | None = None

    @classmethod
    def on(cls, as_of: dt.date, review_by: dt.date | None) -> Now:
        return cls(as_of.year, review_by is not None and review_by < as_of, as_of)


def fill_now(html: str, as_of: dt.date) -> str:
    """A page holding a drawing made with `Now` without its date, as of `as_of` (in the drawing's year)."""
    def place(found: re.Match[str]) -> str:
        return f"{_x(as_of, dt.date(int(found[1]), 1, 1), dt.date(int(found[2]), 1, 1)):.1f}"

    return _NOW_X_SLOT.sub(place, html).replace(NOW_TEXT, as_of.isoformat())


@dataclass(frozen=True)
class Style:
    shape: str
    colour: str
    words: str
    """What the shape means, in the legend."""


# Colours differ in hue and all reach 4.5:1 on white; shapes differ too, for print and colour blindness.
STYLES = {
    PROPOSED_EVENT: Style("triangle", "#b45309", EVENT_LABELS[PROPOSED_EVENT].lower()),
    "adopted": Style("square", "#15803d", "adopted"),
    "amended": Style("circle", "#1d4ed8", "amended"),
    "renewed": Style("diamond", "#7c3aed", "renewed"),
    "status-changed": Style("triangle-down", "#be123c", "status changed"),
    "relations-changed": Style("dot", "#475569", "other details changed"),
    "moved": Style("dot", "#475569", "other details changed"),
    "metadata-only": Style("dot", "#475569", "other details changed"),
    "reformatted": Style("dot", "#475569", "other details changed"),
    "unparsable": Style("cross", "#1f2937", "unreadable text"),
    "removed": Style("minus", "#b91c1c", "removed"),
    "restored": Style("plus", "#0f766e", "restored"),
    "declared-adopted": Style("square", "#15803d", "adopted"),
}
OTHER = STYLES["metadata-only"]
# A version is drawn as its most telling event.
PRIORITY = ("removed", "adopted", "status-changed", "renewed", "restored", "amended", PROPOSED_EVENT,
            "relations-changed", "moved", "metadata-only", "reformatted", "unparsable")
_PLUS = ((-2.5, -7), (2.5, -7), (2.5, -2.5), (7, -2.5), (7, 2.5), (2.5, 2.5), (2.5, 7), (-2.5, 7),
         (-2.5, 2.5), (-7, 2.5), (-7, -2.5), (-2.5, -2.5))
POLYGONS = {
    "triangle": ((0, -8), (7.5, 5.5), (-7.5, 5.5)),
    "triangle-down": ((0, 8), (7.5, -5.5), (-7.5, -5.5)),
    "diamond": ((0, -8), (8, 0), (0, 8), (-8, 0)),
    "plus": _PLUS,
    "cross": tuple(((x - y) * .75, (x + y) * .75) for x, y in _PLUS),
    "minus": ((-7, -3), (7, -3), (7, 3), (-7, 3)),
}


@dataclass(frozen=True)
class Mark:
    date: dt.date
    """Where it is drawn: the date the text declares when `declared`, else the commit's date."""
    kind: str
    label: str
    """Its accessible name and tooltip: what happened, and both dates when they differ."""
    href: str
    declared: bool = False
    number: int = 0
    """The version it stands for, named when marks merge."""
    row_href: str = ""
    """Its row in the versions table, where a group of marks links."""


@dataclass(frozen=True)
class Group:
    """Marks too close to draw apart: one mark, or a numbered pill spanning their dates."""

    marks: tuple[Mark, ...]
    low: float
    high: float

    @property
    def x(self) -> float:
        return (self.low + self.high) / 2

    @property
    def width(self) -> float:
        return MARK_SIZE if len(self.marks) == 1 else pill_width(len(self.marks))


@dataclass(frozen=True)
class Timeline:
    svg: str
    legend: str
    """An HTML list: the shapes drawn, in words, and what filled and outlined mean."""


def pill_width(count: int) -> float:
    return 12 + 6.5 * len(str(count))


def _x(date: dt.date, start: dt.date, end: dt.date) -> float:
    span = max((end - start).days, 1)
    return MARGIN + (WIDTH - 2 * MARGIN) * (date - start).days / span


def _overlap(left: Group, right: Group) -> bool:
    return right.x - left.x < (left.width + right.width) / 2 + GAP


def group_marks(marks: Iterable[Mark], start: dt.date, end: dt.date) -> list[Group]:
    """Left to right, merge the last two groups while they overlap: a merged group is wider and
    sits further right, so it may in turn reach the group before it."""
    groups: list[Group] = []
    for mark in sorted(marks, key=lambda mark: (mark.date, mark.number)):
        x = _x(mark.date, start, end)
        groups.append(Group((mark,), x, x))
        while len(groups) > 1 and _overlap(groups[-2], groups[-1]):
            right = groups.pop()
            left = groups.pop()
            groups.append(Group(left.marks + right.marks, left.low, right.high))
    return groups


def style_of(kind: str) -> Style:
    """A kind this module does not know yet is drawn, and explained, as another detail changed."""
    return STYLES.get(kind, OTHER)


def main_kind(kinds: Sequence[str]) -> str:
    return next((kind for kind in PRIORITY if kind in kinds), kinds[0] if kinds else "metadata-only")


def shape_svg(style: Style, x: float, y: float, filled: bool) -> str:
    paint = f'fill="{style.colour if filled else PAPER}" stroke="{style.colour}" stroke-width="2"'
    if style.shape == "square":
        return f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" {paint}/>'
    if style.shape in POLYGONS:
        points = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in POLYGONS[style.shape])
        return f'<polygon points="{points}" {paint}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4 if style.shape == "dot" else 6.5}" {paint}/>'


def _pill(count: int, x: float, y: float) -> str:
    width = pill_width(count)
    return (f'<rect x="{x - width / 2:.1f}" y="{y - 8:.1f}" width="{width:.1f}" height="16" rx="8" '
            f'fill="{PAPER}" stroke="{INK}" stroke-width="2"/><text x="{x:.1f}" y="{y + 3.5:.1f}" '
            f'text-anchor="middle" font-size="10" font-weight="700" fill="{INK}">{count}</text>')


def _link(href: str, css: str, name: str, hit: str, body: str) -> str:
    """A link whose <title> is its accessible name, with a hit area larger than the mark it holds."""
    return (f'<a href="{escape(href)}" class="{css}"><title>{escape(name)}</title>'
            f'<rect class="charter-timeline__hit" {hit} fill="{PAPER}" fill-opacity="0"/>{body}</a>')


def _numbers(numbers: Iterable[int]) -> str:
    """Version numbers as runs: 1, 4–15."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(low) if low == high else f"{low}–{high}" for low, high in runs)


def _group_svg(group: Group) -> str:
    x = group.x
    if len(group.marks) == 1:
        mark = group.marks[0]
        kind = escape(mark.kind)
        hit = f'x="{x - 11:.1f}" y="{AXIS_Y - 11}" width="22" height="22"'
        return _link(mark.href, f"charter-timeline__mark charter-timeline__mark--{kind}", mark.label, hit,
                     shape_svg(style_of(mark.kind), x, AXIS_Y, mark.declared))
    first, last = group.marks[0].date, group.marks[-1].date
    when = f"on {first.isoformat()}" if first == last else f"from {first.isoformat()} to {last.isoformat()}"
    numbers = [mark.number for mark in group.marks if mark.number]
    kinds = Counter(style_of(mark.kind).words for mark in group.marks)
    what = ", ".join(f"{count} {words}" for words, count in kinds.items())
    name = (f"{len(group.marks)} changes {when} ({what})"
            + (f": versions {_numbers(numbers)}" if numbers else "") + ". See them in the versions table.")
    newest = max(group.marks, key=lambda mark: mark.number)
    width = group.width + 6
    hit = f'x="{x - width / 2:.1f}" y="{AXIS_Y - 11}" width="{width:.1f}" height="22"'
    span = (f'<line x1="{group.low:.1f}" y1="{AXIS_Y}" x2="{group.high:.1f}" y2="{AXIS_Y}" stroke="{INK}" '
            'stroke-width="6" stroke-opacity=".3" stroke-linecap="round"/>')
    return span + _link(newest.row_href or newest.href, "charter-timeline__group", name, hit,
                        _pill(len(group.marks), x, AXIS_Y))


def _axis(start: dt.date, end: dt.date) -> list[str]:
    """Year ticks, labelled every `step` years so that labels never touch, and month ticks on short spans."""
    years = end.year - start.year
    per_year = (WIDTH - 2 * MARGIN) / years
    step = next((step for step in LABEL_STEPS if step * per_year >= LABEL_SPACING), LABEL_STEPS[-1])
    parts = [f'<g class="charter-timeline__axis" aria-hidden="true"><line x1="{MARGIN}" y1="{AXIS_Y}" '
             f'x2="{WIDTH - MARGIN}" y2="{AXIS_Y}" stroke="#64748b" stroke-width="2"/>']
    if per_year >= 120:
        for year in range(start.year, end.year):
            for month in range(2, 13):
                x = _x(dt.date(year, month, 1), start, end)
                parts.append(f'<line x1="{x:.1f}" y1="{AXIS_Y + 10}" x2="{x:.1f}" y2="{AXIS_Y + 13}" '
                             'stroke="#94a3b8"/>')
    for year in range(start.year, end.year + 1):
        labelled = year % step == 0
        if not labelled and per_year < 4:
            continue
        x = _x(dt.date(year, 1, 1), start, end)
        tick = AXIS_Y + (16 if labelled else 13)
        parts.append(f'<line x1="{x:.1f}" y1="{AXIS_Y + 10}" x2="{x:.1f}" y2="{tick}" stroke="#64748b"/>')
        if labelled:
            parts.append(f'<text x="{x:.1f}" y="{AXIS_Y + 30}" text-anchor="middle" font-size="12" '
                         f'fill="currentColor">{year}</text>')
    parts.append("</g>")
    return parts


def _review_svg(review_by: dt.date, overdue: bool, start: dt.date, end: dt.date, href: str) -> str:
    colour = OVERDUE if overdue else DUE
    x = _x(review_by, start, end)
    state = "overdue" if overdue else "due"
    name = f"Review {'was due' if overdue else 'due'} {review_by.isoformat()}, as declared"
    flag = (f'<line x1="{x:.1f}" y1="{AXIS_Y - 10}" x2="{x:.1f}" y2="{AXIS_Y - 40}" stroke="{colour}" '
            f'stroke-width="2"/><polygon points="{x:.1f},{AXIS_Y - 40} {x + 14:.1f},{AXIS_Y - 34} '
            f'{x:.1f},{AXIS_Y - 28}" fill="{colour}"/>'
            f'<text x="{x:.1f}" y="{AXIS_Y - 46}" text-anchor="middle" font-size="11" fill="{colour}">'
            f'{"overdue" if overdue else "review"}</text>')
    css = f"charter-timeline__review charter-timeline__review--{state}"
    if not href:
        return f'<g class="{css}"><title>{escape(name)}</title>{flag}</g>'
    hit = f'x="{x - 12:.1f}" y="{AXIS_Y - 58}" width="28" height="50"'
    return _link(href, css, name, hit, flag)


def _glyph(body: str, width: int = 18) -> str:
    return (f'<svg class="charter-timeline-legend__glyph" width="{width}" height="18" '
            f'viewBox="{-width / 2:g} -9 {width} 18" aria-hidden="true" focusable="false">{body}</svg>')


def _legend(groups: Sequence[Group], review: dt.date | None, now: Now) -> str:
    """Only what is drawn: a kind hidden in a group is named by the group's own title."""
    marks = [group.marks[0] for group in groups if len(group.marks) == 1]  # what a reader can see
    kinds = {mark.kind for mark in marks}
    styles = dict.fromkeys(style_of(kind) for kind in [*STYLES, *sorted(kinds)] if kind in kinds)
    items = [(_glyph(shape_svg(style, 0, 0, False)), style.words) for style in styles]
    neutral = Style("circle", INK, "")
    if any(mark.declared for mark in marks):
        items.append((_glyph(shape_svg(neutral, 0, 0, True)), "filled: on the date the text declares"))
    if any(not mark.declared for mark in marks):
        items.append((_glyph(shape_svg(neutral, 0, 0, False)), "outlined: on the date it was committed"))
    if any(len(group.marks) > 1 for group in groups):
        items.append((_glyph(_pill(3, 0, 0), 22),
                      "a number: that many changes too close to draw apart, listed in the versions table"))
    if review is not None:
        colour = OVERDUE if now.review_past else DUE
        items.append((_glyph(f'<line x1="-4" y1="8" x2="-4" y2="-8" stroke="{colour}" stroke-width="2"/>'
                             f'<polygon points="-4,-8 8,-4 -4,0" fill="{colour}"/>'),
                      "next review, as declared (marked “overdue” once passed)"))
    items.append((_glyph(f'<line x1="0" y1="-8" x2="0" y2="8" stroke="#64748b" stroke-dasharray="3 3"/>'),
                  f"dashed line: as of {now.date.isoformat() if now.date else '{as of}'}"))
    # The legend's words are this module's own: the slot goes in after they are escaped.
    listed = "".join(f"<li>{glyph} {escape(words)}</li>" for glyph, words in items)
    listed = listed.replace("{as of}", NOW_TEXT)
    closing = "<li>Each mark links to its version.</li>" if marks else ""
    return f'<ul class="charter-timeline-legend">{listed}{closing}</ul>'


def draw_timeline(marks: Sequence[Mark], title: str, review_by: dt.date | None, as_of: dt.date | Now,
                  review_href: str = "") -> Timeline:
    """One row of marks on a time axis, with the next review as a flag and the as-of date dashed."""
    now = as_of if isinstance(as_of, Now) else Now.on(as_of, review_by)
    dates = [mark.date for mark in marks] + ([review_by] if review_by else []) + [dt.date(now.year, 1, 1)]
    start = dt.date(min(dates).year, 1, 1)
    end = dt.date(max(dates).year + 1, 1, 1)
    groups = group_marks(marks, start, end)
    x_now = f"{_x(now.date, start, end):.1f}" if now.date else f"{NOW_X}{start.year}'{end.year}'"
    shown = f"{len(marks)} change{'s' if len(marks) != 1 else ''}"
    merged = sum(len(group.marks) > 1 for group in groups)
    parts = [
        f'<svg class="charter-timeline" role="group" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="timeline-title">',
        f'<title id="timeline-title">Timeline of {escape(title)}</title>',
        f"<desc>{shown} on a time axis from {start.year} to {end.year - 1}"
        + (f", {merged} group{'s' if merged != 1 else ''} of them too close to draw apart" if merged else "")
        + ". The versions table lists every one.</desc>",
        *_axis(start, end),
        f'<line class="charter-timeline__today" x1="{x_now}" y1="{AXIS_Y - 30}" x2="{x_now}" '
        f'y2="{AXIS_Y + 10}" stroke="#64748b" stroke-dasharray="3 3"/>',
        *(_group_svg(group) for group in groups),
    ]
    if review_by is not None:
        parts.append(_review_svg(review_by, now.review_past, start, end, review_href))
    parts.append("</svg>")
    return Timeline("".join(parts), _legend(groups, review_by, now))
