"""Each agreement's history page and its per-version pages, from the versions git holds.

A version page is most of a long history's pages, and one commit changes few of them: each is rendered
from a record of plain data (`version_record`: everything version.html is given) and kept in the build
cache under it (generator.pages.rendered), so a rebuild renders only the pages whose record, body or
templates changed: the new version's, and the other versions of its agreement, which link to the
current text. A history page is kept the same way, from its own record (`history_record`), which names
each diff by its cache key rather than holding it: a rebuild renders again the history pages of the
agreements that changed, and all of them when the build's year moves, since each timeline's axis runs
to it; within the year, the dashed line and the date of each timeline are filled in as it is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property, partial
from typing import Any, cast

from markupsafe import Markup

from generator import urls
from generator.cache import BlobCache
from generator.diffs.change import Change
from generator.diffs.payload import comparison_payload
from generator.history.intervals import Interval
from generator.history.versions import AgreementHistory, Version
from generator.model import Agreement
from generator.consent.ledger import Consent, Proof, VersionConsent
from generator.pages.bodies import body_key, cached_entry, render_and_keep
from generator.pages.rendered import keyed, keyed_record, page_key
from generator.pages.render import BuildDate, SiteContext, dated
from generator.source.markup import FileResolver, Resolver, render
from generator.pages.site import Chrome, Keyed, Page, TocEntry, relative_url
from generator.pages.timeline import Mark, Now, Timeline, draw_timeline, fill_now, main_kind
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


def version_mark(as_of: dt.date, version: Mapping[str, Any], href: str) -> Mark:
    """Drawn where the parties say the version took effect (its declared adoption), else at its commit;
    `version` as a history page's record holds it."""
    committed: dt.date | None = version["day"]
    declared = next((event["declared_date"] for event in version["events"] if event["declared_date"]), None)
    recorded = f"committed {committed.isoformat()}" if committed else "not yet committed"
    if declared is not None:
        when = f"adopted {declared.isoformat()} (declared); {recorded}"
    else:
        when = recorded if committed else f"{recorded}, shown at {as_of.isoformat()}"
    kinds = [event["kind"] for event in version["events"]]
    what = ", ".join(EVENT_LABELS[kind] for kind in kinds)
    number = version["number"]
    return Mark(declared or committed or as_of, main_kind(kinds),
                f"Version {number}" + (f" ({what})" if what else "") + f": {when}", href,
                declared is not None, number, f"#v{number}")


def timeline(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> Timeline:
    drawn = drawn_timeline(history_record(context, agreement, history, ()))
    return Timeline(fill_now(drawn.svg, context.as_of), fill_now(drawn.legend, context.as_of))


def drawn_timeline(record: Mapping[str, Any]) -> Timeline:
    """A history page's timeline from its record: a mark per version, and the declared adoption where no
    version is drawn at it. Drawn when the page is rendered, not when a cached page is served."""
    agreement, url, now = record["agreement"], record["page_url"], record["now"]

    def href(number: int) -> str:
        return relative_url(url, urls.version(agreement["id"], number))

    undated_at = record["undated_at"] or dt.date(now["year"], 1, 1)  # only an uncommitted version is undated
    marks = [version_mark(undated_at, version, href(version["number"])) for version in record["versions"]]
    current = record["current"]
    drawn_at = {mark.date for mark in marks if mark.declared}
    marks += [Mark(day, "declared-adopted", f"Adopted {day.isoformat()} (declared in the current text)",
                   href(current), True, current, f"#v{current}")
              for day in record["declared_adoptions"] if day not in drawn_at]
    return draw_timeline(marks, agreement["title"], record["review_by"], Now(now["year"], now["review_past"]),
                         relative_url(url, agreement["url"]))


def history_page(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> Page:
    """Rendered when the page is written, in the same chrome as every other history page."""
    toc = (TocEntry("timeline", "Timeline", 2), TocEntry("versions", "Versions", 2),
           TocEntry("changes", "Changes", 2), TocEntry("compare", "Compare versions", 2))
    return Page(urls.history(agreement.id), f"History of {agreement.title}",
                lambda: history_html(context, agreement, history), toc, searchable=False, standalone=True)


CHANGES_SLOT = Markup("<!-- the history's changes -->")
"""Where a history page's changes go: its cached entry holds the rest of the page. No text the page
shows can read so, as every value is escaped."""


def history_html(context: SiteContext, agreement: Agreement, history: AgreementHistory) -> Keyed:
    """The page from its record, and from the cache when an earlier build rendered that record with these
    templates. Its changes and comparison (most of the page) are kept apart, under a record without the
    build's date: when the year moves, only the timeline and the table of versions are rendered (and
    kept) again, and no diff is read; the day is filled in as the page is written."""
    changes = context.diffs.get(agreement.id, ())
    record = history_record(context, agreement, history, changes)
    url, templates = record["page_url"], context.templates_code
    part = {"page_url": url, "changes": record.pop("changes"),
            "versions": [{"number": version["number"], "label": version["label"]}
                         for version in record["versions"]]}
    cache = context.cache if all(change.key is not None for change in changes) else None  # uncommitted: never
    page = keyed_record(cache, url, record, "history", templates,
                        partial(render_history, context, record, CHANGES_SLOT))
    shown = keyed_record(cache, f"{url}#changes", part, "diffs", templates,
                         partial(render_changes, context, part, changes))

    as_of = context.as_of

    def whole() -> tuple[str, list[Any]]:
        return fill_now(page.render()[0], as_of).replace(CHANGES_SLOT, shown.render()[0], 1), []

    return Keyed(f"{page.key} {shown.key} {as_of.isoformat()}" if page.key and shown.key else "", whole)


def render_changes(context: SiteContext, part: Mapping[str, Any], changes: Sequence[Change]) -> str:
    """history-changes.html given its part of the record, the diffs it names, and nothing else but code."""
    labels = {version["number"]: version["label"] for version in part["versions"]}
    diffs = [(change.version.number, change.shown()) for change in changes]  # each diff read once
    payload = comparison_payload([(number, labels[number], diff.reading) for number, diff in reversed(diffs)])
    shown = {number: {"fields": diff.fields_html, "body": diff.body_html} for number, diff in diffs}
    return context.render_only("history-changes.html", part["page_url"], **part, diff_html=shown,
                               versions_json=json_for_script(payload))


def render_history(context: SiteContext, record: Mapping[str, Any], changes_html: Markup) -> str:
    """history.html given the record, its changes rendered, and nothing else of the build's but code."""
    drawn = drawn_timeline(record)
    values = {
        **record,
        "timeline": Markup(drawn.svg),  # noqa: S704 - escaped by draw_timeline
        "timeline_legend": Markup(drawn.legend),  # noqa: S704 - escaped by draw_timeline
    }
    return context.render_only("history.html", record["page_url"], **values, changes_html=changes_html,
                               labels=EVENT_LABELS,
                               version_url=partial(urls.version, record["agreement"]["id"]))


def revision_record(version: Version) -> dict[str, str] | None:
    revision = version.revision
    return None if revision is None else {"author_name": revision.author_name, "subject": revision.subject,
                                          "commit": revision.commit}


def history_record(context: SiteContext, agreement: Agreement, history: AgreementHistory,
                   changes: Sequence[Change]) -> dict[str, Any]:
    """Every value history.html is given, as plain data, besides the diffs (named by their cache keys) and
    the code's own (the event labels, the address of a version): the page's cache key."""
    url = urls.history(agreement.id)
    review_by = agreement.review_by if agreement.status == IN_FORCE else None
    now = Now.on(context.as_of, review_by)
    return {  # the build's date only as its timeline reads it (generator.pages.timeline: `Now`)
        "page_url": url,
        "agreement": {"id": agreement.id, "url": agreement.url, "title": agreement.title},
        "clause_page": agreement.id in context.clause_histories,
        "now": {"year": now.year, "review_past": now.review_past},
        "undated_at": context.as_of if any(version.date is None for version in history.versions) else None,
        "current": history.current.number if history.current else 0,
        "declared_adoptions": [event.date for event in history.declared if event.kind == "declared-adopted"],
        "review_by": review_by,
        "versions": [{
            "number": version.number, "label": version_label(version, context),
            "day": version.date.date() if version.date else None, "revision": revision_record(version),
            "events": [{"kind": event.kind, "detail": event.detail, "declared_date": event.declared_date}
                       for event in version.events],
        } for version in history.versions],
        "changes": [{"number": change.version.number, "label": version_label(change.version, context),
                     "summary": change.summary, "revision": revision_record(change.version),
                     "diff": change.key}
                    for change in changes],
    }


class Shown:
    """The version's agreement for its body's file links: its path now, anything else (its anchors, for a
    link within the text) from the agreement itself, built (its Markdown parsed) only then."""

    def __init__(self, path: str, build: Callable[[], Agreement]) -> None:
        self.path, self._build = path, build

    @cached_property
    def _built(self) -> Agreement:
        return self._build()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._built, name)


Body = tuple[Mapping[str, str], Markup, list[Any]]
"""The title and status a version's text gives, its body, and the links the body resolved (as the body
cache records them)."""


def _blob(version: Version) -> str:
    """A committed version's text, named by git: its blob id."""
    assert version.revision is not None
    return version.revision.blob


def version_body(context: SiteContext, cache: BlobCache, version: Version, url: str, links: Resolver,
                 files: FileResolver) -> Body:
    """A committed version's body, as `context.body_html` renders it; served from the cache, it parses no
    Markdown at all. For a committed version whose text reads as an agreement."""
    key = body_key(_blob(version), version.path, url, context.trusted_html)
    entry = cached_entry(cache, key, links, files, ("title", "status"))
    if entry is not None:
        html = Markup(entry["html"])  # noqa: S704 - written by render_and_keep from a rendered body
        return {"title": entry["title"], "status": entry["status"]}, html, entry["asked"]
    shown = version.front_matter  # the title and status; the Markdown is parsed once, by render
    assert shown is not None

    def rendered(links: Resolver, files: FileResolver) -> Markup:
        html = render(version.body, links, resolve_file=files, trusted_html=context.trusted_html)
        return Markup(html)  # noqa: S704 - sanitised by markup.render unless the charter is trusted

    body, asked = render_and_keep(cache, key, version.path, links, files, rendered, title=shown.title,
                                  status=shown.status)
    return {"title": shown.title, "status": shown.status}, body, asked


def compare_url(agreement: Agreement, history: AgreementHistory, version: Version) -> str | None:
    """The history page's comparison of this version with the current text; None when either has no text
    to compare (or they are one)."""
    current = history.current
    if current is None or current is version or version.header is None or current.header is None:
        return None
    return urls.comparison_with_current(agreement.id, version.number)


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
                 spans: Mapping[int, Interval], diffed: frozenset[int]) -> str | Keyed:
    """The page from its record (`version_record`), and from the cache when its record, its body and the
    templates are those of a page an earlier build rendered (generator.pages.rendered)."""
    version = history.versions[index]
    record = version_record(context, agreement, history, index, spans, diffed)
    url = record["page_url"]
    cache = context.cache
    if cache is None or version.is_uncommitted:  # an uncommitted text is the working copy's: never kept
        text = version.agreement or agreement
        body = Markup.escape(version.unparsed) if version.header is None else context.body_html(text, url)
        return dated(render_version(context, record, {"title": text.title, "status": text.status}, body),
                     context.as_of)
    links = context.resolver(url)
    # A link to another file reads only the path of the agreement it is from: the agreement stays unbuilt.
    unbuilt = Shown(version.path, lambda: version.agreement or agreement)
    files = context.file_resolver(cast(Agreement, unbuilt), url, "")
    body_of: Callable[[], Body]
    if version.header is None:  # removed, or not readable as an agreement: the page names today's title
        shown = record["shown"] = {"title": agreement.title, "status": agreement.status}
        identity = ["text", version.unparsed]
        body_of = lambda: (shown, Markup.escape(version.unparsed), [])  # noqa: E731
    else:  # the title and status shown are the text's own, which its body's key holds
        identity = ["body", body_key(_blob(version), version.path, url, context.trusted_html)]
        body_of = partial(version_body, context, cache, version, url, links, files)

    def rendered() -> tuple[str, list[Any]]:
        named, body, asked = body_of()
        return render_version(context, record, named, body), asked

    page = keyed(cache, url, page_key(record, identity, context.templates_code), links, files, rendered)
    if not record["is_current"]:
        return page
    as_of = context.as_of

    def current() -> tuple[str, list[Any]]:
        html, asked = page.render()
        return dated(html, as_of), asked

    return Keyed(f"{page.key} {as_of.isoformat()}", current, page.holds)  # its print stamp names the date


def render_version(context: SiteContext, record: Mapping[str, Any], shown: Mapping[str, str],
                   body: Markup) -> str:
    """version.html given the record and nothing else of the build's but code (the event labels, the
    address of a version), the body, and the title and status shown."""
    values = {name: value for name, value in record.items() if name != "shown"}
    version_url = partial(urls.version, record["agreement"]["id"])
    return context.render_only("version.html", record["page_url"], **values, shown=shown, body=body,
                               labels=EVENT_LABELS, version_url=version_url, as_of=BuildDate())


def version_record(context: SiteContext, agreement: Agreement, history: AgreementHistory, index: int,
                   spans: Mapping[int, Interval], diffed: frozenset[int]) -> dict[str, Any]:
    """Every value version.html is given, as plain data, besides its body and the title and status the text
    gives (and the code's own: the event labels, the address of a version): the page's cache key."""
    version = history.versions[index]
    is_current = version is history.current
    ledger = context.ledger.agreements.get(agreement.id) if context.ledger is not None else None
    consent = ledger.version(version.number) if ledger is not None else None
    span = spans.get(version.number)
    edition = context.latest_edition
    held = edition.versions.get(agreement.id) if edition is not None else None
    previous = history.versions[index - 1] if index else None
    following = history.versions[index + 1] if index + 1 < len(history.versions) else None
    record: dict[str, Any] = {
        "page_url": urls.version(agreement.id, version.number),
        "agreement": {"id": agreement.id, "url": agreement.url},
        "version": {"number": version.number, "date": version.date, "is_removed": version.is_removed,
                    "is_uncommitted": version.is_uncommitted, "document": version.header is not None,
                    "problem": version.problem, "events": [{"kind": event.kind} for event in version.events]},
        "label": version_label(version, context),
        "is_current": is_current,
        "previous": {"number": previous.number} if previous is not None else None,
        "following": {"number": following.number} if following is not None else None,
        "span": None if span is None else {
            "version": span.version, "start": span.start, "end": span.end, "status": span.status,
            "title": span.title, "recorded": span.recorded, "ended_by": span.ended_by, "is_empty": span.is_empty},
        "consent": consent_record(consent),
        "charter": {"parties": parties_record(context, consent)},
        "latest_edition": None if edition is None else {"name": edition.name,
                                                         "versions": {agreement.id: held} if held else {}},
        "compare_url": compare_url(agreement, history, version),
        "change_url": urls.change(agreement.id, version.number) if version.number in diffed else None,
    }
    return record  # only the current text's printed stamp names the build's date, filled in by `dated`


def proof_record(proof: Proof) -> dict[str, str]:
    return {"verdict": proof.verdict, "reason": proof.reason, "how": proof.how, "key": proof.key}


def consent_record(consent: VersionConsent | None) -> dict[str, Any] | None:
    """A version's consent as the page reads it, with what the ledger works out from it (who is missing)."""
    if consent is None:
        return None
    return {
        "agreement_id": consent.agreement_id, "number": consent.number, "parties": list(consent.parties),
        "uncommitted": consent.uncommitted, "removed": consent.removed, "missing": list(consent.missing),
        "declared_only": list(consent.declared_only), "contested": list(consent.contested),
        "all_consented": consent.all_consented, "all_verified": consent.all_verified,
        "consents": [given_record(given) for given in consent.consents],
    }


def given_record(given: Consent) -> dict[str, Any]:
    """One consent as a row of `consent_table` reads it."""
    # Keyword names, as the attributes the macros read (one of them is also a status's name).
    return dict(
        party=given.party, agreement_id=given.agreement_id, version=given.version, verdict=given.verdict,
        date=given.date, commit={"commit": given.commit.commit}, proof=proof_record(given.proof),
        with_version=given.with_version,
        withdrawn=None if given.withdrawn is None else {
            "date": given.withdrawn.date, "commit": {"commit": given.withdrawn.commit.commit},
            "proof": proof_record(given.withdrawn.proof)},
    )


def agreements_record(context: SiteContext, ids: Iterable[str]) -> dict[str, dict[str, dict[str, str]]]:
    """The charter's agreements of these ids, as `agreement_ref` reads them (`charter.by_id`: url, title)."""
    found = {agreement_id: context.charter.by_id.get(agreement_id) for agreement_id in sorted(set(ids))}
    return {"by_id": {agreement_id: {"url": agreement.url, "title": agreement.title}
                      for agreement_id, agreement in found.items() if agreement is not None}}


def parties_record(context: SiteContext, consent: VersionConsent | None) -> dict[str, dict[str, str]]:
    """The registry's entries for every party the consent names, as `party_ref` reads them (id and name)."""
    named = [*consent.parties, *(given.party for given in consent.consents)] if consent is not None else []
    return party_names(context, named)


def party_names(context: SiteContext, ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """The registry's entries for these parties, as `party_ref` reads them (id and name)."""
    found = {party_id: context.charter.parties.get(party_id) for party_id in sorted(set(ids))}
    return {party_id: {"id": party.id, "name": party.name}
            for party_id, party in found.items() if party is not None}
