"""Exceptions of the core; the plugin and the CLI turn them into exit codes or PluginError."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.problems import Problem


class CharterError(Exception):
    """A failure the user can fix; carries its exit code so the CLI needs no mapping table."""

    exit_code = 2


class ProblemsFound(CharterError):
    """Validation failed: every problem is carried so they can be reported at once."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        errors = sum(1 for problem in self.problems if problem.is_error)
        super().__init__(f"the charter has {errors} error{'s' if errors != 1 else ''}")
