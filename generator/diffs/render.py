"""HTML for diffs: `<ins>`/`<del>` so changes read without colour and in print; every text escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence

from generator.diffs.clauses import (
    BLANK_LINE,
    MISSING,
    PREAMBLE_TITLE,
    BodyDiff,
    ClauseChange,
    FieldChange,
    Segment,
    SegmentOp,
)


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())


_TAGS: dict[SegmentOp, str] = {"equal": "", "insert": "ins", "delete": "del"}


def _paragraphs(segments: Sequence[Segment]) -> list[str]:
    """Segments as `<p>` elements: a blank line in any segment ends the paragraph it is in."""
    paragraphs: list[list[str]] = [[]]
    for segment in segments:
        tag = _TAGS[segment.op]
        for number, piece in enumerate(BLANK_LINE.split(segment.text)):
            if number:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(f"<{tag}>{_escape(piece)}</{tag}>" if tag else _escape(piece))
    return [f"<p>{''.join(parts)}</p>" for parts in paragraphs if parts]


def _heading(change: ClauseChange) -> str:
    title = _one_line(change.title) or PREAMBLE_TITLE
    old_title = _one_line(change.old_title)
    if change.kind == "renamed" and old_title != title:
        return f"<h3><del>{html.escape(old_title)}</del> <ins>{html.escape(title)}</ins></h3>"
    return f"<h3>{html.escape(title)}</h3>"


def _section(change: ClauseChange, used_ids: set[str]) -> str:
    classes = f"charter-diff__clause charter-diff__clause--{change.kind}"
    attributes = (
        f' class="{classes} charter-diff__clause--preamble"' if change.is_preamble else f' class="{classes}"'
    )
    if not change.is_preamble:
        element_id = f"diff-{change.anchor}"
        number = 2
        while element_id in used_ids:
            element_id, number = f"diff-{change.anchor}-{number}", number + 1
        used_ids.add(element_id)
        attributes += f' id="{html.escape(element_id)}"'
    lines = [f"<section{attributes}>", _heading(change)]
    if change.kind == "renamed" and change.old_anchor != change.anchor:
        lines.append(
            f'<p class="charter-diff__note">Anchor changed from #{html.escape(change.old_anchor)}'
            f" to #{html.escape(change.anchor)}.</p>"
        )
    if change.text_changed:
        lines.extend(_paragraphs(change.segments))
    elif change.kind == "renamed":
        lines.append('<p class="charter-diff__note">Text unchanged.</p>')
    lines.append("</section>")
    return "\n".join(lines)


def _folded(titles: Sequence[str]) -> str:
    noun = "unchanged clause" if len(titles) == 1 else "unchanged clauses"
    names = ", ".join(html.escape(_one_line(title)) for title in titles)
    return f'<p class="charter-diff__folded">{len(titles)} {noun}: {names}</p>'


def render_body_diff_html(diff: BodyDiff) -> str:
    """Changed clauses under their headings with `<ins>`/`<del>`; each run of unchanged ones folded."""
    blocks: list[str] = []
    unchanged: list[str] = []
    used_ids: set[str] = set()
    for change in diff.clauses:
        if change.kind == "unchanged":
            if not change.is_preamble:
                unchanged.append(change.title)
            continue
        if unchanged:
            blocks.append(_folded(unchanged))
            unchanged = []
        blocks.append(_section(change, used_ids))
    if unchanged:
        blocks.append(_folded(unchanged))
    return "".join(f"{block}\n" for block in blocks)


def render_field_diff_html(changes: Sequence[FieldChange]) -> str:
    """Front-matter changes as a Field / Before / After table; "" when nothing changed."""
    if not changes:
        return ""

    def cell(value: str, tag: str) -> str:
        return (
            f"<td>{html.escape(value)}</td>"
            if value == MISSING
            else f"<td><{tag}>{html.escape(value)}</{tag}></td>"
        )

    rows = [
        f'<tr><th scope="row">{html.escape(change.label)}</th>{cell(change.before, "del")}{cell(change.after, "ins")}</tr>'
        for change in changes
    ]
    return "\n".join(
        [
            '<table class="charter-diff__fields">',
            '<thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>',
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
            "",
        ]
    )
