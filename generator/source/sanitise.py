"""The allowlist sanitiser (nh3) that every untrusted body passes through, and what it may keep.

Our own markup (anchors, footnotes, math, link classes) is allowed by name or by exact shape;
everything else an author writes is filtered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, MutableMapping, Sequence
from typing import Any

import nh3
from markdown_it.token import Token

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
    "code": {"class"},
}
ALLOWED_CLASSES = {
    "a": {"charter-link", "charter-link--clause", "footnote-ref", "footnote-backref"},
    "span": {"charter-link--broken", "math"},
    "div": {"footnote", "math"},
}
# The shape of our own heading anchors (slugify keeps letters of any script and inner `_`), never
# starting with `_`: the theme's own ids (`__drawer`, `__search`, ...) do.
SAFE_ID = re.compile(r"[^\W_][\w-]*\Z")
# Footnotes (`fn:2`, `fnref:2`, `fnref:2:1`, after a page's prefix): a `:` no heading anchor can hold.
FOOTNOTE_ID = re.compile(r"(?:[^\W_][\w-]*--)?fn(?:ref)?:\d+(?::\d+)?\Z")
# The language of a fenced code block, as markdown-it writes it from the fence's info string.
CODE_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+-]+\Z")

OWN_ID = "\ue002"
"""Marks the ids the renderer gives (headings, footnotes) until the sanitiser has told them from the
ids an author writes in raw HTML: an author's id that repeats one of ours is dropped."""


def mark_own_id(env: MutableMapping[str, Any], anchor: str) -> str:
    """`anchor`, marked as ours, and noted in the render's `env` for the sanitiser."""
    env.setdefault("own_ids", []).append(anchor)
    return OWN_ID + anchor


def _attribute_filter(own_ids: Collection[str]) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        """Only our own anchor shapes may be ids, so raw HTML cannot clobber the theme's DOM ids.

        Images load only from the site itself: an image from another host would tell that host who
        reads the charter, and the site promises to load nothing from third parties.
        """
        if attribute == "id":
            if value.startswith(OWN_ID):
                return value[len(OWN_ID):]
            if value in own_ids or not (SAFE_ID.match(value) or FOOTNOTE_ID.match(value)):
                return None
        if attribute == "class" and tag == "code":
            return value if CODE_LANGUAGE.match(value) else None
        if tag == "img" and attribute == "src" and (":" in value or value.lstrip().startswith("//")):
            return None
        if attribute == "style" and not re.fullmatch(r"text-align:\s*(left|right|center)", value):
            return None
        return value

    return keep


def sanitise(html: str, own_ids: Collection[str] = ()) -> str:
    """`own_ids` are the ids the renderer marked with OWN_ID: the copies an author wrote are dropped."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter(frozenset(own_ids)),
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        url_schemes={"http", "https", "mailto"},
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
    )


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


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def escape_raw_html(tokens: Sequence[Token]) -> None:
    """Show the author's raw HTML as text, for a body whose HTML would otherwise break the page."""
    for token in tokens:
        if token.type in {"html_block", "html_inline"}:
            token.content = escape(token.content)
        if token.children:
            escape_raw_html(token.children)
