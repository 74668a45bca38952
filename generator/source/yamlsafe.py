"""Safe YAML reading that keeps line numbers.

ruamel.yaml only *composes* the node graph here; we convert nodes to plain values ourselves.
That way no tag can construct an object, duplicate keys are caught with their line, and
alias expansion is bounded (a "billion laughs" document fails fast instead of eating memory).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

MAX_NODES = 20_000
MAX_DEPTH = 50
TOO_DEEP = f"invalid YAML: values nested more than {MAX_DEPTH} levels deep"
TOO_DEEP_HINT = "front matter holds text, dates and lists of ids; remove the nesting"
# Each nesting level needs one of these; libyaml's composer recurses in C without a limit, so
# deeply nested text (30,000 `[` on the main thread, far fewer on a thread with a small stack)
# would crash the process. Text with more of them goes to the pure parser, which stops cleanly.
_NESTING = re.compile(r"[\[{]|[-?:](?=\s|\Z)")
LIBYAML_MAX_NESTING = 200
_TAG = "tag:yaml.org,2002:"
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
"""YYYY-MM-DD only: the form the hint asks for, and the one JSON Schema's `date` format accepts."""


class YamlProblem(Exception):
    """A YAML defect at a line (0-based within the YAML text)."""

    def __init__(self, line: int, code: str, message: str, hint: str, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        """1-based within the line; 0 when unknown."""
        self.code = code
        self.message = message
        self.hint = hint


def _problem_at(node: Node, code: str, message: str, hint: str) -> YamlProblem:
    return YamlProblem(node.start_mark.line, code, message, hint, node.start_mark.column + 1)


@dataclass(frozen=True)
class Located:
    """A value with the line it came from, so every rule can point at the right line."""

    value: Any
    line: int
    item_lines: tuple[int, ...] = ()
    column: int = 0
    """1-based column where the value starts (0: unknown), so a problem can point inside the line."""
    item_columns: tuple[int, ...] = ()


def _tag(node: Node) -> str:
    tag = getattr(node.tag, "value", node.tag)
    return str(tag)


def _require_tag(node: Node, kind: str) -> None:
    """A list or mapping may carry no tag of its own (`!!python/object/apply:…` is one)."""
    tag = _tag(node)
    if tag != _TAG + kind:
        shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
        raise _problem_at(
            node,
            "yaml-tag",
            f"the YAML tag {shown} is not allowed",
            "remove the tag; front matter holds only text, numbers, dates and lists",
        )


class _Converter:
    def __init__(self) -> None:
        self.nodes_seen = 0

    def convert(self, node: Node, depth: int = 0) -> Any:
        self.nodes_seen += 1
        if depth > MAX_DEPTH:
            raise _problem_at(node, "yaml-syntax", TOO_DEEP, TOO_DEEP_HINT)
        if self.nodes_seen > MAX_NODES:
            raise _problem_at(
                node,
                "yaml-too-large",
                f"the YAML expands to more than {MAX_NODES} values",
                "remove anchors and aliases (&name / *name); front matter never needs them",
            )
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            _require_tag(node, "seq")
            return [self.convert(item, depth + 1) for item in node.value]
        if isinstance(node, MappingNode):
            _require_tag(node, "map")
            return {key: self.convert(value, depth + 1) for key, value, _ in self.pairs(node)}
        raise _problem_at(node, "yaml-tag", "unsupported YAML node", "use plain YAML")

    def pairs(self, node: MappingNode) -> Iterator[tuple[str, Node, int]]:
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line
            if not isinstance(key_node, ScalarNode):
                raise _problem_at(key_node, "yaml-key", "a key must be plain text", "write `key: value`")
            key = _whole_characters(key_node, str(key_node.value))
            if key == "<<":
                raise _problem_at(key_node, "yaml-tag", "merge keys (<<) are not supported", "write the keys out")
            if key in seen:
                raise _problem_at(
                    key_node,
                    "yaml-duplicate-key",
                    f"key '{key}' is given twice",
                    "keep one of the two; YAML would silently drop the first",
                )
            seen[key] = line
            yield key, value_node, line

    def scalar(self, node: ScalarNode) -> Any:
        tag = _tag(node)
        text = str(node.value)
        if not tag.startswith(_TAG):
            raise _problem_at(
                node,
                "yaml-tag",
                f"the YAML tag {tag} is not allowed",
                "remove the tag; front matter holds only text, numbers, dates and lists",
            )
        kind = tag[len(_TAG) :]
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() == "true"
        if kind == "int":
            try:
                return int(text.replace("_", ""), 0)
            except ValueError:
                return text
        if kind == "float":
            try:
                return float(text.replace("_", ""))
            except ValueError:
                return text
        if kind == "timestamp":
            return as_date(text)
        if kind in {"str", "binary"}:
            return _whole_characters(node, text)
        raise _problem_at(
            node, "yaml-tag", f"the YAML tag !!{kind} is not allowed", "remove the tag"
        )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_characters(node: Node, text: str) -> str:
    """Text whose `\\u` escapes name halves of a character (as JSON writes 💧): joined when they pair up.

    A lone half cannot be written as UTF-8, so it would crash the sanitiser and every page writer.
    """
    if not _SURROGATE.search(text):
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    if _SURROGATE.search(joined):
        raise _problem_at(node, "yaml-syntax",
                          "invalid YAML: a \\u escape names half of a character (a lone surrogate)",
                          "write the character itself, or its whole code as \\UXXXXXXXX")
    return joined


def as_date(text: str) -> dt.date | str:
    """A date, or the text itself so that a rule can report it as a bad date with its line."""
    match = _DATE.match(text.strip())
    if not match:
        return text
    try:
        return dt.date(*(int(group) for group in match.groups()))
    except ValueError:
        return text


@functools.cache
def _parser(pure: bool) -> YAML:
    """One parser of each kind for the process: building one costs more than composing a front matter."""
    return YAML(typ="safe", pure=pure)


def _compose(text: str) -> Node | None:
    """Compose with libyaml when it is installed (several times faster on thousands of versions).

    Both parsers resolve tags alike; only their error messages differ, so anything libyaml rejects
    is parsed again by the pure parser, whose words and line numbers are the ones users see.
    """
    if len(_NESTING.findall(text)) <= LIBYAML_MAX_NESTING:
        try:
            return _parser(False).compose(text)  # type: ignore[no-any-return]
        except (YAMLError, RecursionError, ValueError):
            pass
    try:
        return _parser(True).compose(text)  # type: ignore[no-any-return]
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line, mark.column + 1) if mark is not None else (0, 0)
        reason = (error.problem or error.context or "invalid YAML").strip()
        raise YamlProblem(line, "yaml-syntax", f"invalid YAML: {reason}", _syntax_hint(reason), column) from None
    except RecursionError:
        raise YamlProblem(0, "yaml-syntax", TOO_DEEP, TOO_DEEP_HINT) from None
    except ReaderError as error:
        # A control character: its own words and line, not the reader's "position N" on two lines.
        line = text.count("\n", 0, error.position) if isinstance(error.position, int) else 0
        shown = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        raise YamlProblem(line, "yaml-syntax", f"invalid YAML: the control character {shown} is not allowed",
                          "remove it; front matter holds printable text only") from None
    except YAMLError as error:
        raise YamlProblem(0, "yaml-syntax", f"invalid YAML: {error}", "check the YAML syntax") from None


def _syntax_hint(reason: str) -> str:
    if "mapping values" in reason:
        return "quote a value that contains ': ' (for example title: \"Water: a commons\")"
    if "tab" in reason:
        return "indent with spaces, not tabs"
    return "check indentation and quoting; a value with ':' or '#' needs quotes"


_FAST_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*): +(\S.*)\Z")
_FAST_ITEM = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)(, *)?")
_PERIOD = re.compile(r"[1-9][0-9]{0,3}[ymwd]\Z")
_NOT_TEXT = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"})


def _fast_scalar(raw: str) -> Any:
    """A one-line value that YAML can only read as text (or a YYYY-MM-DD date), or ... for any other."""
    if raw[0] == '"':
        inner = raw[1:-1]
        return inner if raw[-1] == '"' and len(raw) > 1 and '"' not in inner and "\\" not in inner else ...
    if _DATE.match(raw):
        return as_date(raw)
    if _PERIOD.match(raw):  # `renew_every: 5y`: no YAML number or date ends in a unit letter
        return raw
    if not raw[0].isalpha() or "#" in raw or ": " in raw or raw.endswith(":") or raw.lower() in _NOT_TEXT:
        return ...
    return raw


def _fast_list(raw: str, column: int) -> tuple[list[str], tuple[int, ...]] | None:
    """`[id, id, ...]` of plain words, with each item's 1-based column; None for any other flow."""
    if not raw.endswith("]"):
        return None
    inner, items, columns, position = raw[1:-1], [], [], 1
    while position - 1 < len(inner):
        match = _FAST_ITEM.match(inner, position - 1)
        if match is None or match.group(1).lower() in _NOT_TEXT:
            return None
        items.append(match.group(1))
        columns.append(column + position)
        position = match.end() + 1
        if match.group(2) is None and position - 1 < len(inner):
            return None
    return items, tuple(columns)


def _fast_mapping(text: str, first_line: int = 0) -> dict[str, Located] | None:
    """The front matter almost every file has, read without a YAML parser: one `key: value` per line,
    each value one line of plain text, a "quoted" text without escapes, a date, or `[id, id]`. Anything
    else (None) goes to the full parser, whose results these match (tests/test_yamlsafe.py holds them
    side by side); a file of thousands of versions parses in a fraction of the time."""
    located: dict[str, Located] = {}
    for line, content in enumerate(text.split("\n"), start=first_line):
        if not content:
            continue
        match = _FAST_LINE.match(content)
        if match is None or not content.isprintable():
            return None
        key, raw = match.group(1), match.group(2).rstrip(" ")
        column = match.start(2) + 1
        if key in located or key == "<<":
            return None
        if raw[0] == "[":
            found = _fast_list(raw, column)
            if found is None:
                return None
            located[key] = Located(found[0], line, (line,) * len(found[0]), column, found[1])
            continue
        value = _fast_scalar(raw)
        if value is ...:
            return None
        located[key] = Located(value, line, (), column, ())
    return located


def load_mapping(text: str, first_line: int = 0) -> dict[str, Located]:
    """Parse a YAML mapping into located values; raise YamlProblem for anything unsafe or broken.

    Values are located from `first_line`, the number of the text's first line in its file, so that a
    caller reading thousands of front matters does not locate each value twice; a YamlProblem's line
    still counts from 0."""
    fast = _fast_mapping(text, first_line)
    return fast if fast is not None else composed_mapping(text, first_line)


def composed_mapping(text: str, first_line: int = 0) -> dict[str, Located]:
    """`load_mapping` through the YAML parser alone."""
    with warnings.catch_warnings():
        # A reused anchor is legal YAML; ruamel's warning would reach the reader's terminal raw.
        warnings.simplefilter("ignore", ReusedAnchorWarning)
        root = _compose(text)
    if root is None:
        return {}
    if not isinstance(root, MappingNode):
        raise _problem_at(
            root, "yaml-not-mapping", "expected `key: value` pairs", "write one field per line"
        )
    _require_tag(root, "map")
    converter = _Converter()
    located: dict[str, Located] = {}
    for key, node, line in converter.pairs(root):
        items: list[Node] = node.value if isinstance(node, SequenceNode) else []
        column = node.start_mark.column + 1 if node.start_mark.line == line else 0  # a block below its key
        located[key] = Located(converter.convert(node), line + first_line,
                               tuple(item.start_mark.line + first_line for item in items),
                               column, tuple(item.start_mark.column + 1 for item in items))
    return located
