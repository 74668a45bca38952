"""Rules over one agreement file. Each is a small generator of problems, so adding one is one function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from generator.source.template import template_text
from generator.source.documents import SourceDocument, read_document
from generator.checks.problems import Problem
from generator.checks.suggest import did_you_mean
from generator.vocabulary import (
    DATE_FIELDS,
    DURATION_PATTERN,
    ENUM_FIELDS,
    FORMS,
    ID_PATTERN,
    KNOWN_FIELDS,
    LIST_FIELDS,
    REQUIRED_FIELDS,
    STATUSES_REQUIRING_ADOPTED,
    TEXT_FIELDS,
)


@dataclass(frozen=True)
class RuleContext:
    extra_fields: frozenset[str]


PLACEHOLDER = "TODO:"


@lru_cache(maxsize=1)
def template_placeholder_lines() -> frozenset[str]:
    """The body's placeholder lines as `charter new` writes them, exactly: real text holds `TODO:`
    lines of its own (in prose, comments and code), and those are the authors' business."""
    body = read_document("template", template_text().encode("utf-8")).body
    return frozenset(line.strip() for line in body.split("\n") if line.startswith(PLACEHOLDER))


DocumentRule = Callable[[SourceDocument, RuleContext], Iterator[Problem]]


def _problem(doc: SourceDocument, key: str, code: str, message: str, hint: str) -> Problem:
    """A problem with the value of `key`, pointing at where the value starts."""
    return Problem(doc.path, doc.line_of(key), code, message, hint, column=doc.column_of(key))


def unknown_fields(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    known = KNOWN_FIELDS | context.extra_fields
    for key in doc.fields:
        if key not in known:
            hint = did_you_mean(key, sorted(known)) or (
                "remove it, or list it under the plugin's `extra_fields` if the charter uses it"
            )
            yield Problem(doc.path, doc.line_of(key), "field-unknown", f"unknown field '{key}'", hint)


def required_fields(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    for key in REQUIRED_FIELDS:
        if key not in doc.fields:
            yield Problem(doc.path, 1, "field-missing", f"required field '{key}' is missing",
                          f"add `{key}:` to the front matter")
        elif doc.fields[key].value in (None, "", []):
            yield _problem(doc, key, "field-missing", f"required field '{key}' is empty",
                           f"give a value after `{key}:`")


def field_types(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    for key, located in doc.fields.items():
        value = located.value
        if value is None:
            continue
        if key in TEXT_FIELDS or key in ENUM_FIELDS:
            if not isinstance(value, str):
                yield _problem(doc, key, "field-type", f"'{key}' must be text, not {_kind(value)}",
                               f"quote the value: {key}: \"{value}\"")
        elif key in LIST_FIELDS:
            if isinstance(value, str):
                yield _problem(doc, key, "field-type", f"'{key}' must be a list, not text",
                               f"write it as a list: {key}: [{value}]")
            elif not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                yield _problem(doc, key, "field-type", f"'{key}' must be a list of ids",
                               f"write it as {key}: [first-id, second-id]")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


def enum_values(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    for key, allowed in ENUM_FIELDS.items():
        located = doc.fields.get(key)
        if located is None or not isinstance(located.value, str) or located.value in allowed:
            continue
        hint = did_you_mean(located.value, allowed) or f"use one of: {', '.join(allowed)}"
        yield _problem(doc, key, "enum-value",
                       f"{key} '{located.value}' is not one of {', '.join(allowed)}", hint)


def dates(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    for key in DATE_FIELDS:
        located = doc.fields.get(key)
        if located is None or located.value is None or isinstance(located.value, dt.date):
            continue
        yield _problem(doc, key, "date-invalid", f"{key} '{located.value}' is not a valid date",
                       "write the date as YYYY-MM-DD, for example 2024-03-01")


def identifier(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    located = doc.fields.get("id")
    if located is not None and isinstance(located.value, str) and not ID_PATTERN.match(located.value):
        yield _problem(doc, "id", "id-invalid", f"id '{located.value}' is not a valid id",
                       "use lower-case letters, digits and hyphens, starting with a letter or digit")
    stem = doc.path.rsplit("/", 1)[-1].removesuffix(".md")
    if located is None and not ID_PATTERN.match(stem):
        yield Problem(doc.path, 1, "id-invalid", f"the file name '{stem}' is not a valid id",
                      "rename the file using lower-case letters, digits and hyphens, or set `id:`")


def former_ids(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    """A former id becomes an address (`/agreements/<id>/`), so it must be a valid id like any other."""
    located = doc.fields.get("former_ids")
    if located is None or not isinstance(located.value, list):
        return
    for line, column, item in zip(located.item_lines, located.item_columns, located.value):
        if isinstance(item, str) and not ID_PATTERN.match(item):
            yield Problem(doc.path, line, "former-id-invalid", f"former id '{item}' is not a valid id",
                          "write the id the agreement had, in lower-case letters, digits and hyphens",
                          column=column)


def adopted_date(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    status = doc.fields.get("status")
    if status is None or not isinstance(status.value, str) or status.value not in STATUSES_REQUIRING_ADOPTED:
        return
    if doc.fields.get("adopted") is None or doc.fields["adopted"].value is None:
        yield _problem(doc, "status", "adopted-missing",
                       f"an agreement that is {status.value} needs an adopted date",
                       "add `adopted: YYYY-MM-DD`, the day the parties adopted it")


def review_after_adoption(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    adopted, review_by = (doc.fields.get(key) for key in ("adopted", "review_by"))
    if adopted is None or review_by is None:
        return
    if isinstance(adopted.value, dt.date) and isinstance(review_by.value, dt.date) and review_by.value < adopted.value:
        yield _problem(doc, "review_by", "review-before-adoption",
                       f"review_by {review_by.value} is before adopted {adopted.value}",
                       "set review_by to a date after the adoption")


def renewal_period(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    located = doc.fields.get("renew_every")
    if located is not None and isinstance(located.value, str) and not DURATION_PATTERN.match(located.value):
        yield _problem(doc, "renew_every", "duration-invalid",
                       f"renew_every '{located.value}' is not a period",
                       "write a number of years or months, for example 3y or 18m")


def form_references(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    located = doc.fields.get("institutionalised_as")
    form = doc.fields.get("form")
    if located and located.value and (form is None or form.value != "institutionalised"):
        yield _problem(doc, "institutionalised_as", "form-mismatch",
                       "institutionalised_as is given, but form is not 'institutionalised'",
                       f"set `form: institutionalised`, or remove institutionalised_as (forms: {', '.join(FORMS)})")


def repeated_entries(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    for key in LIST_FIELDS:
        located = doc.fields.get(key)
        if located is None or not isinstance(located.value, list):
            continue
        seen: set[str] = set()
        for line, column, item in zip(located.item_lines, located.item_columns, located.value):
            if not isinstance(item, str):
                continue
            if item in seen:
                yield Problem(doc.path, line, "list-duplicate", f"'{item}' is listed twice in {key}",
                              "remove the second entry", column=column)
            seen.add(item)


def summary_text(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    located = doc.fields.get("summary")
    if located is not None and isinstance(located.value, str) and "\n\n" in located.value.strip():
        yield _problem(doc, "summary", "summary-paragraphs", "the summary has more than one paragraph",
                       "keep the summary to one plain paragraph; put the rest in the body")


def body_present(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    if not doc.body.strip():
        yield Problem(doc.path, doc.body_line, "body-empty", "the agreement has no text",
                      "write the agreement below the front matter, one `## ` heading per clause")


def placeholders(doc: SourceDocument, context: RuleContext) -> Iterator[Problem]:
    """Text left from `charter new`'s template, so a half-filled agreement cannot pass: a field still
    starting with `TODO:`, or one of the template's own lines in the body."""
    for key, located in doc.fields.items():
        if isinstance(located.value, str) and located.value.startswith(PLACEHOLDER):
            yield _problem(doc, key, "placeholder", f"{key} still holds the template's placeholder",
                           f"replace the text after `{key}:` with the real {key}")
    for number, line in enumerate(doc.body.split("\n"), start=doc.body_line):
        if line.strip() in template_placeholder_lines():
            yield Problem(doc.path, number, "placeholder", "the text still holds the template's placeholder",
                          "replace the line starting with TODO: with the agreement's own words")


DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    placeholders,
    unknown_fields,
    required_fields,
    field_types,
    enum_values,
    dates,
    identifier,
    former_ids,
    adopted_date,
    review_after_adoption,
    renewal_period,
    form_references,
    repeated_entries,
    summary_text,
    body_present,
)


def check_document(doc: SourceDocument, context: RuleContext) -> list[Problem]:
    return [problem for rule in DOCUMENT_RULES for problem in rule(doc, context)]
