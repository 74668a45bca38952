"""Rules across the charter (ids, references, relations, dates), the registries and the folder walk.

Same table shape as tests/test_rules.py; the last tests check that the two tables together cover
every code the generator emits, so a new rule without a test row fails here.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from generator.checks.charter_rules import strongly_connected
from tests.project import PARTIES, agreement, write_project
from tests.test_consent import CONSENT_CASES
from tests.test_rules import DOCUMENT_CASES, Case, Setup, check, formatted, lines, run_case

A = agreement
GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def remove(relative: str) -> Setup:
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        target = root / relative
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    return setup


def link_outside(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An agreement that is a symlink to a file beside, not inside, the project."""
    secret = root.parent / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text(A("Secret"), encoding="utf-8")
    (root / "agreements" / "secret.md").symlink_to(secret)


CHARTER_CASES = [
    Case("id-duplicate", {"a.md": A("Water", id="water"), "sub/b.md": A("Other water", id="water")},
         "agreements/a.md:6:5: error[id-duplicate]: id 'water' is also used by agreements/sub/b.md\n"
         "  help: give one of them another id (ids must be unique across the charter)\n"
         "agreements/sub/b.md:6:5: error[id-duplicate]: id 'water' is also used by agreements/a.md\n"
         "  help: give one of them another id (ids must be unique across the charter)"),
    Case("party-unknown", {"a.md": A("Water", mediators="\n  - seed-network\n  - river-colective")},
         "agreements/a.md:8:5: error[party-unknown]: mediators names unknown party 'river-colective'\n"
         "  help: did you mean 'river-collective'?"),
    Case("theme-unknown", {"a.md": A("Water", themes="[water]")},
         "agreements/a.md:6:10: error[theme-unknown]: themes names unknown theme 'water'\n"
         "  help: use an id from charter/themes.yml"),
    Case("relation-unknown", {"a.md": A("Water", builds_on="[nowhere]")},
         "agreements/a.md:6:13: error[relation-unknown]: builds_on names unknown agreement 'nowhere'\n"
         "  help: use the id of an existing agreement (its `id`, or its file name)"),
    Case("relation-self", {"a.md": A("Water", relates_to="[a]")},
         "agreements/a.md:6:14: error[relation-self]: the agreement names itself in relates_to\n"
         "  help: remove 'a' from relates_to"),
    Case("relation-cycle", {"a.md": A("A", amends="[b]"), "b.md": A("B", amends="[c]"),
                            "c.md": A("C", amends="[a]")},
         "agreements/a.md:6:10: error[relation-cycle]: amends forms a cycle through a, b, c\n"
         "  help: an agreement cannot, through others, amend itself; remove one link of the chain"),
    Case("superseded-without-successor", {"a.md": A("Water", status="superseded")},
         "agreements/a.md:3:9: error[superseded-without-successor]: status is 'superseded' but no agreement "
         "supersedes it\n"
         "  help: add `supersedes: [a]` to the agreement that replaces it, or use status lapsed or withdrawn"),
    Case("superseded-still-in-force", {"old.md": A("Old"), "new.md": A("New", supersedes="[old]")},
         "agreements/old.md:3:9: warning[superseded-still-in-force]: 'new' is in force and supersedes this "
         "agreement, which is still in-force\n"
         "  help: set `status: superseded`"),
    Case("link-unknown", {"a.md": A("Water", body="## Purpose\n\nAs in [[river-comons]].\n"),
                          "river-commons.md": A("River")},
         "agreements/a.md:9:7: error[link-unknown]: [[river-comons]] links to no agreement\n"
         "  help: did you mean 'river-commons'?"),
    Case("link-renamed", {"a.md": A("Water", body="## Purpose\n\nAs in [[rivers]] and [[rivers#shares]].\n"),
                          "river-commons.md": A("River", former_ids="[rivers]", body="## Shares\n\nx\n")},
         "agreements/a.md:9:7: warning[link-renamed]: [[rivers]] uses a former id of 'river-commons'\n"
         "  help: write [[river-commons]]: the link leads there now\n"
         "agreements/a.md:9:22: warning[link-renamed]: [[rivers#shares]] uses a former id of "
         "'river-commons'\n"
         "  help: write [[river-commons#shares]]: the link leads there now"),
    Case("former-id-live", {"a.md": A("Water", former_ids="[a, b]"), "b.md": A("B")},
         "agreements/a.md:6:14: error[former-id-live]: former id 'a' is this agreement's own id\n"
         "  help: remove 'a' from former_ids\n"
         "agreements/a.md:6:17: error[former-id-live]: former id 'b' is the id of agreements/b.md, "
         "which is live\n"
         "  help: remove 'b' from former_ids, or give agreements/b.md another id"),
    Case("former-id-duplicate", {"a.md": A("Water", former_ids="[old]"), "b.md": A("B", former_ids="[old]")},
         "agreements/a.md:6:14: error[former-id-duplicate]: former id 'old' is also claimed by "
         "agreements/b.md\n"
         "  help: keep it in the former_ids of the one agreement its old address should lead to\n"
         "agreements/b.md:6:14: error[former-id-duplicate]: former id 'old' is also claimed by "
         "agreements/a.md\n"
         "  help: keep it in the former_ids of the one agreement its old address should lead to"),
    Case("link-anchor-unknown", {"a.md": A("Water", body="## Purpose\n\nIntro.\nSee [[b#scope]].\n"),
                                 "b.md": A("B", body="## Purpose\n\nx\n\n## Shares\n\ny\n")},
         "agreements/a.md:10:5: error[link-anchor-unknown]: [[b#scope]]: 'b' has no heading 'scope'\n"
         "  help: its clauses are: purpose, shares"),
    Case("link-file-missing", {"a.md": A("Water", body="## Purpose\n\nIntro.\nSee [the accord](old/b.md#shares).\n"),
                               "new/b.md": A("B", body="## Shares\n\nx\n")},
         "agreements/a.md:10:18: warning[link-file-missing]: 'old/b.md#shares' leads to agreements/old/b.md, "
         "where the site has no page or file\n"
         "  help: did you mean 'agreements/new/b.md'? the path is relative to this file's folder"),
    Case("link-section-missing", {"a.md": A("Water", body="## Purpose\n\nSee [the dry season](b.md#dry-seasons).\n"),
                                  "b.md": A("B", body="## Shares\n\nx\n\n### Dry season\n\ny\n")},
         "agreements/a.md:9:22: warning[link-section-missing]: 'b.md#dry-seasons': agreements/b.md has no heading "
         "'#dry-seasons'\n"
         "  help: did you mean 'dry-season'?"),
    Case("clause-anchor-duplicate", {"a.md": A("Water", body="## Shares\n\nx\n\n### Other {#shares}\n\ny\n")},
         "agreements/a.md:11: error[clause-anchor-duplicate]: two headings have the anchor 'shares'\n"
         "  help: rename one heading, or pin an anchor: `## Heading {#other-anchor}`"),
    Case("mediator-is-party", {"a.md": A("Water", mediators="[seed-network, valley-farmers]")},
         "agreements/a.md:6:27: warning[mediator-is-party]: 'valley-farmers' is both a party and a mediator\n"
         "  help: a mediator stands between the parties; list it in one place"),
    Case("review-overdue", {"a.md": A("Water", review_by="2024-05-31"), "b.md": A("B", review_by="2024-06-01"),
                            "c.md": A("C", status="lapsed", review_by="2021-01-01")},
         "agreements/a.md:6:12: notice[review-overdue]: review was due on 2024-05-31\n"
         "  help: renew the agreement (move review_by later) or change its status"),
    Case("review-beyond-period", {"a.md": A("Water", review_by="2027-06-02", renew_every="3y"),
                                  "b.md": A("B", review_by="2027-06-01", renew_every="3y"),
                                  "c.md": A("C", adopted="2025-01-01", review_by="2028-01-01", renew_every="3y"),
                                  "d.md": A("D", status="draft", review_by="2040-01-01", renew_every="18m")},
         "agreements/a.md:6:12: notice[review-beyond-period]: review_by 2027-06-02 lies beyond one renewal "
         "period (3y) from 2024-06-01\n"
         "  help: a renewal runs for renew_every: review by 2027-06-01 at the latest, or change renew_every"),
    Case("registry-missing", {"a.md": A("Water")}, setup=remove("charter/themes.yml"),
         expected="charter/themes.yml:1: error[registry-missing]: charter/themes.yml does not exist\n"
                  "  help: create it; see README"),
    Case("url-invalid", {"a.md": A("Water")},
         parties=PARTIES + "bad-link:\n  name: Bad\n  kind: network\n  url: javascript:alert(1)\n",
         expected="charter/parties.yml:12: error[url-invalid]: 'bad-link' has a url that is not http(s)\n"
                  "  help: give a full https:// address"),
    Case("signing-key-invalid", {"a.md": A("Water")},
         parties=PARTIES + "signer:\n  name: Signer\n  kind: network\n  signing_keys:\n"
                           "    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE4b1j8\n    - ABCD 1234\n",
         expected="charter/parties.yml:12: error[signing-key-invalid]: 'signer'.signing_keys item 1 is neither an SSH "
                  "public key nor an OpenPGP fingerprint\n"
                  "  help: give the public key line as its .pub file holds it (`ssh-ed25519 AAAA… comment`), or an "
                  "OpenPGP fingerprint of 40 hexadecimal digits\n"
                  "charter/parties.yml:12: error[signing-key-invalid]: 'signer'.signing_keys item 2 is neither an SSH "
                  "public key nor an OpenPGP fingerprint\n"
                  "  help: give the public key line as its .pub file holds it (`ssh-ed25519 AAAA… comment`), or an "
                  "OpenPGP fingerprint of 40 hexadecimal digits"),
    Case("path-outside", {"a.md": A("Water")}, setup=link_outside,
         expected="agreements/secret.md:1: error[path-outside]: the file is a link to a place outside the "
                  "project\n"
                  "  help: replace the symlink with the agreement file itself"),
    Case("agreements-dir-missing", {}, setup=remove("agreements"),
         expected="agreements:1: error[agreements-dir-missing]: the agreements folder agreements does not exist\n"
                  "  help: create it, or set `agreements_dir` in the charter plugin's config"),
]


@pytest.mark.parametrize("case", CHARTER_CASES, ids=lambda case: case.code)
def test_one_bad_input_per_code(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_case(case, tmp_path, monkeypatch) == case.expected


def _code_positions(trees: list[ast.Module]) -> dict[str, int]:
    """Callables with a `code` parameter (functions, exception classes, dataclasses such as Problem),
    mapped to that parameter's position among the call's positional arguments."""
    positions: dict[str, int] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [argument.arg for argument in node.args.args]
                if "code" in names and node.name != "__init__":
                    positions[node.name] = names.index("code")
            elif isinstance(node, ast.ClassDef):
                fields = [item.target.id for item in node.body
                          if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)]
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        fields = [argument.arg for argument in item.args.args[1:]]
                if "code" in fields:
                    positions[node.name] = fields.index("code")
    return positions


def _emitted_codes() -> dict[str, str]:
    """Every code written as a string literal in a call that makes a problem (Problem(...),
    YamlProblem(...), the rules' helpers _problem(...) and _unknown(...), and any later callable
    with a `code` parameter), mapped to where it is written."""
    sources = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(GENERATOR.rglob("*.py"))}
    positions = _code_positions(list(sources.values()))
    found: dict[str, str] = {}
    for path, tree in sources.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in positions:
                continue
            arguments = [keyword.value for keyword in node.keywords if keyword.arg == "code"]
            if len(node.args) > positions[name]:
                arguments.append(node.args[positions[name]])
            for argument in arguments:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", argument.value), argument.value
                    found.setdefault(argument.value, f"{path.name}:{node.lineno}")
    return found


ALL_CASES = [*DOCUMENT_CASES, *CHARTER_CASES, *CONSENT_CASES]


def test_the_tables_cover_every_code_the_generator_emits() -> None:
    emitted = _emitted_codes()
    tested = {case.code for case in ALL_CASES}
    missing = {code: where for code, where in emitted.items() if code not in tested}
    assert not missing, f"validation codes without a row in the test tables: {missing}"
    assert not tested - set(emitted), f"rows for codes the generator never emits: {tested - set(emitted)}"


def test_one_row_per_code() -> None:
    codes = [case.code for case in ALL_CASES]
    assert len(codes) == len(set(codes))


def test_the_scan_finds_codes_in_every_kind_of_call() -> None:
    emitted = _emitted_codes()
    # One code from each way of making a problem: YamlProblem, Problem inside DocumentError,
    # the rules' _problem and _unknown helpers, Problem in the registries and in the loader.
    for code in ("yaml-tag", "encoding", "field-unknown", "party-unknown", "registry-missing", "path-outside"):
        assert code in emitted
    assert len(emitted) == len(ALL_CASES)


def test_structure_file_problems_point_at_the_part(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"a.md": A("Water")})
    (root / "charter" / "charter.yml").write_text(
        "title: Ours\n"
        "parts:\n"
        "  - title: Land\n"
        "    themes: [lands]\n"
        "    agreements: [a, b]\n"
        "  - title: Water\n"
        "    colour: blue\n"
        "  - just text\n"
        "subtitle: x\n", encoding="utf-8")
    assert formatted(check(root).problems) == lines(
        "charter/charter.yml:3: error[relation-unknown]: part 'Land' names unknown agreement 'b'",
        "  help: use an agreement id",
        "charter/charter.yml:3: error[theme-unknown]: part 'Land' names unknown theme 'lands'",
        "  help: use an id from themes.yml",
        "charter/charter.yml:6: error[field-unknown]: a part has an unknown field 'colour'",
        "  help: known fields: title, description, themes, agreements",
        "charter/charter.yml:8: error[field-missing]: a part needs a title",
        "  help: write `- title: …` followed by `themes: [...]` or `agreements: [...]`",
        "charter/charter.yml:9: error[field-unknown]: unknown field 'subtitle'",
        "  help: did you mean 'title'?",
    )


def test_registry_entries_point_at_their_own_line(tmp_path: Path) -> None:
    parties = PARTIES + (
        "Seed_Bank:\n"              # 12
        "  name: Seed bank\n"
        "  kind: netwrk\n"
        "  colour: green\n"
        "no-name:\n"                # 16
        "  kind: movement\n"
        "just-text: hello\n"        # 18
    )
    themes = "water:\n  title: Water\nwater:\n  title: Water again\n"
    root = write_project(tmp_path, {"a.md": A("Water")}, parties=parties, themes=themes)
    assert formatted(check(root).problems) == lines(
        ("charter/parties.yml:12: error[enum-value]: 'Seed_Bank' has kind 'netwrk', not one of community, "
         "collective, movement, organisation, network"),
        "  help: did you mean 'network'?",
        "charter/parties.yml:12: error[field-unknown]: 'Seed_Bank' has an unknown field 'colour'",
        "  help: known fields: name, kind, region, url, description, signing_keys",
        "charter/parties.yml:12: error[id-invalid]: 'Seed_Bank' is not a valid id",
        "  help: use lower-case letters, digits and hyphens, starting with a letter or digit",
        "charter/parties.yml:16: error[field-missing]: 'no-name' has no name",
        "  help: add `name:` under 'no-name'",
        "charter/parties.yml:18: error[field-type]: 'just-text' must be a mapping of fields",
        "  help: give it name, kind",
        "charter/themes.yml:3:1: error[yaml-duplicate-key]: key 'water' is given twice",
        "  help: keep one of the two; YAML would silently drop the first",
    )


def test_registry_yaml_and_encoding_problems(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"a.md": A("Water")})
    (root / "charter" / "themes.yml").write_bytes(b"water:\n  title: Water\nland:\n  title: L\xe4nd\n")
    (root / "charter" / "charter.yml").write_text("- title: Land\n- title: Water\n", encoding="utf-8")
    assert formatted(check(root).problems) == lines(
        "charter/charter.yml:1:1: error[yaml-not-mapping]: expected `key: value` pairs",
        "  help: write one field per line",
        "charter/themes.yml:4: error[encoding]: the file is not valid UTF-8",
        "  help: save the file as UTF-8",
    )


def test_a_cycle_is_reported_once_for_each_relation(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "a.md": A("A", status="lapsed", supersedes="[b]"),
        "b.md": A("B", status="lapsed", supersedes="[a]"),
    })
    assert formatted(check(root).problems) == (
        "agreements/a.md:6:14: error[relation-cycle]: supersedes forms a cycle through a, b\n"
        "  help: an agreement cannot, through others, supersede itself; remove one link of the chain")


def test_no_notices_without_an_as_of_date(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"a.md": A("Water", adopted="2000-01-01", review_by="2001-01-01")})
    assert check(root, as_of=None).problems == ()


def test_strongly_connected_handles_long_chains() -> None:
    chain = {f"a{n}": [f"a{n + 1}"] for n in range(5000)} | {"a5000": ["a0"]}
    (component,) = strongly_connected(chain)
    assert len(component) == 5001


def test_a_registry_that_links_outside_the_project_is_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {"a.md": A("Water")})
    outside = tmp_path / "outside.yml"
    outside.write_text(PARTIES, encoding="utf-8")
    (root / "charter" / "parties.yml").unlink()
    (root / "charter" / "parties.yml").symlink_to(outside)
    assert "charter/parties.yml:1: error[path-outside]: the file is a link to a place outside the project" in (
        formatted(check(root).problems)
    )
