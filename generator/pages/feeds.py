"""Atom 1.0 feeds of the charter's changes: one for the whole charter, one per agreement.

Built with ElementTree, so every title, message and path (all from pull requests) is escaped as
XML text; summaries are `type="text"`, never HTML. Characters XML 1.0 cannot carry (control
characters, lone surrogates from odd file names) become U+FFFD, so a feed always parses.

Stable and unique: an entry's id is a tag URI of the charter's identity (the `feed_id` option, else
the host and path of `site_url`, else the charter's title), the agreement, version and event kind, so
two charters never share an id; its `updated` is the commit's author date, so rebuilding never makes
a reader show an entry again; a feed's own `updated` is its newest entry's (the "as of" date when it
has none). Uncommitted versions are left out. Links: absolute under the MkDocs `site_url` when it is
set; without it, links are relative to the site root and the feed carries an `xml:base` leading from
the feed back to the root, which readers resolve against the feed's own address. A feed is kept in
the build cache under its entries (generator.pages.rendered): a rebuild writes again only the feeds
whose entries changed.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from urllib.parse import quote, urlsplit

from generator import urls
from generator.cache import BlobCache, fingerprint
from generator.history.versions import AgreementHistory
from generator.model import Charter
from generator.pages.changes import Change, charter_changes
from generator.pages.rendered import from_record
from generator.pages.site import Asset

FEED_CODE = fingerprint("pages.feeds", "pages.changes")

ATOM = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
TAG_PREFIX = "tag:charter,2000:"
FEED_ENTRIES = 50
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def feed_identity(title: str, site_url: str | None = None, feed_id: str | None = None) -> str:
    """What names this charter in tag URIs: `feed_id`, else `site_url`'s host and path, else the title."""
    if feed_id:
        name = feed_id
    elif site_url:
        address = urlsplit(site_url)
        name = f"{address.netloc}{address.path}"
    else:
        name = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return quote(name.strip("/"), safe="/-._~") or "charter"


def entry_id(change: Change, identity: str) -> str:
    """Independent of the build time, so an entry keeps its id for good."""
    return f"{TAG_PREFIX}{identity}/{urls.version(change.agreement.id, change.version.number)}{change.event.kind}"


def clean(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def timestamp(value: dt.datetime | dt.date) -> str:
    """RFC 3339 in UTC; a date stands for its midnight."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Links:
    """Absolute links under `site_url`, else links relative to the site root (see the module doc)."""

    def __init__(self, site_url: str | None) -> None:
        self.site_url = site_url.rstrip("/") + "/" if site_url else None

    def href(self, path: str) -> str:
        if self.site_url is not None:
            return self.site_url + path
        return path or "./"

    def base(self, feed: str) -> str | None:
        """The feed's `xml:base`: from the feed's folder back to the site root, when links are relative."""
        if self.site_url is not None:
            return None
        return "../" * feed.count("/") or "./"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = clean(text)
    return element


def _link(parent: ET.Element, rel: str, href: str, **attributes: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "href": clean(href), **attributes})


def summary(change: Change) -> str:
    detail = f" ({change.event.detail})" if change.event.detail else ""
    revision = change.version.revision
    subject = f" Commit: {revision.subject}" if revision is not None and revision.subject else ""
    return f"{change.label}{detail} in version {change.version.number}.{subject}"


def _entry(feed: ET.Element, change: Change, links: Links, identity: str) -> None:
    revision = change.version.revision
    if revision is None:
        raise ValueError(f"{change.agreement.id} v{change.version.number} is uncommitted: feeds list commits only")
    entry = ET.SubElement(feed, "entry")
    _text(entry, "id", entry_id(change, identity))
    _text(entry, "title", f"{change.agreement.title}: {change.label}", type="text")
    _text(entry, "updated", timestamp(revision.authored))
    author = ET.SubElement(entry, "author")
    _text(author, "name", revision.author_name or "unknown")
    _link(entry, "alternate", links.href(change.change_url), type="text/html")
    _link(entry, "related", links.href(change.version_url), type="text/html")
    ET.SubElement(entry, "category", {"term": change.event.kind, "label": change.label})
    _text(entry, "summary", summary(change), type="text")


def feed_xml(path: str, identity: str, title: str, page: str, changes: Sequence[Change], author: str,
             as_of: dt.date, links: Links) -> bytes:
    """One Atom document; `changes` are committed and newest first."""
    attributes = {"xmlns": ATOM}
    base = links.base(path)
    if base is not None:
        attributes[XML_BASE] = base
    feed = ET.Element("feed", attributes)
    _text(feed, "id", f"{TAG_PREFIX}{identity}/{path.removesuffix(urls.FEED)}feed")
    _text(feed, "title", title, type="text")
    dates = [change.version.revision.authored for change in changes if change.version.revision is not None]
    _text(feed, "updated", timestamp(max(dates, key=timestamp)) if dates else timestamp(as_of))
    _text(ET.SubElement(feed, "author"), "name", author)
    _link(feed, "self", links.href(path), type="application/atom+xml")
    _link(feed, "alternate", links.href(page), type="text/html")
    for change in changes:
        _entry(feed, change, links, identity)
    ET.indent(feed, space="  ")
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _entry_record(change: Change) -> list[object]:
    revision = change.version.revision
    return [change.agreement.id, change.agreement.title, change.version.number, change.event.kind,
            change.event.detail,
            *((revision.authored, revision.author_name, revision.subject) if revision else ())]


def kept_feed(cache: BlobCache | None, path: str, identity: str, title: str, page: str,
              changes: Sequence[Change], author: str, as_of: dt.date, links: Links) -> bytes:
    """`feed_xml`, from the build cache when an earlier build wrote the feed from the same entries: a
    feed per agreement is most of a long charter's feeds, and one commit changes few of them."""
    record = {"path": path, "identity": identity, "title": title, "page": page, "author": author,
              "as_of": None if changes else as_of,  # a feed's date is its newest entry's, else the build's
              "site_url": links.site_url,
              "entries": [_entry_record(change) for change in changes]}

    def written() -> str:
        return feed_xml(path, identity, title, page, changes, author, as_of, links).decode("utf-8")

    return from_record(cache, path, record, FEED_CODE, "", written, namespace="feeds").encode("utf-8")


def build_feeds(charter: Charter, histories: Mapping[str, AgreementHistory], as_of: dt.date, *,
                site_url: str | None = None, feed_id: str | None = None,
                cache: BlobCache | None = None) -> tuple[Asset, ...]:
    """The charter's feed (`feed.xml`) and one per agreement with a history page."""
    links = Links(site_url)
    identity = feed_identity(charter.title, site_url, feed_id)
    changes = charter_changes(charter, histories, committed_only=True)
    assets = [Asset(urls.FEED, kept_feed(
        cache, urls.FEED, identity, f"{charter.title}: recent changes", urls.CHANGES,
        changes[:FEED_ENTRIES], charter.title, as_of, links,
    ))]
    by_agreement: dict[str, list[Change]] = {}
    for change in changes:
        by_agreement.setdefault(change.agreement.id, []).append(change)
    for agreement in charter.agreements:
        history = histories.get(agreement.id)
        if history is None or not history.versions:
            continue
        path = urls.agreement_feed(agreement.id)
        assets.append(Asset(path, kept_feed(
            cache, path, identity, f"{agreement.title}: changes", urls.history(agreement.id),
            by_agreement.get(agreement.id, [])[:FEED_ENTRIES], charter.title, as_of, links,
        )))
    return tuple(assets)
