"""Each agreement's history page and its per-version pages, from the versions git holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.cache import BlobCache, fingerprint
from generator.diffs.clauses import diff_fields, diff_readings, diff_summary
from generator.diffs.payload import comparison_payload
from generator.diffs.reading import ReadingForm, link_fingerprint, reading_form
from generator.diffs.render import render_body_diff_html, render_field_diff_html
from generator.history.versions import AgreementHistory, Version
from generator.model import Agreement
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry, relative_url
from generator.pages.timeline import Mark, marks_for, timeline_svg
from generator.source.markup import Resolver

EVENT_LABELS = {
    "proposed": "Proposed",
    "adopted": "Adopted",
    "amended": "Amended",
    "renewed": "Renewed",
    "status-changed": "Status changed",
    "relations-changed": "Relations changed",
    "moved": "Moved",
    "metadata-only": "Details changed",
    "unparsable": "Unreadable text",
    "declared-adopted": "Adopted (declared)",
    "review-due": "Review due",
}


def history_url(agreement: Agreement) -> str:
    return f"{agreement.url}history/"


def version_url(agreement: Agreement, number: int) -> str:
    return f"{agreement.url}v/{number}/"


def json_for_script(value: object) -> Markup:
    """JSON safe inside <script>: no `</script>` or `<!--` can close or confuse the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - every character that could end the element is escaped above


def _body(version: Version) -> str:
    """The Markdown body, without building the agreement (which would parse the Markdown)."""
    return version.document.body if version.document is not None else version.text


def version_label(version: Version, context: SiteContext) -> str:
    date = version.date.date().isoformat() if version.date else context.as_of.isoformat()
    return f"Version {version.number}, {date}" + (" (uncommitted)" if version.is_uncommitted else "")


DIFF_CODE = fingerprint("diffs.reading", "diffs.clauses", "diffs.match", "diffs.render", "source.markup")


@dataclass(frozen=True)
class Change:
    """A version against the one before it, ready to show, and the version as its readers read it."""

    version: Version
    reading: ReadingForm
    fields_html: Markup
    body_html: Markup
    summary: str


def _compute(previous: Change | None, version: Version, resolve: Resolver | None) -> Change:
    reading = reading_form(_body(version), resolve)
    body_diff = diff_readings(previous.reading if previous is not None else reading_form(""), reading)
    before = previous.version.agreement if previous is not None else None
    fields = diff_fields(before, version.agreement) if version.agreement is not None else ()
    # Escaped by generator.diffs.render, which renders every text through html.escape.
    return Change(version, reading, Markup(render_field_diff_html((*fields, *body_diff.retargeted))),  # noqa: S704
                  Markup(render_body_diff_html(body_diff, id_prefix=f"v{version.number}-")),  # noqa: S704
                  diff_summary(body_diff))


def _encode(change: Change) -> list[object]:
    return [change.reading.to_json(), str(change.fields_html), str(change.body_html), change.summary]


def consecutive_diffs(history: AgreementHistory, cache: BlobCache, resolve: Resolver | None = None) -> list[Change]:
    """Oldest first: each version read once and diffed against the one before it, in one cache entry
    keyed by both blobs and the words their `[[links]]` resolve to."""
    found: list[Change] = []
    key = "none"
    for version in history.versions:
        previous = found[-1] if found else None
        if version.revision is None:
            found.append(_compute(previous, version, resolve))
            continue
        previous_key, key = key, f"{version.revision.blob}-{link_fingerprint(_body(version), resolve)}"

        def compute(previous: Change | None = previous, version: Version = version) -> Change:
            return _compute(previous, version, resolve)

        def decode(payload: list[Any], version: Version = version) -> Change:
            reading, fields, body, summary = payload
            return Change(version, ReadingForm.from_json(reading), Markup(fields), Markup(body),  # noqa: S704
                          str(summary))

        found.append(cache.get_or_compute("diffs", f"{previous_key}-{key}-{version.number}-{DIFF_CODE}",
                                          compute, encode=_encode, decode=decode))
    return found


def timeline(context: SiteContext, agreement: Agreement, history: AgreementHistory, url: str) -> str:
    """Version marks plus the declared adoption date, linked to the versions they concern."""
    def href(number: int) -> str:
        return relative_url(url, version_url(agreement, number))

    marks = marks_for([
        (version.number, version.date.date() if version.date else context.as_of,
         [event.kind for event in version.events],
         f"{version_label(version, context)}: "
         + ", ".join(EVENT_LABELS[event.kind] for event in version.events))
        for version in history.versions
    ], href)
    current = history.current.number if history.current else 0
    marks += [Mark(event.date, event.kind, EVENT_LABELS[event.kind], href(current))
              for event in history.declared if event.kind == "declared-adopted"]
    review_by = agreement.review_by if agreement.status == "in-force" else None
    return timeline_svg(marks, agreement.title, review_by, context.as_of, relative_url(url, agreement.url))


def history_page(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> Page:
    url = history_url(agreement)
    changes = consecutive_diffs(history, context.cache, context.resolver(url))
    payload = comparison_payload([(change.version.number, version_label(change.version, context), change.reading)
                                  for change in changes])
    html = context.render(
        "history.html", url,
        agreement=agreement,
        history=history,
        labels=EVENT_LABELS,
        timeline=Markup(timeline(context, agreement, history, url)),  # noqa: S704 - escaped by timeline_svg
        diffs=list(reversed(changes)),
        versions_json=json_for_script(payload),
        version_label=lambda version: version_label(version, context),
        version_url=lambda number: version_url(agreement, number),
    )
    toc = (TocEntry("timeline", "Timeline", 2), TocEntry("versions", "Versions", 2),
           TocEntry("changes", "Changes", 2), TocEntry("compare", "Compare versions", 2))
    return Page(url, f"History of {agreement.title}", html, toc, searchable=False)


def version_pages(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> Iterator[Page]:
    for version in history.versions:
        url = version_url(agreement, version.number)
        shown = version.agreement or agreement
        body = context.body_html(shown, url) if version.agreement else Markup.escape(version.text)
        html = context.render(
            "version.html", url,
            agreement=agreement, shown=shown, version=version, body=body,
            label=version_label(version, context), is_current=version is history.current,
            labels=EVENT_LABELS,
        )
        yield Page(url, f"{agreement.title} (version {version.number})", html, searchable=False)
