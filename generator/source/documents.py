"""Split an agreement file into located front-matter fields and a Markdown body."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Protocol

from generator.checks.problems import Problem
from generator.source.yamlsafe import Located, YamlProblem, as_date, load_mapping
from generator.vocabulary import DATE_FIELDS

FENCE = "---"
CLOSING_FENCES = ("---", "...")
_CLOSING_LINE = re.compile(f"^(?:{'|'.join(map(re.escape, CLOSING_FENCES))})[^\\S\\n]*$", re.MULTILINE)
"""A line of CLOSING_FENCES with trailing spaces (regular expressions' \\s is `str.isspace`, as `rstrip`'s is):
found in C, where a walk over every line in Python cost a tenth of reading a long history."""
MAX_FILE_BYTES = 1_000_000
CONFLICT_MARKER = "<<<<<<< "
MAX_BRACKETS = 30_000
"""Each '[' may open a link that Markdown must look for; far more than any agreement's [[links]]."""


@dataclass(frozen=True)
class SourceDocument:
    """One agreement file as written: fields keep their 1-based line numbers in the file."""

    path: str
    fields: dict[str, Located] = field(hash=False)
    body: str
    body_line: int

    def line_of(self, key: str) -> int:
        located = self.fields.get(key)
        return located.line if located is not None else 1

    def column_of(self, key: str) -> int:
        located = self.fields.get(key)
        return located.column if located is not None else 0


class DocumentError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem


def decode(path: str, data: bytes) -> str:
    """Text of a source file: UTF-8 with an optional BOM, any line endings."""
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(
            Problem(
                path,
                1,
                "file-too-large",
                f"the file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}",
                "split the agreement into several agreements that relate to each other",
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DocumentError(
            Problem(path, line, "encoding", "the file is not valid UTF-8", "save the file as UTF-8")
        ) from None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


class FieldsMemo(Protocol):
    """Front-matter text -> parsed fields: most versions of an agreement share their front matter."""

    def get(self, front_matter: str, /) -> dict[str, Located] | None: ...

    def __setitem__(self, front_matter: str, fields: dict[str, Located], /) -> None: ...


def parse_document(path: str, text: str, memo: FieldsMemo | None = None) -> SourceDocument:
    """Parse decoded text; raise DocumentError with the file and line of the first defect.

    With a `memo`, YAML is parsed once per distinct front matter, which makes reading thousands of
    historical versions cheap; the memo holds only texts that parsed.
    """
    marked = CONFLICT_MARKER in text  # one search in C before a walk in Python
    conflict = next((number for number, line in enumerate(text.split("\n"), start=1)
                     if line.startswith(CONFLICT_MARKER)), None) if marked else None
    if conflict is not None:
        raise DocumentError(
            Problem(
                path,
                conflict,
                "conflict-markers",
                "the file holds git conflict markers from an unfinished merge or rebase",
                "keep the text that should stand, delete the <<<<<<<, ======= and >>>>>>> lines, then commit",
            )
        )
    first_end = text.find("\n")
    if (text if first_end < 0 else text[:first_end]).rstrip() != FENCE:
        raise DocumentError(
            Problem(
                path,
                1,
                "front-matter-missing",
                "the file does not start with front matter",
                "begin the file with a line `---`, the fields (title, status, parties), and another `---`",
            )
        )
    found = _CLOSING_LINE.search(text, first_end + 1) if first_end >= 0 else None
    if found is None:
        raise DocumentError(
            Problem(
                path,
                1,
                "front-matter-unclosed",
                "the front matter is never closed",
                "add a line `---` after the last field",
            )
        )
    closing = text.count("\n", 0, found.start())  # the closing line's index: the body starts on line closing + 2
    front_matter = text[first_end + 1:found.start() - 1]
    fields = memo.get(front_matter) if memo is not None else None
    if fields is None:
        fields = _located_fields(path, front_matter)
        if memo is not None:
            memo[front_matter] = fields
    body = text[found.end() + 1:]
    if body.count("[") > MAX_BRACKETS:
        raise DocumentError(
            Problem(
                path,
                closing + 2,
                "body-too-complex",
                f"the text holds {body.count('['):,} '[' characters; the limit is {MAX_BRACKETS:,}",
                "Markdown reads every '[' as a possible link, which takes time in proportion; "
                "split the agreement, or write the brackets as \\[",
            )
        )
    return SourceDocument(path, fields, body, closing + 2)


def _located_fields(path: str, front_matter: str) -> dict[str, Located]:
    """Fields with 1-based line numbers in the file (the front matter starts on line 2)."""
    try:
        fields = load_mapping(front_matter, first_line=2)
    except YamlProblem as problem:
        raise DocumentError(Problem(path, problem.line + 2, problem.code, problem.message, problem.hint,
                                    column=problem.column)) from None
    # `adopted: "2024-03-01"` is a date too: editors and JSON Schema see every date as text.
    for key in DATE_FIELDS:
        located = fields.get(key)
        if located is not None and isinstance(located.value, str):
            fields[key] = dataclasses.replace(located, value=as_date(located.value))
    return fields


def read_document(path: str, data: bytes, memo: FieldsMemo | None = None) -> SourceDocument:
    return parse_document(path, decode(path, data), memo)
