"""Each agreement's history page and its per-version pages, from the versions git holds."""

from __future__ import annotations

import json
from collections.abc import Iterator

from markupsafe import Markup

from generator.history.versions import AgreementHistory, Version
from generator.model import Agreement
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry, relative_url
from generator.pages.timeline import Mark, marks_for, timeline_svg

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
    "removed": "Removed",
    "restored": "Restored",
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


def version_texts(history: AgreementHistory, context: SiteContext) -> list[dict[str, object]]:
    """What the in-browser comparison needs: each version's label and Markdown body."""
    return [
        {"number": version.number, "label": version_label(version, context), "text": version.body}
        for version in history.versions
    ]


def version_label(version: Version, context: SiteContext) -> str:
    date = version.date.date().isoformat() if version.date else context.as_of.isoformat()
    state = " (uncommitted)" if version.is_uncommitted else " (removed)" if version.is_removed else ""
    return f"Version {version.number}, {date}{state}"


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
    html = context.render(
        "history.html", url,
        agreement=agreement,
        history=history,
        labels=EVENT_LABELS,
        timeline=Markup(timeline(context, agreement, history, url)),  # noqa: S704 - escaped by timeline_svg
        diffs=context.diffs.get(agreement.id, ()),
        versions_json=json_for_script(version_texts(history, context)),
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
