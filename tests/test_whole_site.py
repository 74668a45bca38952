"""Every page of the sample charter and of a 40-agreement demo: unique ids, no wiki-link markup shown,
and every internal link and fragment leads somewhere."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.links import broken_links
from tests.sites import DEMO_AGREEMENTS


class _Page(HTMLParser):
    """The ids a page declares and the text a reader sees (scripts and styles are not read)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.text: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(value or "" for name, value in attrs if name == "id")
        self.hidden += tag in {"script", "style"}

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in {"script", "style"} and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def check_site(site: Path) -> dict[str, Any]:
    pages = sorted(site.rglob("*.html"))
    duplicates: dict[str, list[str]] = {}
    markup_shown: list[str] = []
    histories = 0
    for path in pages:
        page = read_page(path)
        repeated = sorted(name for name, count in Counter(page.ids).items() if count > 1)
        if repeated:
            duplicates[path.relative_to(site).as_posix()] = repeated
        if path.parent.name == "history":
            histories += 1
            if "[[" in "".join(page.text):
                markup_shown.append(path.relative_to(site).as_posix())
    return {"pages": len(pages), "histories": histories, "duplicates": duplicates,
            "markup_shown": markup_shown}


@pytest.mark.parametrize("which", ["sample", "demo"])
def test_no_page_repeats_an_id_and_no_history_shows_link_markup(which: str,
                                                                  request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue("sample_site_dir" if which == "sample" else "demo_site_dir")
    found = check_site(site)
    assert found["duplicates"] == {}
    assert found["markup_shown"] == []
    assert found["histories"] >= (DEMO_AGREEMENTS if which == "demo" else 16)
    assert found["pages"] > found["histories"] * 2, "version pages are read too"


@pytest.mark.parametrize("which", ["sample", "demo"])
def test_every_internal_link_of_every_page_leads_somewhere(which: str,
                                                            request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue("sample_site_dir" if which == "sample" else "demo_site_dir")
    assert (site / "as-of" / "index.html").is_file() and list(site.glob("as-of/[0-9]*/index.html"))
    assert broken_links(site) == []


def test_the_check_would_catch_a_repeated_id_and_shown_markup(tmp_path: Path) -> None:
    history = tmp_path / "agreements" / "water" / "history"
    history.mkdir(parents=True)
    (history / "index.html").write_text(
        '<section id="v2-shares"></section><section id="v2-shares"><p>See [[water|the accord]].</p></section>'
        '<script type="application/json">{"tokens":[["[["]]}</script>', encoding="utf-8")
    found = check_site(tmp_path)
    assert found["duplicates"] == {"agreements/water/history/index.html": ["v2-shares"]}
    assert found["markup_shown"] == ["agreements/water/history/index.html"]
