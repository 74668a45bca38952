"""Scanned bodies kept between builds: served only as `markup.scan` gives them, for the same body."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.cache import BlobCache
from generator.compose import check, compose
from generator.source import documents, markup, scanned_cache
from generator.source.scanned_cache import FILE_NAME, PersistentScans
from tests.project import agreement, site_settings, write_project

BODY = ("## Shares {#shares}\n\nBy season, as [[seeds#gifts]] says; see [the map](../maps/river.png#north).\n\n"
        "### Who keeps them\n\nThe [elders](#shares).\n")


def test_a_scan_is_read_again_from_the_file_and_equals_a_fresh_one(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = PersistentScans(BlobCache(tmp_path))
    fresh = markup.scan(BODY, 7)
    assert first.scan(BODY, 7) == fresh and fresh.clauses and fresh.links and fresh.references
    first.save()
    monkeypatch.setattr(scanned_cache.markup, "scan", lambda body, line=1: pytest.fail("scanned again"))
    again = PersistentScans(BlobCache(tmp_path))
    assert again.scan(BODY, 7) == fresh
    assert again.added == 0


def test_the_same_body_at_another_line_is_scanned_afresh(tmp_path: Path) -> None:
    memo = PersistentScans(BlobCache(tmp_path))
    memo.scan(BODY, 7)
    memo.save()
    other = PersistentScans(BlobCache(tmp_path))
    assert other.scan(BODY, 9) == markup.scan(BODY, 9)
    assert other.added == 1


def test_a_tampered_file_is_not_served(tmp_path: Path) -> None:
    memo = PersistentScans(BlobCache(tmp_path))
    memo.scan(BODY, 1)
    memo.save()
    packed = tmp_path / FILE_NAME
    packed.write_bytes(packed.read_bytes().replace(b"shares", b"forged"))
    served = PersistentScans(BlobCache(tmp_path))
    assert served.scan(BODY, 1) == markup.scan(BODY, 1) and served.added == 1


def test_a_save_keeps_only_the_scans_the_build_used(tmp_path: Path) -> None:
    memo = PersistentScans(BlobCache(tmp_path))
    memo.scan(BODY, 1)
    memo.save()
    later = PersistentScans(BlobCache(tmp_path))
    later.scan("## Other\n\nText.\n", 1)
    later.save()
    last = PersistentScans(BlobCache(tmp_path))
    last.scan(BODY, 1)
    assert last.added == 1, "the body the last build did not use was dropped"


def test_a_check_keeps_the_scans_it_did_not_use(tmp_path: Path) -> None:
    """A build's scans of its editions' old texts outlive a check, which reads only the current ones."""
    build = PersistentScans(BlobCache(tmp_path))
    build.scan(BODY, 1)
    build.save()
    checking = PersistentScans(BlobCache(tmp_path))
    checking.scan("## Other\n\nText.\n", 1)
    checking.save(keep_unused=True)
    later = PersistentScans(BlobCache(tmp_path))
    later.scan(BODY, 1)
    assert later.added == 0


def test_a_check_after_a_build_parses_no_text_the_build_parsed(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {"water.md": agreement("Water Accord", body=BODY),
                                    "seeds.md": agreement("Seed Exchange", body="## Gifts\n\nSeeds.\n")})
    settings = site_settings(root, history=False, cache_dir=root / ".cache")
    built = compose(settings, fallback_as_of=dt.date(2024, 6, 1))
    monkeypatch.setattr(scanned_cache.markup, "scan", lambda body, line=1: pytest.fail("scanned again"))
    monkeypatch.setattr(documents, "_located_fields", lambda path, text: pytest.fail("parsed again"))
    checked = check(settings, fallback_as_of=dt.date(2024, 6, 1))
    assert checked.charter == built.load.charter
