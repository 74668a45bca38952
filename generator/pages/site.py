"""Engine-neutral output: pages and assets keyed by site path, with no MkDocs types.

The MkDocs plugin is one consumer; an export that writes the same pages to a docs folder is
another, so moving to another engine touches only the adapter.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str
    level: int
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class Page:
    url: str
    """Directory-style site path such as `agreements/water-commons/`; links are relative to it."""
    title: str
    """Plain text; every consumer escapes it."""
    html: str
    toc: tuple[TocEntry, ...] = ()
    description: str = ""
    searchable: bool = True
    """Old versions and diffs stay out of the search index: a search should find the text in force."""

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md"

    @property
    def ids(self) -> frozenset[str]:
        """Every element id of the page: what a link from a hand-written page may name after `#`."""
        return frozenset(_ID.findall(self.html))


_ID = re.compile(r'\sid="([^"]+)"')


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


def relative_url(from_url: str, to_url: str) -> str:
    """A link from one directory-style page to another, so the site works under any base path."""
    target, _, anchor = to_url.partition("#")
    fragment = f"#{anchor}" if anchor else ""
    if target == from_url and anchor:
        return fragment
    path = posixpath.relpath(target or ".", from_url or ".")
    if target == "" or target.endswith("/"):
        path = "./" if path == "." else f"{path}/"
    return path + fragment
