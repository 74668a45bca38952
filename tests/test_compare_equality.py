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
      } else if (child.nodeType === Node.ELEMENT_NODE) words(child, op, marks + "<" + named(child) + ">", runs);
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
      else if (tag === "tbody" || tag === "thead") blocks(child, found);
      else {
        found.push("<" + named(child) + (child.getAttribute("start") ? " start=" + child.getAttribute("start") : ""));
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


def test_the_browser_shows_the_servers_diff_for_every_pair(browser: Any, demo_history: tuple[str, int]) -> None:
    url, versions = demo_history
    assert versions >= MIN_VERSIONS, f"the demo's richest agreement has only {versions} versions"
    with watched_page(browser) as (page, watch):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        payload = json.loads(page.locator(".charter-compare__versions").text_content())
        readings = readings_from_payload(payload)
        assert sorted(readings) == list(range(1, versions + 1))
        compared = 0
        for number in range(2, versions + 1):
            choose(page, number - 1, number)
            shown = browser_form(page)
            assert shown == server_form_on_page(page, number), f"version {number - 1} to {number}"
            compared += 1
        assert compared == versions - 1
        wider = {(1, versions), (versions, 1), (2, versions - 1), (1, versions // 2), (versions // 3, versions),
                 (versions - 1, 2)}
        for start, end in sorted(wider):
            choose(page, start, end)
            diff = BodyDiff(diff_clauses(readings[start].clauses, readings[end].clauses))
            assert browser_form(page) == server_form_of(page, render_body_diff_html(diff)), f"{start} to {end}"
        assert any(isinstance(block, list) and any(run[0] != "=" for run in block[1])
                   for clause in browser_form(page) if clause[0] != "folded" for block in clause[1]), \
            "the last comparison shows changes"
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
