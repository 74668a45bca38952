"""Hostile input: nothing injected, nothing lost, no traceback, no hang.

Each case of the corpus is a file in tests/hostile/ with its expected outcome in
tests/hostile/cases.toml: either the exact problems `load_charter` reports (as `charter check`
prints them), or a build, from a two-commit git history, whose every page passes `findings()`
below and whose agreement page still holds the harmless text around the attack.

The HTML checks parse the output (html.parser) rather than search it for strings: the attack's
words may stay as text ("&lt;script&gt;alert(1)"), but no element, attribute or URL it wanted
may be there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator.compose import BuildOutput, compose
from generator.diffs.payload import readings_from_payload
from generator.diffs.reading import NOTES_ANCHOR, plain_text
from generator.source.loader import load_charter
from generator.checks.problems import Problem
from generator.settings import Settings
from tests.gitrepo import GitRepo
from tests.project import REPO_ROOT, write_project

CORPUS = Path(__file__).resolve().parent / "hostile"
AS_OF = dt.date(2026, 1, 1)
ATOM = "{http://www.w3.org/2005/Atom}"
AMENDMENT = "\n\n## Amended later\n\nA later clause.\n"

# --- what must never reach a page -------------------------------------------------------------

FORBIDDEN_TAGS = frozenset(
    "iframe object embed frame frameset applet base meta link style template math textarea "
    "input button param source video audio foreignobject animate set use image".split()
)
THEME_TAGS = frozenset({"input", "button"})
"""The theme's own search and palette controls, in whole pages; the core's fragments hold none."""
TEMPLATE_CONTROLS = frozenset({("input", "charter-asof-date")})
"""The one control a core fragment holds: the as-of page's date picker, from its template, not from any text."""
URL_ATTRIBUTES = frozenset("href src action formaction xlink:href data poster background srcset cite".split())
FORBIDDEN_ATTRIBUTES = frozenset({"srcdoc", "http-equiv", "formaction"})
BAD_SCHEME = re.compile(r"(javascript|vbscript|data):")
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


class _Scan(HTMLParser):
    def __init__(self, theme: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.theme = theme
        self.in_body = not theme
        self.found: list[str] = []
        self.ids: Counter[str] = Counter()
        self.script: dict[str, str] | None = None
        self.script_text: list[str] = []
        self.json_scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "body":
            self.in_body = True
        if tag == "script":
            self.script, self.script_text = values, []
        elif (tag in FORBIDDEN_TAGS and self.in_body and not (self.theme and tag in THEME_TAGS)
              and (tag, values.get("id")) not in TEMPLATE_CONTROLS):
            self.found.append(f"<{tag}> element")
        for name, value in values.items():
            plain = INVISIBLE.sub("", value).lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=> event handler")
            if name in FORBIDDEN_ATTRIBUTES:
                self.found.append(f"<{tag} {name}=> attribute")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(plain):
                self.found.append(f"<{tag} {name}={value!r}> URL")
            if name == "style" and ("url(" in plain or "expression" in plain):
                self.found.append(f"<{tag} style={value!r}> style")
            if "evil.example" in plain:
                self.found.append(f"<{tag} {name}={value!r}> off-site address")
            if name == "id":
                self.ids[value] += 1
                if value.startswith("_") and not self.theme:
                    self.found.append(f"<{tag} id={value!r}> theme id")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self.script is None:
            return
        attributes, text = self.script, "".join(self.script_text)
        self.script = None
        if attributes.get("type") == "application/json":
            self.json_scripts.append(text)
        elif not self.theme:
            self.found.append(f"<script> element: {text[:60]!r}")
        elif "src" in attributes:
            if re.match(r"([a-z]+:)?//", attributes["src"]):
                self.found.append(f"<script src={attributes['src']!r}> off-site script")
        elif re.search(r"alert|confirm|prompt|evil\.example", text):
            self.found.append(f"<script> element: {text[:60]!r}")


def scan(html: str, *, theme: bool = False) -> _Scan:
    scanner = _Scan(theme)
    scanner.feed(html)
    scanner.close()
    return scanner


def findings(html: str, *, theme: bool = False) -> list[str]:
    """What in `html` could run a script, load from elsewhere or clobber the theme's DOM.

    Page fragments from the core allow no script but the JSON data the history page embeds;
    `theme=True` (whole pages from MkDocs) also allows the theme's own head and local scripts.
    """
    scanner = scan(html, theme=theme)
    found = list(scanner.found)
    for text in scanner.json_scripts:
        try:
            json.loads(text)
        except ValueError:
            found.append(f"embedded JSON does not parse: {text[:60]!r}")
    found += [f"id {name!r} given {count} times" for name, count in scanner.ids.items()
              if count > 1 and name.startswith("_")]
    return found


def feed_findings(data: bytes) -> list[str]:
    """A feed must parse as XML and hold Atom elements only: titles and summaries stay text."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return [f"feed does not parse: {error}"]
    return [f"foreign element {element.tag}" for element in root.iter() if not element.tag.startswith(ATOM)]


# --- the corpus -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    target: str
    """Where the file goes, relative to agreements/."""
    expect: str
    """"ok", or the exact problems, each as Problem.format() prints it."""
    present: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    """Texts the agreement page holds exactly so many times (for inputs too large to spell out)."""
    page: str = ""
    repeat: dict[str, Any] = field(default_factory=dict)
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"
    link: str = ""

    @property
    def ok(self) -> bool:
        return self.expect == "ok"

    def text(self, suffix: str = "") -> str:
        text = (CORPUS / f"{self.name}.md").read_text(encoding="utf-8")
        if self.repeat:
            text = text.replace("@@REPEAT@@", self.repeat["text"] * self.repeat["count"])
        return text + suffix

    def data(self, suffix: str = "") -> bytes:
        data = self.text(suffix).replace("\n", self.newline).encode(self.encoding)
        return b"\xef\xbb\xbf" + data if self.bom else data


def _cases() -> list[Case]:
    table = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))
    cases = []
    for entry in table["case"]:
        entry = dict(entry)
        name = entry.pop("name")
        expect = entry.pop("expect", None) or entry.pop("problems").strip("\n")
        cases.append(Case(name, entry.pop("as", f"{name}.md"), expect,
                          present=tuple(entry.pop("present", ())),
                          page=entry.pop("page", f"agreements/{name}/"), **entry))
    return cases


CASES = _cases()


def settings(root: Path) -> Settings:
    return Settings(root, root / "agreements", root / "charter", REPO_ROOT / "site_overrides" / "charter",
                    as_of=AS_OF)


def place(case: Case, root: Path, suffix: str = "") -> None:
    """Write (or rewrite) the case's file where the case says: in agreements/, or outside behind a link."""
    path = root / "agreements" / case.target
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if case.link == "outside":
        outside = root.parent / "outside" / f"{case.name}.md"
        outside.parent.mkdir(exist_ok=True)
        outside.write_bytes(case.data(suffix))
        path.symlink_to(outside)
    elif case.link == "self":
        path.symlink_to(path.name)
    else:
        path.write_bytes(case.data(suffix))


def formatted(problems: tuple[Problem, ...]) -> str:
    return "\n".join(problem.format() for problem in problems)


COMMIT_SCRIPT = "</script><script>alert(0)</script><img src=x onerror=alert(0)>"
"""In every commit subject and author name: history tables, the changes page and feeds show them."""


def build(case: Case, root: Path) -> BuildOutput:
    """The case's file committed, then amended with one more clause: two versions of history."""
    write_project(root, {})
    repo = GitRepo(root)
    author = f"{COMMIT_SCRIPT} <x@example.org>"
    place(case, root)
    repo.commit(f"Propose {case.name} {COMMIT_SCRIPT}", date="2024-01-10T10:00:00Z", author=author)
    place(case, root, AMENDMENT)
    repo.commit(f"Amend {case.name} {COMMIT_SCRIPT}", date="2024-06-01T10:00:00Z", author=author)
    return compose(settings(root), fallback_as_of=AS_OF)


def page_html(output: BuildOutput, url: str) -> str:
    assert output.site is not None
    pages = {page.url: page.html for page in output.site.pages}
    assert url in pages, f"no page {url}"
    return pages[url]


@pytest.mark.parametrize("case", [case for case in CASES if not case.ok], ids=lambda case: case.name)
def test_a_hostile_file_is_reported_exactly(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As `charter check` reports it, and as a build does, which reads the file's git history too."""
    monkeypatch.chdir(tmp_path)
    root = write_project(tmp_path / "project", {})
    place(case, root)
    assert formatted(load_charter(settings(root), AS_OF).problems) == case.expect
    GitRepo(root).commit(f"Propose {case.name}", date="2024-01-10T10:00:00Z")
    output = compose(settings(root), fallback_as_of=AS_OF)
    assert formatted(output.load.problems) == case.expect
    assert not list(tmp_path.rglob("hostile-pwned")), "a YAML tag ran a command"
    if output.load.errors:
        assert output.site is None
    else:
        check_pages(case, output)


def check_pages(case: Case, output: BuildOutput) -> None:
    """Nothing injected anywhere, and the agreement's own page holds the harmless text around the attack."""
    assert output.site is not None
    for page in output.site.pages:
        assert findings(page.html) == [], page.url
    assert findings(output.site.home_html) == []
    for asset in output.site.assets:
        if asset.path.endswith(".json"):  # the JSON Schemas under api/: whatever an id holds stays a string
            assert isinstance(json.loads(asset.content), dict), asset.path
        else:
            assert feed_findings(asset.content) == [], asset.path
    if case.page:
        html = page_html(output, case.page)
        for text in case.present:
            assert text in html, text
        assert {text: html.count(text) for text in case.counts} == case.counts


@pytest.mark.parametrize("case", [case for case in CASES if case.ok], ids=lambda case: case.name)
def test_a_hostile_file_builds_with_nothing_injected_and_nothing_lost(case: Case, tmp_path: Path) -> None:
    output = build(case, tmp_path / "project")
    assert formatted(output.load.problems) == ""
    check_pages(case, output)
    if not case.page:
        assert [a.id for a in output.load.charter.agreements] == [], "the file is not read"
        return
    html = page_html(output, case.page)
    assert "\r" not in html and "\ufeff" not in html
    (agreement,) = output.load.charter.agreements
    history = page_html(output, f"{case.page}history/")
    (versions,) = scan(history).json_scripts
    readings = readings_from_payload(json.loads(versions))
    assert sorted(readings) == [1, 2], "the comparison holds both versions, as read"
    amended = [clause for clause in readings[2].clauses if clause.anchor != NOTES_ANCHOR]
    assert [clause.anchor for clause in amended[1:]] == [clause.anchor for clause in agreement.clauses]
    assert (amended[-1].title, plain_text(amended[-1].tokens)) == ("Amended later", "A later clause.")


def test_every_file_of_the_corpus_is_a_case() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert sorted(path.stem for path in CORPUS.glob("*.md")) == sorted(names)


# --- the script vectors of the front matter, wherever the title and summary go ---------------

FRONT_MATTER_SCRIPT = next(case for case in CASES if case.name == "front-matter-script")
TITLE = "</title><script>alert(1)</script>"
SUMMARY = "</script><script>alert(2)</script><!-- <svg onload=alert(3)>"


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> BuildOutput:
    return build(FRONT_MATTER_SCRIPT, tmp_path_factory.mktemp("scripted") / "project")


def texts_of(html: str, tag: str) -> list[str]:
    """The text of every `tag` element, entities decoded: what a reader sees."""
    found: list[str] = []

    class Texts(HTMLParser):
        depth = 0

        def handle_starttag(self, name: str, attrs: Any) -> None:
            if name == tag:
                self.depth += 1
                found.append("")

        def handle_endtag(self, name: str) -> None:
            if name == tag and self.depth:
                self.depth -= 1

        def handle_data(self, data: str) -> None:
            if self.depth:
                found[-1] += data

    parser = Texts(convert_charrefs=True)
    parser.feed(html)
    return found


def test_the_title_stays_text_on_the_agreement_page(scripted: BuildOutput) -> None:
    html = page_html(scripted, "agreements/front-matter-script/")
    assert texts_of(html, "h1") == [TITLE]
    assert SUMMARY in [text.strip() for text in texts_of(html, "p")]
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_title_stays_text_in_the_timeline_svg(scripted: BuildOutput) -> None:
    html = page_html(scripted, "agreements/front-matter-script/history/")
    assert f"Timeline of {TITLE}" in texts_of(html, "title")
    assert '<title id="timeline-title">Timeline of &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>' in html


def test_the_history_json_cannot_close_its_script_element(scripted: BuildOutput) -> None:
    html = page_html(scripted, "agreements/front-matter-script/history/")
    (embedded,) = scan(html).json_scripts
    assert "</" not in embedded and "<!--" not in embedded
    preamble, shares, _ = (plain_text(clause.tokens) for clause in readings_from_payload(json.loads(embedded))[2].clauses)
    assert "</script><script>alert(4)</script>" in preamble
    assert "<!-- </script> -->" in shares


def test_the_title_and_summary_stay_text_in_every_page(scripted: BuildOutput) -> None:
    assert scripted.site is not None
    pages = [page for page in scripted.site.pages if "Script" in page.html or "script" in page.html]
    assert len(pages) > 5
    for page in scripted.site.pages:
        assert findings(page.html) == [], page.url
        assert "<script>alert" not in page.html and "<svg onload" not in page.html, page.url


def test_the_title_stays_text_in_the_feeds(scripted: BuildOutput) -> None:
    assert scripted.site is not None
    feeds = {asset.path: ET.fromstring(asset.content) for asset in scripted.site.assets
             if asset.path.endswith(".xml")}
    assert set(feeds) == {"feed.xml", "agreements/front-matter-script/feed.xml"}
    own = feeds["agreements/front-matter-script/feed.xml"]
    assert own.findtext(f"{ATOM}title") == f"{TITLE}: changes"
    titles = [entry.findtext(f"{ATOM}title") for entry in own.iter(f"{ATOM}entry")]
    assert titles and all(title is not None and title.startswith(f"{TITLE}: ") for title in titles)
    assert all(feed_findings(asset.content) == [] for asset in scripted.site.assets if asset.path.endswith(".xml"))


# --- a real MkDocs build of every case that builds ---------------------------------------------


def test_a_real_mkdocs_build_of_every_buildable_case(tmp_path: Path) -> None:
    """One `mkdocs build --strict` of all buildable cases at once: whole pages, theme and search index."""
    root = write_project(tmp_path / "project", {})
    repo = GitRepo(root)
    buildable = [case for case in CASES if case.ok and case.name not in {"long-line", "html-nesting-bomb"}]
    for case in buildable:
        place(case, root)
    repo.commit("Propose them all", date="2024-01-10T10:00:00Z")
    for case in buildable:
        place(case, root, AMENDMENT)
    repo.commit("Amend them all", date="2024-06-01T10:00:00Z")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    site = root / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 3 * len(buildable)
    for path in pages:
        assert findings(path.read_text(encoding="utf-8"), theme=True) == [], path.relative_to(site)
    for path in site.rglob("*.xml"):
        if path.name == "feed.xml":
            assert feed_findings(path.read_bytes()) == [], path.relative_to(site)
    for case in buildable:
        if case.page:
            assert (site / case.page / "index.html").is_file(), case.page
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for document in search["docs"]:
        assert "<script>alert" not in document["title"] + document["text"], document["location"]


# --- the checks themselves catch what they must ------------------------------------------------


@pytest.mark.parametrize("html", [
    "<p>x</p><script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href=" jav&#x61;script:alert(1)">x</a>',
    '<a href="data:text/html,x">x</a>',
    '<iframe srcdoc="x"></iframe>',
    '<div id="__drawer">x</div>',
    '<script type="application/json">{"a": "</script><script>alert(1)</script>',
    '<svg><title>Timeline of </title><script>alert(1)</script></title></svg>',
    '<p style="background:url(https://evil.example/x)">x</p>',
])
def test_the_checker_sees_each_kind_of_injection(html: str) -> None:
    assert findings(html) != []


def test_the_checker_passes_escaped_text() -> None:
    assert findings("<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=alert(1) javascript:alert(1)</p>") == []
