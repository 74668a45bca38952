"""Exceptions of the core; the plugin and the CLI turn them into exit codes or PluginError."""

from __future__ import annotations


class CharterError(Exception):
    """A failure the user can fix; carries its exit code so the CLI needs no mapping table."""

    exit_code = 2
