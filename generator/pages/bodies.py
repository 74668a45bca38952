"""Version bodies from the build cache: a committed text never changes, so its HTML is rendered once.

Most pages of a charter with a long history are its old versions, and parsing and rendering each one's
Markdown again on every build was most of a rebuild's own work. An entry is keyed by what the HTML is
a function of: the version's text, its path (relative links resolve from it), the page it shows on,
the `trusted_html` setting, and the rendering code and the libraries under it. The titles and anchors
of the agreements it links to and the files beside it are not in the key: the entry records each
link to another file the body resolved and what it resolved to, and is served only while every one
resolves the same way, so renaming a clause elsewhere re-renders exactly the bodies that link to it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version as package_version
from typing import Any, cast

from markupsafe import Markup

from generator.cache import BlobCache, fingerprint
from generator.history.versions import Version
from generator.model import Agreement
from generator.pages.render import SiteContext
from generator.source.attachments import linked_path
from generator.source.markup import FileResolver, LinkTarget, Resolver


def _libraries() -> str:
    found = []
    for name in ("markdown-it-py", "mdit-py-plugins", "nh3"):
        try:
            found.append(f"{name}={package_version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join(found)


BODY_CODE = fingerprint("pages.bodies", "pages.render", "source.markup", "source.notation", "source.sanitise",
                        "source.attachments", "source.agreements") + _libraries()
NAMESPACE = "bodies"


class _Recording:
    """The two resolvers a body renders with, remembering every question and its answer."""

    def __init__(self, links: Resolver, files: FileResolver, path: str) -> None:
        self.links, self.files, self.path = links, files, path
        self.asked: list[list[Any]] = []

    def link(self, target_id: str, anchor: str) -> LinkTarget | None:
        found = self.links(target_id, anchor)
        self.asked.append(["link", target_id, anchor, _link_answer(found)])
        return found

    def file(self, target: str, fragment: str) -> str | None:
        found = self.files(target, fragment)
        # A link within the file resolves by the file's own headings and id: by its text, in the key.
        kind = "self" if linked_path(self.path, target) == self.path else "file"
        self.asked.append([kind, target, fragment, found])
        return found


def _link_answer(found: LinkTarget | None) -> list[str] | None:
    return [found.href, found.text] if found is not None else None


def _still_true(asked: Any, links: Resolver, files: FileResolver) -> bool:
    """Whether every link to another agreement or file that the cached body resolved resolves the same way
    in this build."""
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
        if kind == "self" or (kind == "file" and files(target, part) == answer):
            continue
        return False
    return True


class Shown:
    """The version's agreement as its page names it: title and status from the cache entry, and anything
    else a template asks for from the agreement itself, built (its Markdown parsed) only then."""

    def __init__(self, title: str, status: str, path: str, build: Callable[[], Agreement]) -> None:
        self.title, self.status, self.path, self._build = title, status, path, build

    def __getattr__(self, name: str) -> Any:
        return getattr(self._build(), name)


def body_key(context: SiteContext, version: Version, page_url: str) -> str:
    identity = [version.text, version.path, page_url, context.trusted_html, BODY_CODE]
    return hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()


def version_body(context: SiteContext, cache: BlobCache, version: Version,
                 page_url: str) -> tuple[Agreement | Shown, Markup]:
    """The version's agreement and `context.body_html` of it, from the cache while the entry's links hold:
    a hit parses no Markdown at all. For a version whose text reads as an agreement."""
    def built() -> Agreement:
        assert version.agreement is not None, "only a version that reads as an agreement has a body"
        return version.agreement

    key = body_key(context, version, page_url)
    entry = cache.read(NAMESPACE, key)
    if isinstance(entry, dict) and all(isinstance(entry.get(name), str) for name in ("html", "title", "status")):
        shown = Shown(entry["title"], entry["status"], version.path, built)
        # A link to another file reads only the path of the agreement it is from: the agreement stays unbuilt.
        files = context.file_resolver(cast(Agreement, shown), page_url, "")
        if _still_true(entry.get("asked"), context.resolver(page_url), files):
            cache.hits += 1
            return shown, Markup(entry["html"])  # noqa: S704 - written below from markup.render's sanitised output
    cache.misses += 1
    agreement = built()
    recording = _Recording(context.resolver(page_url), context.file_resolver(agreement, page_url, ""), version.path)
    html = context.body_html(agreement, page_url, resolvers=(recording.link, recording.file))
    cache.write(NAMESPACE, key, {"html": str(html), "asked": recording.asked, "title": agreement.title,
                                 "status": agreement.status})
    return agreement, html
