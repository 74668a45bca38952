"""The charter's registries in docs_dir: parties, themes and the structure of the composite page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.source.documents import DocumentError, decode
from generator.source.signing_keys import KEY_HINT, SigningKey, parse_signing_key
from generator.model import Part, Party, Theme
from generator.checks.problems import Problem
from generator.checks.suggest import did_you_mean
from generator.vocabulary import ID_PATTERN, PARTY_KINDS
from generator.source.yamlsafe import Located, YamlProblem, load_mapping

PARTY_FIELDS = ("name", "kind", "region", "url", "description", "signing_keys")
TEXT_PARTY_FIELDS = PARTY_FIELDS[:-1]
PARTY_REQUIRED = ("name", "kind")
THEME_FIELDS = ("title", "description")
THEME_REQUIRED = ("title",)
STRUCTURE_FIELDS = ("title", "parts")
PART_FIELDS = ("title", "description", "themes", "agreements")
SAFE_URL_SCHEMES = ("https://", "http://", "mailto:")


@dataclass(frozen=True)
class Registries:
    title: str
    parties: dict[str, Party] = field(hash=False)
    themes: dict[str, Theme] = field(hash=False)
    parts: tuple[Part, ...] = ()
    problems: tuple[Problem, ...] = ()
    files: tuple[str, ...] = ()


def _read(path: Path, shown: str, required: bool, root: Path) -> tuple[dict[str, Located], list[Problem]]:
    if path.exists() and not path.resolve().is_relative_to(root.resolve()):
        return {}, [Problem(shown, 1, "path-outside", "the file is a link to a place outside the project",
                            "replace the symlink with the registry file itself")]
    if not path.is_file():
        if not required:
            return {}, []
        return {}, [Problem(shown, 1, "registry-missing", f"{shown} does not exist", "create it; see README")]
    try:
        data = path.read_bytes()
    except OSError as error:
        return {}, [Problem(shown, 1, "file-unreadable", f"cannot read the file: {error.strerror}",
                            "check its permissions")]
    return _parse(shown, data)


def _parse(shown: str, data: bytes) -> tuple[dict[str, Located], list[Problem]]:
    try:
        fields = load_mapping(decode(shown, data), first_line=1)  # problems point at 1-based file lines
    except DocumentError as error:
        return {}, [error.problem]
    except YamlProblem as problem:
        return {}, [Problem(shown, problem.line + 1, problem.code, problem.message, problem.hint,
                            column=problem.column)]
    return fields, []


def _entry_problems(
    shown: str, entry_id: str, entry: Located, allowed: tuple[str, ...], required: tuple[str, ...],
    texts: tuple[str, ...] | None = None,
) -> Iterator[Problem]:
    """`texts`: the fields that must be text (by default every allowed one)."""
    if not ID_PATTERN.match(entry_id):
        yield Problem(shown, entry.line, "id-invalid", f"'{entry_id}' is not a valid id",
                      "use lower-case letters, digits and hyphens, starting with a letter or digit")
    if not isinstance(entry.value, dict):
        yield Problem(shown, entry.line, "field-type", f"'{entry_id}' must be a mapping of fields",
                      f"give it {', '.join(required)}")
        return
    for key in entry.value:
        if key not in allowed:
            yield Problem(shown, entry.line, "field-unknown", f"'{entry_id}' has an unknown field '{key}'",
                          did_you_mean(str(key), allowed) or f"known fields: {', '.join(allowed)}")
    for key in required:
        if not isinstance(entry.value.get(key), str) or not entry.value[key].strip():
            yield Problem(shown, entry.line, "field-missing", f"'{entry_id}' has no {key}",
                          f"add `{key}:` under '{entry_id}'")
    for key in allowed if texts is None else texts:
        value = entry.value.get(key)
        if value is not None and not isinstance(value, str):
            yield Problem(shown, entry.line, "field-type", f"'{entry_id}'.{key} must be text", "quote the value")


def _text(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    return value.strip() if isinstance(value, str) else ""


def _signing_keys(shown: str, party_id: str, entry: Located, values: dict[str, Any]
                  ) -> tuple[tuple[SigningKey, ...], list[Problem]]:
    listed = values.get("signing_keys", [])
    if not isinstance(listed, list):
        return (), [Problem(shown, entry.line, "field-type", f"'{party_id}'.signing_keys must be a list",
                            "write `signing_keys: [\"ssh-ed25519 AAAA… comment\"]`")]
    keys, problems = [], []
    for number, item in enumerate(listed, start=1):
        key = parse_signing_key(item) if isinstance(item, str) else None
        if key is None:
            problems.append(Problem(shown, entry.line, "signing-key-invalid",
                                    f"'{party_id}'.signing_keys item {number} is neither an SSH public key "
                                    "nor an OpenPGP fingerprint", KEY_HINT))
        elif key not in keys:
            keys.append(key)
    return tuple(keys), problems


def parse_parties(shown: str, data: bytes) -> tuple[dict[str, Party], list[Problem]]:
    """The party registry from its bytes: today's file, or a revision of it that git holds."""
    entries, problems = _parse(shown, data)
    return _parties(shown, entries, problems)


def load_parties(docs_dir: Path, root_shown: str, root: Path) -> tuple[dict[str, Party], list[Problem]]:
    shown = f"{root_shown}/parties.yml"
    entries, problems = _read(docs_dir / "parties.yml", shown, required=True, root=root)
    return _parties(shown, entries, problems)


def _parties(shown: str, entries: dict[str, Located], problems: list[Problem]
             ) -> tuple[dict[str, Party], list[Problem]]:
    parties: dict[str, Party] = {}
    for party_id, entry in entries.items():
        problems.extend(_entry_problems(shown, party_id, entry, PARTY_FIELDS, PARTY_REQUIRED,
                                        TEXT_PARTY_FIELDS))
        values = entry.value if isinstance(entry.value, dict) else {}
        kind, url = _text(values, "kind"), _text(values, "url")
        if kind and kind not in PARTY_KINDS:
            problems.append(Problem(shown, entry.line, "enum-value", f"'{party_id}' has kind '{kind}', not one of "
                                    f"{', '.join(PARTY_KINDS)}",
                                    did_you_mean(kind, PARTY_KINDS) or f"use one of: {', '.join(PARTY_KINDS)}"))
        if url and not url.startswith(SAFE_URL_SCHEMES):
            problems.append(Problem(shown, entry.line, "url-invalid", f"'{party_id}' has a url that is not http(s)",
                                    "give a full https:// address"))
            url = ""
        keys, key_problems = _signing_keys(shown, party_id, entry, values)
        problems.extend(key_problems)
        parties[party_id] = Party(party_id, _text(values, "name") or party_id, kind, _text(values, "region"),
                                  url, _text(values, "description"), keys)
    return parties, problems


def load_themes(docs_dir: Path, root_shown: str, root: Path) -> tuple[dict[str, Theme], list[Problem]]:
    shown = f"{root_shown}/themes.yml"
    entries, problems = _read(docs_dir / "themes.yml", shown, required=True, root=root)
    themes: dict[str, Theme] = {}
    for theme_id, entry in entries.items():
        problems.extend(_entry_problems(shown, theme_id, entry, THEME_FIELDS, THEME_REQUIRED))
        values = entry.value if isinstance(entry.value, dict) else {}
        themes[theme_id] = Theme(theme_id, _text(values, "title") or theme_id, _text(values, "description"))
    return themes, problems


def load_structure(docs_dir: Path, root_shown: str, root: Path) -> tuple[str, tuple[Part, ...], list[Problem], bool]:
    """The optional charter.yml: a title and parts, each gathering themes or named agreements."""
    shown = f"{root_shown}/charter.yml"
    fields, problems = _read(docs_dir / "charter.yml", shown, required=False, root=root)
    title_field = fields.get("title")
    title = title_field.value if title_field and isinstance(title_field.value, str) else "The Charter"
    parts: list[Part] = []
    for key, located in fields.items():
        if key not in STRUCTURE_FIELDS:
            problems.append(Problem(shown, located.line, "field-unknown", f"unknown field '{key}'",
                                    did_you_mean(key, STRUCTURE_FIELDS) or "known fields: title, parts"))
    parts_field = fields.get("parts")
    if parts_field is not None:
        if not isinstance(parts_field.value, list):
            problems.append(Problem(shown, parts_field.line, "field-type", "parts must be a list",
                                    "write each part as `- title: …` with `themes:` or `agreements:`"))
        else:
            for line, value in zip(parts_field.item_lines, parts_field.value, strict=True):
                part, part_problems = _part(shown, line, value)
                problems.extend(part_problems)
                if part is not None:
                    parts.append(part)
    return title, tuple(parts), problems, bool(fields)


def _part(shown: str, line: int, value: Any) -> tuple[Part | None, list[Problem]]:
    if not isinstance(value, dict) or not isinstance(value.get("title"), str):
        return None, [Problem(shown, line, "field-missing", "a part needs a title",
                              "write `- title: …` followed by `themes: [...]` or `agreements: [...]`")]
    problems = []
    for key in value:
        if key not in PART_FIELDS:
            problems.append(Problem(shown, line, "field-unknown", f"a part has an unknown field '{key}'",
                                    did_you_mean(key, PART_FIELDS) or f"known fields: {', '.join(PART_FIELDS)}"))
    members: dict[str, tuple[str, ...]] = {}
    for key in ("themes", "agreements"):
        listed = value.get(key) or []
        if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
            problems.append(Problem(shown, line, "field-type", f"{key} of a part must be a list of ids",
                                    f"write `{key}: [first-id, second-id]`"))
            listed = []
        members[key] = tuple(listed)
    description = value.get("description")
    return Part(value["title"], members["themes"], members["agreements"],
                description if isinstance(description, str) else "", line), problems


def load_registries(docs_dir: Path, root_shown: str, root: Path) -> Registries:
    """Registries under docs_dir; `root` is the project, which no registry may point outside of."""
    parties, party_problems = load_parties(docs_dir, root_shown, root)
    themes, theme_problems = load_themes(docs_dir, root_shown, root)
    title, parts, structure_problems, has_structure = load_structure(docs_dir, root_shown, root)
    files = ["parties.yml", "themes.yml"] + (["charter.yml"] if has_structure else [])
    return Registries(title, parties, themes, parts, tuple(party_problems + theme_problems + structure_problems),
                      tuple(f"{root_shown}/{name}" for name in files))
