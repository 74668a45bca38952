"""The JSON Schema and `charter check` agree: a table of good and bad front matter, judged by both.

Each row is one agreement file in a real project. `charter check` loads the whole project; the
`jsonschema` library validates the file's front matter, as an editor's YAML language server sees
it (YAML 1.2 values, so a date is text), against the schema the build publishes under api/.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from generator.checks.schema import schemas
from generator.source.documents import read_document
from generator.source.loader import load_charter
from tests.project import REPO_ROOT, write_project
from tests.test_rules import settings

OTHER = "---\ntitle: River commons\nstatus: draft\nparties: [river-collective]\n---\n## Purpose\n\nTo share.\n"
BODY = "## Purpose\n\nTo share.\n"

GOOD = {
    "minimal": "title: Water\nstatus: draft\nparties: [river-collective]",
    "in-force": ("title: Water\nstatus: in-force\nparties: [river-collective, valley-farmers]\n"
                 "mediators: [seed-network]\nlevel: regional\nform: written\nthemes: [nature-diversity]\n"
                 "adopted: 2020-03-01\nreview_by: 2023-03-01\nrenew_every: 3y\nbuilds_on: [river]\n"
                 "summary: One paragraph,\n  folded onto two lines."),
    "quoted-values": "title: \"Water\"\nstatus: 'lapsed'\nparties: [\"river-collective\"]\nadopted: \"2020-03-01\"",
    "empty-optional-fields": "title: Water\nstatus: draft\nparties: [river-collective]\nlevel:\nthemes:\nsummary:",
    "block-lists": "title: Water\nstatus: proposed\nparties:\n  - river-collective\n  - valley-farmers",
    "institutionalised": ("title: Seed law\nstatus: proposed\nparties: [seed-network]\nform: institutionalised\n"
                          "institutionalised_as: [seed-act-2019]"),
    "an-id-field": "id: water-accord\ntitle: Water\nstatus: draft\nparties: [river-collective]",
    "months": "title: Water\nstatus: draft\nparties: [river-collective]\nrenew_every: 18m",
    "former-ids": ("title: Water\nstatus: draft\nparties: [river-collective]\n"
                   "former_ids: [old-water, water-1999]"),
}

BAD = {  # front matter -> the code `charter check` reports; the schema must reject it too
    "no-title": ("status: draft\nparties: [river-collective]", "field-missing"),
    "empty-title": ("title: ''\nstatus: draft\nparties: [river-collective]", "field-missing"),
    "title-a-number": ("title: 1848\nstatus: draft\nparties: [river-collective]", "field-type"),
    "unknown-status": ("title: W\nstatus: in_force\nparties: [river-collective]", "enum-value"),
    "no-parties": ("title: W\nstatus: draft\nparties: []", "field-missing"),
    "parties-as-text": ("title: W\nstatus: draft\nparties: river-collective", "field-type"),
    "unknown-party": ("title: W\nstatus: draft\nparties: [river-colective]", "party-unknown"),
    "unknown-mediator": ("title: W\nstatus: draft\nparties: [river-collective]\nmediators: [nobody]",
                         "party-unknown"),
    "unknown-theme": ("title: W\nstatus: draft\nparties: [river-collective]\nthemes: [water]", "theme-unknown"),
    "theme-twice": ("title: W\nstatus: draft\nparties: [river-collective]\nthemes: [labour-capital, labour-capital]",
                    "list-duplicate"),
    "unknown-relation": ("title: W\nstatus: draft\nparties: [river-collective]\nbuilds_on: [nowhere]",
                         "relation-unknown"),
    "in-force-without-adopted": ("title: W\nstatus: in-force\nparties: [river-collective]", "adopted-missing"),
    "in-force-adopted-empty": ("title: W\nstatus: lapsed\nparties: [river-collective]\nadopted:",
                               "adopted-missing"),
    "impossible-date": ("title: W\nstatus: draft\nparties: [river-collective]\nadopted: 2020-02-30", "date-invalid"),
    "short-date": ("title: W\nstatus: draft\nparties: [river-collective]\nreview_by: 2020-3-1", "date-invalid"),
    "date-a-number": ("title: W\nstatus: draft\nparties: [river-collective]\nreview_by: 2020", "date-invalid"),
    "period-in-words": ("title: W\nstatus: draft\nparties: [river-collective]\nrenew_every: 3 years",
                        "duration-invalid"),
    "bad-id": ("id: Water_Accord\ntitle: W\nstatus: draft\nparties: [river-collective]", "id-invalid"),
    "unknown-field": ("title: W\nstatus: draft\nparties: [river-collective]\ncolour: blue", "field-unknown"),
    "form-mismatch": ("title: W\nstatus: draft\nparties: [river-collective]\ninstitutionalised_as: [act-1]",
                      "form-mismatch"),
    "two-paragraphs": ("title: W\nstatus: draft\nparties: [river-collective]\nsummary: |\n  One.\n\n  Two.",
                       "summary-paragraphs"),
    "placeholder": ("title: 'TODO: a name'\nstatus: draft\nparties: [river-collective]", "placeholder"),
    "bad-former-id": ("title: W\nstatus: draft\nparties: [river-collective]\nformer_ids: [Old_Water]",
                      "former-id-invalid"),
    "former-id-of-a-live-one": ("title: W\nstatus: draft\nparties: [river-collective]\nformer_ids: [river]",
                                "former-id-live"),
    "former-id-its-own": ("title: W\nstatus: draft\nparties: [river-collective]\nformer_ids: [water]",
                          "former-id-live"),
    "former-ids-as-text": ("title: W\nstatus: draft\nparties: [river-collective]\nformer_ids: old-water",
                           "field-type"),
    "level-as-list": ("title: W\nstatus: draft\nparties: [river-collective]\nlevel: [local]", "field-type"),
}

BEYOND_THE_SCHEMA = {  # what only a check of the whole charter (or the body) can see
    "review-before-adoption": ("title: W\nstatus: in-force\nparties: [river-collective]\nadopted: 2024-01-01\n"
                               "review_by: 2023-01-01", "review-before-adoption"),
    "names-itself": ("title: W\nstatus: draft\nparties: [river-collective]\nrelates_to: [water]", "relation-self"),
    "id-taken": ("id: river\ntitle: W\nstatus: draft\nparties: [river-collective]", "id-duplicate"),
}


def judged(tmp_path: Path, front_matter: str) -> tuple[set[str], list[str]]:
    """The error codes `charter check` reports for agreements/water.md, and the schema's complaints."""
    root = write_project(tmp_path / "project", {"water.md": f"---\n{front_matter}\n---\n{BODY}", "river.md": OTHER})
    result = load_charter(settings(root), dt.date(2024, 6, 1))
    codes = {problem.code for problem in result.errors if problem.path == "agreements/water.md"}
    schema = schemas(result.charter)["agreement.schema.json"]
    document = read_document("water.md", (root / "agreements" / "water.md").read_bytes())
    seen = {key: as_editors_see_it(located.value) for key, located in document.fields.items()}
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return codes, sorted(error.message for error in validator.iter_errors(seen))


def as_editors_see_it(value: Any) -> Any:
    """YAML 1.2 as the YAML language server reads it: a date is text (YYYY-MM-DD, as the check requires)."""
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.mark.parametrize("front_matter", GOOD.values(), ids=GOOD.keys())
def test_good_front_matter_passes_both(tmp_path: Path, front_matter: str) -> None:
    assert judged(tmp_path, front_matter) == (set(), [])


@pytest.mark.parametrize("front_matter, code", BAD.values(), ids=BAD.keys())
def test_bad_front_matter_fails_both(tmp_path: Path, front_matter: str, code: str) -> None:
    codes, complaints = judged(tmp_path, front_matter)
    assert codes == {code}
    assert complaints, f"the schema accepts what `charter check` reports as {code}"


@pytest.mark.parametrize("front_matter, code", BEYOND_THE_SCHEMA.values(), ids=BEYOND_THE_SCHEMA.keys())
def test_what_needs_the_whole_charter_is_left_to_the_check(tmp_path: Path, front_matter: str, code: str) -> None:
    assert judged(tmp_path, front_matter) == ({code}, [])


NOT_ABOUT_FIELDS = {
    # the file and its YAML (an editor's YAML parser reports these on its own), and the body
    "front-matter-missing", "front-matter-unclosed", "conflict-markers", "body-too-complex", "encoding",
    "file-too-large", "file-unreadable", "body-empty", "link-unknown", "link-anchor-unknown",
    "clause-anchor-duplicate", "registry-missing", "url-invalid", "path-outside", "agreements-dir-missing",
    # across agreements: cycles, successors and a former id claimed twice need the others' fields
    "relation-cycle", "superseded-without-successor", "former-id-duplicate",
    # a party's keys (their format is beyond a schema), and the consent ledger, read from commits
    "signing-key-invalid", "consent-party-unknown", "consent-target-unknown", "consent-missing",
}
NOT_ERRORS = {"superseded-still-in-force", "mediator-is-party", "review-overdue", "review-beyond-period",
              "link-file-missing", "link-section-missing", "link-renamed"}


def test_every_code_about_fields_has_a_row() -> None:
    """A new rule about front-matter fields needs a row here, and the schema must learn it too."""
    from tests.test_charter_rules import ALL_CASES

    rows = {code for _, code in [*BAD.values(), *BEYOND_THE_SCHEMA.values()]}
    about_fields = {case.code for case in ALL_CASES} - NOT_ABOUT_FIELDS - NOT_ERRORS
    assert {code for code in about_fields if not code.startswith("yaml-")} - rows == set()


def test_extra_fields_are_allowed_and_registry_ids_come_from_the_charter(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {"river.md": OTHER})
    charter = load_charter(settings(root)).charter
    schema = schemas(charter, extra_fields={"languages"})["agreement.schema.json"]
    assert schema["properties"]["languages"] == {"not": {"type": "string", "pattern": "^TODO:"}}
    assert schema["definitions"]["party-id"]["enum"] == sorted(charter.parties)
    assert schema["definitions"]["agreement-id"]["enum"] == ["river"]


PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFq4MWP+U8iKeOcvduIHmroEXCEbzvtyMnmpMBemDV2r river"


@pytest.mark.parametrize("registry, text, valid", [
    ("parties", "river-collective:\n  name: River\n  kind: collective\n  url: https://example.org\n", True),
    ("parties", "river-collective:\n  name: River\n  kind: colective\n", False),
    ("parties", "River_Collective:\n  name: River\n  kind: collective\n", False),
    ("parties", "river-collective:\n  name: '  '\n  kind: collective\n", False),
    ("parties", "river-collective:\n  name: River\n  kind: collective\n  url: javascript:alert(1)\n", False),
    ("parties", "river-collective:\n  name: River\n  kind: collective\n  colour: blue\n", False),
    ("parties", "river-collective:\n  name: River\n  kind: collective\n  signing_keys: [\"" + PUBLIC_KEY + "\"]\n", True),
    ("parties", "river-collective:\n  name: River\n  kind: collective\n  signing_keys: " + PUBLIC_KEY + "\n", False),
    ("themes", "water:\n  title: Water\n  description: Rivers.\n", True),
    ("themes", "water:\n  description: Rivers.\n", False),
    ("charter", "title: Ours\nparts:\n  - title: Land\n    themes: [water]\n    agreements: [river]\n", True),
    ("charter", "parts:\n  - title: Land\n    themes: [fire]\n", False),
    ("charter", "parts:\n  - themes: [water]\n", False),
], ids=["party", "party-kind", "party-id", "party-name-blank", "party-url", "party-field", "party-keys",
        "party-keys-not-a-list", "theme", "theme-title",
        "structure", "structure-theme", "structure-title"])
def test_the_registry_schemas_agree_with_the_check(tmp_path: Path, registry: str, text: str, valid: bool) -> None:
    root = write_project(tmp_path / "project", {"river.md": OTHER}, themes="water:\n  title: Water\n")
    (root / "charter" / f"{registry}.yml").write_text(text, encoding="utf-8")
    result = load_charter(settings(root))
    check_errors = [problem for problem in result.errors if problem.path == f"charter/{registry}.yml"]
    schema = schemas(result.charter)[f"{registry}.schema.json"]
    from generator.source.yamlsafe import load_mapping

    data = {key: located.value for key, located in load_mapping(text).items()}
    complaints = list(Draft7Validator(schema).iter_errors(data))
    assert (not check_errors, not complaints) == (valid, valid), (check_errors, complaints)


def test_the_build_publishes_the_schemas_under_api(tmp_path: Path) -> None:
    from generator.pages import build_site
    from tests.project import site_settings

    site_url = "https://charter.example.org/"
    result = load_charter(site_settings())
    site = build_site(result.charter, site_settings(site_url=site_url), dt.date(2026, 1, 1))
    published = {asset.path: json.loads(asset.content) for asset in site.assets if asset.path.startswith("api/")}
    assert sorted(published) == ["api/agreement.schema.json", "api/charter.schema.json", "api/parties.schema.json",
                                 "api/themes.schema.json"]
    agreement_schema = published["api/agreement.schema.json"]
    assert agreement_schema["$id"] == "https://charter.example.org/api/agreement.schema.json"
    Draft7Validator.check_schema(agreement_schema)
    for path in sorted((REPO_ROOT / "agreements").rglob("*.md")):
        document = read_document(path.name, path.read_bytes())
        seen = {key: as_editors_see_it(located.value) for key, located in document.fields.items()}
        assert not list(Draft7Validator(agreement_schema, format_checker=Draft7Validator.FORMAT_CHECKER)
                        .iter_errors(seen)), path


def test_the_editor_settings_map_the_published_schemas_onto_the_registries(tmp_path: Path) -> None:
    mapping = json.loads((REPO_ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    published = {f"./site/api/{name}" for name in schemas(load_charter(settings(REPO_ROOT)).charter)}
    assert set(mapping) <= published
    assert sorted(mapping.values()) == ["charter/charter.yml", "charter/parties.yml", "charter/themes.yml"]
    assert all((REPO_ROOT / target).is_file() for target in mapping.values())


def test_the_editor_task_puts_each_problem_on_its_line(tmp_path: Path) -> None:
    """The task's problem matcher reads `charter check`'s own output: file, line, column, severity, code."""
    import re

    from generator.checks.problems import format_text

    task = json.loads((REPO_ROOT / ".vscode" / "tasks.json").read_text(encoding="utf-8"))["tasks"][0]
    matcher = task["problemMatcher"]["pattern"]
    pattern = re.compile(matcher["regexp"])
    root = write_project(tmp_path / "project", {
        "water.md": f"---\ntitle: W\nstatus: in-force\nparties: [river-collective]\nlevel: planetary\n---\n{BODY}",
        "other water.md": OTHER.replace("River commons", "Other"),
        "river.md": OTHER.replace("status: draft", "status: in-force\nadopted: 2020-01-01\nreview_by: 2021-01-01")})
    result = load_charter(settings(root), dt.date(2024, 6, 1))
    found = [pattern.match(line) for line in format_text(result.problems, result.files_checked).splitlines()]
    read = [{key: match.group(matcher[key]) for key in ("file", "line", "column", "severity", "code")}
            for match in found if match]
    assert read == [
        {"file": "agreements/other water.md", "line": "1", "column": None, "severity": "error", "code": "id-invalid"},
        {"file": "agreements/river.md", "line": "5", "column": "12", "severity": "notice", "code": "review-overdue"},
        {"file": "agreements/water.md", "line": "3", "column": "9", "severity": "error", "code": "adopted-missing"},
        {"file": "agreements/water.md", "line": "5", "column": "8", "severity": "error", "code": "enum-value"},
    ]
