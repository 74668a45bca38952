"""Each agreement's history page and its per-version pages, from the versions git holds."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import partial

from markupsafe import Markup

from generator.diffs.payload import comparison_payload
from generator.history.versions import AgreementHistory, Version
from generator.model import Agreement
from generator.pages.bodies import version_body_html
from generator.pages.render import SiteContext
from generator.pages.site import Page, TocEntry, relative_url
from generator.pages.timeline import Mark, Timeline, draw_timeline, main_kind

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


SCRIPT_UNSAFE = re.compile("[&<>\u2028\u2029\ue000-\uf8ff]")


def json_for_script(value: object) -> Markup:
    """JSON safe inside <script>: no `</script>` or `<!--` can close or confuse the element, and the
    private-use characters the reading form marks tokens with stay escapes, never page text."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # Every character that could end the element is escaped here.
    return Markup(SCRIPT_UNSAFE.sub(lambda match: f"\\u{ord(match[0]):04x}", text))  # noqa: S704


def version_label(version: Version, context: SiteContext) -> str:
    date = version.date.date().isoformat() if version.date else context.as_of.isoformat()
    state = " (uncommitted)" if version.is_uncommitted else " (removed)" if version.is_removed else ""
    return f"Version {version.number}, {date}{state}"


def version_mark(context: SiteContext, version: Version, href: str) -> Mark:
    """Drawn where the parties say the version took effect (its declared adoption), else at its commit."""
    committed = version.date.date() if version.date else None
    declared = next((event.declared_date for event in version.events if event.declared_date), None)
    recorded = f"committed {committed.isoformat()}" if committed else "not yet committed"
    if declared is not None:
        when = f"adopted {declared.isoformat()} (declared); {recorded}"
    else:
        when = recorded if committed else f"{recorded}, shown at {context.as_of.isoformat()}"
    what = ", ".join(EVENT_LABELS[event.kind] for event in version.events)
    return Mark(declared or committed or context.as_of, main_kind([event.kind for event in version.events]),
                f"Version {version.number}" + (f" ({what})" if what else "") + f": {when}", href,
                declared is not None, version.number, f"#v{version.number}")


def timeline(context: SiteContext, agreement: Agreement, history: AgreementHistory, url: str) -> Timeline:
    """A mark per version, and the declared adoption where no version is drawn at it."""
    marks = [version_mark(context, version, relative_url(url, version_url(agreement, version.number)))
             for version in history.versions]
    current = history.current.number if history.current else 0
    drawn_at = {mark.date for mark in marks if mark.declared}
    marks += [Mark(event.date, event.kind, f"Adopted {event.date.isoformat()} (declared in the current text)",
                   relative_url(url, version_url(agreement, current)), True, current, f"#v{current}")
              for event in history.declared
              if event.kind == "declared-adopted" and event.date not in drawn_at]
    review_by = agreement.review_by if agreement.status == "in-force" else None
    return draw_timeline(marks, agreement.title, review_by, context.as_of, relative_url(url, agreement.url))


def history_page(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> Page:
    """Rendered when the page is written, in the same chrome as every other history page."""
    toc = (TocEntry("timeline", "Timeline", 2), TocEntry("versions", "Versions", 2),
           TocEntry("changes", "Changes", 2), TocEntry("compare", "Compare versions", 2))
    return Page(history_url(agreement), f"History of {agreement.title}",
                lambda: history_html(context, agreement, history), toc, searchable=False, standalone=True)


def history_html(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> str:
    url = history_url(agreement)
    drawn = timeline(context, agreement, history, url)
    changes = context.diffs.get(agreement.id, ())
    payload = comparison_payload([(change.version.number, version_label(change.version, context),
                                   change.reading) for change in reversed(changes)])
    html = context.render(
        "history.html", url,
        agreement=agreement,
        history=history,
        labels=EVENT_LABELS,
        timeline=Markup(drawn.svg),  # noqa: S704 - escaped by draw_timeline
        timeline_legend=Markup(drawn.legend),  # noqa: S704 - escaped by draw_timeline
        diffs=changes,
        versions_json=json_for_script(payload),
        version_label=lambda version: version_label(version, context),
        version_url=lambda number: version_url(agreement, number),
    )
    return html


def version_pages(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> Iterator[Page]:
    """Each rendered when it is written: a long history's versions are never all in memory at once."""
    for version in history.versions:
        yield Page(version_url(agreement, version.number), f"{agreement.title} (version {version.number})",
                   partial(version_html, context, agreement, history, version), searchable=False,
                   standalone=True)


def version_html(context: SiteContext, agreement: Agreement, history: AgreementHistory,
                 version: Version) -> str:
    url = version_url(agreement, version.number)
    shown = version.agreement or agreement
    if version.agreement is None:
        body = Markup.escape(version.text)
    elif context.cache is not None and version.revision is not None:  # a committed text: rendered once
        body = version_body_html(context, context.cache, shown, url)
    else:
        body = context.body_html(shown, url)
    ledger = context.ledger.agreements.get(agreement.id) if context.ledger is not None else None
    return context.render(
        "version.html", url,
        agreement=agreement, shown=shown, version=version, body=body,
        label=version_label(version, context), is_current=version is history.current,
        labels=EVENT_LABELS, consent=ledger.version(version.number) if ledger is not None else None,
    )
