"""A partial check (`charter check FILE...`, `--changed-since REF`): which problems it reports.

The whole charter is still loaded and checked, because a rule about one file needs all the others
(is this id taken? does that clause exist?). Only the report is narrowed: to the files asked about,
the agreements they link to or relate to, the agreements that link to or relate to them (a change
can break a link into it), and every problem outside the agreements folder (registries, structure).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from generator.checks.problems import Problem
from generator.model import Agreement, Charter
from generator.vocabulary import RELATIONS


def _targets(agreement: Agreement) -> set[str]:
    return {link.target for link in agreement.links} | {
        target for relation in RELATIONS for target in agreement.related(relation)}


def neighbourhood(charter: Charter, paths: Collection[str], former_ids: Iterable[str] = ()) -> frozenset[str]:
    """`paths`, what their agreements link or relate to, and what links or relates to them (or to
    `former_ids`, the ids of agreements that a change deleted or renamed)."""
    chosen = {agreement.id for agreement in charter.agreements if agreement.path in paths} | set(former_ids)
    chosen |= {former for former, current in charter.aliases.items() if current in chosen}
    found = set(paths)
    for agreement in charter.agreements:
        targets = _targets(agreement)
        if agreement.id in chosen:
            found.add(agreement.path)
            found.update(linked.path for linked in map(charter.resolve, targets) if linked is not None)
        elif targets & chosen:
            found.add(agreement.path)
    return frozenset(found)


def narrowed(problems: Sequence[Problem], files_checked: int, charter: Charter, agreements_folder: str,
             agreement_files: Collection[str], touched: Collection[str],
             former_ids: Iterable[str] = ()) -> tuple[list[Problem], int]:
    """The problems and the count of files checked that a check of `touched` reports.

    `agreements_folder` and every path are named as problems name them; `agreement_files` are all
    the agreement files a full check reads; `touched` may name other files, which add nothing.
    """
    chosen = neighbourhood(charter, set(touched) & set(agreement_files), former_ids)
    prefix = agreements_folder.rstrip("/") + "/"
    kept = [problem for problem in problems if problem.path in chosen or not problem.path.startswith(prefix)]
    return kept, files_checked - len(agreement_files) + len(chosen & set(agreement_files))
