"""The agreement template that `charter new` writes and the checks read: its placeholders are its own."""

from __future__ import annotations

from importlib.resources import files


def template_text() -> str:
    return files("generator").joinpath("templates/agreement.md").read_text(encoding="utf-8")
