"""Agreement bodies: clause anchors, wiki-links and what the sanitiser keeps."""

from __future__ import annotations

import pytest

from generator.source.markup import LinkTarget, clauses, render, scan, split_reference, wikilinks


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


# --- headings ---------------------------------------------------------------------------------


def test_every_heading_has_an_anchor_pinned_at_any_level_and_unique_below_the_clauses() -> None:
    body = ("# Title\n\n## Shares\n\n### Example\n\n## Duties\n\n### Example\n\n#### Example\n\n"
            "### Kept words {#old-words}\n\n### Shares\n\n## Shares\n")
    assert [(h.anchor, h.level, h.line) for h in scan(body, body_line=3).headings] == [
        ("title", 1, 3), ("shares", 2, 5), ("example", 3, 7), ("duties", 2, 9), ("example_1", 3, 11),
        ("example_2", 4, 13), ("old-words", 3, 15), ("shares_1", 3, 17), ("shares", 2, 19)]
    assert [clause.anchor for clause in clauses(body)] == ["shares", "duties", "shares"]


def test_a_heading_reads_in_the_table_of_contents_as_its_words() -> None:
    (heading,) = scan("### The *real* `deal` with [[water|the water]] and [a link](x.md) {#deal}\n").headings
    assert (heading.anchor, heading.title) == ("deal", "The real deal with the water and a link")
    (clause,) = clauses("## The _real_ deal\n")
    assert (clause.anchor, clause.title) == ("the-_real_-deal", "The _real_ deal"), "slugged as before"


def test_sub_heading_anchors_take_the_page_prefix_too() -> None:
    html = render("## Shares\n\n### Dry season\n", resolve, anchor_prefix="water--", heading_shift=2)
    assert html == '<h4 id="water--shares">Shares</h4>\n<h5 id="water--dry-season">Dry season</h5>\n'


# --- footnotes, definition lists, math and code -------------------------------------------------


def test_footnotes_have_ids_no_heading_can_have() -> None:
    body = "## Fn 1\n\nOnce[^a] and again[^a], then[^b].\n\n[^a]: The *first* note.\n[^b]: The second.\n"
    html = render(body, resolve)
    assert '<h2 id="fn-1">Fn 1</h2>' in html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1" rel="noopener noreferrer nofollow">' in html
    assert '<sup id="fnref:1:1"><a class="footnote-ref" href="#fn:1"' in html
    assert '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:1"><p>The <em>first</em> note.' in html
    assert html.count('class="footnote-backref"') == 3 and 'href="#fnref:1:1"' in html
    prefixed = render(body, resolve, anchor_prefix="water--")
    assert 'id="water--fnref:1"' in prefixed and 'href="#water--fn:2"' in prefixed
    assert 'id="fn:1"' not in prefixed


def test_definition_lists() -> None:
    html = render("Accession\n: A lot of seed.\n", resolve)
    assert html == "<dl>\n<dt>Accession</dt>\n<dd>A lot of seed.</dd>\n</dl>\n"


@pytest.mark.parametrize("markdown, html", [
    ("$a \\; b$", '<p><span class="math">$a \\; b$</span></p>'),
    ("where $$E = mc^2$$ holds", '<p>where <span class="math">$$E = mc^2$$</span> holds</p>'),
    ("$$\n\\frac{a}{b} \\\\ c_{i}^{*}\n$$", '<div class="math">$$\n\\frac{a}{b} \\\\ c_{i}^{*}\n$$</div>'),
    ("$$\nx < y\n$$ (eq1)", '<div class="math">$$\nx &lt; y\n$$ (eq1)</div>'),
    ("$</span><script>alert(1)</script>$",
     '<p><span class="math">$&lt;/span&gt;&lt;script&gt;alert(1)&lt;/script&gt;$</span></p>'),
    ("costs $5 and $10", "<p>costs $5 and $10</p>"),
    ("from $ 5 to $ 10", "<p>from $ 5 to $ 10</p>"),
    ("\\$x\\$ stays", "<p>$x$ stays</p>"),
    ("`$x$` is code", "<p><code>$x$</code> is code</p>"),
])
def test_tex_is_kept_as_written(markdown: str, html: str) -> None:
    assert render(markdown, resolve).strip() == html


@pytest.mark.parametrize("markdown, html", [
    ("```python\nx = 1\n```", '<pre><code class="language-python">x = 1\n</code></pre>'),
    ("```c++ {.numbered}\nint x;\n```", '<pre><code class="language-c++">int x;\n</code></pre>'),
    ('<code class="language-sh">ls</code>', '<p><code class="language-sh">ls</code></p>'),
    ('<code class="md-clipboard language-sh">ls</code>', "<p><code>ls</code></p>"),
    ('<pre class="language-sh">ls</pre>', "<pre>ls</pre>"),
    ('<span class="math">x</span> <span class="other">y</span>',
     '<p><span class="math">x</span> <span class="">y</span></p>'),
])
def test_code_keeps_its_language_and_nothing_else(markdown: str, html: str) -> None:
    assert render(markdown, resolve).strip() == html


# --- ids an author writes in raw HTML ------------------------------------------------------------


def test_an_id_written_in_raw_html_never_repeats_one_of_ours() -> None:
    html = render('## Shares\n\nNote.[^1]\n\n<a id="shares"></a><span id="fn:1">x</span><a id="kept"></a>\n\n'
                  "[^1]: n\n", resolve)
    assert html.count('id="shares"') == 1 and html.count('id="fn:1"') == 1 and '<a id="kept" ' in html


def test_a_forged_mark_of_ours_shows_the_raw_html_as_text() -> None:
    html = render('## Shares\n\n<div id="\ue002shares">x</div>\n', resolve)
    assert html.count('id="shares"') == 1 and "&lt;div" in html


# --- relative links -----------------------------------------------------------------------------


@pytest.mark.parametrize("href, split", [
    ("other.md", ("other.md", "")),
    ("../folder/other.md#section", ("../folder/other.md", "section")),
    ("#section", ("", "section")),
    ("my%20map.png?raw=1", ("my map.png", "")),
    ("caf%C3%A9.md#caf%C3%A9", ("café.md", "café")),
    ("https://example.org/x.md", None),
    ("mailto:a@example.org", None),
    ("/agreements/x/", None),
    ("//evil.example/x.png", None),
    ("java%09script:alert(1)", None),
    ("#", None),
])
def test_which_links_are_relative(href: str, split: tuple[str, str] | None) -> None:
    assert split_reference(href) == split


def test_relative_links_resolve_and_a_link_to_nothing_is_marked() -> None:
    body = ("See [the code](../water/code.md#shares 'Title') and\n[gone](gone.md), ![map](map.png),\n"
            "![lost](lost.png) and [out](https://example.org/).\n")
    wanted: list[tuple[str, str]] = []

    def resolve_file(target: str, fragment: str) -> str | None:
        wanted.append((target, fragment))
        return None if target.startswith(("gone", "lost")) else f"../{target}!{fragment}"

    html = render(body, resolve, resolve_file=resolve_file)
    assert wanted == [("../water/code.md", "shares"), ("gone.md", ""), ("map.png", ""), ("lost.png", "")]
    assert '<a href="../../water/code.md!shares" title="Title" rel="noopener noreferrer nofollow">the' in html
    assert '<span class="charter-link--broken">gone</span>' in html
    assert '<img src="../map.png!" alt="map">' in html and '<img alt="lost">' in html
    assert '<a href="https://example.org/"' in html
    assert [(r.target, r.fragment, r.line) for r in scan(body, body_line=4).references] == [
        ("../water/code.md", "shares", 4), ("gone.md", "", 5), ("map.png", "", 5), ("lost.png", "", 6)]


def test_links_and_images_in_raw_html_resolve_as_markdown_ones_do() -> None:
    body = ('<figure><img src="maps/basin.png" width="300" alt="Basin"></figure>\n\n'
            '<!-- <img src="old.png"> -->\n\n'
            "Inline <a href='../b/other.md#x'>raw</a>, <A HREF=gone.md>gone</A>,\n"
            '<img src="https://x.example/y.png"> and <a title="see href=x.md" href="#top">top</a>.\n')
    assert [(r.target, r.fragment, r.line) for r in scan(body, body_line=3).references] == [
        ("maps/basin.png", "", 3), ("../b/other.md", "x", 7), ("gone.md", "", 7), ("", "top", 8)]

    def resolve_file(target: str, fragment: str) -> str | None:
        return None if target == "gone.md" else f"/{target}#{fragment}"

    html = render(body, resolve, resolve_file=resolve_file)
    assert '<img src="/maps/basin.png#" width="300" alt="Basin">' in html
    assert '<a href="/../b/other.md#x" rel="noopener noreferrer nofollow">raw</a>' in html
    assert '<a rel="noopener noreferrer nofollow">gone</a>' in html
    assert '<a title="see href=x.md" href="/#top"' in html and "old.png" not in html
