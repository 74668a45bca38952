"""Where a relative link in a body leads: another agreement, a file beside the agreements, or one of
the charter's own pages, each at its place on the site (as MkDocs resolves links between its docs).

Files beside the agreements are published with the site at the same path under `agreements/`, if
they are of a kind that cannot run script when opened on the site's own address: images, PDFs,
office documents, data and archives. HTML, SVG, scripts and the like are not published, unless the
charter trusts its authors' HTML (then SVG is): a pull request must not be able to add a page that
runs script as the site.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterator
from pathlib import Path

from generator import urls as addresses
from generator.model import LinkedFiles
from generator.settings import REGISTRY_FILES, Settings
from generator.source.markup import slugify

PUBLISHED_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .webp .avif .bmp .ico .tif .tiff "
    ".pdf .txt .csv .tsv .json .geojson .yml .yaml .bib "
    ".odt .ods .odp .odg .doc .docx .xls .xlsx .ppt .pptx .rtf .epub "
    ".zip .gz .tgz .tar .7z .mp3 .ogg .oga .wav .mp4 .webm .m4a".split()
)
TRUSTED_SUFFIXES = frozenset({".svg"})


def _visible(relative: Path) -> bool:
    return not any(part.startswith((".", "_")) for part in relative.parts)


def _files(base: Path, root: Path, *, markdown: bool) -> Iterator[Path]:
    """Files under `base`, sorted, but for what starts with `.` or `_` and links out of the project."""
    if not base.is_dir():
        return
    for path in sorted(base.rglob("*")):
        if (path.suffix == ".md" and not markdown) or not _visible(path.relative_to(base)):
            continue
        try:
            inside = path.resolve(strict=True).is_relative_to(root)
        except (OSError, RuntimeError):
            continue
        if inside and path.is_file():
            yield path


def page_url(relative: str) -> str:
    """The URL MkDocs gives a Markdown page of docs_dir, with directory URLs."""
    stem = relative.removesuffix(".md")
    folder, _, name = stem.rpartition("/")
    if name in {"index", "README"}:
        return f"{folder}/" if folder else ""
    return f"{stem}/"


def linked_files(settings: Settings) -> LinkedFiles:
    root = settings.root.resolve()
    urls: dict[str, str] = {}
    unpublished: set[str] = set()
    attachments: dict[str, str] = {}
    suffixes = PUBLISHED_SUFFIXES | (TRUSTED_SUFFIXES if settings.trusted_html else frozenset())
    for path in _files(settings.docs_dir, root, markdown=True):
        relative = path.relative_to(settings.docs_dir).as_posix()
        if relative not in REGISTRY_FILES:
            urls[settings.relative(path)] = page_url(relative) if path.suffix == ".md" else relative
    for path in _files(settings.agreements_dir, root, markdown=False):
        shown = settings.relative(path)
        if shown in urls:  # inside docs_dir too: MkDocs publishes it itself
            continue
        if path.suffix.lower() not in suffixes:
            unpublished.add(shown)
            continue
        url = addresses.attachment(path.relative_to(settings.agreements_dir).as_posix())
        urls[shown] = attachments[shown] = url
    return LinkedFiles(urls, attachments, frozenset(unpublished))


def linked_path(source: str, target: str) -> str:
    """The repository path a relative link in the file `source` leads to; "" if it leaves the repository.
    A link to a section of the same file (`#section`, so `target` is "") leads to `source`."""
    if not target:
        return source
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    return "" if joined == ".." or joined.startswith("../") else joined


def find_anchor(anchors: Collection[str], fragment: str) -> str | None:
    """The anchor a link's `#fragment` names: as written, or as a heading's words (`#Water-Shares`)."""
    if fragment in anchors:
        return fragment
    slug = slugify(fragment)
    return slug if slug in anchors else None
