"""What a standalone page's chrome depends on (generator.engine.shell): pages alike in these are laid out
alike, so their chrome is rendered once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.structure.nav import Navigation

Layout = tuple[str, str, int, bool, bool]
"""What the chrome of a page depends on: its template, the part of its address that the nav's links
share (they are written relative to the page), its depth, whether it has a contents list (the list
itself is rendered by the theme's partial for each page and poured in, as its body is), and whether it
has a description of its own (poured in too)."""


def _segments(url: str) -> list[str]:
    return [part for part in url.split("/") if part]


def leading_folders(urls: Iterable[str]) -> frozenset[str]:
    """Every run of leading folders of the addresses (`a/`, `a/b/`, ...), and the empty one."""
    found = {""}
    for url in urls:
        parts = _segments(url)
        found.update("".join(f"{part}/" for part in parts[:length]) for length in range(1, len(parts) + 1))
    return frozenset(found)


def shared_folders(url: str, prefixes: frozenset[str]) -> str:
    """The leading folders of `url` that some address in the nav shares (`prefixes`, from `leading_folders`):
    the rest never shows in a link. A few set lookups, as it is asked for every page (70,000 at 5,000
    agreements): each shorter run is cut from the longest, not joined again."""
    leading = "".join(f"{part}/" for part in _segments(url))
    while leading:
        if leading in prefixes:
            return leading
        leading = leading[:leading.rfind("/", 0, -1) + 1]
    return ""


def nav_urls(nav: Navigation) -> frozenset[str]:
    found = (getattr(item, "url", None) for item in _nav_items(nav.items))  # a section has no address
    return frozenset(url for url in found if isinstance(url, str))


def _nav_items(items: Sequence[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _nav_items(getattr(item, "children", None) or ())
