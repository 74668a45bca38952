"""Link checks over a built site folder: every internal link and `#fragment` leads somewhere.

Reusable by any test that builds a site: `broken_links(site_dir)` returns one line per link whose
file does not exist, or whose fragment names no id of the page it leads to; `repeated_ids(site_dir)`
one line per id given twice on a page (a link to it reaches only the first).

A page whose script reads its fragment (the as-of page's `#2015-06-01`) says so with a
`data-fragment-pattern` attribute (a regular expression); a fragment that matches it fully leads somewhere.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ORIGIN = "http://site.invalid/"
"""Stands for wherever the site is served: links are resolved against it, so `../x/` stays inside."""
LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src",
                   "source": "src"}


@dataclass
class PageLinks:
    ids: Counter[str] = field(default_factory=Counter)
    links: list[str] = field(default_factory=list)
    fragments: list[re.Pattern[str]] = field(default_factory=list)
    """What the page's script reads after `#` besides ids."""

    def leads_to(self, fragment: str) -> bool:
        return fragment in self.ids or any(pattern.fullmatch(fragment) for pattern in self.fragments)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.found.ids[values["id"]] += 1
        if "data-fragment-pattern" in values:
            self.found.fragments.append(re.compile(values["data-fragment-pattern"]))
        if tag == "a" and "name" in values and values["name"] != values.get("id"):
            self.found.ids[values["name"]] += 1
        link = values.get(LINK_ATTRIBUTES.get(tag, ""))
        if link is not None and not (tag == "link" and values.get("rel") in {"preconnect", "dns-prefetch"}):
            self.found.links.append(link)


@cache
def _parse(path: Path) -> PageLinks:
    collector = _Collect()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.found


def _target_file(site_dir: Path, path: str) -> Path:
    target = site_dir / path.lstrip("/")
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def broken_links(site_dir: Path) -> list[str]:
    """`page: link (why)` for each internal link of each HTML page that leads nowhere."""
    _parse.cache_clear()
    found = []
    for page in sorted(site_dir.rglob("*.html")):
        page_url = ORIGIN + page.relative_to(site_dir).as_posix()
        for link in _parse(page).links:
            absolute = urlsplit(urljoin(page_url, link))
            if f"{absolute.scheme}://{absolute.netloc}/" != ORIGIN:
                continue  # another site, mailto:, data: and the like: not this site's to check
            path = posixpath.normpath(unquote(absolute.path)) + ("/" if absolute.path.endswith("/") else "")
            target = _target_file(site_dir, path)
            where = f"{page.relative_to(site_dir).as_posix()}: {link}"
            if not target.is_file():  # resolving a URL never climbs above the site's root
                found.append(f"{where} (no file {target.relative_to(site_dir).as_posix()})")
            elif (absolute.fragment and target.suffix == ".html"
                  and not _parse(target).leads_to(unquote(absolute.fragment))):
                found.append(f"{where} (no id {unquote(absolute.fragment)!r} on the page)")
    return found


def repeated_ids(site_dir: Path) -> list[str]:
    """`page: id ×n` for each id that a page gives to more than one element."""
    _parse.cache_clear()
    return [f"{page.relative_to(site_dir).as_posix()}: {name!r} ×{count}"
            for page in sorted(site_dir.rglob("*.html"))
            for name, count in _parse(page).ids.items() if count > 1]
