"""What the history page hands its in-browser comparison: each version's reading, clause by clause.

The browser pairs and diffs clauses with a port of the server's code (compare.js), so it needs the
server's tokens, never the Markdown: it cannot read a body differently. Clauses repeat across
versions (an amendment changes one or two), so each distinct clause is sent once and versions
list theirs by index:

    {"budget": 8000000,
     "clauses": [{"anchor": "", "title": "", "tokens": ["\\ue001p", "Agreed", " ", ...]}, ...],
     "versions": [{"number": 1, "label": "Version 1, 2024-01-10", "clauses": [0, 1, 2]}, ...]}

The first clause of every version is its preamble (anchor and title "").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generator.diffs.match import MATCH_BUDGET
from generator.diffs.reading import ClauseText, ReadingForm


def comparison_payload(versions: Sequence[tuple[int, str, ReadingForm]]) -> dict[str, Any]:
    """(number, label, reading) for each version, oldest first, as the JSON shape above."""
    table: list[dict[str, Any]] = []
    index: dict[ClauseText, int] = {}
    listed = []
    for number, label, form in versions:
        for clause in form.clauses:
            if clause not in index:
                index[clause] = len(table)
                table.append({"anchor": clause.anchor, "title": clause.title, "tokens": list(clause.tokens)})
        clauses = [index[clause] for clause in form.clauses]
        listed.append({"number": number, "label": label, "clauses": clauses})
    return {"budget": MATCH_BUDGET, "clauses": table, "versions": listed}


def readings_from_payload(payload: Mapping[str, Any]) -> dict[int, ReadingForm]:
    """Each version's clauses back from the JSON: what the browser compares, for tests to compare too."""
    clauses = [ClauseText(c["anchor"], c["title"], tuple(c["tokens"])) for c in payload["clauses"]]
    return {version["number"]: ReadingForm(tuple(clauses[i] for i in version["clauses"]))
            for version in payload["versions"]}
