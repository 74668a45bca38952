"""Agreement bodies: clause anchors, wiki-links and what the sanitiser keeps."""

from __future__ import annotations

import pytest

from generator.source.markup import LinkTarget, clauses, render, wikilinks


def resolve(target: str, anchor: str) -> LinkTarget | None:
    if target != "water":
        return None
    return LinkTarget(f"../{target}/" + (f"#{anchor}" if anchor else ""), target.title())


def test_clause_anchors_come_from_words_or_are_pinned() -> None:
    body = "Intro.\n\n## Water shares\n\nText.\n\n## New wording {#old-anchor}\n\n```\n## not a clause\n```\n"
    assert [(c.anchor, c.title, c.line) for c in clauses(body, body_line=5)] == [
        ("water-shares", "Water shares", 7), ("old-anchor", "New wording", 11)]


def test_wiki_links_resolve_and_carry_their_line() -> None:
    body = "See [[water]] and\n[[water#shares|the shares]], not [[nowhere]]."
    assert [(link.target, link.anchor, link.line) for link in wikilinks(body, body_line=3)] == [
        ("water", "", 3), ("water", "shares", 4), ("nowhere", "", 4)]
    html = render(body, resolve)
    assert '<a class="charter-link" href="../water/"' in html
    assert '<a class="charter-link charter-link--clause" href="../water/#shares"' in html
    assert '<span class="charter-link--broken">nowhere</span>' in html


@pytest.mark.parametrize("markdown, kept, removed", [
    ("![x](https://tracker.example/p.png)", '<img alt="x">', "tracker.example"),
    ('<img src="//tracker.example/p.png">', "<img>", "tracker.example"),
    ("![local](images/map.png)", '<img src="images/map.png" alt="local">', "<script"),
])
def test_images_load_only_from_the_site_itself(markdown: str, kept: str, removed: str) -> None:
    html = render(markdown, resolve)
    assert kept in html and removed not in html


def test_a_trusted_charter_keeps_raw_html() -> None:
    assert "<script>" in render("<script>x()</script>", resolve, trusted_html=True)
    assert "<script>" not in render("<script>x()</script>", resolve)
