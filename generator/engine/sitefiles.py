"""What the site folder held when a build last published it, so that the next publish finds the files it no
longer builds by listing again only the folders changed since, not every folder of the site.

A long charter's site has a folder for each of its 50,000 version pages. Listing each one to find the few
files a build no longer makes was most of publishing (2.3 s of a rebuild at 5,000 agreements, against 0.2 s
to look at each folder's inode and time). A folder's modification time changes whenever a name in it is
added, removed or renamed, so a folder whose inode and time are as noted holds the names it held then:
git's untracked cache trusts folders on the same ground. A folder noted within the file system's timestamp
resolution of the note's taking could have changed again in the same tick, so it is listed again ("racily
clean", as git says). So is a folder without a note, or one whose inode or time moved; a folder added since
is found when its parent is listed, and a folder is trusted only when reached through trusted or listed
folders, never through a link. A file put in the site by hand or by another program still goes at the next
build, as MkDocs' own clean build would remove it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.cache import PackedFile, fingerprint

FINE_RESOLUTION_NS = 100_000_000
"""How long after a folder's noted change it may change again unseen, on a file system that keeps times finer
than a second: ten ticks of a kernel's coarsest clock (10 ms), the clock file times are taken from."""
COARSE_RESOLUTION_NS = 2_000_000_000
"""The same where every noted time is a whole second: FAT keeps times to two seconds."""
MTIME_BITS = 64
LISTING_CODE = fingerprint("engine.sitefiles")


def _state(found: os.stat_result) -> int:
    """A folder's inode and modification time as one number: a listing notes 65,000 of them."""
    return found.st_ino << MTIME_BITS | found.st_mtime_ns


def _mtime_ns(state: int) -> int:
    return state & ((1 << MTIME_BITS) - 1)


def _join(folder: str, name: str) -> str:
    return f"{folder}{os.sep}{name}" if folder else name


def _folder_of(name: str) -> str:
    return name.rpartition(os.sep)[0]


@dataclass(frozen=True)
class Listing:
    """The site's files after a publish (relative, with the system's separator), and the state of each
    folder holding them (`_state`), as found after the system's clock read `taken_ns`."""

    files: tuple[str, ...]
    folders: dict[str, int]
    taken_ns: int

    def racy_from(self) -> int:
        """The noted time from which a folder may have changed again unseen."""
        fine = any(_mtime_ns(state) % 1_000_000_000 for state in self.folders.values())
        return self.taken_ns - (FINE_RESOLUTION_NS if fine else COARSE_RESOLUTION_NS)


@dataclass
class _Look:
    """What looking at the site found: folders whose names are as noted, and the names of the others."""

    trusted: set[str]
    listed_files: list[str]
    listed_folders: set[str]
    """Folders found by listing their parent: reached, whether or not they were noted."""
    empty_folders: list[str]

    def list(self, top: str, name: str, noted: Collection[str]) -> None:
        """The folder's names, and the whole of each folder in it that has no note."""
        pending = [name]
        while pending:
            folder = pending.pop()
            try:
                with os.scandir(_join(top, folder) if folder else top) as entries:
                    found = list(entries)
                for entry in found:
                    inner = _join(folder, entry.name)
                    if not entry.is_dir(follow_symlinks=False):
                        self.listed_files.append(inner)  # a link to a folder is a file here
                    elif folder == name and inner in noted:
                        self.listed_folders.add(inner)
                    else:
                        pending.append(inner)
            except OSError:  # gone since it was looked at, or unreadable: passed over, as os.walk does
                continue
            if not found and folder:
                self.empty_folders.append(folder)


def _look(site_dir: Path, listing: Listing | None) -> _Look:
    noted = listing.folders if listing is not None else {}
    racy_from = listing.racy_from() if listing is not None else 0
    top = os.fspath(site_dir)
    look = _Look(set(), [], {""}, [])
    if "" not in noted:
        look.list(top, "", noted)
    for name in sorted(noted):  # each folder after its parent
        if name and not (_folder_of(name) in look.trusted or name in look.listed_folders):
            continue  # not reached: its parent is gone, or no longer holds it as a folder
        try:
            found = os.stat(_join(top, name) if name else top, follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(found.st_mode):
            continue
        state = _state(found)
        if noted[name] == state and _mtime_ns(state) < racy_from:
            look.trusted.add(name)
        else:
            look.list(top, name, noted)
    return look


def remove_unkept(site_dir: Path, keep: Collection[str], listing: Listing | None) -> int:
    """Deletes every file of the site but those in `keep` (relative, with the system's separator), and every
    folder that leaves empty. `listing` is what the site held when it was last published: folders whose
    state is as noted are not listed again. Returns how many files it deleted."""
    look = _look(site_dir, listing)
    noted_files = listing.files if listing is not None else ()
    unkept = [name for name in noted_files if name not in keep and _folder_of(name) in look.trusted]
    unkept += [name for name in look.listed_files if name not in keep]
    top = os.fspath(site_dir)
    for name in unkept:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(top, name))
    emptied: set[str] = set()  # each folder that lost a file or was found empty, and each holding it
    for folder in (*map(_folder_of, unkept), *look.empty_folders):
        while folder and folder not in emptied:
            emptied.add(folder)
            folder = _folder_of(folder)
    for folder in sorted(emptied, key=lambda name: name.count(os.sep), reverse=True):
        with contextlib.suppress(OSError):  # still holds a file the build keeps
            os.rmdir(os.path.join(top, folder))
    return len(unkept)


def take_listing(site_dir: Path, files: Iterable[str]) -> Listing:
    """The listing of a site that holds exactly `files` (as a publish leaves it). The clock is read before
    any folder is looked at, so a change after the look has a later time than the one noted, or a racy one."""
    kept = tuple(sorted(files))
    names = {""}
    for name in kept:
        folder = _folder_of(name)
        while folder not in names:
            names.add(folder)
            folder = _folder_of(folder)
    taken_ns = time.time_ns()
    top = os.fspath(site_dir)
    folders: dict[str, int] = {}
    for name in names:
        with contextlib.suppress(OSError):  # not noted: listed again next time
            folders[name] = _state(os.stat(_join(top, name) if name else top, follow_symlinks=False))
    return Listing(kept, folders, taken_ns)


def listing_file(cache_dir: Path | None, slot: str) -> PackedFile:
    path = cache_dir / "published" / f"{slot}.pack" if cache_dir is not None else None
    return PackedFile(path, LISTING_CODE)


def read_listing(file: PackedFile) -> Listing | None:
    """The listing kept in `file`; None without one, or with one of another shape (every folder is listed)."""
    try:
        files, folders, taken_ns = file.load()  # type: ignore[misc]
        ok = (isinstance(files, tuple) and all(isinstance(name, str) for name in files)
              and isinstance(folders, dict) and isinstance(taken_ns, int)
              and all(isinstance(name, str) and isinstance(state, int) for name, state in folders.items()))
    except (TypeError, ValueError):
        return None
    return Listing(files, folders, taken_ns) if ok else None


def keep_listing(file: PackedFile, listing: Listing) -> None:
    file.save((listing.files, listing.folders, listing.taken_ns))
