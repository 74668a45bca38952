"""Histories kept between builds: an agreement whose revisions did not change is not read again.

Building a history reads every version's text and parses its front matter to tell its events, and a
rebuild after one commit changes one agreement's history. At 5,000 agreements and 50,000 commits that
was 5.3 s of each rebuild, in the one process that composes the charter (measured in process). A kept
history is an entry of the build cache, keyed by what `build_history` is a function of: the agreement's
id, each snapshot's commit, path, blob, kind of change and author date (a blob id names its bytes; an
uncommitted text is named by a digest of its bytes, with the date it takes), and the code that builds
it. The entry holds what the versions computed (their events, problems and where each body starts);
the revisions and texts are the build's own, taken from the snapshots the key was made of. A version's
fields are named by the digest of the front matter they were parsed from (the front-matter memo,
generator.source.parsed_cache, hands the same dict to every version that shares them): an entry whose
fields the memo no longer holds is built again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from functools import partial
from typing import Any

from generator.cache import BlobCache, fingerprint
from generator.history.versions import AgreementHistory, Event, Snapshot, Version, build_history
from generator.source.documents import SourceDocument
from generator.source.parsed_cache import PersistentFieldsMemo

HISTORY_CODE = fingerprint("history.kept", "history.versions", "source.agreements", "source.documents",
                           "source.yamlsafe", "source.parsed_cache", "model", "vocabulary")
NAMESPACE = "histories"


def history_key(agreement_id: str, snapshots: Sequence[Snapshot], uncommitted_date: dt.date) -> str:
    # Five fields a snapshot, each ended by a NUL, which no git path, id or date holds: 0.21 s for the
    # 50,000 revisions of the L demo, where a JSON list of them took 0.29 s.
    named = [HISTORY_CODE, agreement_id]
    for snapshot in snapshots:
        revision = snapshot.revision
        if revision is None:  # the working copy's text, dated by the build
            digest = hashlib.sha256(snapshot.text.read()).hexdigest()
            named += ("uncommitted", snapshot.path, digest, uncommitted_date.isoformat(), "")
        else:
            named += (revision.commit, snapshot.path, revision.blob, revision.change,
                      revision.authored.isoformat())
    text = "\0".join(named) + "\0"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _event(event: Event) -> list[Any]:
    declared_date = event.declared_date.toordinal() if event.declared_date is not None else None
    return [event.kind, event.date.toordinal(), event.version, event.declared, event.detail, declared_date]


def _from_event(kind: str, date: int, version: int | None, declared: bool, detail: str,
                declared_date: int | None) -> Event:
    return Event(kind, dt.date.fromordinal(date), version, declared, detail,
                 dt.date.fromordinal(declared_date) if declared_date is not None else None)


def encode_history(front_matters: PersistentFieldsMemo, history: AgreementHistory) -> dict[str, Any] | None:
    """The entry for `history`; None (nothing kept) if a version's fields are not the memo's."""
    versions: list[list[Any]] = []
    for version in history.versions:
        header = None
        if version.header is not None:
            digest = front_matters.digest_of(version.header.fields)
            if digest is None:
                return None
            header = [digest.hex(), version.header.path, version.header.body_line]
        versions.append([version.path, version.unparsed, header, [_event(event) for event in version.events],
                         version.problem, version.body_start])
    return {"versions": versions, "declared": [_event(event) for event in history.declared]}


def decode_history(front_matters: PersistentFieldsMemo, agreement_id: str, snapshots: Sequence[Snapshot],
                   entry: Any) -> AgreementHistory:
    """The history an entry holds, over the build's own revisions and texts. Raises KeyError, TypeError or
    ValueError for an entry of another shape, or one whose fields the memo lacks (the cache builds it
    again)."""
    versions = []
    for number, (snapshot, (path, unparsed, header, events, problem, body_start)) in enumerate(
            zip(snapshots, entry["versions"], strict=True), start=1):
        document = None
        if header is not None:
            digest, header_path, body_line = header
            fields = front_matters.kept(bytes.fromhex(digest))
            if fields is None:
                raise KeyError(f"the front matter {digest} is no longer parsed")
            document = SourceDocument(header_path, fields, "", body_line)
        versions.append(Version(number, snapshot.revision, path, unparsed, document,
                                tuple(_from_event(*event) for event in events), problem, snapshot.text,
                                body_start))
    declared = tuple(_from_event(*event) for event in entry["declared"])
    return AgreementHistory(agreement_id, tuple(versions), declared)


def kept_history(cache: BlobCache, front_matters: PersistentFieldsMemo, agreement_id: str,
                 snapshots: Sequence[Snapshot], uncommitted_date: dt.date) -> AgreementHistory:
    """`build_history`'s result, from the cache when an earlier build built it from the same snapshots."""
    history: AgreementHistory = cache.get_or_compute(
        NAMESPACE, history_key(agreement_id, snapshots, uncommitted_date),
        partial(build_history, agreement_id, snapshots, uncommitted_date, front_matters),
        encode=partial(encode_history, front_matters),
        decode=partial(decode_history, front_matters, agreement_id, snapshots))
    return history
