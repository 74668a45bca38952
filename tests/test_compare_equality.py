"""One diff engine: in a real Chromium, the history page's comparison shows what the server shows.

The server's diff of each consecutive pair is on the page (its Changes section); for any other
pair the test computes the server's diff from the same JSON the browser reads. Both are reduced to
the same normal form by one walker in the page: per clause, its heading and each block's
(op, marks, text) runs, with the containers they stand in.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.diffs.clauses import BodyDiff, diff_clauses
from generator.diffs.match import PAIRING_LIMIT, SIMILAR, bounded_opcodes, diff_tokens
from generator.diffs.payload import readings_from_payload
from generator.diffs.reading import BLOCK, marked
from generator.diffs.render import render_body_diff_html
from tests.browser import served_site, watched_page
from tests.gitrepo import GitRepo
from tests.project import agreement, write_project
from tests.sites import mkdocs_build

pytestmark = pytest.mark.browser

MIN_VERSIONS = 20

NORMAL_FORM = """
(root) => {
  const LEAVES = new Set(["p", "th", "td", "pre", "h3", "h4", "h5", "h6", "hr"]);
  const named = (node) => node.tagName.toLowerCase() + (node.className ? "." + node.className : "");
  function words(node, op, marks, runs) {
    for (const child of node.childNodes) {
      let item = null;
      if (child.nodeType === Node.TEXT_NODE) item = [op, marks, child.data];
      else if (child.nodeType === Node.ELEMENT_NODE && child.tagName === "BR") item = [op, marks, "\\n"];
      else if (child.nodeType === Node.ELEMENT_NODE && (child.tagName === "INS" || child.tagName === "DEL")) {
        words(child, named(child), marks, runs);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        words(child, op, marks + "<" + named(child) + ">", runs);
      }
      const last = runs[runs.length - 1];
      if (item && last && last[0] === item[0] && last[1] === item[1]) last[2] += item[2];
      else if (item) runs.push(item);
    }
    return runs;
  }
  function blocks(node, found) {
    for (const child of node.children) {
      const tag = child.tagName.toLowerCase();
      if (LEAVES.has(tag)) found.push([named(child), words(child, "=", "", [])]);
      else if (child.matches("tbody, thead, .md-typeset__scrollwrap, .md-typeset__table")) {
        blocks(child, found);  // the parser's and the theme's wrappers around a table
      }
      else {
        const start = child.getAttribute("start");
        found.push("<" + named(child) + (start ? " start=" + start : ""));
        blocks(child, found);
        found.push(">");
      }
    }
    return found;
  }
  const result = [];
  for (const child of root.children) {
    if (child.matches(".charter-diff__clause")) result.push([named(child), blocks(child, [])]);
    else if (child.matches(".charter-diff__folded")) result.push(["folded", child.textContent]);
  }
  return result;
}
"""


@pytest.fixture(scope="module")
def demo_history(demo_site_dir: Path) -> Iterator[tuple[str, int]]:
    """The demo agreement with the most versions: its history page's address and version count."""
    counts = {page.parent.parent: len(list(page.parent.parent.glob("v/*/index.html")))
              for page in demo_site_dir.glob("agreements/**/history/index.html")}
    richest = max(sorted(counts), key=lambda folder: counts[folder])
    with served_site(demo_site_dir) as url:
        yield f"{url}{richest.relative_to(demo_site_dir).as_posix()}/history/", counts[richest]


def choose(page: Any, start: int, end: int) -> None:
    page.select_option(".charter-compare__form select[name=from]", str(start))
    page.select_option(".charter-compare__form select[name=to]", str(end))


def browser_form(page: Any) -> Any:
    return page.evaluate(f"({NORMAL_FORM})(document.querySelector('.charter-compare__output'))")


def server_form_on_page(page: Any, number: int) -> Any:
    return page.evaluate(f"({NORMAL_FORM})(document.getElementById('change-{number}'))")


def server_form_of(page: Any, html: str) -> Any:
    return page.evaluate(f"(html) => {{ const root = document.createElement('div'); root.innerHTML = html; "
                         f"return ({NORMAL_FORM})(root); }}", html)


def compare_pairs(page: Any, consecutive: int, wider: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Every consecutive pair against the page's own Changes, `wider` ones against the server's
    diff of the same readings; returns the pairs that showed no change."""
    payload = json.loads(page.locator(".charter-compare__versions").text_content())
    readings = readings_from_payload(payload)
    assert sorted(readings) == list(range(1, consecutive + 1))
    removed = {version["number"] for version in payload["versions"]
               if version["label"].endswith(" (removed)")}
    # The page's Changes compare a restoration with the version before the removal, as its events do.
    steps = [(max(n for n in range(1, number) if n not in removed), number)
             for number in range(2, consecutive + 1)]
    unchanged = set()
    for start, end in steps + sorted(wider):
        choose(page, start, end)
        shown = browser_form(page)
        if (start, end) in steps:
            assert shown == server_form_on_page(page, end), f"version {start} to {end}"
        else:
            diff = BodyDiff(diff_clauses(readings[start].clauses, readings[end].clauses))
            assert shown == server_form_of(page, render_body_diff_html(diff)), f"version {start} to {end}"
        if all(clause[0] == "folded" for clause in shown):
            unchanged.add((start, end))
    return unchanged


def test_the_browser_shows_the_servers_diff_for_every_pair(browser: Any,
                                                            demo_history: tuple[str, int]) -> None:
    url, versions = demo_history
    assert versions >= MIN_VERSIONS, f"the demo's richest agreement has only {versions} versions"
    wider = {(1, versions), (versions, 1), (2, versions - 1), (1, versions // 2), (versions // 3, versions),
             (versions - 1, 2)}
    with watched_page(browser) as (page, watch):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        unchanged = compare_pairs(page, versions, wider)
    assert len(unchanged) <= versions // 2, "most versions of the demo change a clause"
    assert watch.problems == []


FEATURES = [
    # Links, a list, a table, code, two clauses of one name, and a clause to be renamed.
    "Shared as in [[seed-compact|the compact]] and [[seed-compact]].\n\n"
    "## Care\n\nWe care.\n\n## Borrowing {#borrowing}\n\n- ladders\n- saws\n- *pruners*\n\n"
    "| Tool | Days |\n|---|---|\n| ladder | 7 |\n\n## Format\n\n```\nname,days\n```\n\n"
    "## Gone\n\nfirst\n\n## Gone\n\nsecond\n",
    # Renamed under a pinned anchor, re-anchored by title, an item struck and one changed, a row, a split.
    "Shared as in [[seed-compact|the compact]] and [[seed-compact]].\n\n"
    "## Care {#care-group}\n\nWe care.\n\n## Lending {#borrowing}\n\n- ladders\n- **pruners**\n\n"
    "| Tool | Days |\n|---|---|\n| ladder | 14 |\n| saw | 3 |\n\n## Format\n\n```\nname,days\n```\n\n"
    "## Gone\n\nfirst\n\n## Gone\n\nsecond. And more.\n\nA split.\n",
    # Quotes, code, scripts beyond the BMP and combining marks, one of the two Gone struck.
    "Shared as in [[seed-compact|the compact]] and [[seed-compact]].\n\n"
    "## Care {#care-group}\n\nWe care, 💧 𝔘nicode and e\u0301.\n\n> Said at the assembly.\n\n"
    "## Lending {#borrowing}\n\n- ladders\n- **pruners**\n\n| Tool | Days |\n|---|---|\n| ladder | 14 |\n\n"
    "## Format\n\n```\nname,days,keeper\n  indented\n```\n\n## Gone\n\nsecond. And more. A split.\n",
    # The same, reflowed: no visible change.
    "Shared as in [[seed-compact|the compact]]\nand [[seed-compact]].\n\n"
    "## Care {#care-group}\n\nWe care,   💧 𝔘nicode\nand e\u0301.  \n\n> Said at\n> the assembly.\n\n"
    "## Lending {#borrowing}\n\n* ladders\n* **pruners**\n\n| Tool | Days |\n|---|---|\n| ladder | 14 |\n\n"
    "## Format\n\n```\nname,days,keeper\n  indented\n```\n\n## Gone\n\nsecond. And more.\nA split.\n",
    # A retargeted link, nested and numbered lists, a rule, a sub-heading, a clause moved and one added.
    "Shared as in [[water|the compact]] and [[seed-compact#exchange]].\n\n"
    "## Format\n\n```\nname,days,keeper\n  indented\n```\n\n---\n\n### Notes\n\nKeep it short.\n\n"
    "## Care {#care-group}\n\nWe care,   💧 𝔘nicode\nand e\u0301.\n\n> Said at\n> the assembly.\n\n"
    "## Lending {#borrowing}\n\n3. ladders\n4. **pruners**\n   - with gloves\n\n"
    "## New\n\nHello <b>there</b>.\n",
]
SEED = "## Exchange\n\nSeeds are swapped in spring.\n"


@pytest.fixture(scope="module")
def features_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    seed = {"seed-compact.md": agreement("Seed Compact", body=SEED)}
    project = write_project(tmp_path_factory.mktemp("features"), seed)
    repo = GitRepo(project)
    for number, body in enumerate(FEATURES, start=1):
        repo.commit(f"Take {number}", date=f"2024-0{number}-01T10:00:00Z",
                    **{"agreements__water.md": agreement("Water", body=body)})
    repo.git("rm", "-q", "agreements/water.md")
    repo.commit("Remove it", date="2024-08-01T10:00:00Z")
    repo.commit("Restore it as the third take read", date="2024-09-01T10:00:00Z",
                **{"agreements__water.md": agreement("Water", body=FEATURES[2])})
    mkdocs_build(project)
    with served_site(project / "site") as url:
        yield url + "agreements/water/history/"


def test_renames_structure_and_odd_text_compare_the_same_in_the_browser(browser: Any,
                                                                         features_history: str) -> None:
    count = len(FEATURES) + 2  # and a removal, and a restoration of the third text
    numbers = range(1, count + 1)
    every_pair = {(start, end) for start in numbers for end in numbers if start != end}
    with watched_page(browser) as (page, watch):
        page.goto(features_history)
        page.wait_for_load_state("networkidle")
        same = {(3, 4), (3, count), (4, count)}
        assert compare_pairs(page, count, every_pair) == same | {(end, start) for start, end in same}, \
            "the reflow is no visible change, nor the restoration against the text it restores"
        removal = page.locator(f"#change-{count - 1}").text_content()
        assert "preamble removed" in removal, "a removal removes the whole text"
        choose(page, 3, 4)
        assert "No visible change" in page.locator(".charter-compare__output").text_content()
        choose(page, 1, 2)
        assert page.locator(".charter-compare__output h3 del").all_text_contents() == ["Borrowing"]
    assert watch.problems == []


WORDS = ["the", "water", " ", " ", ",", "\n", "share", marked("e", "share"), marked("s", " "), "\n\n"]
BLOCKS = [BLOCK + "p", BLOCK + "ul+ li+ p", BLOCK + "ul li+ p", BLOCK + "q+ p"]


def random_tokens(rng: random.Random, blocks: bool) -> list[str]:
    tokens = [rng.choice(BLOCKS)] if blocks else []
    for _ in range(rng.randrange(0, 60)):
        tokens.append(rng.choice(BLOCKS) if blocks and rng.random() < 0.1 else rng.choice(WORDS))
    return tokens


def test_the_ported_matcher_gives_difflibs_opcodes(browser: Any, demo_history: tuple[str, int]) -> None:
    """Random token lists, with budgets small enough to take the fallback paths too."""
    rng = random.Random(7)
    cases = []
    for number in range(600):
        a, b = random_tokens(rng, number % 2 == 1), random_tokens(rng, number % 2 == 1)
        if number % 5 == 0:
            b = a[: len(a) // 2] + b[:5] + a[len(a) // 2:]  # mostly equal, as amendments are
        cases.append((a, b, rng.choice([8_000_000, 400, 60, 5])))
    with watched_page(browser) as (page, _):
        page.goto(demo_history[0])
        page.wait_for_load_state("networkidle")
        ported = page.evaluate(
            "(cases) => cases.map(([a, b, budget]) => [window.charterCompare.boundedOpcodes(a, b, budget),"
            " window.charterCompare.diffTokens(a, b, budget).map((s) => [s.op, s.tokens])])", cases)
        assert page.evaluate("window.charterCompare.limits") == {"pairing": PAIRING_LIMIT, "similar": SIMILAR}
    for (a, b, budget), (opcodes, segments) in zip(cases, ported, strict=True):
        assert [tuple(code) for code in opcodes] == bounded_opcodes(a, b, budget), (a, b, budget)
        assert [(op, tuple(tokens)) for op, tokens in segments] == [
            (segment.op, segment.tokens) for segment in diff_tokens(a, b, budget)], (a, b, budget)
