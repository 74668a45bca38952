"""'Did you mean …?' hints, shared by every rule that checks a closed vocabulary."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    normal = value.strip().lower().replace("_", "-").replace(" ", "-")
    options = list(choices)
    if normal in options and normal != value:
        return f"did you mean '{normal}'?"
    close = difflib.get_close_matches(normal, options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
