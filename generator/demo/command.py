"""What `charter demo` needs besides the repository: the theme to copy, and the words it ends with."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from generator.demo.write import DemoSummary
from generator.errors import CharterError

SOURCE_THEME = Path(__file__).resolve().parent.parent.parent / "site_overrides"
"""The theme a demo copies when no project is at hand: this source checkout's own."""


def theme_folder(templates_dir: Path | None, config: Path) -> Path:
    """The project's theme overrides (the folder of its templates), or this checkout's without a project."""
    folder = templates_dir.parent if templates_dir is not None else SOURCE_THEME
    if not folder.is_dir():
        raise CharterError(f"no theme to copy into the demo: {config} not found, and this installation has "
                           "no site_overrides/ beside it; run charter in a charter project or pass -f")
    return folder


def closing_words(written: DemoSummary, directory: str) -> str:
    """What was written, and the command that builds it, to be pasted as it is from any folder."""
    charter = Path(sys.executable).parent / "charter"
    command = (shlex.quote(str(charter)) if charter.is_file()
               else f"{shlex.quote(sys.executable)} -m generator.cli")
    return (f"wrote {written.commits} commits ({written.merges} merges, {len(written.tags)} editions) about "
            f"{written.agreements} agreements into {directory}\nbuild it with: "
            f"cd {shlex.quote(str(Path(directory).resolve()))} && {command} build")
