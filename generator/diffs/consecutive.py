"""The diffs stage: each version of each agreement against the one before it, computed once per build.

Between history and pages: the pages only show what this stage returns. The cache is the one the
build made (compose passes it in), keyed by the two blobs compared and the diff code's fingerprint,
so a rebuild after one commit computes one diff per changed agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from generator.cache import BlobCache, fingerprint
from generator.diffs.clauses import diff_bodies, diff_fields, diff_summary
from generator.diffs.render import render_body_diff_html, render_field_diff_html
from generator.history.versions import AgreementHistory, Version

DIFF_CODE = fingerprint("diffs.consecutive", "diffs.clauses", "diffs.match", "diffs.render")


@dataclass(frozen=True)
class Change:
    """A version against the one before it, ready to show."""

    version: Version
    fields_html: Markup
    body_html: Markup
    summary: str


def _compute_change(previous: Version | None, version: Version) -> tuple[str, str, str]:
    body_diff = diff_bodies(previous.body if previous is not None else "", version.body)
    before = previous.agreement if previous is not None else None
    fields = diff_fields(before, version.agreement) if version.agreement is not None else ()
    return render_field_diff_html(fields), render_body_diff_html(body_diff), diff_summary(body_diff)


def _blob(version: Version | None) -> str:
    if version is None or version.revision is None:
        return "none"
    return version.revision.blob or "removed"


def consecutive_diffs(history: AgreementHistory, cache: BlobCache) -> list[Change]:
    """Newest first: each version against the one before it, cached by the two blobs compared.

    A removal shows the whole text removed; the restoration after it is compared with the text before
    the removal, so its diff shows what the agreement's life across the gap changed, as its events do."""
    found = []
    previous: Version | None = None
    for version in history.versions:
        def compute(previous: Version | None = previous, version: Version = version) -> tuple[str, str, str]:
            return _compute_change(previous, version)

        if version.is_uncommitted:
            fields, body, summary = compute()
        else:
            fields, body, summary = cache.get_or_compute(
                "diffs", f"{_blob(previous)}-{_blob(version)}-{DIFF_CODE}", compute,
                encode=list, decode=lambda payload: (str(payload[0]), str(payload[1]), str(payload[2])))
        # Escaped by generator.diffs.clauses, which renders every text through html.escape.
        found.append(Change(version, Markup(fields), Markup(body), summary))  # noqa: S704
        previous = previous if version.is_removed else version
    return list(reversed(found))


def history_diffs(histories: Mapping[str, AgreementHistory], cache: BlobCache) -> dict[str, tuple[Change, ...]]:
    """Agreement id -> its consecutive diffs, newest first: the one place a build computes diffs."""
    return {agreement_id: tuple(consecutive_diffs(history, cache)) for agreement_id, history in histories.items()}
