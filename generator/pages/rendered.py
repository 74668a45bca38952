"""Rendered pages from the build cache: a page whose inputs did not change is not rendered again.

Most pages of a charter with a long history are its old versions, and a rebuild after one commit
changes a handful of them; rendering every template again made the rebuild's cost grow with the
number of versions. A page is kept with a key made of exactly the values its template is given
(a record of plain data: strings, numbers, booleans, dates, lists and dicts of them, which the key's
encoder checks), the identity of the body it holds (the body cache's own key, or the text itself; the
records of history and clause-history pages name their diffs by the diff cache's keys, and a year's
page or a feed shows its record alone), every template the pages can load, and the code that builds
the record and renders it. The template is rendered from the record alone, without the build's
globals, so a template that reads anything the key does not hold fails the build (the templates'
undefined values are strict) instead of being served stale. The body's links to other agreements and
files are checked as the body cache checks them (generator.pages.bodies): the entry is served only
while each still resolves the same way.

Each page has one entry, filed under its address and holding its key: a page rendered again replaces
it. Filed under the key alone, the cache would keep every page as it ever was, and the current texts'
pages, which name the build's date, would leave a new entry each day.

A standalone page's body is handed to the engine as `Keyed`: its key, and what reads the entry (or
renders it) when the engine finds it has not written that page from that key before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from generator.cache import BlobCache, fingerprint
from generator.pages.bodies import BODY_CODE, libraries, still_true
from generator.pages.site import Keyed
from generator.source.markup import FileResolver, Resolver

PAGE_CODE = (fingerprint("pages.rendered", "pages.history", "pages.asof", "pages.clauses", "pages.consent",
                         "pages.composite", "pages.editions", "pages.indexes", "pages.render", "pages.site",
                         "pages.timeline", "urls", "vocabulary", "diffs.payload")
             + BODY_CODE + "," + libraries("jinja2", "markupsafe"))
NAMESPACE = "pages"
LISTINGS = "listings"
"""The namespace of the pages that list agreements (generator.pages.indexes, the consent page)."""


def _plain(value: object) -> str:
    """Dates (and times, with their offset) as ISO text; any other object is no plain data, and no key."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"a cached page's record holds a {type(value).__name__}, which is not plain data")


def page_key(record: Mapping[str, Any], body: object, templates: str) -> str:
    """The key of a page rendered from `record` around the body `body` names, with these templates."""
    # A record is a tree of plain data (a cycle would still fail, as recursion). Without the check for
    # cycles, real records encode a tenth faster: 0.39 s against 0.43 s for the 7,567 keys of a 500-agreement
    # build.
    text = json.dumps([record, body, templates, PAGE_CODE], sort_keys=True, ensure_ascii=False,
                      default=_plain, check_circular=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _slot(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


Holds = Callable[[Any], bool]
"""Whether the links a kept page's bodies resolved (as it recorded them) still resolve the same way."""


def _kept(cache: BlobCache, url: str, key: str, holds: Holds, namespace: str) -> tuple[str, Any] | None:
    entry = cache.read(namespace, _slot(url))
    if (not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("html"), str)
            or not holds(entry.get("asked"))):
        return None
    cache.hits += 1
    return entry["html"], entry["asked"]


def _links_hold(links: Resolver, files: FileResolver) -> Holds:
    return lambda asked: still_true(asked, links, files)


def cached_page(cache: BlobCache, url: str, key: str, links: Resolver, files: FileResolver,
                namespace: str = NAMESPACE) -> str | None:
    """The page at `url` when it was kept with `key` and every link of its body still resolves the same way;
    None to render it."""
    found = _kept(cache, url, key, _links_hold(links, files), namespace)
    return found[0] if found is not None else None


def keyed(cache: BlobCache, url: str, key: str, links: Resolver, files: FileResolver,
          render: Callable[[], tuple[str, list[Any]]], namespace: str = NAMESPACE) -> Keyed:
    """The page at `url` named by `key`: when it is wanted, from the cache if it was kept with that key
    and its links still resolve the same way, else rendered (with the links it resolved) and kept."""
    return keyed_by(cache, url, key, _links_hold(links, files), render, namespace)


def keyed_by(cache: BlobCache, url: str, key: str, holds: Holds, render: Callable[[], tuple[str, Any]],
             namespace: str = NAMESPACE) -> Keyed:
    """`keyed` for a page whose bodies resolve their links each from its own place (the composite
    charter's): `holds` checks what `render` returns besides the page, as the page recorded it."""

    def produce() -> tuple[str, Any]:
        found = _kept(cache, url, key, holds, namespace)
        if found is not None:
            return found
        html, asked = render()
        return keep_page(cache, url, key, html, asked, namespace), asked

    return Keyed(key, produce, holds)


def keep_page(cache: BlobCache, url: str, key: str, html: str, asked: Any,
              namespace: str = NAMESPACE) -> str:
    """Keeps the page at `url` just rendered from `key`, with the links its body resolved (`asked`, as the
    body cache records them), in place of the one kept before."""
    cache.misses += 1
    cache.write(namespace, _slot(url), {"page": url, "key": key, "html": html, "asked": asked})
    return html


def _resolves_nothing(target: str, part: str) -> None:
    return None


def keyed_record(cache: BlobCache | None, url: str, record: Mapping[str, Any], identity: object,
                 templates: str, render: Callable[[], str], namespace: str = NAMESPACE) -> Keyed:
    """A page (or another file of text) that shows its record and what `identity` names, and resolves no
    link of a body, named by its key: from the cache when an earlier build rendered them with these
    templates, else rendered (and kept). Without a cache it has no key, and is rendered each time."""
    if cache is None:
        return Keyed("", lambda: (render(), []))
    return keyed(cache, url, page_key(record, identity, templates), _resolves_nothing, _resolves_nothing,
                 lambda: (render(), []), namespace)  # no links asked


def from_record(cache: BlobCache | None, url: str, record: Mapping[str, Any], identity: object,
                templates: str, render: Callable[[], str], namespace: str = NAMESPACE) -> str:
    """The page `keyed_record` names, rendered or read now."""
    html: str = keyed_record(cache, url, record, identity, templates, render, namespace).render()[0]
    return html
