"""axe-core on one page of each type of a demo charter (and of the sample charter), in a real Chromium;
with what the pages must show a reader who cannot rely on colour, a mouse or a screen, and pictures.

Each page is left in `.screenshots/` as it looks (`page-<type>-light.png`, 1280 px wide), on a phone
(`page-<type>-phone.png`, 390 px) and printed (`page-<type>-print.png`, print media emulated).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import SCREENSHOTS, served_site, watched_page
from tests.checkers import axe_script, pages_of_each_type, types_in

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
"""The axe-core impacts that fail a page; "minor" and "moderate" ones are printed, not failed."""
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
TALLEST = 6000
"""Screenshots stop this many pixels down: the composite charter runs to tens of thousands."""


STAYING = [page_type.name for page_type in types_in("demo") if not page_type.moves_on]
"""The demo's page types that a reader stays on (a redirect is checked apart, see below)."""


@pytest.fixture(scope="module")
def demo(demo_site_dir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with served_site(demo_site_dir) as url:
        yield url, pages_of_each_type(demo_site_dir)


def open_page(browser: Any, url: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if "?q=" in url:
        page.locator(".md-search-result__item").first.wait_for()
    return page


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of the page as it stands (WCAG 2.x A and AA rules and best practices)."""
    page.add_script_tag(content=axe_script())
    violations: list[dict[str, Any]] = page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " "))}));
    }""")
    return violations


def blocking(violations: list[dict[str, Any]]) -> list[str]:
    return [f"{v['impact']} {v['id']} ({v['help']}) on {len(v['nodes'])} elements, such as {v['nodes'][0]}"
            for v in violations if v["impact"] in BLOCKING]


def full_screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    height = min(page.evaluate("document.documentElement.scrollHeight"), TALLEST)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": height})


@pytest.mark.parametrize("page_type", STAYING)
def test_axe_finds_no_serious_violation(browser: Any, demo: tuple[str, dict[str, str]],
                                        page_type: str) -> None:
    url, pages = demo
    page = open_page(browser, url + pages[page_type], DESKTOP)
    try:
        found = blocking(axe_violations(page))
        full_screenshot(page, f"page-{page_type}-light")
        page.emulate_media(media="print")
        full_screenshot(page, f"page-{page_type}-print")
    finally:
        page.context.close()
    assert found == [], f"/{pages[page_type]}"


@pytest.mark.parametrize("page_type", STAYING)
def test_every_page_fits_a_phone(browser: Any, demo: tuple[str, dict[str, str]], page_type: str) -> None:
    """On a phone the page scrolls down, never sideways: wide tables stack their rows."""
    url, pages = demo
    page = open_page(browser, url + pages[page_type], PHONE)
    try:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        wide = page.evaluate("""() => [...document.querySelectorAll(".md-typeset table")]
            .filter(table => table.scrollWidth > table.clientWidth + 1)
            .map(table => table.className + ": " + table.scrollWidth + " > " + table.clientWidth)""")
        full_screenshot(page, f"page-{page_type}-phone")
    finally:
        page.context.close()
    assert overflow <= 0
    assert wide == [], "a table a reader would have to scroll sideways"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_old_version_looks_like_the_site_and_leads_home(browser: Any, demo: tuple[str, dict[str, str]],
                                                           viewport: dict[str, int]) -> None:
    """A version's light page: the same header bar and the same column as its history page, the site's
    name (the first thing a keyboard reaches) leading home, and no drawer to open."""
    url, pages = demo
    version = open_page(browser, url + pages["version"], viewport)
    history = open_page(browser, url + pages["history"], viewport)
    try:
        looks = """() => [getComputedStyle(document.querySelector(".md-header")).backgroundColor,
            getComputedStyle(document.querySelector("article h1")).fontFamily,
            document.querySelector("article h1").getBoundingClientRect().left]"""
        assert version.evaluate(looks) == history.evaluate(looks)
        version.keyboard.press("Tab")
        focused = version.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.href]")
        assert focused == ["Demo Charter", url]
        assert version.locator(".md-header .charter-header__home").is_visible()
        assert version.locator(".md-header label[for=__drawer], .md-sidebar, .md-tabs, .md-search").count() == 0
        assert history.locator(".md-header label[for=__drawer]").count() == 1, "the history keeps its drawer"
    finally:
        version.context.close()
        history.context.close()


@pytest.mark.parametrize("page_type", [page_type.name for page_type in types_in("renamed")])
def test_axe_finds_nothing_serious_on_a_redirect(browser: Any, renamed_site_dir: Path,
                                                 page_type: str) -> None:
    """A redirect is read by axe as it was written, less its refresh and script, which would move on."""
    path = pages_of_each_type(renamed_site_dir, site_name="renamed")[page_type]
    written = (renamed_site_dir / path / "index.html").read_text(encoding="utf-8")
    staying = re.sub(r"<script>.*?</script>|<meta http-equiv=\"refresh\"[^>]*>", "", written)
    assert staying != written and "refresh" not in staying
    with served_site(renamed_site_dir) as url:
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        try:
            page.route(url + path, lambda route: route.fulfill(body=staying, content_type="text/html"))
            page.goto(url + path)
            assert page.url == url + path
            found = blocking(axe_violations(page))
            full_screenshot(page, f"page-{page_type}-light")
        finally:
            context.close()
    assert found == []


def test_the_sample_charter_passes_axe_too(browser: Any, sample_site_dir: Path) -> None:
    """The repository's own mkdocs.yml (its palette, its tabs), on every page type the sample has."""
    pages = pages_of_each_type(sample_site_dir, every=False)
    assert {"home", "agreement", "history", "changes", "renewals"} <= set(pages)
    found: dict[str, list[str]] = {}
    with served_site(sample_site_dir) as url:
        for page_type, path in pages.items():
            page = open_page(browser, url + path, DESKTOP)
            try:
                if problems := blocking(axe_violations(page)):
                    found[page_type] = problems
            finally:
                page.context.close()
    assert found == {}


def contrast(page: Any, selector: str) -> list[float]:
    """WCAG contrast of each element's text against the nearest opaque background behind it."""
    ratios: list[float] = page.evaluate("""selector => {
        const rgb = text => text.match(/[\\d.]+/g).map(Number);
        const luminance = ([r, g, b]) => [r, g, b].map(c => c / 255)
            .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
            .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
        const background = element => {
            for (let node = element; node; node = node.parentElement) {
                const colour = rgb(getComputedStyle(node).backgroundColor);
                if (colour.length < 4 || colour[3] === 1) return colour.slice(0, 3);
            }
            return [255, 255, 255];
        };
        return [...document.querySelectorAll(selector)].map(element => {
            const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background(element))];
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        });
    }""", selector)
    return ratios


def test_status_and_review_say_in_words_what_their_colour_says(
        browser: Any, demo: tuple[str, dict[str, str]]) -> None:
    url, _ = demo
    page = open_page(browser, url + "renewals/", DESKTOP)
    try:
        flags = page.locator(".charter-flag").all_inner_texts()
        assert flags and set(flags) <= {"OVERDUE", "DUE SOON"}, "the word, not only the colour"
        assert min(contrast(page, ".charter-flag")) >= 4.5
        page.goto(url + "agreements/")
        badges = page.locator(".charter-status")
        words = {re.sub(r"\s+", " ", text.lower()) for text in badges.all_inner_texts()}
        statuses = {"draft", "proposed", "in force", "lapsed", "superseded", "withdrawn"}
        assert len(words) >= 3 and words <= statuses
        assert min(contrast(page, ".charter-status")) >= 4.5
    finally:
        page.context.close()


def test_links_in_running_text_are_underlined(browser: Any, demo: tuple[str, dict[str, str]]) -> None:
    url, pages = demo
    page = open_page(browser, url + pages["agreement"], DESKTOP)
    try:
        lines = page.evaluate("""() => [...document.querySelectorAll(".md-typeset p a, .md-typeset dd a")]
            .map(a => getComputedStyle(a).textDecorationLine)""")
    finally:
        page.context.close()
    assert lines and set(lines) == {"underline"}


def heard_change(page: Any) -> None:
    """The first change of the page with both an insertion and a deletion reads each as such."""
    change = page.locator(".charter-change").filter(has=page.locator("ins")).filter(
        has=page.locator("del")).first
    inserted, deleted = change.locator("ins").first, change.locator("del").first
    heard = re.sub(r"\s+", " ", change.aria_snapshot().replace('"', ""))
    assert re.search(r"\[inserted: " + re.escape(inserted.inner_text().strip()) + r" ?\]", heard), heard
    assert re.search(r"\[deleted: " + re.escape(deleted.inner_text().strip()) + r" ?\]", heard), heard
    assert "inserted" not in inserted.evaluate("ins => ins.innerText"), "the words are heard, not seen"


def test_diffs_are_announced_as_insertions_and_deletions(
        browser: Any, demo: tuple[str, dict[str, str]]) -> None:
    """What a screen reader reads of a change: the words inserted and deleted, each said to be so."""
    url, pages = demo
    page = open_page(browser, url + pages["history"], DESKTOP)
    try:
        heard_change(page)
        page.select_option(".charter-compare__form select[name=from]", "1")
        assert page.locator(".charter-compare__output ins").count() > 0
        assert page.locator(".charter-compare__output ins").first.evaluate(
            "ins => getComputedStyle(ins, '::before').content") == '" [inserted: "'
        page.goto(url + pages["clauses"])
        heard_change(page)
    finally:
        page.context.close()


def test_printed_pages_say_what_they_are(browser: Any, demo_site_dir: Path,
                                        demo: tuple[str, dict[str, str]]) -> None:
    """On paper: the version, the build's date (not on a past version's page), the edition and the address;
    tables break across pages."""
    url, pages = demo
    editions = sorted(path.parent.name for path in demo_site_dir.glob("editions/*/index.html"))
    latest = editions[-1]
    page = open_page(browser, url + pages["agreement"], DESKTOP)
    try:
        stamp = page.locator(".charter-print-stamp")
        assert not stamp.is_visible(), "on screen the page says it otherwise"
        page.emulate_media(media="print")
        words = stamp.inner_text()
        assert re.fullmatch(r"Version \d+ of \d{4}-\d\d-\d\d\. (It reads as at the|The) latest edition, "
                            + re.escape(latest) + r"[.,].* Built as of 2026-01-01\.", words), words
        address = page.locator(".charter-printed").inner_text()
        assert address == f"Printed from {url}{pages['agreement']}"

        expected = {"composite": f"The latest edition is {latest}.",
                    "edition": f"Edition {pages['edition'].split('/')[1]}, tagged on ",
                    "version": "Version 2, "}
        for page_type, said in expected.items():
            page.goto(url + pages[page_type])
            words = page.locator(".charter-print-stamp").inner_text()
            # A past version's words do not change with the build's date, so its stamp names none.
            dated = page_type != "version" or "(the current text)" in words
            assert said in words and words.endswith(" Built as of 2026-01-01.") == dated, words
            assert page.locator(".charter-printed").is_visible()

        page.goto(url + pages["history"])
        tables = page.evaluate("""() => [...document.querySelectorAll("table")].map(table =>
            [getComputedStyle(table).breakInside, getComputedStyle(table).display])""")
        assert tables and all(inside != "avoid" and display == "table" for inside, display in tables)
    finally:
        page.context.close()
    assert "Built as of" not in (demo_site_dir / "search" / "search_index.json").read_text(encoding="utf-8")


def test_the_renewals_chart_tells_its_bars_apart_without_colour(
        browser: Any, demo: tuple[str, dict[str, str]]) -> None:
    """Each kind of bar has its own colour and fill (plain, hatched, dotted), and the legend names it."""
    url, pages = demo
    page = open_page(browser, url + pages["renewals"], DESKTOP)
    try:
        bars = page.evaluate("""() => Object.fromEntries(["adopted", "amended", "renewed"].map(kind => {
            const bar = document.querySelector(`.charter-year-chart__bar--${kind}`);
            return [kind, [bar.getAttribute("stroke"), bar.getAttribute("fill")]];
        }))""")
        legend = page.locator("svg.charter-year-chart > text").all_text_contents()
    finally:
        page.context.close()
    colours, fills = {colour for colour, _ in bars.values()}, {fill for _, fill in bars.values()}
    assert len(colours) == len(fills) == 3
    assert sum(fill.startswith("url(#") for fill in fills) == 2, "two patterned, one plain"
    assert {"Adoptions", "Amendments", "Renewals"} <= set(legend)


def test_with_site_url_the_printed_address_is_written_at_build(renamed_site_dir: Path) -> None:
    """With `site_url` the address a printed page names needs no script: the build knows it."""
    page = (renamed_site_dir / "agreements" / "water-commons" / "index.html").read_text(encoding="utf-8")
    assert ('<p class="charter-printed">Printed from <span class="charter-printed__address">'
            "https://charter.example.org/valley/agreements/water-commons/</span></p>") in page
