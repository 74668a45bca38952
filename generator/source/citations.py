"""Who cites whom: the agreements whose text links to another agreement, and to which of its clauses.

Typed relations (`amends`, `builds_on`...) are declared in the front matter; citations are what the
text itself says, with `[[id]]`, `[[id#clause]]` or a relative link to the agreement's file. A link
to a sub-heading cites the clause it stands in; a link to the agreement as a whole, or to a heading
before its first clause, cites no clause. Links that lead nowhere, and an agreement's links to
itself, cite nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.model import Agreement, Charter
from generator.source.attachments import find_anchor
from generator.source.markup import CLAUSE_LEVEL

WHOLE = ""
"""The key of citations of the agreement as a whole."""
_CLAUSE_DEPTH = int(CLAUSE_LEVEL[1:])


@dataclass(frozen=True)
class CitedBy:
    """The agreements citing one agreement, by the clause they cite."""

    by_clause: Mapping[str, tuple[str, ...]]
    """Clause anchor (WHOLE for the agreement) -> the citing agreements' ids, sorted."""

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({source for sources in self.by_clause.values() for source in sources}))

    def clauses_cited_by(self, source: str) -> tuple[str, ...]:
        """The clauses `source` cites, in the cited text's order (WHOLE is left out)."""
        return tuple(anchor for anchor, sources in self.by_clause.items() if anchor != WHOLE and source in sources)


def _clause_of(agreement: Agreement) -> dict[str, str]:
    """Each heading's anchor -> the anchor of the clause it stands in (WHOLE before the first clause)."""
    clause, found = WHOLE, {}
    for heading in agreement.headings:
        if heading.level == _CLAUSE_DEPTH:
            clause = heading.anchor
        elif heading.level < _CLAUSE_DEPTH:
            clause = WHOLE
        found[heading.anchor] = clause
    return found


def _cited(charter: Charter, source: Agreement) -> set[tuple[str, str]]:
    """(cited agreement id, clause anchor or WHOLE) for every link of `source` that leads to one."""
    found: set[tuple[str, str | None]] = set()
    for link in source.links:
        target = charter.resolve(link.target)  # a link by a former id cites the agreement that had it
        if target is not None and (not link.anchor or link.anchor in target.anchors):
            found.add((target.id, link.anchor))
    for file_link in source.file_links:
        target = charter.by_path.get(file_link.path)
        if target is not None:
            found.add((target.id, find_anchor(target.anchors, file_link.fragment) if file_link.fragment else ""))
    clauses: dict[str, dict[str, str]] = {}
    cited = set()
    for target_id, anchor in found:
        if target_id == source.id:
            continue
        if target_id not in clauses:
            clauses[target_id] = _clause_of(charter.by_id[target_id])
        cited.add((target_id, clauses[target_id].get(anchor or "", WHOLE)))
    return cited


def citations(charter: Charter) -> dict[str, CitedBy]:
    """Agreement id -> who cites it, for every cited agreement; clauses in their text's order."""
    by_target: dict[str, dict[str, set[str]]] = {}
    for source in charter.agreements:
        for target_id, anchor in _cited(charter, source):
            by_target.setdefault(target_id, {}).setdefault(anchor, set()).add(source.id)
    result = {}
    for target_id, by_anchor in sorted(by_target.items()):
        order = [WHOLE, *(clause.anchor for clause in charter.by_id[target_id].clauses)]
        result[target_id] = CitedBy({anchor: tuple(sorted(by_anchor[anchor])) for anchor in order
                                     if anchor in by_anchor})
    return result
