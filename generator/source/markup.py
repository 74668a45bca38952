"""Agreement bodies: heading anchors, `[[wiki-links]]`, relative links, footnotes, math and safe HTML.

Bodies come from untrusted pull requests. markdown-it-py renders them, and unless a charter is
declared trusted, the whole output goes through an allowlist sanitiser (generator.source.sanitise).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from html import unescape
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from generator.model import Clause, Heading, WikiLink
from generator.source.notation import use_notation
from generator.source.sanitise import (
    MAX_HTML_DEPTH, OWN_ID, escape, escape_raw_html, mark_own_id, nesting_depth, sanitise)

CLAUSE_LEVEL = "h2"
WIKILINK = re.compile(r"\[\[([a-z0-9][a-z0-9-]*)(?:#([^\]|\s]+))?(?:\|([^\]\n]+))?\]\]")
# `## Heading {#anchor}`. Not mdit-py-plugins' attrs: it reads `{#anchor}` only after images, code,
# links and spans, or on a line of its own before the heading, and would let authors set classes.
EXPLICIT_ANCHOR = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*\Z")
# A link with a scheme (`https:`, `mailto:`), or to a path from the site's root: not a file beside.
_NOT_RELATIVE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|/")
# What a browser drops from a URL before reading its scheme (so `java<TAB>script:` has one).
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_STRIP = "".join(chr(code) for code in range(0x21))


@dataclass(frozen=True)
class LinkTarget:
    href: str
    text: str


# Resolves (agreement id, clause anchor) to a link, or None when the target does not exist.
Resolver = Callable[[str, str], LinkTarget | None]
# Resolves a relative link, (path as written, fragment), to its href, or None when nothing is there.
FileResolver = Callable[[str, str], str | None]


@dataclass(frozen=True)
class Reference:
    """A Markdown link or image by relative path, before it is joined to the file's own path."""

    target: str
    """The path as written, percent-decoded; "" for a link to a section of the same body."""
    fragment: str
    line: int
    written: str


@dataclass(frozen=True)
class Scan:
    """What one parse of a body yields: a build reads thousands of versions."""

    clauses: tuple[Clause, ...]
    headings: tuple[Heading, ...]
    links: tuple[WikiLink, ...]
    references: tuple[Reference, ...]


def slugify(text: str) -> str:
    """A heading's anchor: stable while the heading's words stay, and readable in any script."""
    normal = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^\w]+", "-", normal).strip("-_")


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = WIKILINK.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {
            "target": match.group(1),
            "anchor": match.group(2) or "",
            "label": (match.group(3) or "").strip(),
            "pos": state.pos,
        }
    state.pos = match.end()
    return True


def _heading_anchor_rule(state: StateCore) -> None:
    """Give every heading its anchor: an explicit `{#anchor}` suffix wins over the slug.

    A `##` heading is a clause and keeps its slug even when another clause has it (a check reports
    that); any other heading whose slug is taken gets the first free `_1`, `_2`... as MkDocs does.
    """
    tokens: list[Token] = state.tokens
    headings = [(index, token) for index, token in enumerate(tokens) if token.type == "heading_open"]
    fixed: dict[int, str] = {}
    for index, token in headings:
        inline = tokens[index + 1]
        explicit = EXPLICIT_ANCHOR.search(inline.content)
        if explicit:
            inline.content = inline.content[: explicit.start()]
            if inline.children:
                last = inline.children[-1]
                last.content = EXPLICIT_ANCHOR.sub("", last.content)
        title = inline.content.strip()
        token.meta["title"] = title
        token.meta["plain"] = " ".join(_plain_text(inline.children or []).split()) or title
        fallback = f"clause-{index}" if token.tag == CLAUSE_LEVEL else f"heading-{index}"
        token.meta["slug"] = slugify(title) or fallback
        if explicit or token.tag == CLAUSE_LEVEL:
            fixed[index] = explicit.group(1) if explicit else token.meta["slug"]
    taken = set(fixed.values())
    last_number: dict[str, int] = {}  # so that 10,000 headings "Example" stay linear
    for index, token in headings:
        anchor = fixed.get(index)
        if anchor is None:
            slug = anchor = token.meta["slug"]
            while anchor in taken:
                last_number[slug] = last_number.get(slug, 0) + 1
                anchor = f"{slug}_{last_number[slug]}"
            taken.add(anchor)
        token.attrSet("id", anchor)


def _plain_text(children: Sequence[Token]) -> str:
    """A heading as a reader sees it, for the table of contents: no Markdown marks, links as their words."""
    words = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            words.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            words.append(" ")
        elif child.type == "wikilink":
            words.append(child.meta["label"] or child.meta["target"])
        elif child.type == "math_inline":
            words.append(f"${child.content}$")
        elif child.children:
            words.append(_plain_text(child.children))
    return "".join(words)


def split_reference(href: str) -> tuple[str, str] | None:
    """(path, fragment) of a relative link, percent-decoded; None for a link elsewhere."""
    if _NOT_RELATIVE.match(_URL_IGNORED.sub("", unquote(href)).strip(_URL_STRIP)):
        return None
    path, _, fragment = href.partition("#")
    path = path.partition("?")[0]
    return (unquote(path), unquote(fragment)) if path or fragment else None


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # CommonMark's preset stops at 20 levels and drops what is deeper: ten nested lists lost their last
    # item. Not more than 40: each unclosed `[` costs time in proportion (a flood of them in a 1 MB body).
    md = MarkdownIt("commonmark", {"html": True, "typographer": False, "maxNesting": 40}).enable(
        ["table", "strikethrough"])
    use_notation(md)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.core.ruler.push("heading_anchors", _heading_anchor_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    return md


def _render_wikilink(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    meta = tokens[idx].meta
    resolve: Resolver | None = env.get("resolve")
    target = resolve(meta["target"], meta["anchor"]) if resolve else None
    if target is None:
        shown = meta["label"] or meta["target"]
        return f'<span class="charter-link--broken">{escape(shown)}</span>'
    css = "charter-link charter-link--clause" if meta["anchor"] else "charter-link"
    return f'<a class="{css}" href="{escape(target.href)}">{escape(meta["label"] or target.text)}</a>'


# --- reading a body --------------------------------------------------------------------------


Scanner = Callable[[str, int], Scan]
"""What reads a body's clauses, headings and links: `scan`, or a cache of its results."""


def scan(body: str, body_line: int = 1) -> Scan:
    if not body:  # every version's light model has no body: nothing to parse
        return Scan((), (), (), ())
    tokens = _parser().parse(body, {})
    return Scan(_clauses(tokens, body_line), _headings(tokens, body_line), _wikilinks(tokens, body_line),
                _references(tokens, body_line))


def clauses(body: str, body_line: int = 1) -> tuple[Clause, ...]:
    return scan(body, body_line).clauses


def wikilinks(body: str, body_line: int = 1) -> tuple[WikiLink, ...]:
    return scan(body, body_line).links


def _line(token: Token, body_line: int) -> int:
    return body_line + (token.map or [0])[0]


def _clauses(tokens: Sequence[Token], body_line: int) -> tuple[Clause, ...]:
    return tuple(
        Clause(str(token.attrGet("id")), token.meta["title"], _line(token, body_line))
        for token in tokens
        if token.type == "heading_open" and token.tag == CLAUSE_LEVEL
    )


def _headings(tokens: Sequence[Token], body_line: int) -> tuple[Heading, ...]:
    return tuple(
        Heading(str(token.attrGet("id")), token.meta["plain"], _line(token, body_line), int(token.tag[1]))
        for token in tokens
        if token.type == "heading_open"
    )


def _inline_tokens(tokens: Sequence[Token]) -> Iterator[tuple[Token, Token]]:
    for token in tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                yield token, child


def _wikilinks(tokens: Sequence[Token], body_line: int) -> tuple[WikiLink, ...]:
    found = []
    # Newlines before each link are counted on from the link before, not from the paragraph's
    # start: a paragraph of many thousand links stays linear.
    counted: tuple[Token | None, int, int] = (None, 0, 0)
    for parent, child in _inline_tokens(tokens):
        if child.type == "wikilink":
            pos = child.meta["pos"]
            last_parent, last_pos, newlines = counted
            if last_parent is not parent or pos < last_pos:
                last_pos, newlines = 0, 0
            newlines += parent.content.count("\n", last_pos, pos)
            counted = (parent, pos, newlines)
            line = _line(parent, body_line) + newlines
            found.append(WikiLink(child.meta["target"], child.meta["anchor"], line))
    return tuple(found)


def _link_attribute(token: Token) -> str:
    return "src" if token.type == "image" else "href"


def _references(tokens: Sequence[Token], body_line: int) -> tuple[Reference, ...]:
    found = []
    for token in tokens:
        if token.type == "html_block":
            found += _raw_references(token.content, _line(token, body_line))
        elif token.type == "inline":
            found += _inline_references(token, _line(token, body_line))
    return tuple(found)


def _inline_references(inline: Token, line: int) -> list[Reference]:
    found = []
    for child in inline.children or ():
        if child.type in {"softbreak", "hardbreak"}:
            line += 1
        elif child.type == "html_inline":
            found += _raw_references(child.content, line)
        elif child.type in {"link_open", "image"}:
            href = str(child.attrGet(_link_attribute(child)) or "")
            split = split_reference(href)
            if split is not None:
                found.append(Reference(*split, line, unquote(href)))
    return found


# Links and images in the author's raw HTML (`<img src="maps/basin.png" width="300">`, common in real
# documents) lead where Markdown ones do. Comments are skipped: what is commented out is not linked.
_RAW_TAG = re.compile(r"<!--.*?(?:-->|\Z)|<(a|img)\b[^>]*>", re.IGNORECASE | re.DOTALL)
# One attribute after another, each with its whole value: `href=` inside another's quotes is text.
_RAW_ATTRIBUTE = re.compile(r"""\s+([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def _raw_links(content: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, name, value) of each `<a href>` and `<img src>` attribute of raw HTML."""
    for tag in _RAW_TAG.finditer(content):
        if tag.group(1) is None:
            continue
        wanted = "href" if tag.group(1).lower() == "a" else "src"
        for attribute in _RAW_ATTRIBUTE.finditer(tag.group(0), 1 + len(tag.group(1))):
            if attribute.group(1).lower() == wanted and attribute.group(2) is not None:
                value = unescape(attribute.group(2).strip("\"'"))
                yield tag.start() + attribute.start(), tag.start() + attribute.end(), wanted, value


def _raw_references(content: str, line: int) -> list[Reference]:
    return [Reference(*split, line + content.count("\n", 0, start), value)
            for start, _, _, value in _raw_links(content) if (split := split_reference(value)) is not None]


def _resolve_raw_links(content: str, resolve: FileResolver) -> str:
    pieces, last = [], 0
    for start, end, name, value in _raw_links(content):
        split = split_reference(value)
        if split is not None:
            href = resolve(*split)
            pieces += [content[last:start], f' {name}="{escape(href)}"' if href is not None else ""]
            last = end
    return "".join(pieces) + content[last:]


# --- rendering -------------------------------------------------------------------------------


# Rendered after the body and checked for after sanitising: raw HTML that leaves open an element
# whose content is dropped (<style>, <script>, <template>, a comment) or turned into text
# (<textarea>, <title>, <xmp>...) would take every later clause off the page while the clause
# list, the table of contents and link checks still count them. Then the raw HTML is shown as text.
_END = "\ue000charter-end\ue001"
_SENTINEL = f"<p>{_END}</p>"
_ID_ATTRIBUTE = re.compile(r'\sid="([^"]*)"')


def _prefix_anchors(tokens: Sequence[Token], prefix: str) -> None:
    for token in tokens:
        if token.type == "heading_open" and token.attrGet("id"):
            token.attrSet("id", f"{prefix}{token.attrGet('id')}")


def _resolve_references(tokens: Sequence[Token], resolve: FileResolver) -> None:
    """Relative links and images lead to their page or file on the site; a link to nothing there
    becomes marked text, as a broken wiki-link does, and an image to nothing loses its source."""
    for token in tokens:
        if token.type == "html_block":
            token.content = _resolve_raw_links(token.content, resolve)
    broken = False  # a link's close follows its open in the same inline: CommonMark nests no links
    for _, child in _inline_tokens(tokens):
        if child.type == "html_inline":
            child.content = _resolve_raw_links(child.content, resolve)
        if child.type == "link_close" and broken:
            child.tag, broken = "span", False
        if child.type not in {"link_open", "image"}:
            continue
        attribute = _link_attribute(child)
        split = split_reference(str(child.attrGet(attribute) or ""))
        href = resolve(*split) if split is not None else ""
        if href:
            child.attrSet(attribute, href)
        elif href is None and child.type == "image":
            del child.attrs[attribute]
        elif href is None:
            child.tag, child.attrs, broken = "span", {"class": "charter-link--broken"}, True


def render(
    body: str,
    resolve: Resolver,
    *,
    resolve_file: FileResolver | None = None,
    trusted_html: bool = False,
    anchor_prefix: str = "",
    heading_shift: int = 0,
) -> str:
    """HTML for a body; `anchor_prefix` and `heading_shift` let one page hold many agreements."""
    md = _parser()
    env: dict[str, Any] = {"resolve": resolve, "anchor_prefix": anchor_prefix}
    tokens = md.parse(body, env)
    if anchor_prefix:
        _prefix_anchors(tokens, anchor_prefix)
    if resolve_file is not None:
        _resolve_references(tokens, resolve_file)
    for token in tokens:
        if token.type == "heading_open":
            token.attrSet("id", mark_own_id(env, str(token.attrGet("id"))))
        if heading_shift and token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(6, int(token.tag[1]) + heading_shift)}"
    html: str = md.renderer.render(tokens, md.options, env)
    if trusted_html:
        return html.replace(OWN_ID, "")
    own_ids = Counter(env.get("own_ids", ()))
    if nesting_depth(html) <= MAX_HTML_DEPTH:
        clean = sanitise(html + _SENTINEL, own_ids)
        found = Counter(_ID_ATTRIBUTE.findall(clean))
        # Each of our ids as often as we wrote it: raw HTML has neither swallowed nor forged one.
        if _END in clean and f"&lt;p&gt;{_END}" not in clean and all(found[i] == n for i, n in own_ids.items()):
            return clean.replace(_SENTINEL, "").replace(_END, "")
    escape_raw_html(tokens)
    return sanitise(md.renderer.render(tokens, md.options, env), own_ids)
