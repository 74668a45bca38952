"""The ids each agreement had before: from its history (a version whose id, its `id:` or its file name,
differs from today's, which is how a file renamed with `git mv` shows) and from its declared `former_ids`.

Pure data over the histories and the charter, so that the checks can follow a `[[former-id]]` link and the
pages can leave a redirect at every address the agreement had. A former id that is not a valid id (an
old file name that never passed the checks) gets no address, and a live id is never a former one: the
agreement that holds an id now keeps its address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.history.versions import AgreementHistory, Version
from generator.model import Charter
from generator.source.agreements import agreement_id
from generator.vocabulary import ID_PATTERN


@dataclass(frozen=True)
class FormerId:
    former: str
    current: str
    """The id of the agreement that had it, as it is now."""
    versions: int
    """The last version that carried it: each of versions 1 to this had a page under the former id
    (0 when only `former_ids` names it, and the history shows no version under it)."""
    declared: bool = False
    """Named in the agreement's `former_ids`, not only found in its history."""


def version_id(version: Version) -> str | None:
    """The id a version had, as the checks read it then; None for a removal or a text that does not parse."""
    if version.header is None:
        return None
    return agreement_id(version.header)


def _last_seen(version: Version) -> tuple[int, float]:
    """Orders two agreements' claims to one former id: the one that carried it last wins (an uncommitted
    version is the newest of all)."""
    revision = version.revision
    return (1, 0.0) if revision is None else (0, revision.committed.timestamp())


def former_ids(charter: Charter, histories: Mapping[str, AgreementHistory]) -> tuple[FormerId, ...]:
    """Every former id of every live agreement, by former id. A declared one wins over one only the
    history shows, and of two histories, the one that carried the id last."""
    found: dict[str, tuple[FormerId, tuple[int, float]]] = {}
    for agreement in charter.agreements:
        history = histories.get(agreement.id)
        last: dict[str, Version] = {}
        for version in history.versions if history is not None else ():
            old = version_id(version)
            if old is not None and old != agreement.id:
                last[old] = version
        for old, version in last.items():
            if not ID_PATTERN.match(old) or old in charter.by_id:
                continue
            former = FormerId(old, agreement.id, version.number, old in agreement.former_ids)
            claim = (former, _last_seen(version))
            held = found.get(old)
            if held is None or (not held[0].declared and (claim[0].declared or claim[1] > held[1])):
                found[old] = claim
        for old in agreement.former_ids:
            held = found.get(old)
            unclaimed = held is None or (not held[0].declared and held[0].current != agreement.id)
            if unclaimed and ID_PATTERN.match(old) and old not in charter.by_id:
                found[old] = (FormerId(old, agreement.id, 0, True), (0, 0.0))
    return tuple(claim for _, (claim, _) in sorted(found.items()))


def renamed(formers: tuple[FormerId, ...]) -> dict[str, str]:
    """Former id -> current id, as `Charter.renamed` holds it."""
    return {former.former: former.current for former in formers}
