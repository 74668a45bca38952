"""The outside checkers the tests run on built sites, and the one page of each type they check.

axe-core (accessibility) and the Nu HTML checker (`vnu-jar`) come from the npm registry, pinned in
`package.json` and `package-lock.json` and installed into `node_modules/` by `npm ci` (`make test` runs
it). Without them the checks skip, unless CHARTER_REQUIRE_BROWSER=1 (as in CI), when they fail.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from tests.project import REPO_ROOT

NODE_MODULES = REPO_ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


@dataclass(frozen=True)
class PageType:
    """A kind of page, found in a built site as the first file (in path order) that `pattern` matches.

    `query` is appended to the page's URL (the search results are the home page with `?q=`; the as-of
    page shows the date after `#`). `site` names the built site that has such pages: the demo has every
    type but the redirects, which the small charter of `renamed_site_dir` has. `moves_on`: the page
    sends the reader on at once (a redirect).
    """

    name: str
    pattern: str
    query: str = ""
    site: str = "demo"
    moves_on: bool = False


# One line per page type: a new kind of page is checked (axe-core, the Nu HTML checker, screenshots)
# once it has a line here. The agreement pages are those of the demo's richest history (see `richest`).
PAGE_TYPES = [
    PageType("home", "index.html"),
    PageType("composite", "charter/index.html"),
    PageType("agreements", "agreements/index.html"),
    PageType("agreement", "agreements/{richest}/index.html"),
    PageType("history", "agreements/{richest}/history/index.html"),
    PageType("version", "agreements/{richest}/v/2/index.html"),
    PageType("clauses", "agreements/{richest}/clauses/index.html"),
    PageType("as-of", "as-of/index.html", query="#2015-06-01"),
    PageType("as-of-year", "as-of/*/index.html"),
    PageType("status", "status/index.html"),
    PageType("levels", "levels/index.html"),
    PageType("changes", "changes/index.html"),
    PageType("renewals", "renewals/index.html"),
    PageType("consent", "consent/index.html"),
    PageType("editions", "editions/index.html"),
    PageType("edition", "editions/*/index.html"),
    PageType("as-of", "as-of/index.html"),
    PageType("as-of-year", "as-of/[0-9]*/index.html"),
    PageType("themes", "themes/index.html"),
    PageType("theme", "themes/*/index.html"),
    PageType("parties", "parties/index.html"),
    PageType("party", "parties/*/index.html"),
    PageType("party-consents", "parties/*/consents/index.html"),
    PageType("search", "index.html", query="?q=water"),
    PageType("404", "404.html"),
    PageType("redirect", "agreements/water/index.html", site="renamed", moves_on=True),
]


def richest(site: Path) -> str:
    """The id of the agreement with the most versions (ties broken by id), whose pages show the most."""
    histories = sorted(site.glob("agreements/**/history/index.html"),
                       key=lambda page: (-len(list(page.parent.parent.glob("v/*"))), page.as_posix()))
    return histories[0].parent.parent.relative_to(site / "agreements").as_posix()


def types_in(site_name: str) -> list[PageType]:
    return [page_type for page_type in PAGE_TYPES if page_type.site == site_name]


def pages_of_each_type(site: Path, *, every: bool = True, site_name: str = "demo") -> dict[str, str]:
    """Each page type's name → its page's path in the site, relative, ending in `/` for `index.html`.

    With `every`, each type of `site_name` must have a page; else types without one are left out.
    """
    found: dict[str, str] = {}
    agreement = richest(site)
    for page_type in types_in(site_name):
        matches = sorted(site.glob(page_type.pattern.format(richest=agreement)))
        if not matches and not every:
            continue
        assert matches, f"no {page_type.name} page ({page_type.pattern}) in the built site"
        path = matches[0].relative_to(site).as_posix()
        found[page_type.name] = path.removesuffix("index.html") + page_type.query
    return found


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CHARTER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CHARTER_REQUIRE_BROWSER=1 but {reason}; run `npm ci` (as `make test` does)",
                    pytrace=False)
    pytest.skip(reason)


def axe_script() -> str:
    """axe-core's one file, to inject into a page."""
    if not AXE.is_file():
        _unavailable(f"axe-core is not installed ({AXE.relative_to(REPO_ROOT)} is missing)")
    return AXE.read_text(encoding="utf-8")


def vnu_command() -> list[str]:
    """The Nu HTML checker, run on the machine's Java."""
    java = shutil.which("java")
    if java is None:
        _unavailable("no java on PATH for the Nu HTML checker")
    if not VNU.is_file():
        _unavailable(f"vnu-jar is not installed ({VNU.relative_to(REPO_ROOT)} is missing)")
    return [java, "-jar", str(VNU)]
