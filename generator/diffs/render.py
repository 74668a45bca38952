"""HTML for diffs: `<ins>`/`<del>` so changes read without colour and in print; every text escaped.

A clause's tokens carry their structure (generator.diffs.reading), so its diff renders as the reader
reads it: paragraphs, list items, quotes, tables and code, with the changes inside them. The browser's
comparison (compare.js) builds the same elements from the same segments.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from generator.diffs.clauses import MISSING, PREAMBLE_TITLE, BodyDiff, ClauseChange, FieldChange
from generator.diffs.match import Segment, SegmentOp
from generator.diffs.reading import BLOCK, COLLAPSED, MARK_ORDER, is_block, parts

_OP_TAGS: dict[SegmentOp, str] = {"equal": "", "insert": "ins", "delete": "del"}
_MARK_TAGS = {"a": ("span", "charter-diff__link"), "i": ("span", "charter-diff__image"), "s": ("strong", ""),
              "e": ("em", ""), "d": ("s", ""), "c": ("code", "")}
_CONTAINER_TAGS = {"q": "blockquote", "ul": "ul", "ol": "ol", "li": "li", "table": "table", "tr": "tr"}
_LEAF_TAGS = {"p": "p", "th": "th", "td": "td", "pre": "pre", "html": "pre", "hr": "hr",
              "h1": "h4", "h3": "h4", "h4": "h5", "h5": "h6", "h6": "h6"}
_CELLS = {"th", "td"}
"""Cells may stand empty: an empty one is no paragraph break to mark."""
BREAK = "¶"


def _one_line(text: str) -> str:
    return COLLAPSED.sub(" ", text).strip(" ")


@dataclass(frozen=True)
class _Container:
    name: str
    start: str
    fresh: bool


def _path(marker: str) -> tuple[list[_Container], str]:
    """`ol:3+ li+ p` -> the containers (a new list from 3, a new item) and the leaf, `p`."""
    *containers, leaf = marker[len(BLOCK):].split(" ")
    found = []
    for part in containers:
        fresh = part.endswith("+")
        name, _, start = part.removesuffix("+").partition(":")
        found.append(_Container(name, start, fresh))
    return found, leaf


def _class(css: str) -> str:
    return f' class="{css}"' if css else ""


def _words(op: SegmentOp, tokens: Sequence[str], literal: bool) -> str:
    """Tokens of one op: runs of equal marks nested in MARK_ORDER, inside `<ins>` or `<del>`."""
    runs: list[tuple[str, str]] = []
    for token in tokens:
        marks, text = parts(token)
        if runs and runs[-1][0] == marks:
            runs[-1] = (marks, runs[-1][1] + text)
        else:
            runs.append((marks, text))
    pieces = []
    for marks, text in runs:
        piece = html.escape(text) if literal else html.escape(text).replace("\n", "<br>")
        for letter in reversed(MARK_ORDER):
            if letter in marks:
                tag, css = _MARK_TAGS[letter]
                piece = f"<{tag}{_class(css)}>{piece}</{tag}>"
        pieces.append(piece)
    tag = _OP_TAGS[op]
    return f"<{tag}>{''.join(pieces)}</{tag}>" if tag else "".join(pieces)


class _Blocks:
    """Writes blocks into their containers, opening and closing lists, quotes and tables as paths change."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.stack: list[str] = []
        self.leaf = ""  # the open leaf's tag, "" when none is open
        self.literal = False

    def _close_leaf(self) -> None:
        if self.leaf:
            self.out.append(f"</{self.leaf}>\n")
            self.leaf = ""

    def _close_containers(self, depth: int) -> None:
        while len(self.stack) > depth:
            self.out.append(f"</{_CONTAINER_TAGS.get(self.stack.pop(), 'div')}>\n")

    def open(self, containers: Sequence[_Container], leaf: str, state: str = "") -> None:
        self._close_leaf()
        depth = 0
        while (depth < len(self.stack) and depth < len(containers) and not containers[depth].fresh
               and self.stack[depth] == containers[depth].name):
            depth += 1
        self._close_containers(depth)
        for container in containers[depth:]:
            numbered = container.name == "ol" and container.start
            start = f' start="{html.escape(container.start)}"' if numbered else ""
            self.out.append(f"<{_CONTAINER_TAGS.get(container.name, 'div')}{start}>\n")
            self.stack.append(container.name)
        self._open_leaf(leaf, f"charter-diff__block--{state}" if state else "")

    def _open_leaf(self, leaf: str, css: str = "") -> None:
        tag = _LEAF_TAGS.get(leaf, "p")
        self.out.append(f"<{tag}{_class(css)}>" + ("\n" if tag == "hr" else ""))
        self.leaf, self.literal = ("", False) if tag == "hr" else (tag, leaf in {"pre", "html"})

    def words(self, content: Sequence[tuple[SegmentOp, str]]) -> None:
        if content and not self.leaf:
            self._open_leaf("p")  # words after a rule: a paragraph where the rule stands
        index = 0
        while index < len(content):
            op = content[index][0]
            end = index
            while end < len(content) and content[end][0] == op:
                end += 1
            self.out.append(_words(op, [token for _, token in content[index:end]], self.literal))
            index = end

    def mark(self, op: SegmentOp) -> None:
        """A paragraph break that only one side has: a `¶` in `<ins>` or `<del>`, visible and readable."""
        if not self.leaf:
            self._open_leaf("p")
        tag = _OP_TAGS[op]
        self.out.append(f'<{tag} class="charter-diff__break" title="paragraph break">{BREAK}</{tag}>')

    def html(self) -> str:
        self._close_leaf()
        self._close_containers(0)
        return "".join(self.out)


def _groups(segments: Sequence[Segment]) -> list[tuple[SegmentOp, str, list[tuple[SegmentOp, str]]]]:
    """(op, block token, the words up to the next block token) in reading order."""
    groups: list[tuple[SegmentOp, str, list[tuple[SegmentOp, str]]]] = []
    for segment in segments:
        for token in segment.tokens:
            if is_block(token):
                groups.append((segment.op, token, []))
            elif groups:
                groups[-1][2].append((segment.op, token))
            else:
                groups.append(("equal", BLOCK + "p", [(segment.op, token)]))
    return groups


def render_blocks(segments: Sequence[Segment]) -> str:
    """A clause's segments as blocks, in the new version's structure.

    A block only the old version had keeps its old place when all its words went with it; when
    its words stay (two paragraphs joined), a deleted `¶` marks where the break was. A new block
    whose words were there before (a paragraph split) starts with an inserted `¶`.
    """
    blocks = _Blocks()
    for op, marker, content in _groups(segments):
        containers, leaf = _path(marker)
        same = all(word_op == op for word_op, _ in content)
        if op == "delete" and not same:
            blocks.mark("delete")
        else:
            blocks.open(containers, leaf, {"equal": "", "insert": "inserted", "delete": "deleted"}[op])
            if op != "equal" and (not same or not content) and leaf not in _CELLS:
                blocks.mark(op)
        blocks.words(content)
    return blocks.html()


def _heading(change: ClauseChange) -> str:
    title = _one_line(change.title) or PREAMBLE_TITLE
    old_title = _one_line(change.old_title)
    if change.kind == "renamed" and old_title != title:
        return f"<h3><del>{html.escape(old_title)}</del> <ins>{html.escape(title)}</ins></h3>"
    return f"<h3>{html.escape(title)}</h3>"


def _section_id(change: ClauseChange, id_prefix: str, used_ids: set[str]) -> str:
    """A changed clause's id on the page of diffs (`v7-<anchor>`, then `-2`... if taken); "" without one."""
    if not id_prefix or change.is_preamble:
        return ""
    base = f"{id_prefix}{change.anchor or change.old_anchor}"
    element_id, number = base, 2
    while element_id in used_ids:
        element_id, number = f"{base}-{number}", number + 1
    used_ids.add(element_id)
    return element_id


def _section(change: ClauseChange, element_id: str) -> str:
    classes = f"charter-diff__clause charter-diff__clause--{change.kind}"
    attributes = (
        f' class="{classes} charter-diff__clause--preamble"' if change.is_preamble else f' class="{classes}"'
    )
    if element_id:
        attributes += f' id="{html.escape(element_id)}"'
    lines = [f"<section{attributes}>", _heading(change)]
    if change.kind == "renamed" and change.old_anchor != change.anchor:
        lines.append(
            f'<p class="charter-diff__note">Anchor changed from #{html.escape(change.old_anchor)}'
            f" to #{html.escape(change.anchor)}.</p>"
        )
    if change.text_changed:
        lines.append(render_blocks(change.segments).rstrip("\n"))
    elif change.kind == "renamed":
        lines.append('<p class="charter-diff__note">Text unchanged.</p>')
    lines.append("</section>")
    return "\n".join(lines)


def _folded(titles: Sequence[str]) -> str:
    noun = "unchanged clause" if len(titles) == 1 else "unchanged clauses"
    names = ", ".join(html.escape(_one_line(title)) for title in titles)
    return f'<p class="charter-diff__folded">{len(titles)} {noun}: {names}</p>'


@dataclass(frozen=True)
class DiffBlock:
    """One block of a body's diff: a changed clause's section, or a run of unchanged clauses folded."""

    html: str
    change: ClauseChange | None = None
    """None for a folded run."""
    section_id: str = ""


def body_diff_blocks(diff: BodyDiff, *, id_prefix: str = "") -> tuple[DiffBlock, ...]:
    """Changed clauses under their headings with `<ins>`/`<del>`; each run of unchanged ones folded.

    `id_prefix` (for example `v7-`) gives each clause's section the id `v7-<anchor>`, unique on a
    history page that shows every version's changes; without it the sections have no id.
    """
    blocks: list[DiffBlock] = []
    unchanged: list[str] = []
    used_ids: set[str] = set()
    for change in diff.clauses:
        if change.kind == "unchanged":
            if not change.is_preamble:
                unchanged.append(change.title)
            continue
        if unchanged:
            blocks.append(DiffBlock(_folded(unchanged)))
            unchanged = []
        element_id = _section_id(change, id_prefix, used_ids)
        blocks.append(DiffBlock(_section(change, element_id), change, element_id))
    if unchanged:
        blocks.append(DiffBlock(_folded(unchanged)))
    return tuple(blocks)


def render_body_diff_html(diff: BodyDiff, *, id_prefix: str = "") -> str:
    """The blocks of `body_diff_blocks`, one after the other."""
    return "".join(f"{block.html}\n" for block in body_diff_blocks(diff, id_prefix=id_prefix))


def render_field_diff_html(changes: Sequence[FieldChange]) -> str:
    """Front-matter changes (and retargeted links) as a Field / Before / After table; "" when none."""
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
