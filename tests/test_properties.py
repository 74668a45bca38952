"""Properties over generated agreements: loading never raises, and what builds carries no script.

Front matter mixes the known fields with junk keys and every kind of YAML value (text with
quotes, colons, `---` and any script, numbers, dates real and impossible, lists flow and block,
broken syntax); bodies mix headings, pinned anchors, [[links]], lists, quotes, code and raw HTML
taken from the hostile corpus's vectors. Each example is a fresh project in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.model import Charter
from generator.source.loader import LoadResult, load_charter
from generator.pages import Site, build_site
from generator.settings import Settings
from generator.vocabulary import KNOWN_FIELDS, LEVELS, STATUSES
from tests.project import REPO_ROOT, agreement, write_project
from tests.test_hostile import findings, scan

# A generated `&anchor` may repeat; ruamel warns and goes on, which is all that matters here.
pytestmark = pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")

AS_OF = dt.date(2026, 1, 1)
EXAMPLES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- front matter -----------------------------------------------------------------------------

TRICKY_TEXT = ["---", "...", "a: b", "#", "'", '"', "- x", "[x]", "{x}", "&a", "*a", "!!str", "|", ">",
               "</script>", "<script>alert(1)</script>", "\u2028", "\ufeff", "TODO: x", "ⓦⓐⓣⓔⓡ", "水", "💧"]
texts = st.one_of(st.text(max_size=30), st.sampled_from(TRICKY_TEXT),
                  st.lists(st.sampled_from(TRICKY_TEXT), max_size=4).map(" ".join))
ids = st.one_of(st.sampled_from(["water", "river-collective", "valley-farmers", "seed-network",
                                 "nature-diversity", "nope", "x"]), st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True))
dates = st.one_of(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)).map(str),
                  st.sampled_from(["2020-02-30", "2020-13-01", "0000-01-01", "2020-1-1", "yesterday"]))


def _scalar(text: str, style: str) -> str:
    if style == "plain":
        return text.replace("\n", " ")
    if style == "double":
        return json.dumps(text)
    return "'" + text.replace("'", "''").replace("\n", " ") + "'"


scalars = st.one_of(
    st.builds(_scalar, texts, st.sampled_from(["plain", "double", "single"])),
    st.integers(-10**6, 10**6).map(str), st.floats(allow_nan=True).map(str),
    st.sampled_from(["true", "false", "null", "~", "", "[]", "{}", "[[x]]", "!!python/object:os.system x",
                     "&anchor x", "*anchor", "|\n  two\n\n  paragraphs", ">\n  folded\n  text"]),
    dates, st.sampled_from(STATUSES + LEVELS),
)
flow_lists = st.lists(st.one_of(ids, scalars), max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
block_lists = st.lists(st.one_of(ids, scalars), min_size=1, max_size=4).map(
    lambda items: "".join(f"\n  - {item}" for item in items))
values = st.one_of(scalars, flow_lists, block_lists)
keys = st.one_of(st.sampled_from(sorted(KNOWN_FIELDS)), st.from_regex(r"[a-zA-Z_][\w-]{0,10}", fullmatch=True),
                 st.sampled_from(["<<", "? x", "- x", "'quoted key'", "title "]))
VALID = {"title": "Generated", "status": "draft", "parties": "[river-collective]"}


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    """Mostly a valid core with generated fields on top, so that many examples go on to build."""
    fields = dict(VALID) if draw(st.integers(0, 3)) else {}
    for key, value in draw(st.lists(st.tuples(keys, values), max_size=3)):
        fields[key] = value
    lines = [f"{key}: {value}" for key, value in fields.items()]
    if not draw(st.integers(0, 4)):
        lines += draw(st.lists(st.sampled_from(["", "# a comment", "  indented: x", "\t- tab", "---", "key"]),
                               max_size=2))
    closing = draw(st.sampled_from(["---"] * 8 + ["...", ""]))
    return "---\n" + "\n".join(lines) + f"\n{closing}\n"


# --- bodies -----------------------------------------------------------------------------------

RAW_HTML = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>',
    '<a href="data:text/html,x">x</a>', "<svg onload=alert(1)><script>alert(2)</script></svg>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>', "<style>p{}</style>", "<style>", "<script>",
    "<!--", "-->", "<textarea>", "<template>", "<form><input></form>", "<object data=x></object>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">', "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<div>", "</div>", "<b>", "</b>",
    '<p id="__drawer" title="x onclick=y">t</p>', '<td style="background:url(x)">', "<table><tr><td>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "</p>", "<br>",
]
def body_strategy(targets: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Markdown bodies whose [[links]] name `targets`."""
    links = st.builds(lambda i, a, l: f"[[{i}{'#' + a if a else ''}{'|' + l if l else ''}]]", targets,
                      st.sampled_from(["", "", "purpose", "shares", "x-y"]), st.sampled_from(["", "words", "<b>"]))
    inline = st.one_of(
        st.text(max_size=20), st.sampled_from(RAW_HTML), links,
        st.sampled_from(["*em*", "**strong**", "`code`", "[l](https://example.org)", "[j](javascript:alert(1))",
                         "![i](x.png)", "<https://example.org>", "&amp;", "&#x3c;script&#x3e;", "\\*", "{#anchor}",
                         "[^1]", "[^__drawer]", "^[inline <b onclick=x>note</b>]", "$x \\; y$", "$</span><script>$",
                         "[r](water.md#shares)", "[r](../../x.md)", "[r](#purpose)", "![i](../x.svg)",
                         '<a id="fn:1">x</a>', '<p id="shares">x</p>', '<code class="language-x onclick">c</code>']),
    )
    lines = st.lists(inline, min_size=1, max_size=5).map(" ".join)
    blocks = st.one_of(
        lines,
        st.builds(lambda t, a: f"## {t}{' {#' + a + '}' if a else ''}", lines,
                  st.sampled_from(["", "pinned", "__drawer"])),
        lines.map(lambda text: "> " + text), lines.map(lambda text: "- " + text),
        lines.map(lambda text: "1. " + text), lines.map(lambda text: f"```\n{text}\n```"),
        lines.map(lambda text: "    " + text), st.sampled_from(RAW_HTML), st.just("---"),
        st.just("| a | b |\n|---|:-:|\n| 1 | 2 |"),
        st.builds(lambda t, a: f"### {t}{' {#' + a + '}' if a else ''}", lines, st.sampled_from(["", "shares", "fn"])),
        lines.map(lambda text: f"[^1]: {text}"), lines.map(lambda text: f"Term\n: {text}"),
        lines.map(lambda text: f"$$\n{text}\n$$"), lines.map(lambda text: f"```py {text}\nx\n```"),
    )
    return st.lists(blocks, min_size=1, max_size=8).map("\n\n".join)


bodies = body_strategy(ids)
linked_bodies = body_strategy(st.sampled_from(["water", "x"]))


# --- the properties ---------------------------------------------------------------------------


def load(text: str, root: Path) -> tuple[LoadResult, Settings]:
    write_project(root, {"x.md": text, "water.md": agreement("Water", body="## Purpose\n\nTo share.\n\n## Shares\n\nx\n")})
    options = Settings(root, root / "agreements", root / "charter", REPO_ROOT / "site_overrides" / "charter")
    return load_charter(options, AS_OF), options


def check_site(site: Site, charter: Charter) -> None:
    for page in site.pages:
        assert "<script" not in page.html, page.url
        assert findings(page.html) == [], page.url
    assert findings(site.home_html) == []
    pages = {page.url: page.html for page in site.pages}
    for agreement in charter.agreements:  # whatever raw HTML a body holds, each heading keeps its anchor, once
        ids = scan(pages[agreement.url]).ids  # parsed: raw HTML shown as text holds `id="..."` as words
        assert all(ids[heading.anchor] == 1 for heading in agreement.headings), agreement.path


def check_problems(result: LoadResult, text: str) -> None:
    """Every problem names a file and a line of it, in one line plus its help."""
    last_line = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 2  # a lone CR ends a line too
    for problem in result.problems:
        assert problem.path.startswith("agreements/") or problem.path.startswith("charter/"), problem
        assert 1 <= problem.line <= last_line, problem
        message = problem.format().split("\n")
        assert len(message) <= 2 and (len(message) == 1 or message[1].startswith("  help: ")), problem


@EXAMPLES
@given(front_matters(), bodies)
def test_any_agreement_loads_or_is_reported_and_builds_without_script(front: str, body: str) -> None:
    text = front + body
    with tempfile.TemporaryDirectory() as folder:
        result, options = load(text, Path(folder))
        check_problems(result, text)
        event("built" if not result.errors else "reported: " + min(p.code for p in result.errors))
        if not result.errors:
            check_site(build_site(result.charter, options, AS_OF), result.charter)


@EXAMPLES
@given(linked_bodies, st.sampled_from(["draft", "in-force"]), texts.filter(str.strip))
def test_any_body_under_valid_front_matter_builds_without_script(body: str, status: str, title: str) -> None:
    """The same, with front matter that is valid, so that nearly every body reaches the pages."""
    text = agreement(json.dumps(title), status=status, body=body, summary=json.dumps(title))
    with tempfile.TemporaryDirectory() as folder:
        result, options = load(text, Path(folder))
        check_problems(result, text)
        event("built" if not result.errors else "reported: " + min(p.code for p in result.errors))
        if not result.errors:
            check_site(build_site(result.charter, options, AS_OF), result.charter)
