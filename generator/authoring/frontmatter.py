"""Change one front-matter field of an agreement file and keep every other byte as it was.

ruamel.yaml's round-trip composer tells where each value starts and ends in the text; the edit
replaces just that span, in the value's own style (plain, 'single' or "double" quoted, flow or
block list). Comments, key order, quoting, blank lines, the BOM, CRLF line endings and the whole
body are never re-serialised, so a reviewer's diff shows the one value that changed.

Every edit is read back with the reader `charter check` uses, and refused if any field other than
the one asked for reads differently: a text this module cannot edit safely is left to a person.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import CharterError
from generator.source.documents import CLOSING_FENCES, FENCE, DocumentError, decode, parse_document
from generator.source.yamlsafe import YamlProblem, load_mapping

BOM = "\ufeff"
Value = str | dt.date


class EditError(CharterError):
    """The file cannot be edited safely by the tool; the message says what to do by hand."""


@dataclass(frozen=True)
class FrontMatter:
    """A file split around its front matter, with the original line endings."""

    path: str
    before: str
    """The BOM (if any) and the opening `---` line."""
    yaml: str
    after: str
    """The closing fence and the body."""

    @property
    def newline(self) -> str:
        return "\r\n" if self.before.endswith("\r\n") else "\n"

    @property
    def text(self) -> str:
        return self.before + self.yaml + self.after

    def encoded(self) -> bytes:
        return self.text.encode("utf-8")


def split(path: str, data: bytes) -> FrontMatter:
    decode(path, data)  # the same size and encoding limits as `charter check`, with its messages
    text = data.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].removeprefix(BOM).rstrip() != FENCE:
        raise EditError(f"{path} does not start with front matter (a `---` line); fix it by hand first")
    offset = len(lines[0])
    for line in lines[1:]:
        if line.rstrip() in CLOSING_FENCES:
            return FrontMatter(path, text[: len(lines[0])], text[len(lines[0]) : offset], text[offset:])
        offset += len(line)
    raise EditError(f"{path}: the front matter is never closed; add a `---` line after the last field")


def _mapping(front: FrontMatter) -> MappingNode:
    try:
        node = YAML(typ="rt").compose(front.yaml)
    except YAMLError:
        node = None
    if node is None and not front.yaml.strip(" \t\r\n"):
        return MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(node, MappingNode):
        raise EditError(f"{front.path}: the front matter is not valid `key: value` YAML; run `charter check`")
    return node


def _field(node: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _reads_as(text: str, value: Value) -> bool:
    try:
        loaded = load_mapping(f"k: {text}\n")["k"].value
    except YamlProblem:
        return False
    return bool(loaded == value and type(loaded) is type(value))


def render(value: Value, style: str | None = None) -> str:
    """A scalar as YAML: in `style` when given (a quote), else plain when plain reads back the same."""
    text = value.isoformat() if isinstance(value, dt.date) else value
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"' or not (re.fullmatch(r"[\w][\w .@/+-]*", text) and _reads_as(text, value)):
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar
    return text


def _line_end(text: str, index: int) -> int:
    """The index just past the line break of the line holding `index`."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _splice(front: FrontMatter, start: int, end: int, text: str) -> FrontMatter:
    return FrontMatter(front.path, front.before, front.yaml[:start] + text + front.yaml[end:], front.after)


def _drop_comment(front: FrontMatter, index: int) -> FrontMatter:
    """Remove the comment that ends the line holding `index` (the template's `# FILL IN` notes)."""
    line_end = _line_end(front.yaml, index)
    line = front.yaml[index:line_end]
    match = re.search(r"[ \t]+#.*?(?=\r?\n|\Z)", line)
    if match is None:
        return front
    return _splice(front, index + match.start(), index + match.end(), "")


def _commented(front: FrontMatter, key: str) -> re.Match[str] | None:
    """A top-level line `# key: example  # note`, as the template offers optional fields."""
    return re.search(rf"(?m)^#[ \t]?{re.escape(key)}:[^#\r\n]*?(?P<rest>[ \t]+#[^\r\n]*)?(?=\r?\n|\Z)", front.yaml)


def _add_line(front: FrontMatter, key: str, value_text: str) -> FrontMatter:
    commented = _commented(front, key)
    if commented is not None:
        return _splice(front, commented.start(), commented.end(), f"{key}: {value_text}{commented['rest'] or ''}")
    yaml = front.yaml
    if yaml and not yaml.endswith("\n"):
        yaml += front.newline
    return FrontMatter(front.path, front.before, f"{yaml}{key}: {value_text}{front.newline}", front.after)


def _after_colon(front: FrontMatter, key_node: ScalarNode) -> int:
    """Where the value of `key:` goes when there is none: ruamel marks the next token instead."""
    return front.yaml.index(":", key_node.end_mark.index) + 1


def _replace(front: FrontMatter, start: int, end: int, text: str, drop_comment: bool) -> FrontMatter:
    edited = _splice(front, start, end, text)
    return _drop_comment(edited, start + len(text)) if drop_comment else edited


def _set(front: FrontMatter, key: str, value: Value, drop_comment: bool) -> FrontMatter:
    found = _field(_mapping(front), key)
    if found is None:
        return _add_line(front, key, render(value))
    key_node, node = found
    if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
        raise EditError(f"{front.path}: `{key}` is not a one-line value; edit it by hand")
    if node.start_mark.index == node.end_mark.index:
        at = _after_colon(front, key_node)
        return _replace(front, at, at, " " + render(value), drop_comment)
    return _replace(front, node.start_mark.index, node.end_mark.index, render(value, node.style), drop_comment)


def _item_style(node: SequenceNode) -> str | None:
    styles = {item.style for item in node.value if isinstance(item, ScalarNode)}
    return styles.pop() if len(styles) == 1 and styles <= {"'", '"'} else None


def _flow_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(render(item) for item in items) + "]"


def _append(front: FrontMatter, key: str, items: tuple[str, ...], drop_comment: bool) -> FrontMatter:
    found = _field(_mapping(front), key)
    if found is None:
        return _add_line(front, key, _flow_list(items))
    key_node, node = found
    if isinstance(node, ScalarNode) and node.start_mark.index == node.end_mark.index:  # `key:` and nothing
        at = _after_colon(front, key_node)
        return _replace(front, at, at, " " + _flow_list(items), drop_comment)
    if not isinstance(node, SequenceNode):
        raise EditError(f"{front.path}: `{key}` is not a list; write it as `{key}: [first-id]` first")
    rendered = [render(item, _item_style(node)) for item in items]
    if node.flow_style:
        closing = front.yaml.rindex("]", node.start_mark.index, node.end_mark.index)
        return _replace(front, closing, closing, (", " if node.value else "") + ", ".join(rendered), drop_comment)
    last = node.value[-1]
    line_start = front.yaml.rfind("\n", 0, last.start_mark.index) + 1
    prefix = front.yaml[line_start : last.start_mark.index]  # such as "  - "
    if prefix.strip() != "-":
        raise EditError(f"{front.path}: the list `{key}` is laid out in a way the tool cannot extend; "
                        "edit it by hand")
    at = _line_end(front.yaml, max(last.start_mark.index, last.end_mark.index - 1))
    lines = "".join(f"{prefix}{item}{front.newline}" for item in rendered)
    head = front.yaml[:at] if front.yaml[:at].endswith("\n") else front.yaml[:at] + front.newline
    return FrontMatter(front.path, front.before, head + lines + front.yaml[at:], front.after)


def _fields(front: FrontMatter) -> dict[str, Any]:
    try:
        document = parse_document(front.path, decode(front.path, front.encoded()))
    except DocumentError as error:
        raise EditError(f"{front.path}: {error.problem.message}; run `charter check`") from None
    return {key: located.value for key, located in document.fields.items()}


@dataclass(frozen=True)
class Change:
    """One field's new value: a scalar to set, or ids to add to a list."""

    key: str
    value: Value | None = None
    add: tuple[str, ...] = ()


def edit(path: str, data: bytes, changes: tuple[Change, ...], *, drop_comments: bool = False) -> bytes:
    """The file with `changes` applied, or EditError; no other field reads differently afterwards."""
    front = split(path, data)
    before = _fields(front)
    expected = dict(before)
    for change in changes:
        if change.add:
            current = expected.get(change.key) or []
            new_items = tuple(item for item in change.add if item not in current)
            if new_items:
                front = _append(front, change.key, new_items, drop_comments)
            expected[change.key] = [*current, *new_items]
        elif change.value is not None:
            front = _set(front, change.key, change.value, drop_comments)
            expected[change.key] = change.value
    if _fields(front) != expected:
        raise EditError(f"{path}: the front matter is written in a way the tool cannot edit safely; "
                        "edit it by hand, then run `charter check`")
    return front.encoded()
