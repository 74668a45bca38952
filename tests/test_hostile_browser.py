"""In a real Chromium: a malicious agreement, built by a real `mkdocs build --strict`, runs nothing.

Every page that shows the agreement is opened with alert, confirm, prompt and print replaced by
recorders (in every frame) and a dialog handler as a second net; the history page's comparison
is driven through its selects. Nothing may be recorded, no dialog may open, the page may not
navigate away, and no request may leave 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import served_site, watched_page
from tests.gitrepo import GitRepo
from tests.project import write_project
from tests.sites import mkdocs_build

pytestmark = pytest.mark.browser

TITLE = "</title><script>alert(1)</script>"
SUMMARY = "</script><script>alert(2)</script><!-- <svg onload=alert(3)>"
FRONT_MATTER = f"""\
---
title: "{TITLE}"
status: in-force
adopted: 2020-03-01
review_by: 2030-03-01
parties: [river-collective, valley-farmers]
themes: [nature-diversity]
summary: "{SUMMARY}"
---
"""
# Images point at a path of the site (`/x`), which no relative-link check follows: a strict build
# stays quiet, and a surviving `onerror` would fire all the same.
BODY = """\
The parties agree <img src=/x onerror=alert(4)> as [the record](javascript:alert(5)) shows,
<a href="javascript:alert(6)">signed</a> and <a href=" jav&#x61;script:alert(7)">sealed</a>.

<svg onload=alert(8)><script>alert(9)</script><animate onbegin=alert(10) attributeName=x dur=1s></svg>

<iframe srcdoc="<script>parent.alert(11)</script>" src="javascript:alert(12)"></iframe>

<meta http-equiv="refresh" content="0;url=https://evil.example/">

## Shares

</script><script>alert(13)</script> Each household takes two buckets.

<math><mtext><table><mglyph><style><img src=/x onerror=alert(14)></style></mglyph></table></mtext></math>

<details open ontoggle=alert(15)><summary>Annex</summary>By season.</details>

<object data="javascript:alert(16)"></object><embed src="javascript:alert(17)">

<form action="javascript:alert(18)"><button>Send</button></form>
"""
AMENDED = BODY + """
## Disputes

<noscript><p title="</noscript><img src=/x onerror=alert(19)>"></noscript> Talk first.
"""

RECORDERS = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  const record = (...args) => { (window.top.__xss || window.__xss).push(name + ":" + args.join(" ")); };
  try { window[name] = record; } catch (error) {}
}
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = write_project(tmp_path_factory.mktemp("hostile-browser"), {})
    repo = GitRepo(project)
    repo.commit("Propose </script><script>alert(20)</script>", date="2024-01-10T10:00:00Z",
                **{"agreements__malicious.md": FRONT_MATTER + BODY})
    repo.commit("Amend <img src=x onerror=alert(21)>", date="2024-06-01T10:00:00Z",
                **{"agreements__malicious.md": FRONT_MATTER + AMENDED})
    mkdocs_build(project)
    with served_site(project / "site") as url:
        yield url


def visit(browser: Any, url: str, act: Any = None) -> None:
    """Open `url` with the recorders in place, let every handler fire, and check nothing ran."""
    with watched_page(browser) as (page, watch):
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))
        page.add_init_script(RECORDERS)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if act is not None:
            act(page)
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__xss") == "object", "the recorders were installed"
        assert page.evaluate("window.__xss") == [], url
        assert dialogs == [], url
        assert page.url == url, "the page navigated away"
        assert page.locator("iframe, object, embed, svg[onload], meta[http-equiv]").count() == 0, url
    assert watch.foreign_requests == [], url
    assert [error for error in watch.console_errors if error.startswith("page error")] == [], url


def test_the_agreement_page_runs_nothing(browser: Any, hostile_site: str) -> None:
    def read(page: Any) -> None:
        assert page.title() == f"{TITLE} - Test Charter"
        assert page.locator("h1").first.text_content() == TITLE
        assert page.locator(".charter-summary").text_content() == SUMMARY
        assert "Each household takes two buckets." in page.locator("article").text_content()

    visit(browser, hostile_site + "agreements/malicious/", read)


def test_the_history_page_and_its_comparison_run_nothing(browser: Any, hostile_site: str) -> None:
    def compare(page: Any) -> None:
        assert page.locator("svg.charter-timeline title").first.text_content() == f"Timeline of {TITLE}"
        assert page.locator(".charter-compare__form").is_visible(), "the comparison script ran"
        for start, end in ((1, 2), (2, 1), (1, 1), (2, 2), (1, 2)):
            page.select_option(".charter-compare__form select[name=from]", str(start))
            page.select_option(".charter-compare__form select[name=to]", str(end))
        output = page.locator(".charter-compare__output")
        assert "alert(19)" in output.text_content(), "the added text is shown as text"
        assert output.locator("script, img, noscript, p[title]").count() == 0

    visit(browser, hostile_site + "agreements/malicious/history/", compare)


@pytest.mark.parametrize("path", ["agreements/malicious/v/1/", "agreements/malicious/v/2/", "charter/", "",
                                  "changes/", "agreements/", "themes/nature-diversity/",
                                  "parties/river-collective/"])
def test_every_page_that_shows_it_runs_nothing(browser: Any, hostile_site: str, path: str) -> None:
    visit(browser, hostile_site + path)


def test_the_recorders_would_catch_a_script(browser: Any, hostile_site: str) -> None:
    """The net itself holds: a page that does call alert is caught by the recorders."""
    with watched_page(browser) as (page, _):
        page.add_init_script(RECORDERS)
        page.goto(hostile_site + "agreements/malicious/")
        page.evaluate("alert('caught')")
        assert page.evaluate("window.__xss") == ["alert:caught"]
