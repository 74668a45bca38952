"""Agreement bodies from the build cache: a text renders the same on every build, so it is rendered once.

Most pages of a charter with a long history are its old versions, and each edition's charter shows
every agreement again: parsing and rendering that Markdown again on every build was most of a
rebuild's own work. An entry is keyed by what the HTML is a function of: the text, the path it is
read from (relative links resolve from it), the page it shows on, the anchor prefix and heading
shift, the `trusted_html` setting, and the rendering code and the libraries under it. The titles and
anchors of the agreements it links to and the files beside it are not in the key: the entry records
each link to another file the body resolved and what it resolved to, and is served only while every
one resolves the same way, so rewording a heading elsewhere re-renders exactly the bodies that link to it.
A version page is cached around its body the same way (generator.pages.rendered), keyed by this key and
checked by these links.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version as package_version
from typing import Any

from markupsafe import Markup

from generator.cache import BlobCache, fingerprint
from generator.source.attachments import linked_path
from generator.source.markup import FileResolver, LinkTarget, Resolver


def libraries(*names: str) -> str:
    """The installed versions of the libraries that compute an entry, for its key."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={package_version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join(found)


BODY_CODE = (fingerprint("pages.bodies", "pages.render", "source.documents", "source.markup", "source.notation",
                         "source.sanitise", "source.attachments", "source.agreements")
             + libraries("markdown-it-py", "mdit-py-plugins", "nh3"))
NAMESPACE = "bodies"
Render = Callable[[Resolver, FileResolver], Markup]


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


def still_true(asked: Any, links: Resolver, files: FileResolver) -> bool:
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


def body_key(*identity: object) -> str:
    """The key of a body rendered from `identity` (its text, or the blob holding it, and everything else
    its HTML is a function of besides the links it resolves) by this code."""
    return hashlib.sha256(json.dumps([*identity, BODY_CODE], ensure_ascii=False).encode()).hexdigest()


def cached_entry(cache: BlobCache, key: str, links: Resolver, files: FileResolver,
                 fields: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """The entry for `key` while each link it resolved still resolves the same way; None to render again."""
    entry = cache.read(NAMESPACE, key)
    if (not isinstance(entry, dict) or not all(isinstance(entry.get(name), str) for name in ("html", *fields))
            or not still_true(entry.get("asked"), links, files)):
        return None
    cache.hits += 1
    return entry


def render_and_keep(cache: BlobCache, key: str, path: str, links: Resolver, files: FileResolver,
                    render: Render, **fields: str) -> tuple[Markup, list[Any]]:
    """Renders the body (from the file at `path`), recording the links it resolves, and keeps the entry;
    the links and their answers are returned too, for a page cached around the body (generator.pages.rendered)."""
    cache.misses += 1
    recording = _Recording(links, files, path)
    html = render(recording.link, recording.file)
    cache.write(NAMESPACE, key, {"html": str(html), "asked": recording.asked, **fields})
    return html, recording.asked


def cached_body(cache: BlobCache, key: str, path: str, links: Resolver, files: FileResolver,
                render: Render) -> tuple[Markup, list[Any]]:
    """The body under `key`, kept or rendered now, and the links it resolved."""
    entry = cached_entry(cache, key, links, files)
    if entry is not None:
        html = Markup(entry["html"])  # noqa: S704 - written by render_and_keep from a rendered body
        return html, entry["asked"]
    return render_and_keep(cache, key, path, links, files, render)
