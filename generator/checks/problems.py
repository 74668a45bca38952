"""Problems found in the charter's sources, and their rustc-style formatting."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    """How a problem affects a build.

    A *notice* reports the charter's state (a review that is overdue), not a defect in the
    sources, so it must never fail a strict build that publishes that very state.
    """

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    column: int = 0
    """1-based, where the rule knows it (the value or list item at fault); 0 when only the line is known."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def location(self) -> str:
        """`path:line:` or `path:line:column:`, the form compilers print and editors jump to."""
        return f"{_shown(self.path)}:{self.line}:" + (f"{self.column}:" if self.column else "")

    def format(self) -> str:
        text = f"{self.location} {self.severity.value}[{self.code}]: {_shown(self.message)}"
        if self.hint:
            text += f"\n  help: {_shown(self.hint)}"
        return text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _shown(text: str) -> str:
    """One line, with no control character: a file name or value holding a newline or an escape
    sequence cannot forge another problem's line or restyle the terminal (a newline shows as \\n)."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Order by file and line, so that output does not depend on rule or file-system order."""
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(problems: Sequence[Problem], files_checked: int) -> str:
    counts = {severity: 0 for severity in Severity}
    for problem in problems:
        counts[problem.severity] += 1
    return (
        f"{_plural(counts[Severity.ERROR], 'error')}, {_plural(counts[Severity.WARNING], 'warning')}, "
        f"{_plural(counts[Severity.NOTICE], 'notice')} in {_plural(files_checked, 'file')} checked"
    )


def format_text(problems: Sequence[Problem], files_checked: int) -> str:
    lines = [problem.format() for problem in problems]
    lines.append(summary(problems, files_checked))
    return "\n".join(lines)


def format_json(problems: Sequence[Problem], files_checked: int) -> str:
    """Machine output for editors and PR annotations; keys are stable."""
    records = [{**asdict(problem), "severity": problem.severity.value, "column": problem.column or None}
               for problem in problems]
    counts = {severity.value: sum(1 for p in problems if p.severity is severity) for severity in Severity}
    return json.dumps(
        {"problems": records, "summary": {**counts, "files": files_checked}}, indent=2, sort_keys=True
    )


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Sequence[Problem], files_checked: int) -> str:
    """GitHub Actions workflow commands: each problem lands on its line of the pull request's diff.

    Escaped as the runner's own toolkit does (`%`, CR and LF everywhere; `:` and `,` in properties
    too), so no value in an agreement can end a command early or forge a second one. An author's own
    control characters show as in the text format (a newline as \\n); the help goes on a line of its own.
    """
    lines = []
    for problem in problems:
        properties = {"file": _shown(problem.path), "line": str(problem.line)}
        if problem.column:
            properties["col"] = str(problem.column)
        properties["title"] = f"{problem.severity.value}[{problem.code}]"
        message = _shown(problem.message) + (f"\nhelp: {_shown(problem.hint)}" if problem.hint else "")
        shown = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
        lines.append(f"::{problem.severity.value} {shown}::{escape_data(message)}")
    lines.append(summary(problems, files_checked))
    return "\n".join(lines)


FORMATS = {"text": format_text, "json": format_json, "github": format_github}
"""`charter check --format` choices."""
