"""Engine-neutral output: pages and assets keyed by site path, with no MkDocs types.

The MkDocs plugin is one consumer; an export that writes the same pages to a docs folder is
another, so moving to another engine touches only the adapter.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str
    level: int
    children: tuple[TocEntry, ...] = ()


class Chrome(Enum):
    """What a page wants around its body, whatever the engine: each engine's adapter maps it to a layout."""

    FULL = "full"
    """The site's navigation around the page: its sections, search, and the page's contents list."""
    LIGHT = "light"
    """The site's look and its name leading home, and nothing else. For old versions: most of a long
    charter's pages, read one at a time, whose body leads to the agreement and its history; the site's
    navigation on each would be most of the site's bytes (GitHub Pages refuses a site over 1 GB)."""


def _reads_nothing_else(asked: Any) -> bool:
    return True


def _renders_no_bodies() -> int:
    return 0


@dataclass(frozen=True)
class Keyed:
    """A page's body named before it is rendered: two bodies with one key, whose reads (`asked`) still
    `hold`, are the same HTML. An engine that wrote a page from a key need not render it again while the
    file it wrote is as it left it: at 50,000 old versions, reading each back from the build cache and
    comparing it with the site was most of a rebuild's pages."""

    key: str
    """Empty for a body without one (a text not yet committed): rendered on every build."""
    render: Callable[[], tuple[str, Any]]
    """The body's HTML, and what it read besides its key (the links it resolved, as the body cache
    records them: plain data)."""
    holds: Callable[[Any], bool] = _reads_nothing_else
    """Whether what an earlier build's body read (its `asked`) reads the same in this build."""


@dataclass(frozen=True, eq=False)
class Page:
    url: str
    """Directory-style site path such as `agreements/water-commons/`; links are relative to it."""
    title: str
    """Plain text; every consumer escapes it."""
    source: str | Callable[[], str | Keyed]
    """The body's HTML, or what renders it when the page is written: thousands of version pages are never
    all held in memory at once."""
    toc: tuple[TocEntry, ...] = ()
    description: str = ""
    searchable: bool = True
    """Old versions, diffs, editions and the pages that list agreements (by status, level, change, consent)
    stay out of the search index: a search should find the text in force, once, on the agreement's own
    page. A list of agreements on a page that is searched (a party's, a theme's) is marked
    `data-search-exclude` for the same reason: the page is found by its own heading and description."""
    standalone: bool = False
    """Laid out as every other standalone page of its depth, out of the nav and the search index: an
    engine may pour its body and contents list into the site's chrome rendered once, outside its own loop."""
    chrome: Chrome = Chrome.FULL
    fresh_bodies: Callable[[], int] = _renders_no_bodies
    """How many agreement bodies rendering the page now would render, not find in the build cache: an engine
    that renders its pages one at a time may render those with some ahead, on other cores, to fill the
    cache its own loop then reads (generator.engine.writers)."""

    @property
    def html(self) -> str:
        return readers_html(self._rendered())

    def views(self) -> tuple[str, str]:
        """The page for readers and for a search index, rendered once."""
        rendered = self._rendered()
        return readers_html(rendered), indexed_html(rendered)

    def made(self) -> str | Keyed:
        """The body, or its key and what renders it."""
        return self.source if isinstance(self.source, str) else self.source()

    def _rendered(self) -> str:
        made = self.made()
        return made if isinstance(made, str) else made.render()[0]

    def _compared(self) -> tuple[object, ...]:
        return (self.url, self.title, self.html, self.toc, self.description, self.searchable, self.standalone,
                self.chrome)

    def __eq__(self, other: object) -> bool:
        """Pages are equal when they read alike: two builds' renderers are never the same object."""
        return isinstance(other, Page) and self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash((self.url, self.title))

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md"

    @property
    def ids(self) -> frozenset[str]:
        """Every element id of the page: what a link from a hand-written page may name after `#`."""
        return frozenset(_ID.findall(self.html))


_ID = re.compile(r'\sid="([^"]+)"')

UNINDEXED_START, UNINDEXED_END = "<!--charter:unindexed-->", "<!--/charter:unindexed-->"
"""Around what a page shows but a search should not find: its panels of facts, lists of agreements, notes
under clauses (macros.html: `unindexed`). Cut before an index reads the page, which also spares it most
of the page's markup: parsing a whole agreement page for the index took five times as long as its text."""
_UNINDEXED = re.compile(f"{re.escape(UNINDEXED_START)}.*?{re.escape(UNINDEXED_END)}", re.DOTALL)


def readers_html(html: str) -> str:
    """The page as readers get it: everything, without the index's marks."""
    return html.replace(UNINDEXED_START, "").replace(UNINDEXED_END, "")


def indexed_html(html: str) -> str:
    """What a search index reads of the page."""
    return _UNINDEXED.sub("", html)


@dataclass(frozen=True)
class Asset:
    """A non-page output such as a feed, or a file published as it is (an image beside the agreements)."""

    path: str
    content: bytes = b""
    source: Path | None = None
    """The file to publish, when the asset is one: read by the engine, never held in memory here."""


@dataclass(frozen=True)
class Site:
    pages: tuple[Page, ...]
    assets: tuple[Asset, ...] = ()
    home_html: str = ""
    """Figures appended to the hand-written home page (charter/index.md)."""
    versions: int = 0
    """Versions of agreements the site shows, for the build's closing summary."""


def _relative_path(target: str, start: str) -> str:
    """`posixpath.relpath` of two site paths, without its two calls to `os.getcwd`: it runs for every link."""
    to, base = ([part for part in path.split("/") if part not in ("", ".")] for path in (target, start))
    if ".." in to or ".." in base:
        return posixpath.relpath(target or ".", start or ".")
    common = 0
    while common < min(len(to), len(base)) and to[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + to[common:]) or "."


def relative_url(from_url: str, to_url: str) -> str:
    """A link from one directory-style page to another, so the site works under any base path."""
    target, _, anchor = to_url.partition("#")
    fragment = f"#{anchor}" if anchor else ""
    if target == from_url and anchor:
        return fragment
    path = _relative_path(target, from_url)
    if target == "" or target.endswith("/"):
        path = "./" if path == "." else f"{path}/"
    return path + fragment
