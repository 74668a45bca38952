"""Publishing lists again only the site's folders changed since the last publish, and still leaves the site
holding exactly what the build made: nothing put there since survives, and no link is followed out."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from generator.cache import PackedFile
from generator.engine.sitefiles import (LISTING_CODE, Listing, keep_listing, read_listing, remove_unkept,
                                        take_listing)
from tests.test_publish import build, charter_project

BUILT = ("index.html", os.path.join("agreements", "water", "index.html"),
         os.path.join("agreements", "water", "v", "1", "index.html"),
         os.path.join("agreements", "water", "v", "2", "index.html"),
         os.path.join("agreements", "forest", "index.html"))


def files(site: Path) -> set[str]:
    return {os.path.relpath(path, site) for path in site.rglob("*") if path.is_file() or path.is_symlink()}


def folders(site: Path) -> set[str]:
    return {os.path.relpath(path, site) for path in site.rglob("*")
            if path.is_dir() and not path.is_symlink()}


def built_site(root: Path) -> tuple[Path, Listing]:
    """A site as a publish leaves it, and its listing taken long enough ago that no folder is racy."""
    site = root / "site"
    for name in BUILT:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name)
    listing = take_listing(site, BUILT)
    return site, dataclasses.replace(listing, taken_ns=listing.taken_ns + 10**10)


@pytest.mark.parametrize("listed", [True, False], ids=["with a listing", "without one"])
def test_files_no_longer_built_go_with_the_folders_they_leave_empty(tmp_path: Path, listed: bool) -> None:
    site, listing = built_site(tmp_path)
    keep = set(BUILT) - {os.path.join("agreements", "water", "v", "2", "index.html"),
                         os.path.join("agreements", "forest", "index.html")}
    assert remove_unkept(site, keep, listing if listed else None) == 2
    assert files(site) == keep
    water = os.path.join("agreements", "water")
    assert folders(site) == {"agreements", water, os.path.join(water, "v"), os.path.join(water, "v", "1")}


def test_what_was_put_in_the_site_since_the_listing_goes(tmp_path: Path) -> None:
    site, listing = built_site(tmp_path)
    (site / "agreements" / "water" / "v" / "1" / "notes.txt").write_text("by hand")
    (site / "agreements" / "water" / "drafts" / "old").mkdir(parents=True)
    (site / "agreements" / "water" / "drafts" / "old" / "index.html").write_text("by hand")
    (site / "agreements" / "empty").mkdir()
    assert remove_unkept(site, set(BUILT), listing) == 2
    assert files(site) == set(BUILT)
    assert not (site / "agreements" / "water" / "drafts").exists()
    assert not (site / "agreements" / "empty").exists()


def test_a_folder_as_noted_is_trusted_unless_noted_within_the_clock_s_resolution(tmp_path: Path) -> None:
    """A name added with the folder's time set back is unseen: the proof that noted folders are not listed
    again. Noted in the same tick as the listing was taken, the folder is listed again all the same."""
    site, listing = built_site(tmp_path)
    folder = site / "agreements" / "water" / "v" / "1"
    noted = folder.stat()
    (folder / "unseen.txt").write_text("by hand")
    os.utime(folder, ns=(noted.st_atime_ns, noted.st_mtime_ns))
    assert remove_unkept(site, set(BUILT), listing) == 0
    assert (folder / "unseen.txt").exists()
    racy = dataclasses.replace(listing, taken_ns=noted.st_mtime_ns)
    assert remove_unkept(site, set(BUILT), racy) == 1
    assert files(site) == set(BUILT)


def test_a_folder_moved_out_and_linked_back_is_not_followed(tmp_path: Path) -> None:
    site, listing = built_site(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(site / "agreements", outside / "agreements")
    (site / "agreements").symlink_to(outside / "agreements", target_is_directory=True)
    assert remove_unkept(site, {"index.html"}, listing) == 1  # the link itself, not built
    assert files(site) == {"index.html"}
    assert len(files(outside)) == len(BUILT) - 1, "nothing outside the site is touched"


def test_a_listing_round_trips_and_a_damaged_one_reads_as_none(tmp_path: Path) -> None:
    site, listing = built_site(tmp_path)
    kept = PackedFile(tmp_path / "listing.pack", LISTING_CODE)
    keep_listing(kept, listing)
    assert read_listing(kept) == listing
    kept.save(("not", "a", "listing"))
    assert read_listing(kept) is None
    (tmp_path / "listing.pack").write_bytes(b"garbage")
    assert read_listing(kept) is None


def test_a_rebuild_leaves_the_site_as_a_clean_build_would_make_it(tmp_path: Path) -> None:
    """Through real builds: the second one publishes with the first one's listing."""
    project = charter_project(tmp_path / "charter", 3)
    assert build(project).wait(timeout=300) == 0
    site = project / "site"
    assert (site / "agreements" / "a0002" / "index.html").is_file()
    assert list((project / ".cache" / "charter" / "published").glob("*.pack")), "the listing is kept"
    (site / "agreements" / "a0001" / "notes.txt").write_text("by hand")
    (project / "agreements" / "a0002.md").unlink()
    assert build(project).wait(timeout=300) == 0
    clean = charter_project(tmp_path / "clean", 3)
    (clean / "agreements" / "a0002.md").unlink()
    assert build(clean).wait(timeout=300) == 0
    assert files(site) == files(clean / "site")
    assert folders(site) == folders(clean / "site")
