"""Each agreement's history page and its per-version pages, from the versions git holds."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

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


READING_CODE = fingerprint("diffs.reading", "source.markup")
DIFF_CODE = fingerprint("diffs.reading", "diffs.clauses", "diffs.match", "diffs.render", "source.markup")


@dataclass(frozen=True)
class Reading:
    """A version as its readers read it, and the key it is cached under (None: uncommitted)."""

    version: Version
    form: ReadingForm
    key: str | None


def read_versions(history: AgreementHistory, cache: BlobCache, resolve: Resolver | None) -> list[Reading]:
    """Each version read once, cached by its blob and the words its `[[links]]` resolve to."""
    found = []
    for version in history.versions:
        body = _body(version)

        def compute(body: str = body) -> ReadingForm:
            return reading_form(body, resolve)

        if version.revision is None:
            found.append(Reading(version, compute(), None))
            continue
        key = f"{version.revision.blob}-{link_fingerprint(body, resolve)}"
        form = cache.get_or_compute("readings", f"{key}-{READING_CODE}", compute,
                                    encode=ReadingForm.to_json, decode=ReadingForm.from_json)
        found.append(Reading(version, form, key))
    return found


@dataclass(frozen=True)
class Change:
    """A version against the one before it, ready to show."""

    version: Version
    fields_html: Markup
    body_html: Markup
    summary: str


def _compute_change(previous: Reading | None, current: Reading) -> tuple[str, str, str]:
    version = current.version
    body_diff = diff_readings(previous.form if previous is not None else reading_form(""), current.form)
    before = previous.version.agreement if previous is not None else None
    fields = diff_fields(before, version.agreement) if version.agreement is not None else ()
    return (render_field_diff_html((*fields, *body_diff.retargeted)),
            render_body_diff_html(body_diff, id_prefix=f"v{version.number}-"), diff_summary(body_diff))


def consecutive_diffs(readings: Sequence[Reading], cache: BlobCache) -> list[Change]:
    """Newest first: each version against the one before it, cached by the two readings compared."""
    found = []
    previous: Reading | None = None
    for current in readings:
        def compute(previous: Reading | None = previous, current: Reading = current) -> tuple[str, str, str]:
            return _compute_change(previous, current)

        if current.key is None:
            fields, body, summary = compute()
        else:
            before = previous.key if previous is not None else "none"
            fields, body, summary = cache.get_or_compute(
                "diffs", f"{before}-{current.key}-{current.version.number}-{DIFF_CODE}", compute,
                encode=list, decode=lambda payload: (str(payload[0]), str(payload[1]), str(payload[2])))
        # Escaped by generator.diffs.render, which renders every text through html.escape.
        found.append(Change(current.version, Markup(fields), Markup(body), summary))  # noqa: S704
        previous = current
    return list(reversed(found))


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
    readings = read_versions(history, context.cache, context.resolver(url))
    payload = comparison_payload([(reading.version.number, version_label(reading.version, context), reading.form)
                                  for reading in readings])
    html = context.render(
        "history.html", url,
        agreement=agreement,
        history=history,
        labels=EVENT_LABELS,
        timeline=Markup(timeline(context, agreement, history, url)),  # noqa: S704 - escaped by timeline_svg
        diffs=consecutive_diffs(readings, context.cache),
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
