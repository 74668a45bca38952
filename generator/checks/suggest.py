"""'Did you mean …?' hints, shared by every rule that checks a closed vocabulary."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice a mistyped value most likely meant, if any is close."""
    normal = value.strip().lower().replace("_", "-").replace(" ", "-")
    options = list(choices)
    if normal in options and normal != value:
        return normal
    close = difflib.get_close_matches(normal, options, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    found = closest(value, choices)
    return f"did you mean '{found}'?" if found else None
