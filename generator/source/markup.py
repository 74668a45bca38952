"""Agreement bodies: clause anchors, `[[wiki-links]]`, and safe HTML.

Bodies come from untrusted pull requests. markdown-it-py renders them, and unless a charter is
declared trusted, the whole output goes through an allowlist sanitiser (nh3): our own markup
(anchors, link classes) is allowed by name, everything else an author writes is filtered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from generator.model import Clause, WikiLink

CLAUSE_LEVEL = "h2"
WIKILINK = re.compile(r"\[\[([a-z0-9][a-z0-9-]*)(?:#([^\]|\s]+))?(?:\|([^\]\n]+))?\]\]")
EXPLICIT_ANCHOR = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*\Z")
# The shape of our own clause anchors (slugify keeps letters of any script and inner `_`), never
# starting with `_`: the theme's own ids (`__drawer`, `__search`, ...) do.
SAFE_ID = re.compile(r"[^\W_][\w-]*\Z")

ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br caption code dd del details dfn div dl dt em figcaption figure h1 h2 h3 h4 "
    "h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary sup table tbody "
    "td tfoot th thead tr u ul".split()
)
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
}
ALLOWED_CLASSES = {"a": {"charter-link", "charter-link--clause"}, "span": {"charter-link--broken"}}


@dataclass(frozen=True)
class LinkTarget:
    href: str
    text: str


# Resolves (agreement id, clause anchor) to a link, or None when the target does not exist.
Resolver = Callable[[str, str], LinkTarget | None]


def slugify(text: str) -> str:
    """A clause anchor: stable while the heading's words stay, and readable in any script."""
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


def _clause_anchor_rule(state: Any) -> None:
    """Give each `##` heading its anchor: an explicit `{#anchor}` suffix wins over the slug."""
    tokens: list[Token] = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag != CLAUSE_LEVEL:
            continue
        inline = tokens[index + 1]
        explicit = EXPLICIT_ANCHOR.search(inline.content)
        if explicit:
            inline.content = inline.content[: explicit.start()]
            if inline.children:
                last = inline.children[-1]
                last.content = EXPLICIT_ANCHOR.sub("", last.content)
            token.meta["explicit"] = True
        title = inline.content.strip()
        token.attrSet("id", explicit.group(1) if explicit else slugify(title) or f"clause-{index}")
        token.meta["title"] = title


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # CommonMark's preset stops at 20 levels and drops what is deeper: ten nested lists lost their last
    # item. Not more than 40: each unclosed `[` costs time in proportion (a flood of them in a 1 MB body).
    md = MarkdownIt("commonmark", {"html": True, "typographer": False, "maxNesting": 40}).enable(
        ["table", "strikethrough"])
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.core.ruler.push("clause_anchors", _clause_anchor_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    return md


def _render_wikilink(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    meta = tokens[idx].meta
    resolve: Resolver | None = env.get("resolve")
    target = resolve(meta["target"], meta["anchor"]) if resolve else None
    escape = self.escape if hasattr(self, "escape") else _escape
    if target is None:
        shown = meta["label"] or meta["target"]
        return f'<span class="charter-link--broken">{escape(shown)}</span>'
    css = "charter-link charter-link--clause" if meta["anchor"] else "charter-link"
    return f'<a class="{css}" href="{escape(target.href)}">{escape(meta["label"] or target.text)}</a>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def scan(body: str, body_line: int = 1) -> tuple[tuple[Clause, ...], tuple[WikiLink, ...]]:
    """Clauses and links from one parse: a build reads thousands of versions."""
    tokens = _parser().parse(body)
    return _clauses(tokens, body_line), _wikilinks(tokens, body_line)


def clauses(body: str, body_line: int = 1) -> tuple[Clause, ...]:
    return _clauses(_parser().parse(body), body_line)


def wikilinks(body: str, body_line: int = 1) -> tuple[WikiLink, ...]:
    return _wikilinks(_parser().parse(body), body_line)


def _clauses(tokens: Sequence[Token], body_line: int) -> tuple[Clause, ...]:
    return tuple(
        Clause(token.attrGet("id") or "", token.meta["title"], body_line + (token.map or [0])[0])  # type: ignore[arg-type]
        for token in tokens
        if token.type == "heading_open" and token.tag == CLAUSE_LEVEL
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
            line = body_line + (parent.map or [0])[0] + newlines
            found.append(WikiLink(child.meta["target"], child.meta["anchor"], line))
    return tuple(found)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Only our own anchor shapes may be ids, so raw HTML cannot clobber the theme's DOM ids.

    Images load only from the site itself: an image from another host would tell that host who
    reads the charter, and the site promises to load nothing from third parties.
    """
    if attribute == "id" and not SAFE_ID.match(value):
        return None
    if tag == "img" and attribute == "src" and (":" in value or value.lstrip().startswith("//")):
        return None
    if attribute == "style" and not re.fullmatch(r"text-align:\s*(left|right|center)", value):
        return None
    return value


MAX_HTML_DEPTH = 500
"""Raw HTML nested deeper than this is shown as text: the sanitiser's time grows with the square of
the depth, so 200,000 nested `<div>` in a 1 MB file would hold a build for minutes."""
_TAG_START = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
# Elements that never hold others (void), or that the HTML parser closes when a sibling opens.
_FLAT_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th thead tbody tfoot caption colgroup option optgroup rb rp rt rtc".split()
)


def nesting_depth(html: str) -> int:
    """How deep elements nest, as an HTML parser would see it (in linear time): an end tag closes
    the innermost open element of its name and those inside it, and is ignored if none is open."""
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0
    for match in _TAG_START.finditer(html):
        name = match.group(2).lower()
        if name in _FLAT_TAGS:
            continue
        if not match.group(1):
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            deepest = max(deepest, len(stack))
        elif open_count.get(name):
            while True:
                closed = stack.pop()
                open_count[closed] -= 1
                if closed == name:
                    break
    return deepest


# Rendered after the body and checked for after sanitising: raw HTML that leaves open an element
# whose content is dropped (<style>, <script>, <template>, a comment) or turned into text
# (<textarea>, <title>, <xmp>...) would take every later clause off the page while the clause
# list, the table of contents and link checks still count them. Then the raw HTML is shown as text.
_END = "\ue000charter-end\ue001"
_SENTINEL = f"<p>{_END}</p>"
_HEADING_ID = re.compile(r'<h[1-6] id="([^"]*)"')


def _escape_raw_html(tokens: Sequence[Token]) -> None:
    for token in tokens:
        if token.type in {"html_block", "html_inline"}:
            token.content = _escape(token.content)
        if token.children:
            _escape_raw_html(token.children)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        url_schemes={"http", "https", "mailto"},
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
    )


def _prefix_anchors(tokens: Sequence[Token], prefix: str) -> None:
    for token in tokens:
        if token.type == "heading_open" and token.attrGet("id"):
            token.attrSet("id", f"{prefix}{token.attrGet('id')}")


def render(
    body: str,
    resolve: Resolver,
    *,
    trusted_html: bool = False,
    anchor_prefix: str = "",
    heading_shift: int = 0,
) -> str:
    """HTML for a body; `anchor_prefix` and `heading_shift` let one page hold many agreements."""
    md = _parser()
    env: dict[str, Any] = {"resolve": resolve}
    tokens = md.parse(body, env)
    if anchor_prefix:
        _prefix_anchors(tokens, anchor_prefix)
    if heading_shift:
        for token in tokens:
            if token.type in {"heading_open", "heading_close"}:
                token.tag = f"h{min(6, int(token.tag[1]) + heading_shift)}"
    html: str = md.renderer.render(tokens, md.options, env)
    if trusted_html:
        return html
    if nesting_depth(html) <= MAX_HTML_DEPTH:
        anchors = {str(token.attrGet("id")) for token in tokens if token.type == "heading_open" and token.attrGet("id")}
        clean = sanitise(html + _SENTINEL)
        if _END in clean and f"&lt;p&gt;{_END}" not in clean and anchors <= set(_HEADING_ID.findall(clean)):
            return clean.replace(_SENTINEL, "").replace(_END, "")
    _escape_raw_html(tokens)
    return sanitise(md.renderer.render(tokens, md.options, env))
