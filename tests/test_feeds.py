"""Atom feeds from a real git history: ids, dates, order, escaping, links and byte-identical output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import pytest

from generator.pages.feeds import Links, build_feeds, clean, feed_identity, feed_xml, timestamp
from generator.urls import FEED as FEED_PATH
from generator.pages.changes import charter_changes
from generator.pages.site import Asset
from tests.gitrepo import GitRepo
from tests.golden import assert_golden
from tests.project import agreement, mkdocs_yml, write_project
from tests.test_changes import AS_OF, HOSTILE, Built, _isolated_git, make_history, read_built

__all__ = ["_isolated_git"]  # the autouse fixture applies here too

A = "{http://www.w3.org/2005/Atom}"
TAG = "tag:charter,2000:the-charter/agreements/"
"""Without `site_url` or `feed_id`, ids are named by the charter's title (here the default, "The Charter")."""
SITE_URL = "https://example.org/charter"


@pytest.fixture
def built(git_repo: GitRepo) -> Built:
    make_history(git_repo)
    return read_built(git_repo.root)


def feeds(built: Built, site_url: str | None = None, feed_id: str | None = None) -> dict[str, bytes]:
    return {asset.path: asset.content for asset in build_feeds(built.charter, built.histories, AS_OF,
                                                               site_url=site_url, feed_id=feed_id)}


def entries(data: bytes) -> list[tuple[str, str, str, str]]:
    root = ET.fromstring(data)
    return [(e.findtext(f"{A}id", ""), e.findtext(f"{A}updated", ""), e.findtext(f"{A}title", ""),
             e.findtext(f"{A}author/{A}name", "")) for e in root.iter(f"{A}entry")]


def test_charter_feed_lists_committed_changes_newest_first(built: Built) -> None:
    data = feeds(built)[FEED_PATH]
    root = ET.fromstring(data)
    assert root.tag == f"{A}feed"
    assert root.findtext(f"{A}id") == "tag:charter,2000:the-charter/feed"
    assert root.findtext(f"{A}updated") == "2023-05-05T12:00:00Z"
    assert entries(data) == [
        (f"{TAG}seeds/v/2/adopted", "2023-05-05T12:00:00Z", f"{HOSTILE}: Adopted", "Mallory"),
        (f"{TAG}old/v/1/proposed", "2022-01-20T12:00:00Z", "Old Deal: Proposed", "Ana Example"),
        (f"{TAG}old/v/1/adopted", "2022-01-20T12:00:00Z", "Old Deal: Adopted", "Ana Example"),
        (f"{TAG}water/v/4/renewed", "2022-01-20T12:00:00Z", "Water Accord: Renewed", "Ana Example"),
        (f"{TAG}water/v/3/amended", "2021-03-05T12:00:00Z", "Water Accord: Amended", "Ana Example"),
        (f"{TAG}water/v/2/adopted", "2021-02-01T12:00:00Z", "Water Accord: Adopted", "Ana Example"),
        (f"{TAG}seeds/v/1/proposed", "2021-01-10T12:00:00Z", f"{HOSTILE}: Proposed", "Ana Example"),
        (f"{TAG}water/v/1/proposed", "2021-01-10T12:00:00Z", "Water Accord: Proposed", "Ana Example"),
    ]


def test_every_agreement_with_a_history_has_a_feed(built: Built) -> None:
    found = feeds(built)
    assert sorted(found) == ["agreements/loose/feed.xml", "agreements/old/feed.xml", "agreements/seeds/feed.xml",
                             "agreements/water/feed.xml", FEED_PATH]
    water = ET.fromstring(found["agreements/water/feed.xml"])
    assert water.findtext(f"{A}id") == "tag:charter,2000:the-charter/agreements/water/feed"
    assert [e[0] for e in entries(found["agreements/water/feed.xml"])] == [
        f"{TAG}water/v/{n}/{kind}" for n, kind in ((4, "renewed"), (3, "amended"), (2, "adopted"), (1, "proposed"))]
    loose = ET.fromstring(found["agreements/loose/feed.xml"])  # only uncommitted: no entry, dated as of
    assert loose.findall(f"{A}entry") == [] and loose.findtext(f"{A}updated") == "2024-06-01T00:00:00Z"


def test_feeds_are_byte_identical_across_builds(built: Built) -> None:
    again = read_built(built.root)
    assert feeds(built) == feeds(again)
    assert feeds(built, SITE_URL) == feeds(again, SITE_URL)
    assert built.site().assets == again.site().assets


def test_untrusted_text_is_only_ever_escaped(built: Built) -> None:
    for data in feeds(built).values():
        assert b"<script" not in data
    charter = feeds(built)[FEED_PATH]
    assert charter.count(b"&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # two titles and one commit subject
    summaries = [e.findtext(f"{A}summary") for e in ET.fromstring(charter).iter(f"{A}entry")]
    assert summaries[0] == f"Adopted (from proposed) in version 2. Commit: {HOSTILE}"
    assert all(e.get("type") == "text" for e in ET.fromstring(charter).iter(f"{A}summary"))


def test_characters_xml_cannot_carry_are_replaced(built: Built) -> None:
    change = charter_changes(built.charter, built.histories, committed_only=True)[0]
    assert change.version.revision is not None
    revision = dataclasses.replace(change.version.revision, message="bell \x07 and \udc80 byte", author_name="A\x00")
    odd = dataclasses.replace(change, version=dataclasses.replace(change.version, revision=revision))
    data = feed_xml(FEED_PATH, "tag:x,2000:y", "T", "changes/", [odd], "C", AS_OF, Links(None))
    entry = ET.fromstring(data).find(f"{A}entry")
    assert entry is not None
    assert entry.findtext(f"{A}summary", "").endswith("Commit: bell \ufffd and \ufffd byte")
    assert entry.findtext(f"{A}author/{A}name") == "A\ufffd"
    assert clean("tab\tnew\nline") == "tab\tnew\nline"


def _links(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return [link.get("href", "") for link in root.iter(f"{A}link")]


def test_links_are_absolute_under_site_url(built: Built) -> None:
    found = feeds(built, SITE_URL + "/")
    root = ET.fromstring(found["agreements/water/feed.xml"])
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") is None
    assert _links(found["agreements/water/feed.xml"])[:4] == [
        f"{SITE_URL}/agreements/water/feed.xml", f"{SITE_URL}/agreements/water/history/",
        f"{SITE_URL}/agreements/water/history/#change-4", f"{SITE_URL}/agreements/water/v/4/",
    ]


@pytest.mark.parametrize("path", [FEED_PATH, "agreements/water/feed.xml"])
def test_relative_links_resolve_from_the_site_root_through_xml_base(built: Built, path: str) -> None:
    data = feeds(built)[path]
    base = ET.fromstring(data).get("{http://www.w3.org/XML/1998/namespace}base")
    assert base is not None
    root = urljoin(f"{SITE_URL}/{path}", base)
    assert root == f"{SITE_URL}/"
    resolved = [urljoin(root, href) for href in _links(data)]
    assert resolved[0] == f"{SITE_URL}/{path}"
    assert f"{SITE_URL}/agreements/water/history/#change-3" in resolved


def test_build_site_carries_the_feeds(built: Built) -> None:
    assets = built.site(SITE_URL).assets
    assert next(asset.path for asset in assets) == FEED_PATH
    assert all(isinstance(asset, Asset) for asset in assets)


def test_water_feed_matches_golden(built: Built) -> None:
    assert_golden("feeds/water.xml", feeds(built)["agreements/water/feed.xml"].decode("utf-8"))


@pytest.mark.parametrize(("site_url", "feed_id", "identity"), [
    (None, None, "the-charter"),
    (SITE_URL + "/", None, "example.org/charter"),
    ("https://other.example/", None, "other.example"),
    (SITE_URL, "river-charter", "river-charter"),  # set to keep the ids when the site moves
    (None, "a charter/with odd:chars", "a%20charter/with%20odd%3Achars"),
])
def test_entry_ids_carry_the_charters_own_identity(built: Built, site_url: str | None, feed_id: str | None,
                                                   identity: str) -> None:
    assert feed_identity(built.charter.title, site_url, feed_id) == identity
    ids = [entry[0] for entry in entries(feeds(built, site_url, feed_id)[FEED_PATH])]
    assert ids[0] == f"tag:charter,2000:{identity}/agreements/seeds/v/2/adopted"


def test_the_plugin_option_names_the_charter(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    from generator.engine.config import settings_for

    root = write_project(tmp_path, {}, config=(
        "site_name: T\ndocs_dir: charter\nplugins:\n  - charter:\n      feed_id: river-charter\n"))
    config = load_config(str(root / "mkdocs.yml"))
    assert settings_for(config, config.plugins["charter"].config).feed_id == "river-charter"


def test_two_charters_never_share_an_entry_id(built: Built) -> None:
    ours = {entry[0] for entry in entries(feeds(built, SITE_URL)[FEED_PATH])}
    theirs = {entry[0] for entry in entries(feeds(built, "https://other.example/charter")[FEED_PATH])}
    named = {entry[0] for entry in entries(feeds(built, feed_id="river-charter")[FEED_PATH])}
    assert len(ours) == len(theirs) == len(named) == 8
    assert not ours & theirs and not ours & named and not theirs & named


def test_timestamps_are_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    assert timestamp(dt.datetime(2021, 5, 1, 1, 30, tzinfo=paris)) == "2021-04-30T23:30:00Z"
    assert timestamp(dt.date(2021, 5, 1)) == "2021-05-01T00:00:00Z"


def test_mkdocs_build_writes_the_feeds_under_site_url_and_links_them(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", {"water.md": agreement("Water Accord")},
                            config=mkdocs_yml() + f"site_url: {SITE_URL}/\n")
    GitRepo(project).commit("Write the charter", date="2025-06-01T10:00:00Z")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=env, check=False,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert _links((site / "agreements" / "water" / "feed.xml").read_bytes())[0] == \
        f"{SITE_URL}/agreements/water/feed.xml"
    assert entries((site / FEED_PATH).read_bytes())[0][0] == "tag:charter,2000:example.org/charter/agreements/water/v/1/proposed"
    head = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="Test Charter: recent changes" ' \
           'href="../feed.xml">' in head
    assert (site / "renewals" / "index.html").is_file()
