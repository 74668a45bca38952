"""The history page's timeline: declared dates, groups of close marks, names for every link.

Histories are built from texts and fixed dates (the history stage is pure), and each drawing is
compared with a reviewed golden file; the properties hold for any dates.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.history.versions import AgreementHistory, Snapshot, Text, build_history
from generator.model import Agreement, Charter
from generator.pages.history import timeline
from generator.pages.render import SiteContext
from generator.pages.timeline import (
    LABEL_SPACING,
    MARGIN,
    WIDTH,
    Mark,
    Now,
    Timeline,
    draw_timeline,
    fill_now,
    group_marks,
)
from tests.golden import assert_golden
from tests.test_events import BODY, snapshot, text

SVG = "{http://www.w3.org/2000/svg}"
AS_OF = dt.date(2026, 6, 1)
ADOPTED = {"adopted": "2019-04-12", "review_by": "2028-04-12", "renew_every": "3y"}
RENEWED = {**ADOPTED, "review_by": "2029-04-12"}


def drawn(history: AgreementHistory) -> Timeline:
    current = history.current
    assert current is not None and current.agreement is not None
    agreement: Agreement = current.agreement
    context = SiteContext(Charter("Charter", (agreement,), {}, {}), jinja2.Environment(), AS_OF)
    return timeline(context, agreement, history)


def declared_history() -> AgreementHistory:
    """Proposed in 2018, adopted at an assembly on 2019-04-12 but committed months later, then
    amended, renewed and edited in the working copy."""
    return build_history("water", [
        snapshot("2018-09-03T10:00:00", text("proposed", renew_every="3y")),
        snapshot("2019-11-20T10:00:00", text("in-force", **ADOPTED)),
        snapshot("2021-05-02T10:00:00", text("in-force", BODY + "More.\n", **ADOPTED)),
        snapshot("2022-04-01T10:00:00", text("in-force", BODY + "More.\n", **RENEWED)),
        Snapshot(None, "agreements/water.md",
                 Text.held(text("in-force", BODY + "Draft.\n", **RENEWED).encode())),
    ], AS_OF)


def crowded_history() -> AgreementHistory:
    """Thirty versions within 2025, twelve days apart: an adoption and 29 amendments."""
    adopted = {**ADOPTED, "adopted": "2025-01-06"}
    snapshots = [snapshot("2025-01-06T10:00:00", text("in-force", **adopted))]
    snapshots += [snapshot(f"{dt.date(2025, 1, 6) + dt.timedelta(days=12 * n)}T10:00:00",
                           text("in-force", BODY + f"Change {n}.\n", **adopted)) for n in range(1, 30)]
    return build_history("water", snapshots, AS_OF)


def uncommitted_history() -> AgreementHistory:
    """A new file, never committed: the working copy's version, its declared adoption and review."""
    source = text("in-force", **{**ADOPTED, "review_by": "2026-01-01"})
    return build_history("water", [Snapshot(None, "agreements/water.md", Text.held(source.encode()))], AS_OF)


def golden(name: str, drawing: Timeline) -> None:
    assert_golden(f"timeline/{name}.html", f"{drawing.svg}\n{drawing.legend}\n")


def links(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}a"))


def name_of(link: ET.Element) -> str:
    title = link.find(f"{SVG}title")
    return link.get("aria-label") or (title.text or "" if title is not None else "")


def assert_accessible(svg: str) -> None:
    """Not an image (it holds links), named by its title, and every link named."""
    root = ET.fromstring(svg)
    assert root.get("role") != "img"
    assert root[0].tag == f"{SVG}title" and (root[0].text or "").startswith("Timeline of ")
    assert links(svg), "the drawing links its marks"
    for link in links(svg):
        assert name_of(link).strip(), ET.tostring(link, encoding="unicode")
        assert link.get("href")


def test_declared_dates_are_drawn_where_declared_and_named_with_both_dates() -> None:
    drawing = drawn(declared_history())
    names = [name_of(link) for link in links(drawing.svg)]
    assert names == [
        "Version 1 (Proposed): committed 2018-09-03",
        "Version 2 (Adopted): adopted 2019-04-12 (declared); committed 2019-11-20",
        "Version 3 (Amended): committed 2021-05-02",
        "Version 4 (Renewed): committed 2022-04-01",
        "Version 5 (Amended): not yet committed, shown at 2026-06-01",
        "Review due 2029-04-12, as declared",
    ]
    adopted = next(link for link in links(drawing.svg) if "mark--adopted" in (link.get("class") or ""))
    square = adopted.find(f"{SVG}rect[@width='12']")
    assert square is not None and square.get("fill") == square.get("stroke"), "a declared date is filled"
    amended = next(link for link in links(drawing.svg) if "mark--amended" in (link.get("class") or ""))
    circle = amended.find(f"{SVG}circle")
    assert circle is not None and circle.get("fill") == "#fff", "a commit date is outlined"
    assert "filled: on the date the text declares" in drawing.legend
    assert "outlined: on the date it was committed" in drawing.legend
    assert_accessible(drawing.svg)
    golden("declared", drawing)


def test_the_declared_adoption_is_drawn_once_when_a_version_stands_at_it() -> None:
    drawing = drawn(declared_history())
    assert drawing.svg.count("2019-04-12") == 1
    lapsed = build_history("water", [snapshot("2024-02-01T10:00:00", text("lapsed", **ADOPTED))], AS_OF)
    assert [name_of(link) for link in links(drawn(lapsed).svg)] == [
        "Adopted 2019-04-12 (declared in the current text)", "Version 1 (Proposed): committed 2024-02-01"]


def test_thirty_changes_in_a_year_merge_into_numbered_groups_that_do_not_overlap() -> None:
    history = crowded_history()
    drawing = drawn(history)
    groups = re.findall(r'class="charter-timeline__group"><title>(\d+) changes from (\S+) to (\S+) '
                        r'\(([^)]+)\): versions ([0-9–, ]+)\.', drawing.svg)
    singles = re.findall(r'class="charter-timeline__mark ', drawing.svg)
    assert groups, "close marks are grouped"
    assert sum(int(count) for count, *_ in groups) + len(singles) == 30
    assert all(int(count) > 1 for count, *_ in groups)
    first = groups[0]
    assert first[1] == "2025-01-06" and first[4].startswith("1–")
    assert first[3] == f"1 adopted, {int(first[0]) - 1} amended", "a group names the kinds it holds"
    assert re.search(r'<a href="#v\d+" class="charter-timeline__group">', drawing.svg), "the versions table"
    assert "a number: that many changes too close to draw apart" in drawing.legend
    assert_accessible(drawing.svg)
    golden("crowded", drawing)


def test_a_never_committed_agreement_shows_its_working_copy_and_declared_dates() -> None:
    drawing = drawn(uncommitted_history())
    assert [name_of(link) for link in links(drawing.svg)] == [
        "Version 1 (Proposed, Adopted): adopted 2019-04-12 (declared); not yet committed",
        "Review was due 2026-01-01, as declared",
    ]
    assert_accessible(drawing.svg)
    assert ">overdue</text>" in drawing.svg
    golden("uncommitted", drawing)


def test_untrusted_text_stays_text_in_names_and_links() -> None:
    hostile = '<script>alert(1)</script>"'
    mark = Mark(dt.date(2020, 1, 1), "amended", hostile, f'x" onmouseover="{hostile}')
    drawing = draw_timeline([mark], hostile, None, AS_OF)
    assert "<script" not in drawing.svg and 'onmouseover="' not in drawing.svg
    assert [name_of(link) for link in links(drawing.svg)] == [hostile]


def _ticks(svg: str) -> list[float]:
    return [float(x) for x in re.findall(r'<text x="([\d.]+)" y="100"', svg)]


def _marks(dates: list[dt.date]) -> list[Mark]:
    return [Mark(date, "amended", f"v{number}", f"v/{number}/", False, number, f"#v{number}")
            for number, date in enumerate(dates, start=1)]


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1))


@settings(max_examples=150, deadline=None)
@given(st.lists(dates, min_size=1, max_size=60), dates)
def test_groups_never_overlap_and_keep_every_mark(found: list[dt.date], as_of: dt.date) -> None:
    marks = _marks(found)
    start, end = dt.date(min(*found, as_of).year, 1, 1), dt.date(max(*found, as_of).year + 1, 1, 1)
    groups = group_marks(marks, start, end)
    assert sorted(mark.number for group in groups for mark in group.marks) == list(range(1, len(marks) + 1))
    for left, right in zip(groups, groups[1:], strict=False):
        assert right.x - left.x >= (left.width + right.width) / 2, "drawn apart"
        assert left.high <= right.low, "in date order"
    svg = draw_timeline(marks, "Water", None, as_of).svg
    ET.fromstring(svg)
    labels = _ticks(svg)
    assert labels and all(MARGIN <= x <= WIDTH - MARGIN for x in labels)
    gaps = [b - a for a, b in zip(labels, labels[1:], strict=False)]
    assert all(gap > LABEL_SPACING - .2 for gap in gaps), "labels never touch"



@settings(max_examples=100, deadline=None)
@given(st.lists(dates, min_size=1, max_size=20), dates, st.one_of(st.none(), dates))
def test_a_drawing_kept_across_days_reads_as_drawn_on_the_day_once_its_slots_are_filled(
        found: list[dt.date], as_of: dt.date, review_by: dt.date | None) -> None:
    marks = _marks(found)
    title = "Water charter'now-x'2019'2027' charter'as-of'"  # a title that spells the slots stays as it is
    on_the_day = draw_timeline(marks, title, review_by, as_of, "../")
    past = review_by is not None and review_by < as_of
    kept = draw_timeline(marks, title, review_by, Now(as_of.year, past), "../")
    assert fill_now(kept.svg, as_of) == on_the_day.svg and fill_now(kept.legend, as_of) == on_the_day.legend
    assert "charter&#x27;now-x&#x27;2019&#x27;2027&#x27;" in on_the_day.svg
    later = as_of + dt.timedelta(days=1)
    if later.year == as_of.year and not (review_by is not None and as_of <= review_by < later):
        assert fill_now(kept.svg, later) == draw_timeline(marks, title, review_by, later, "../").svg
