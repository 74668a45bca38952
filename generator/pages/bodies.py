"""Version bodies from the build cache: a committed text never changes, so its HTML is rendered once.

Most pages of a charter with a long history are its old versions, and re-rendering each one's Markdown
on every build was most of a rebuild's own work. An entry is keyed by what the HTML is a function of:
the text, the agreement's path (relative links resolve from it), the page it shows on, the
`trusted_html` setting, the rendering code and the libraries under it. The titles and anchors of the
agreements it links to and the files beside it are not in the key: the entry records each link the
body resolved and what it resolved to, and is served only while every one resolves the same way, so
renaming a clause elsewhere re-renders exactly the bodies that link to it.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from markupsafe import Markup

from generator.cache import BlobCache, fingerprint
from generator.model import Agreement
from generator.pages.render import SiteContext
from generator.source.markup import FileResolver, LinkTarget, Resolver


def _libraries() -> str:
    found = []
    for name in ("markdown-it-py", "mdit-py-plugins", "nh3"):
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join(found)


BODY_CODE = fingerprint("pages.bodies", "pages.render", "source.markup", "source.notation", "source.sanitise",
                        "source.attachments") + _libraries()
NAMESPACE = "bodies"


class _Recording:
    """The two resolvers a body renders with, remembering every question and its answer."""

    def __init__(self, links: Resolver, files: FileResolver) -> None:
        self.links, self.files = links, files
        self.asked: list[list[Any]] = []

    def link(self, target_id: str, anchor: str) -> LinkTarget | None:
        found = self.links(target_id, anchor)
        self.asked.append(["link", target_id, anchor, _link_answer(found)])
        return found

    def file(self, target: str, fragment: str) -> str | None:
        found = self.files(target, fragment)
        self.asked.append(["file", target, fragment, found])
        return found


def _link_answer(found: LinkTarget | None) -> list[str] | None:
    return [found.href, found.text] if found is not None else None


def _still_true(asked: Any, links: Resolver, files: FileResolver) -> bool:
    """Whether every link the cached body resolved resolves the same way in this build."""
    if not isinstance(asked, list):
        return False
    for question in asked:
        if not isinstance(question, list) or len(question) != 4:
            return False
        kind, target, part, answer = question
        if not isinstance(target, str) or not isinstance(part, str):
            return False
        if kind == "link" and _link_answer(links(target, part)) == answer:
            continue
        if kind == "file" and files(target, part) == answer:
            continue
        return False
    return True


def body_key(context: SiteContext, agreement: Agreement, page_url: str) -> str:
    identity = [agreement.body, agreement.path, page_url, context.trusted_html, BODY_CODE]
    return hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()


def version_body_html(context: SiteContext, cache: BlobCache, agreement: Agreement, page_url: str) -> Markup:
    """`context.body_html(agreement, page_url)`, from the cache while the entry's links still hold."""
    links, files = context.resolver(page_url), context.file_resolver(agreement, page_url, "")
    key = body_key(context, agreement, page_url)
    entry = cache.read(NAMESPACE, key)
    if (isinstance(entry, dict) and isinstance(entry.get("html"), str)
            and _still_true(entry.get("asked"), links, files)):
        cache.hits += 1
        return Markup(entry["html"])  # noqa: S704 - written below from markup.render's sanitised output
    cache.misses += 1
    recording = _Recording(links, files)
    html = context.body_html(agreement, page_url, resolvers=(recording.link, recording.file))
    cache.write(NAMESPACE, key, {"html": str(html), "asked": recording.asked})
    return html
