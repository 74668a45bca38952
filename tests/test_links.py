"""The site link checker of tests/links.py sees each way a link can lead nowhere, and no more."""

from __future__ import annotations

from pathlib import Path

from tests.links import broken_links, repeated_ids


def write_site(root: Path, pages: dict[str, str]) -> Path:
    for name, html in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    return root


def test_each_kind_of_broken_link_is_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "index.html": '<h1 id="top">Home</h1><a href="a/">a</a><a href="a/#shares">s</a>',
        "a/index.html": (
            '<h2 id="shares">Shares</h2><a name="old-name"></a>'
            '<a href="../">home</a><a href="#shares">here</a><a href="#old-name">named</a>'
            '<a href="../b/">missing page</a><a href="#nowhere">missing id</a>'
            '<a href="../index.html#top">file and id</a><a href="../../../etc/passwd">out</a>'
            '<img src="map.png"><img src="../a/map%20two.png"><a href="./other.md">source link</a>'
            '<a href="https://example.org/x">elsewhere</a><a href="mailto:a@example.org">mail</a>'
            '<a href="/a/#caf%C3%A9">encoded id</a><h3 id="café">Café</h3>'
        ),
        "a/map.png": "",
    })
    assert broken_links(site) == [
        "a/index.html: ../b/ (no file b/index.html)",
        "a/index.html: #nowhere (no id 'nowhere' on the page)",
        "a/index.html: ../../../etc/passwd (no file etc/passwd)",
        "a/index.html: ../a/map%20two.png (no file a/map two.png)",
        "a/index.html: ./other.md (no file a/other.md)",
    ]


def test_a_site_whose_links_all_resolve_passes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"index.html": '<a href="a/#x">a</a>',
                                          "a/index.html": '<p id="x">x</p>'})
    assert broken_links(site) == []


def test_ids_given_twice_on_one_page(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "index.html": '<h2 id="x">x</h2><p id="x">again</p><a id="y" name="y"></a>',
        "other/index.html": '<p id="x">once here</p>',
    })
    assert repeated_ids(site) == ["index.html: 'x' ×2"]


def test_a_page_that_reads_its_fragment_accepts_what_it_declares(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "as-of/index.html": '<div data-fragment-pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}"></div>'
                            '<h2 id="years">Y</h2>',
        "index.html": '<a href="as-of/#2015-06-01">day</a><a href="as-of/#years">years</a>'
                      '<a href="as-of/#2015-06">month</a><a href="as-of/#x2015-06-01">not a day</a>',
    })
    assert broken_links(site) == ["index.html: as-of/#2015-06 (no id '2015-06' on the page)",
                                  "index.html: as-of/#x2015-06-01 (no id 'x2015-06-01' on the page)"]
