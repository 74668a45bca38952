"""JSON Schemas of the agreement front matter and the registries, for editors and other tools.

Derived from the definitions `charter check` uses (the vocabulary, the registry field lists, the
charter's own party, theme and agreement ids), never kept by hand, so the two cannot drift apart.
JSON Schema draft 7: the newest version the YAML language server understands.

A schema sees one file, so what needs several (an id used twice, a link to a missing clause, a
cycle of relations, a review before the adoption) stays with `charter check`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from generator.checks.rules import PLACEHOLDER
from generator.model import Charter
from generator.source.registries import (
    PART_FIELDS,
    PARTY_FIELDS,
    PARTY_REQUIRED,
    SAFE_URL_SCHEMES,
    STRUCTURE_FIELDS,
    THEME_FIELDS,
    THEME_REQUIRED,
)
from generator.vocabulary import (
    DATE_FIELDS,
    DURATION_REGEX,
    ENUM_FIELDS,
    ID_REGEX,
    LIST_FIELDS,
    PARTY_KINDS,
    RELATIONS,
    REQUIRED_FIELDS,
    STATUSES_REQUIRING_ADOPTED,
    TEXT_FIELDS,
)

DRAFT = "http://json-schema.org/draft-07/schema#"
Schema = dict[str, Any]

NOT_PLACEHOLDER: Schema = {"not": {"type": "string", "pattern": "^" + re.escape(PLACEHOLDER)}}
ONE_PARAGRAPH: Schema = {"not": {"type": "string", "pattern": r"\S[\s\S]*\n\n[\s\S]*\S"}}
TEXT_RULES: dict[str, Schema] = {
    "id": {"pattern": f"^{ID_REGEX}$"},
    "renew_every": {"pattern": f"^{DURATION_REGEX}$"},
    "summary": ONE_PARAGRAPH,
}


def _optional(schema: Schema, required: bool) -> Schema:
    """A field that may be left empty (`level:`) also takes null, as `charter check` does."""
    if required:
        return schema
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


def _ids(charter: Charter) -> Schema:
    """The registries' ids, once each: each list field refers to them."""
    return {name: {"type": "string", "enum": sorted(ids)} for name, ids in (
        ("party-id", charter.parties), ("theme-id", charter.themes), ("agreement-id", charter.by_id))}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/definitions/{name}"}


LIST_ITEMS: dict[str, Schema] = {"parties": _ref("party-id"), "mediators": _ref("party-id"),
                                 "themes": _ref("theme-id"),
                                 **{relation: _ref("agreement-id") for relation in RELATIONS},
                                 "former_ids": {"type": "string", "pattern": f"^{ID_REGEX}$",
                                                "not": _ref("agreement-id")}}
"""A former id is an id, and never one an agreement has now (its own included)."""


def _field(key: str) -> Schema:
    required = key in REQUIRED_FIELDS
    if key in ENUM_FIELDS:
        schema: Schema = {"enum": list(ENUM_FIELDS[key])}
    elif key in DATE_FIELDS:
        schema = {"type": "string", "format": "date"}
    elif key in LIST_FIELDS:
        schema = {"type": "array", "items": LIST_ITEMS.get(key, {"type": "string"}), "uniqueItems": True,
                  **({"minItems": 1} if required else {})}
    else:
        assert key in TEXT_FIELDS, key
        schema = {"type": "string", **({"minLength": 1} if required else {}), **TEXT_RULES.get(key, {})}
        schema = {**schema, "allOf": [NOT_PLACEHOLDER]}
    return _optional(schema, required)


def agreement_schema(charter: Charter, extra_fields: Collection[str] = ()) -> Schema:
    """Front matter of an agreement of this charter: its fields, vocabularies and registry ids."""
    fields = [*TEXT_FIELDS, *ENUM_FIELDS, *DATE_FIELDS, *LIST_FIELDS]
    properties = {key: _field(key) for key in sorted(fields, key=_field_order)}
    properties.update({key: NOT_PLACEHOLDER for key in sorted(extra_fields) if key not in properties})
    return {
        "$schema": DRAFT,
        "title": f"An agreement of {charter.title}",
        "description": "The YAML front matter of an agreement file; `charter check` checks the rest.",
        "type": "object",
        "required": list(REQUIRED_FIELDS),
        "properties": properties,
        "additionalProperties": False,
        "definitions": _ids(charter),
        "allOf": [
            {"if": {"properties": {"status": {"enum": sorted(STATUSES_REQUIRING_ADOPTED)}}, "required": ["status"]},
             "then": {"required": ["adopted"], "properties": {"adopted": {"type": "string"}}}},
            {"if": {"properties": {"institutionalised_as": {"minItems": 1}}, "required": ["institutionalised_as"]},
             "then": {"required": ["form"], "properties": {"form": {"const": "institutionalised"}}}},
        ],
    }


def _field_order(key: str) -> tuple[int, str]:
    """Required fields first, so an editor offers them first."""
    return (0 if key in REQUIRED_FIELDS else 1, key)


def _entries(title: str, fields: tuple[str, ...], required: tuple[str, ...], special: dict[str, Schema]) -> Schema:
    """A registry: a mapping of ids to entries of text fields (a required one holds more than spaces)."""
    def field(key: str) -> Schema:
        schema = special.get(key, {"type": "string"})
        if key not in required:
            return _optional(schema, False)
        return schema if "enum" in schema else {**schema, "pattern": r"\S"}

    entry = {"type": "object", "required": list(required), "additionalProperties": False,
             "properties": {key: field(key) for key in fields}}
    return {"$schema": DRAFT, "title": title, "type": "object", "propertyNames": {"pattern": f"^{ID_REGEX}$"},
            "additionalProperties": entry}


def parties_schema() -> Schema:
    url = "^(" + "|".join(re.escape(scheme) for scheme in SAFE_URL_SCHEMES) + ")"
    return _entries("The charter's parties (charter/parties.yml)", PARTY_FIELDS, PARTY_REQUIRED,
                    {"kind": {"enum": list(PARTY_KINDS)}, "url": {"type": "string", "pattern": url},
                     "signing_keys": {"type": "array", "items": {"type": "string"}}})


def themes_schema() -> Schema:
    return _entries("The charter's themes (charter/themes.yml)", THEME_FIELDS, THEME_REQUIRED, {})


def structure_schema(charter: Charter) -> Schema:
    members = {"themes": _ref("theme-id"), "agreements": _ref("agreement-id")}
    part = {"type": "object", "required": ["title"], "additionalProperties": False,
            "properties": {key: {"type": ["array", "null"], "items": members[key]}
                           if key in members else {"type": "string"} if key == "title" else {}
                           for key in PART_FIELDS}}
    return {"$schema": DRAFT, "title": "The composite charter's structure (charter/charter.yml)", "type": "object",
            "additionalProperties": False, "definitions": _ids(charter),
            "properties": {key: {"type": "array", "items": part} if key == "parts" else {}
                           for key in STRUCTURE_FIELDS}}


def schemas(charter: Charter, extra_fields: Collection[str] = ()) -> dict[str, Schema]:
    """Each schema by its file name under the site's api/ folder."""
    return {"agreement.schema.json": agreement_schema(charter, extra_fields),
            "parties.schema.json": parties_schema(), "themes.schema.json": themes_schema(),
            "charter.schema.json": structure_schema(charter)}
