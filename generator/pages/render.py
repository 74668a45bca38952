"""Jinja rendering of page bodies, with autoescaping on, so no metadata reaches a page unescaped."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from generator import urls, vocabulary
from generator.cache import BlobCache
from generator.consent.ledger import Ledger
from generator.diffs.change import Change
from generator.diffs.lineage import ClauseHistory
from generator.errors import CharterError
from generator.history.intervals import Interval, charter_intervals
from generator.history.editions import Edition
from generator.history.versions import AgreementHistory
from generator.source.attachments import find_anchor, linked_path
from generator.source.citations import CitedBy
from generator.source.markup import FileResolver, LinkTarget, Resolver, render
from generator.model import Agreement, Charter, LinkedFiles
from generator.pages.bodies import NAMESPACE as BODIES, body_key, cached_body
from generator.pages.rendered import LISTINGS, from_record
from generator.pages.site import relative_url
from generator.vocabulary import IN_FORCE, RELATIONS, RELATION_LABELS, duration_words

DUE_SOON_DAYS = 180


@dataclass(frozen=True)
class SiteContext:
    """What every page builder needs; built once per build."""

    charter: Charter
    templates: jinja2.Environment
    as_of: dt.date
    trusted_html: bool = False
    histories: Mapping[str, AgreementHistory] = field(default_factory=dict)
    diffs: Mapping[str, Sequence[Change]] = field(default_factory=dict)
    """Agreement id -> its consecutive diffs, newest first, from the diffs stage."""
    files: LinkedFiles = field(default_factory=LinkedFiles)
    """The files of the charter being built: an edition's charter, as it stood, links to them too."""
    ledger: Ledger | None = None
    """Who consented to each version; None when consent is not recorded (`consent: off`, or no history)."""
    clause_histories: Mapping[str, Mapping[str, ClauseHistory]] = field(default_factory=dict)
    """Agreement id -> clause anchor -> the versions that changed that clause, from the diffs stage."""
    citations: Mapping[str, CitedBy] = field(default_factory=dict)
    """Agreement id -> the agreements whose text links to it."""
    latest_edition: Edition | None = None
    """The newest edition, which printed pages name (paper carries no link to the editions)."""
    cache: BlobCache | None = None
    """The build's cache, for agreement and version bodies (generator.pages.bodies); None renders each."""

    @cached_property
    def intervals(self) -> Mapping[str, tuple[Interval, ...]]:
        """Agreement id -> when each of its versions was current, shared by the as-of and version pages."""
        return charter_intervals(self.histories)

    @cached_property
    def templates_code(self) -> str:
        """A digest of every template the pages can load: a page cached by its inputs
        (generator.pages.rendered) is rendered again after any template changes."""
        digest = hashlib.sha256()
        loader = self.templates.loader
        assert loader is not None, "template_environment gives every environment a loader"
        for name in sorted(loader.list_templates()):
            source, _, _ = loader.get_source(self.templates, name)
            digest.update(f"{name}\0{source}\0".encode())
        return digest.hexdigest()

    def review_state(self, agreement: Agreement) -> str:
        """'overdue', 'due-soon' or '' for an in-force agreement's next review."""
        if agreement.review_by is None or agreement.status != IN_FORCE:
            return ""
        if agreement.review_by < self.as_of:
            return "overdue"
        if (agreement.review_by - self.as_of).days <= DUE_SOON_DAYS:
            return "due-soon"
        return ""

    def resolver(self, page_url: str) -> Callable[[str, str], LinkTarget | None]:
        def resolve(target_id: str, anchor: str) -> LinkTarget | None:
            text = self.charter.link_text(target_id, anchor)
            target = self.charter.resolve(target_id)
            if text is None or target is None:
                return None
            url = target.url + (f"#{anchor}" if anchor else "")  # a former id leads to the agreement now
            return LinkTarget(relative_url(page_url, url), text)

        return resolve

    def file_resolver(self, agreement: Agreement, page_url: str, prefix: str) -> FileResolver:
        """Relative links of a body, from the page that shows it: a section of the same body stays on
        the page (under the page's prefix for its anchors), anything else leads to its own page or file."""
        def resolve(target: str, fragment: str) -> str | None:
            path = linked_path(agreement.path, target)
            linked = agreement if path == agreement.path else self.charter.by_path.get(path)
            if linked is not None:
                anchor = find_anchor(linked.anchors, fragment) if fragment else None
                if linked is agreement and (anchor or not target):
                    return f"#{prefix}{anchor}" if anchor else None
                return relative_url(page_url, linked.url + (f"#{anchor}" if anchor else ""))
            url = self.files.urls.get(path)
            if url is None:
                return None
            return relative_url(page_url, quote(url) + (f"#{quote(fragment)}" if fragment else ""))

        return resolve

    def body_html(self, agreement: Agreement, page_url: str, *, prefix: str = "", shift: int = 0) -> Markup:
        """The agreement's body on a page, from the cache when there is one (generator.pages.bodies)."""
        return self.body_and_links(agreement, page_url, prefix=prefix, shift=shift)[0]

    def body_key(self, agreement: Agreement, page_url: str, *, prefix: str = "", shift: int = 0) -> str:
        """What names the body `body_html` gives, besides the links it resolves."""
        return body_key(agreement.body, agreement.path, page_url, prefix, shift, self.trusted_html)

    def fresh_bodies(self, page_url: str, shown: Sequence[Agreement],
                     prefix: Callable[[str], str] | None = None, shift: int = 0) -> int:
        """How many of the bodies of `shown` on the page (each under `prefix` of its id) `body_html` would
        render, not find in the cache: with no cache, none is worth rendering ahead."""
        if self.cache is None:
            return 0
        return sum(not self.cache.has(BODIES, self.body_key(agreement, page_url, shift=shift,
                                                            prefix=prefix(agreement.id) if prefix else ""))
                   for agreement in shown)

    def body_and_links(self, agreement: Agreement, page_url: str, *, prefix: str = "",
                       shift: int = 0) -> tuple[Markup, list[Any]]:
        """`body_html`, and the links it resolved as the body cache records them (none without a cache):
        for a page kept around many bodies (the composite charter's)."""
        links, files = self.resolver(page_url), self.file_resolver(agreement, page_url, prefix)

        def rendered(links: Resolver, files: FileResolver) -> Markup:
            html = render(agreement.body, links, resolve_file=files,
                          trusted_html=self.trusted_html, anchor_prefix=prefix, heading_shift=shift)
            return Markup(html)  # noqa: S704 - sanitised by markup.render unless the charter is trusted

        if self.cache is None:
            return rendered(links, files), []
        key = self.body_key(agreement, page_url, prefix=prefix, shift=shift)
        return cached_body(self.cache, key, agreement.path, links, files, rendered)

    def render(self, template: str, page_url: str, **values: Any) -> str:
        return self.render_only(
            template, page_url,
            charter=self.charter,
            as_of=self.as_of,
            review_state=self.review_state,
            relations=RELATIONS,
            relation_labels=RELATION_LABELS,
            histories=self.histories,
            clause_histories=self.clause_histories,
            ledger=self.ledger,
            latest_edition=self.latest_edition,
            page_url=page_url,
            **values,
        )

    def listing(self, template: str, page_url: str, record: Mapping[str, Any], *,
                shows_date: bool = False) -> Callable[[], str]:
        """What gives a page of lists: the template rendered from the record and nothing else of the
        build's, or the page an earlier build rendered from that record with these templates
        (generator.pages.rendered). `shows_date`: the page names the build's date, filled in as it is
        given."""
        values = {"page_url": page_url, **record}
        date = {"as_of": BuildDate()} if shows_date else {}

        def rendered() -> str:
            return self.render_only(template, page_url, **values, **date)

        def page() -> str:
            html = from_record(self.cache, page_url, values, "listing", self.templates_code, rendered,
                               LISTINGS)
            return dated(html, self.as_of) if shows_date else html

        return page

    def render_only(self, template: str, page_url: str, /, **values: Any) -> str:
        """Rendered from `values` and `link` alone, none of the build's globals: what a page cached by its
        inputs renders with, so that reading anything outside them fails instead of going stale."""
        try:
            return self.templates.get_template(template).render(link=partial(relative_url, page_url), **values)
        except TEMPLATE_ERRORS as error:
            raise TemplateFailure(template, page_url, error) from None


TEMPLATE_ERRORS = (jinja2.TemplateError, TypeError, AttributeError, KeyError, IndexError, ValueError)
"""What a template can raise besides Jinja's own errors: a template copied from an older version of the
generator iterates a count it now gets, or calls what is now plain data."""


def _template_line(error: BaseException) -> tuple[str | None, int | None]:
    """The template file and line the error was raised at, from the frames Jinja gives its templates."""
    where: tuple[str | None, int | None] = getattr(error, "filename", None), getattr(error, "lineno", None)
    trace = error.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".html"):  # as the project's folder names it, when the build runs from there
            inside = not os.path.relpath(filename).startswith(os.pardir)
            where = os.path.relpath(filename) if inside else filename, trace.tb_lineno
        trace = trace.tb_next
    return where


BUILT_AS_OF = Markup("<!--charter:built-as-of-->")
"""Where the build's date goes in a page kept in the cache (the printed stamp of a current text): a new
day then fills it in, instead of rendering every agreement's page and current version again. No text a
page shows can read so, as every value is escaped and every body sanitised."""


class BuildDate:
    """The build's date to a template rendering a page to be kept: `as_of | date` gives its slot."""

    def isoformat(self) -> Markup:
        return BUILT_AS_OF


def dated(page: str, as_of: dt.date) -> str:
    """The page kept with the build's date as a slot (`BuildDate`), with this build's date in it."""
    return page.replace(BUILT_AS_OF, as_of.isoformat())


class TemplateFailure(CharterError):
    """A page template failed: most often templates copied from an older version of the generator."""

    def __init__(self, template: str, page_url: str, error: Exception) -> None:
        filename, line = _template_line(error)
        where = filename or template
        super().__init__(
            f"{where}{f':{line}' if line else ''}: the template failed while writing /{page_url}: {error}\n"
            "  help: if the templates were copied from another version of the generator, copy them "
            "again from its site_overrides/charter/"
        )


def template_environment(templates_dir: Path, globals_: Mapping[str, Any] | None = None,
                         compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    environment = jinja2.Environment(
        bytecode_cache=compiled,
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    environment.filters["date"] = lambda value: value.isoformat() if value else ""
    environment.filters["label"] = lambda value: str(value).replace("-", " ").replace("_", " ")
    environment.filters["period"] = lambda value: duration_words(value) if value else ""
    # The vocabulary and the address scheme, so no template spells a status or builds a path by hand.
    environment.globals.update(urls=urls, vocabulary=vocabulary)
    environment.globals.update(globals_ or {})
    return environment
