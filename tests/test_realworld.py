"""Real-world Markdown, end to end: agreements written as laws, policies and standards are (long
clauses, nested lists, tables, quotes, code in many languages, footnotes, definition lists, TeX,
`TODO:` in prose, comments and code, relative links across folders to `###` sections, an image and
a PDF beside them, a file deleted and restored), committed over six years, built by a real
`mkdocs build --strict`, then every internal link and fragment of every page followed.

The corpus is tests/realworld/: project/ holds the files as they stand at the last commit,
earlier/ the older texts, and history.toml the commits that lead from one to the other.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.links import broken_links, repeated_ids
from tests.project import mkdocs_yml

CORPUS = Path(__file__).resolve().parent / "realworld"
Built = tuple[Path, subprocess.CompletedProcess[str]]
"""The project folder, and how its `mkdocs build --strict` ended."""


def replay(root: Path) -> GitRepo:
    """The corpus's history as a real repository, one dated commit per entry of history.toml."""
    repo = GitRepo(root)
    history = tomllib.loads((CORPUS / "history.toml").read_text(encoding="utf-8"))
    for commit in history["commit"]:
        for target, source in commit.get("files", {}).items():
            (root / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(CORPUS / source, root / target)
        for target in commit.get("remove", []):
            (root / target).unlink()
        repo.commit(commit["message"], commit["date"], author=commit["author"])
        if "edition" in commit:
            repo.git("tag", "-a", commit["edition"], "-m", commit["message"], date=commit["date"])
    return repo


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("realworld") / "project"
    replay(root)
    (root / "mkdocs.yml").write_text(mkdocs_yml("Tamar Charter"), encoding="utf-8")  # a local build
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    return root, result


def page(root: Path, url: str) -> str:
    return (root / "site" / url / "index.html").read_text(encoding="utf-8")


def test_the_history_ends_with_the_corpus_as_it_stands(built: Built) -> None:
    root, _ = built
    project = CORPUS / "project"
    expected = sorted(path.relative_to(project) for path in project.rglob("*") if path.is_file())
    listed = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout
    tracked = sorted(Path(line) for line in listed.split())
    assert tracked == expected
    assert all(filecmp.cmp(project / path, root / path, shallow=False) for path in expected)


def test_it_builds_strictly_with_no_warning(built: Built) -> None:
    _, result = built
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_every_internal_link_and_fragment_of_every_page_resolves(
        built: Built) -> None:
    root, _ = built
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) > 30
    assert broken_links(root / "site") == []


def test_no_page_gives_an_id_twice(built: Built) -> None:
    assert repeated_ids(built[0] / "site") == []


@pytest.mark.parametrize("url, href", [
    ("agreements/basin-water-code/", 'href="../drought-protocol/#stage-2-restrictions"'),
    ("agreements/basin-water-code/", 'href="../drought-protocol/#stages"'),
    ("agreements/basin-water-code/", 'href="../seed-library-policy/#water-for-the-collection"'),
    ("agreements/basin-water-code/", 'href="../assembly-procedure/#amending-a-code"'),
    ("agreements/basin-water-code/", 'href="../../glossary/#commons"'),
    ("agreements/basin-water-code/", 'href="#article-4-allocation-in-dry-seasons"'),
    ("agreements/basin-water-code/", 'href="../water/annexes/gauge-readings-2019.pdf"'),
    ("agreements/basin-water-code/", 'src="../water/maps/basin.png"'),
    ("agreements/seed-library-policy/", '<img src="../water/maps/basin.png" width="240"'),
    ("agreements/seed-library-policy/", 'href="../drought-protocol/#stage-3-emergency"'),
    ("agreements/open-data-standard/", 'href="#3-2-record-format"'),
    ("agreements/open-data-standard/", 'href="#records"'),
    ("agreements/interim-mandate/", 'href="../assembly-procedure/#quorum-and-votes"'),
    ("charter/", 'href="#basin-water-code--article-4-allocation-in-dry-seasons"'),
    ("charter/", 'src="../agreements/water/maps/basin.png"'),
    ("editions/edition-2022/", 'href="../../agreements/drought-protocol/#stage-2-restrictions"'),
    ("editions/edition-2022/", 'src="../../agreements/water/maps/basin.png"'),
])
def test_relative_links_lead_to_the_page_and_section(built: Built,
                                                     url: str, href: str) -> None:
    root, _ = built
    assert href in page(root, url)


def test_files_beside_the_agreements_are_published_as_they_are(
        built: Built) -> None:
    root, _ = built
    for name in ("water/maps/basin.png", "water/annexes/gauge-readings-2019.pdf"):
        published = root / "site" / "agreements" / name
        assert published.read_bytes() == (CORPUS / "project" / "agreements" / name).read_bytes()


def test_every_heading_has_an_anchor_and_repeated_ones_stay_apart(
        built: Built) -> None:
    html = page(built[0], "agreements/open-data-standard/")
    assert re.findall(r'<h3 id="(example[^"]*)"', html) == ["example", "example_1", "example_2", "example_3"]
    assert '<h3 id="records">' not in html and '<h2 id="records">3. Records</h2>' in html
    assert '<h3 id="3-1-identifiers">3.1 Identifiers</h3>' in html


def test_the_table_of_contents_nests_sub_headings_under_their_clause(
        built: Built) -> None:
    html = page(built[0], "agreements/basin-water-code/")
    toc = html[html.index('md-nav--secondary'):]
    part = toc.index('href="#part-ii-allocation"')
    nested = toc.index('<nav class="md-nav" aria-label="Part II — Allocation">')
    articles = [toc.index(f'href="#{anchor}"')
                for anchor in ("article-3-shares", "article-4-allocation-in-dry-seasons")]
    assert part < nested < articles[0] < articles[1]


def test_code_keeps_its_language_and_math_its_tex(built: Built) -> None:
    root, _ = built
    standard = page(root, "agreements/open-data-standard/")
    for language in ("language-json", "language-c++", "language-sql", "language-abnf", "language-sh"):
        assert f'<code class="{language}">' in standard
    code = page(root, "agreements/basin-water-code/")
    tex = "Q_i = \\frac{s_i}{\\sum_{j} s_j} \\; \\left( Q_{\\text{flow}} - Q_{\\min} \\right)"
    assert f'<div class="math">$$\n{tex}\n$$</div>' in code
    assert '<span class="math">$0 &lt; \\alpha \\le 0.3$</span>' in code
    assert "costs $5 a year to register and $10 to" in code


def test_footnotes_and_definition_lists(built: Built) -> None:
    policy = page(built[0], "agreements/seed-library-policy/")
    assert '<dt>Accession</dt>' in policy and '<dd>' in policy
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1"' in policy
    assert '<li id="fn:2">' in policy
    composite = page(built[0], "charter/")
    assert 'id="seed-library-policy--fn:1"' in composite and 'id="basin-water-code--fn:1"' in composite


def test_todo_lines_of_the_authors_own_stay_in_the_text(built: Built) -> None:
    root, _ = built
    protocol = page(root, "agreements/drought-protocol/")
    assert "TODO: are open questions for the keepers" in protocol
    assert "TODO: nothing; a closing record carries no open questions" in protocol
    assert "TODO: confirm the station numbers" not in page(root, "agreements/basin-water-code/")


def test_no_marker_of_the_renderer_reaches_the_site(built: Built) -> None:
    root, _ = built
    for path in (root / "site").rglob("*"):
        if path.suffix in {".html", ".json", ".xml"}:
            text = path.read_text(encoding="utf-8")
            assert not re.search("[\ue000-\ue00f]", text), path


def test_a_file_deleted_and_restored_keeps_its_earlier_life(built: Built) -> None:
    root, _ = built
    history = page(root, "agreements/interim-mandate/history/")
    rows = [" ".join(re.sub("<[^>]+>", " ", row).split())
            for row in re.findall(r'<tr id="v\d+">.*?</tr>', history, re.S)]
    assert len(rows) == 3
    expected = [("3 2023-05-07", "Restored"), ("2 2021-05-05", "Removed"), ("1 2019-05-05", "Adopted")]
    for row, (start, event) in zip(rows, expected):
        assert row.startswith(start) and event in row, row
    first = page(root, "agreements/interim-mandate/v/1/")
    assert "spend more than the Assembly has set aside" in first and "drought protocol" not in first
