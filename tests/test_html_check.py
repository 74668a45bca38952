"""The Nu HTML checker (`vnu-jar`, on the machine's Java) over one page of each type of a demo charter and
of the sample charter: no error may come from the project's templates or content.

The theme's own errors are listed in THEME_ERRORS, each with the reason it is left; any other error fails.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.checkers import pages_of_each_type, vnu_command


@dataclass(frozen=True)
class ThemeError:
    """An error of the theme's own markup: its message and the markup it points at, as regexes."""

    message: str
    extract: str
    reason: str


THEME_ERRORS = (
    ThemeError(r"Attribute “autocomplete” is only allowed when the input type is",
               r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox"',
               "mkdocs-material's base.html sets autocomplete=off on its drawer and search toggles, so that "
               "Firefox does not restore them checked; fixing it means copying the whole base template"),
    ThemeError(r"The value of the “for” attribute of the “label” element must be the ID of a non-hidden",
               r'<label class="md-nav__title" for="__toc">',
               "mkdocs-material's nav.html points at its table-of-contents toggle, which it leaves out of a "
               "page whose table of contents is empty or hidden"),
    ThemeError(r"Bad value “” for attribute “tabindex” on element “label”",
               r'<label class="md-nav__link" for="__nav_[\d_]+" id="__nav_[\d_]+_label" tabindex="">',
               "mkdocs-material's nav-item.html writes an empty tabindex on the label of a section of the "
               "navigation (with navigation.tabs, on a page inside a section); fixing it means copying it"),
)


def theme_error(message: dict[str, str]) -> ThemeError | None:
    for known in THEME_ERRORS:
        extract = message.get("extract", "")
        if re.search(known.message, message["message"]) and re.search(known.extract, extract):
            return known
    return None


def html_files(site: Path, *, every: bool = True, site_name: str = "demo") -> list[Path]:
    """The file behind each page type (the search results are the home page, checked once)."""
    pages = pages_of_each_type(site, every=every, site_name=site_name)
    paths = {re.split(r"[?#]", path)[0] for path in pages.values()}
    return sorted(site / (path + "index.html" if path.endswith("/") or not path else path) for path in paths)


BROKEN = """<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><h2 id="shares">Shares</h2><p id="shares">An id twice, as a template might write it.</p></body></html>
"""


def test_no_html_error_comes_from_the_project(demo_site_dir: Path, sample_site_dir: Path,
                                              renamed_site_dir: Path, tmp_path: Path) -> None:
    command = vnu_command()
    files = [*html_files(demo_site_dir), *html_files(sample_site_dir, every=False),
             *html_files(renamed_site_dir, site_name="renamed")]
    # A page with an error of our kind shows that the checker runs and the allowlist lets it through.
    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN, encoding="utf-8")
    result = subprocess.run([*command, "--errors-only", "--format", "json", *map(str, files), str(broken)],
                            capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stderr)["messages"]
    assert result.returncode == 1, "the broken page fails the checker"
    ours = [message for message in messages if theme_error(message) is None]
    caught = [message for message in ours if message["url"].endswith("/broken.html")]
    assert [message["message"] for message in caught] == ["Duplicate ID “shares”."]
    found = [f"{message['url']}:{message.get('lastLine')}: {message['message']}\n"
             f"  {message.get('extract', '')}"
             for message in ours if message not in caught]
    assert found == [], "\n".join(found)


def test_every_page_type_is_checked(demo_site_dir: Path) -> None:
    """One file per page type; only the search results share theirs (the home page)."""
    files = html_files(demo_site_dir)
    assert len(files) == len(pages_of_each_type(demo_site_dir)) - 1
    assert all(path.is_file() for path in files)
