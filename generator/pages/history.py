"""Each agreement's history page and its per-version pages, from the versions git holds."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, cast

from markupsafe import Markup

from generator import urls
from generator.cache import BlobCache
from generator.diffs.payload import comparison_payload
from generator.history.intervals import Interval
from generator.history.versions import AgreementHistory, Version
from generator.model import Agreement
from generator.pages.bodies import body_key, cached_entry, render_and_keep
from generator.pages.render import SiteContext
from generator.source.markup import FileResolver, Resolver, render
from generator.pages.site import Chrome, Page, TocEntry, relative_url
from generator.pages.timeline import Mark, Timeline, draw_timeline, main_kind
from generator.vocabulary import EVENT_LABELS, IN_FORCE


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
    marks = [version_mark(context, version, relative_url(url, urls.version(agreement.id, version.number)))
             for version in history.versions]
    current = history.current.number if history.current else 0
    drawn_at = {mark.date for mark in marks if mark.declared}
    marks += [Mark(event.date, event.kind, f"Adopted {event.date.isoformat()} (declared in the current text)",
                   relative_url(url, urls.version(agreement.id, current)), True, current, f"#v{current}")
              for event in history.declared
              if event.kind == "declared-adopted" and event.date not in drawn_at]
    review_by = agreement.review_by if agreement.status == IN_FORCE else None
    return draw_timeline(marks, agreement.title, review_by, context.as_of, relative_url(url, agreement.url))


def history_page(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> Page:
    """Rendered when the page is written, in the same chrome as every other history page."""
    toc = (TocEntry("timeline", "Timeline", 2), TocEntry("versions", "Versions", 2),
           TocEntry("changes", "Changes", 2), TocEntry("compare", "Compare versions", 2))
    return Page(urls.history(agreement.id), f"History of {agreement.title}",
                lambda: history_html(context, agreement, history), toc, searchable=False, standalone=True)


def history_html(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> str:
    url = urls.history(agreement.id)
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
        version_url=lambda number: urls.version(agreement.id, number),
    )
    return html


class Shown:
    """The version's agreement as its page names it: title and status from the cache entry, and anything
    else a template asks for from the agreement itself, built (its Markdown parsed) only then."""

    def __init__(self, title: str, status: str, path: str, build: Callable[[], Agreement]) -> None:
        self.title, self.status, self.path, self._build = title, status, path, build

    def __getattr__(self, name: str) -> Any:
        return getattr(self._build(), name)


def version_body(context: SiteContext, cache: BlobCache, agreement: Agreement, version: Version,
                 url: str) -> tuple[Agreement | Shown, Markup]:
    """The version's agreement and its body, as `context.body_html` renders it; served from the cache, it
    parses no Markdown at all. For a committed version whose text reads as an agreement."""
    def built() -> Agreement:
        return version.agreement or agreement

    key = body_key(version.text, version.path, url, context.trusted_html)
    links = context.resolver(url)
    unbuilt = Shown("", "", version.path, built)
    # A link to another file reads only the path of the agreement it is from: the agreement stays unbuilt.
    entry = cached_entry(cache, key, links, context.file_resolver(cast(Agreement, unbuilt), url, ""),
                         ("title", "status"))
    if entry is not None:
        named = Shown(entry["title"], entry["status"], version.path, built)
        return named, Markup(entry["html"])  # noqa: S704 - written by render_and_keep from a rendered body
    shown = built()

    def rendered(links: Resolver, files: FileResolver) -> Markup:
        html = render(shown.body, links, resolve_file=files, trusted_html=context.trusted_html)
        return Markup(html)  # noqa: S704 - sanitised by markup.render unless the charter is trusted

    body = render_and_keep(cache, key, version.path, links, context.file_resolver(shown, url, ""), rendered,
                           title=shown.title, status=shown.status)
    return shown, body


def compare_url(agreement: Agreement, history: AgreementHistory, version: Version) -> str | None:
    """The history page's comparison of this version with the current text; None when either has no text
    to compare (or they are one)."""
    current = history.current
    if current is None or current is version or version.document is None or current.document is None:
        return None
    return urls.comparison(agreement.id, version.number, current.number)


def version_pages(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> Iterator[Page]:
    """Each version's text, when it was current, and the way to the versions either side and to its diff;
    each rendered when it is written, so a long history's versions are never all in memory at once."""
    spans = {interval.version: interval for interval in context.intervals.get(agreement.id, ())}
    diffed = frozenset(change.version.number for change in context.diffs.get(agreement.id, ()))
    for index, version in enumerate(history.versions):
        title = f"{agreement.title} (version {version.number})"
        yield Page(urls.version(agreement.id, version.number), title,
                   partial(version_html, context, agreement, history, index, spans, diffed), searchable=False,
                   standalone=True, chrome=Chrome.LIGHT)


def version_html(context: SiteContext, agreement: Agreement, history: AgreementHistory, index: int,
                 spans: Mapping[int, Interval], diffed: frozenset[int]) -> str:
    version = history.versions[index]
    url = urls.version(agreement.id, version.number)
    shown: Agreement | Shown = agreement
    if version.document is None:  # removed, or not readable as an agreement
        body = Markup.escape(version.text)
    elif context.cache is not None and version.revision is not None:  # a committed text: rendered once
        shown, body = version_body(context, context.cache, agreement, version, url)
    else:
        shown = version.agreement or agreement
        body = context.body_html(shown, url)
    ledger = context.ledger.agreements.get(agreement.id) if context.ledger is not None else None
    return context.render(
        "version.html", url,
        agreement=agreement, shown=shown, version=version, body=body,
        label=version_label(version, context), is_current=version is history.current,
        labels=EVENT_LABELS, consent=ledger.version(version.number) if ledger is not None else None,
        span=spans.get(version.number), previous=history.versions[index - 1] if index else None,
        following=history.versions[index + 1] if index + 1 < len(history.versions) else None,
        version_url=lambda number: urls.version(agreement.id, number),
        history_url=urls.history(agreement.id),
        compare_url=compare_url(agreement, history, version),
        change_url=urls.change(agreement.id, version.number) if version.number in diffed else None,
    )
