"""Build into a staging folder, then update the site folder with only the files whose bytes changed.

A failed or killed build never touches the site. Publishing replaces each changed file with one
rename, so a reader (or a web server) sees every file whole, old or new; a file whose bytes did not
change keeps its inode and its time, so a rebuild after one commit rewrites only what that commit
changed, and a deploy that compares times or sums uploads only that. Publishing cut short by a kill
leaves a mix of whole old and new files, which the next build completes.

Each page the adapter writes itself is noted with the key its body was named by (generator.pages.Keyed)
and the size, time and inode of the file that holds it (`Stamp`). Noted after a build is published, in
the build cache, the notes let the next build leave a page alone without rendering it or reading it
back: its key is the same, and its file is still the one this build wrote or kept. A file changed by
hand, or replaced by a publish cut short, no longer matches its stamp and is rendered again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.cache import SealedFile, write_whole
from generator.engine.sitefiles import (Listing, keep_listing, listing_file, read_listing, remove_unkept,
                                       take_listing)

if TYPE_CHECKING:
    from mkdocs.structure.files import File

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


def _names(site_dir: Path) -> tuple[str, Path]:
    return f".{site_dir.name}-building-", site_dir.with_name(f".{site_dir.name}-previous")


def recover(site_dir: Path) -> None:
    """Finish a swap of whole folders that a crash cut between its two renames (as earlier versions of
    the generator published): the previous site comes back."""
    _, previous = _names(site_dir)
    if previous.is_dir() and not site_dir.exists():
        os.rename(previous, site_dir)
        log.info("restored %s, which an interrupted build had set aside", site_dir)
    elif previous.is_dir():
        shutil.rmtree(previous, ignore_errors=True)


def stage(site_dir: Path) -> Path:
    """A fresh staging folder beside the site (same file system, so each update is a rename)."""
    prefix, _ = _names(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(site_dir)
    for stale in site_dir.parent.glob(f"{prefix}*"):
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=site_dir.parent))


def same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _same_file(staged: Path, published: Path) -> bool:
    try:
        if staged.stat().st_size != published.stat().st_size:
            return False
        with staged.open("rb") as one, published.open("rb") as other:
            while chunk := one.read(1 << 20):
                if chunk != other.read(len(chunk)):
                    return False
        return True
    except OSError:
        return False


STAGED_PAGES = ".charter-pages"
"""The staging folder's folder for the pages the adapter writes itself, each under a flat name: on a new
day, a long charter's build rewrites ten thousand of them (each history page's as-of line, each current
text's printed stamp), and a folder made for each in staging, only to be removed after publishing, cost
more than writing them."""


def staged_name(name: str) -> str:
    """Where, in the staging folder, the adapter writes the page the site holds at `name`."""
    return f"{STAGED_PAGES}/{hashlib.sha256(name.encode()).hexdigest()}"


def stage_flat(staging: Path, name: str, data: bytes, written: set[str]) -> Path:
    """Stages the page the site holds at `name` under `staged_name`, noted in `written`."""
    target = staging / staged_name(name)
    if not written:
        target.parent.mkdir(exist_ok=True)
    target.write_bytes(data)
    written.add(name)
    return target


def _files(root: Path) -> set[str]:
    """Every file under `root`, relative to it, but the adapter's staged pages: by cutting the prefix, not
    `os.path.relpath`, which asks for the working directory on each call (a second of 65,000 files)."""
    top = str(root)
    found: set[str] = set()
    for folder, folders, names in os.walk(top):
        if folder == top and STAGED_PAGES in folders:
            folders.remove(STAGED_PAGES)
        prefix = "" if folder == top else folder[len(top) + 1:] + os.sep
        found.update(prefix + name for name in names)
    return found


def _make_room(target: Path, site_dir: Path) -> None:
    """Clear the way for a file: a folder where it goes, or a file where one of its folders goes."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    parent = target.parent
    while parent != site_dir and not parent.is_dir():
        if parent.exists() or parent.is_symlink():
            parent.unlink()
            break
        parent = parent.parent
    target.parent.mkdir(parents=True, exist_ok=True)


def _move(source: Path, target: Path, site_dir: Path) -> None:
    """One rename, and the way cleared first only when it fails: a new day's build of a long charter moves
    ten thousand pages over their old files, and looking at each one's folders first cost most of a second."""
    try:
        os.replace(source, target)
    except OSError:  # a folder where the file goes, a file where one of its folders goes, or no folder
        _make_room(target, site_dir)
        os.replace(source, target)


def _place_written(staging: Path, root: Path, written: Collection[str]) -> None:
    """The pages staged under `staged_name`, moved to their addresses under `root`."""
    for name in written:
        _move(staging / staged_name(name), root / name, root)


def publish(staging: Path, site_dir: Path, kept: Collection[str] = (), written: Collection[str] = (),
            listing: Listing | None = None) -> Listing:
    """Bring the site folder to the staged build. `kept` names files (relative, with `/`) that the build
    did not stage because the site already holds them byte for byte; `written`, the pages staged under
    `staged_name` because their bytes differ from the site's. `listing` is what the site held when it was
    last published (generator.engine.sitefiles), so that only the folders changed since are listed again
    to find the files no longer built. Returns the listing of the site as this leaves it."""
    os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the site from a web server
    staged = _files(staging)
    written_names = {name.replace("/", os.sep) for name in written}
    if not site_dir.is_dir():
        _place_written(staging, staging, written)
        if written:
            (staging / STAGED_PAGES).rmdir()
        if site_dir.exists() or site_dir.is_symlink():
            site_dir.unlink()
        os.rename(staging, site_dir)  # the first build: one rename
        return take_listing(site_dir, staged | written_names)
    changed = 0
    for name in sorted(staged):
        source, target = staging / name, site_dir / name
        if not _same_file(source, target):
            _move(source, target, site_dir)
            changed += 1
    _place_written(staging, site_dir, written)  # compared as they were written
    changed += len(written)
    keep = staged | written_names | {name.replace("/", os.sep) for name in kept}
    removed = remove_unkept(site_dir, keep, listing)
    del listing  # before the new one is taken: at 65,000 pages, each holds tens of megabytes
    shutil.rmtree(staging, ignore_errors=True)
    log.debug("published %d changed files, removed %d, of %d", changed, removed, len(keep))
    return take_listing(site_dir, keep)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


class Stamp(NamedTuple):
    """A page as a build left it: the key of its body and its chrome, what the body read besides, and
    its file's size, time and inode."""

    key: str
    asked: Any
    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, key: str, asked: Any, path: Path) -> Stamp | None:
        try:
            found = path.stat()
        except OSError:
            return None
        return cls(key, asked, found.st_size, found.st_mtime_ns, found.st_ino)

    def holds(self, path: str | Path) -> bool:
        """Whether the file at `path` is still the one this stamp was taken of."""
        try:
            found = os.stat(path)
        except OSError:
            return False
        return (found.st_size, found.st_mtime_ns, found.st_ino) == (self.size, self.mtime_ns, self.inode)


STAMPS = "written"
"""The build cache's folder for each site folder's stamps."""


def _stamps_slot(site_dir: Path) -> str:
    return hashlib.sha256(os.fsencode(site_dir.resolve())).hexdigest()


def stamps_file(cache_dir: Path | None, site_dir: Path) -> SealedFile:
    slot = _stamps_slot(site_dir)
    return SealedFile(cache_dir / STAMPS / f"{slot}.json" if cache_dir is not None else None, slot)


def read_stamps(kept: SealedFile) -> dict[str, Stamp]:
    payload = kept.read()
    pages = payload.get("pages") if isinstance(payload, dict) else None
    if not isinstance(pages, dict):
        return {}
    try:
        return {name: Stamp(*fields) for name, fields in pages.items()}
    except TypeError:  # an entry of another shape: none is trusted
        return {}


class Publication:
    """One `mkdocs build`: staged beside the site, then published or discarded. A page of MkDocs' own loop
    whose bytes the site already holds is not written to staging at all (MkDocs writes nothing for a page
    whose output is empty): it would only be compared again and deleted, thousands of files a build."""

    SKIPPED = "Page skipped: '"
    """How MkDocs notes each page it wrote nothing for: not news for a page kept as it was."""

    def __init__(self, site_dir: Path, cache_dir: Path | None = None) -> None:
        self.site_dir, self.staging = site_dir, stage(site_dir)
        self.rebuilding = site_dir.is_dir()
        self.kept: set[str] = set()
        self.unchanged_sources: set[str] = set()
        self.cache_dir = cache_dir
        self.stamps_file = stamps_file(cache_dir, site_dir)
        self.previous_stamps = read_stamps(self.stamps_file)
        """How the last published build left the pages the adapter wrote."""
        self.stamps: dict[str, Stamp] = {}
        self.written: set[str] = set()
        """The pages the adapter staged under `staged_name`."""
        logging.getLogger("mkdocs.commands.build").addFilter(self._unless_kept)

    def page_output(self, file: File, output: str) -> str:
        """The output for MkDocs to write: none for a page the site holds byte for byte (as MkDocs would
        encode it), nor for one a rebuild stages itself. On a new day a long charter's rebuild writes every
        agreement's page again (each states the date), and MkDocs would make a folder in staging for
        each, only for publishing to remove it: staged under `staged_name`, as the pages the adapter
        writes itself, each is one file in one folder."""
        data = output.encode("utf-8", errors="xmlcharrefreplace")
        if self.holds(file.dest_uri, data):
            self.unchanged_sources.add(file.src_uri)
            return ""
        if not self.rebuilding:
            return output  # the first build: MkDocs writes each page where it goes
        stage_flat(self.staging, file.dest_uri, data, self.written)
        self.unchanged_sources.add(file.src_uri)  # written, not skipped: MkDocs' note would say otherwise
        return ""

    def holds(self, name: str, data: bytes) -> bool:
        """Whether the site holds these bytes at `name` (relative, with `/`): then the file is left out of
        the staging folder, and kept."""
        if not same_bytes(self.site_dir / name, data):
            return False
        self.kept.add(name)
        return True

    def _unless_kept(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith(self.SKIPPED)
                    and message[len(self.SKIPPED):].partition("'")[0] in self.unchanged_sources)

    def finish(self, built: bool) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(self._unless_kept)
        if not built:
            discard(self.staging)
            return
        listed = listing_file(self.cache_dir, _stamps_slot(self.site_dir))
        published = publish(self.staging, self.site_dir, self.kept, self.written, read_listing(listed))
        keep_listing(listed, published)
        pages = {name: list(stamp) for name, stamp in sorted(self.stamps.items())}
        self.stamps_file.write({"site": str(self.site_dir), "pages": pages})


class SiteWriter:
    """Writes the pages the adapter writes itself: into the staging folder (under `staged_name`), unless
    the published site already holds the same bytes (then only noted as kept); without staging (`serve`,
    `gh-deploy`), into the site folder directly, and again only when the bytes differ. While staging,
    each page written or kept from a key is stamped, and a page whose stamp from the last build still
    holds is left alone."""

    def __init__(self, output: Path, published: Path | None,
                 previous: Mapping[str, Stamp] | None = None) -> None:
        self.output, self.published = output, published
        self._published_prefix = f"{published}/" if published is not None else ""
        """The site folder as the start of a page's path: a `Path` made for each of 65,000 pages cost more
        than the check it was made for."""
        self.previous: Mapping[str, Stamp] = previous or {}
        self.kept: set[str] = set()
        self.written: set[str] = set()
        """Pages staged under `staged_name`, since the site's bytes differ."""
        self.stamps: dict[str, Stamp] = {}

    def settled(self, name: str, key: str, holds: Callable[[Any], bool]) -> bool:
        """Whether the site holds this page as the last build wrote it from `key` (and what the page read
        then still `holds`): then it is kept without being rendered."""
        stamp = self.previous.get(name)
        if (not key or self.published is None or stamp is None or stamp.key != key
                or not stamp.holds(self._published_prefix + name) or not holds(stamp.asked)):
            return False
        self.kept.add(name)
        self.stamps[name] = stamp
        return True

    def __call__(self, name: str, data: bytes, key: str = "", asked: Any = None) -> None:
        if self.published is not None and same_bytes(self.published / name, data):
            self.kept.add(name)
            target = self.published / name
        elif self.published is not None:
            target = stage_flat(self.output, name, data, self.written)
        else:
            if not same_bytes(self.output / name, data):
                write_whole(os.fspath(self.output / name), data)  # seen whole by readers of the folder
            return
        stamp = Stamp.of(key, asked, target) if key else None
        if stamp is not None:
            self.stamps[name] = stamp
