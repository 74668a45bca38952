"""Standalone pages (versions, histories, clause histories, the charter year by year) poured into the
theme's chrome, rendered once per layout.

Most pages of a charter with a long history are old versions. Through MkDocs' page loop each one
would be parsed as Markdown, run through every plugin and rendered through the whole of the theme's
`main.html` (header, nav, footer), though all that chrome is the same on every page at one depth with
a contents list (or on every one without). Here the chrome is rendered once per such layout, around
markers, with MkDocs' own template context; each page's title, address and body are then put in its
place, and its contents list as the theme's own partial renders it (the chrome holds a marker where
the partial goes). The result is checked once per layout against the same page rendered whole: a theme
or option that makes pages differ elsewhere (a per-page link, or the contents list drawn outside its
partial) renders that layout's pages whole instead, still correct.
Once checked, the chrome's indentation is dropped (`Shell.compacted`); the body is never touched.
A page whose body is named by a key (generator.pages.Keyed) is named as written by that key, its
layout's chrome, its contents list, title and description, and this code: a rebuild leaves alone each
page it wrote from the same key (generator.engine.publish.Stamp) without rendering it.

The chrome is the one the core's page asks for (`Page.chrome`), as the theme's template that
`TEMPLATES` names: `main.html` with the site's navigation, or `light.html` for old versions, the
header bar alone (their nav drawer, tabs, search and footer were half of each page's bytes, and a
long charter's versions most of its site). The template is also the page's `template` meta, so MkDocs'
own loop, which the check stands in for, would lay the page out the same way.

These pages stay out of MkDocs' files, so out of the search index (as before) and the sitemap: the
sitemap lists the charter as it reads today, and at 50,000 old versions it would exceed a sitemap's
limit. The core's other pages (agreements, parties, listings) go through MkDocs' loop, for its search
index, sitemap and link checks, but it renders each with `POURED`, its body alone; the chrome is poured
around it in the same way when the loop hands it back (`Renderer.pour_in_loop`), checked once per
layout against the page as the theme renders it whole with MkDocs' own context.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jinja2 import ChoiceLoader, DictLoader, TemplateNotFound
from markupsafe import Markup, escape
from mkdocs.commands.build import get_context
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import TableOfContents

from generator.cache import fingerprint
from generator.diffs.consecutive import can_fork
from generator.engine.files import POURED, TEMPLATES, loop_meta, page_meta, toc_links
from generator.engine.layouts import Layout, leading_folders, nav_urls, shared_folders
from generator.engine.publish import Publication, SiteWriter
from generator.engine.writers import PARALLEL_PAGES, write_forked, write_pages
from generator.errors import CharterError
from generator.pages import Chrome, Keyed, Page, TocEntry, readers_html

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

MARK = "charter-shell-d41c7"
TITLE = f"{MARK}-title"
DESCRIPTION = f"{MARK}-description"
CONTENT = f"<!--{MARK}-content \u003ch1 -->"
"""Holds `<h1` so that the theme adds no heading of its own: the page's body has its own."""
TOC = f"<!--{MARK}-toc-->"
"""What the theme's contents partial renders in a layout's chrome: each page's own is poured in its place."""
SKIP = f"{MARK}-skip"
"""The anchor of the first entry of a layout's contents list, which the theme's "skip to content" names."""
TOC_PARTIAL = "partials/toc.html"
TOC_ALONE = '{% include "partials/toc.html" %}'
"""The theme's contents partial as its page template includes it, given the theme's words (`lang`, as its
page template imports them: once per layout, since importing them is most of the partial's cost)."""

COMPACTABLE = re.compile(r"[ \t]*\n\s*")
POUR_CODE = fingerprint("engine.shell", "engine.files", "pages.site")
"""The code that pours a page into its chrome: part of the key of each page as written."""
def _carrier_url(shared: str, depth: int) -> str:
    return shared + "".join(f"{MARK}{level}/" for level in range(shared.count("/"), depth))


def _title_text(title: str) -> str:
    """The title as the `<title>` element holds it (site_overrides/main.html: `striptags | e`)."""
    return str(escape(Markup(html.escape(title)).striptags()))  # noqa: S704 - the title escaped first


def _body(page: Page, content: str | None = None) -> str:
    content = page.html if content is None else content
    return content if "<h1" in content else f"<h1>{html.escape(page.title)}</h1>\n{content}"


@dataclass(frozen=True)
class Shell:
    """The chrome of one layout: text around the places of the title, the address and the body."""

    parts: tuple[str, ...]
    slots: tuple[str, ...]
    carrier_url: str

    @classmethod
    def parse(cls, output: str, carrier_url: str) -> Shell:
        parts: list[str] = []
        slots: list[str] = []
        rest = output
        markers = {TITLE: "title", CONTENT: "content", carrier_url: "url", TOC: "toc", f"#{SKIP}": "skip",
                   DESCRIPTION: "description"}
        while True:
            found = [(rest.find(marker), marker) for marker in markers if marker in rest]
            if not found:
                break
            at, marker = min(found)
            before = rest[:at]
            slot = markers[marker]
            if slot == "title" and before.rstrip().endswith("<title>"):
                slot = "title-text"
            parts.append(before)
            slots.append(slot)
            rest = rest[at + len(marker):]
        parts.append(rest)
        return cls(tuple(parts), tuple(slots), carrier_url)

    def compacted(self) -> Shell:
        """The chrome without the theme's indentation: most of a version page is chrome, so this takes
        a fifth off each (3 of 15 kB at L; GitHub Pages refuses a site over 1 GB). A run of
        whitespace holding a line break reads as one line break wherever HTML collapses whitespace, and
        the chrome (unlike a page's body) has no `<pre>` or `<textarea>` where it would not."""
        parts = tuple(part if "<pre" in part or "<textarea" in part else COMPACTABLE.sub("\n", part)
                      for part in self.parts)
        return Shell(parts, self.slots, self.carrier_url)

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps([self.parts, self.slots, self.carrier_url]).encode()).hexdigest()

    def pour(self, page: Page, toc: str = "", body: str | None = None) -> str:
        """The page in this chrome, with `toc` (its contents list as the theme's partial renders it) and
        its `body` when it is rendered already."""
        skip = str(escape(f"#{page.toc[0].anchor}")) if page.toc else ""
        values = {"title": html.escape(page.title), "title-text": _title_text(page.title), "url": page.url,
                  "toc": toc, "skip": skip, "description": html.escape(page.description)}
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:]):
            out.append(_body(page, body) if slot == "content" else values[slot])
            out.append(part)
        return "".join(out)


class Renderer:
    """Renders standalone pages with the theme, as MkDocs' loop would, but without running it per page."""

    def __init__(self, config: MkDocsConfig, nav: Navigation, files: Files, env: jinja2.Environment,
                 update_date: str) -> None:
        self.config, self.nav, self.files, self.env = config, nav, files, env
        self.update_date = update_date
        self.shells: dict[Layout, Shell | None] = {}
        self.nav_prefixes = leading_folders(nav_urls(nav))
        self.templates = {chrome: _found(env, name) for chrome, name in TEMPLATES.items()}
        assert env.loader is not None, "MkDocs gives the theme's environment its loader"
        self.outline_env = env.overlay(loader=ChoiceLoader([DictLoader({TOC_PARTIAL: TOC}), env.loader]),
                                       cache_size=50)
        self.toc_alone = env.from_string(TOC_ALONE)
        self.toc_contexts: dict[Layout, tuple[dict[str, Any], MkDocsPage]] = {}
        self.tocs: dict[tuple[Layout, tuple[TocEntry, ...]], str] = {}
        """Contents lists rendered: every history page (and every year's) has the same one."""
        self.whole_shells: dict[Layout, Shell] = {}
        """Each layout's chrome as the theme renders it, before `Shell.compacted`: what MkDocs' loop is
        checked against."""
        self.checked_in_loop: dict[Layout, bool] = {}

    def layout(self, page: Page) -> Layout:
        shared = shared_folders(page.url, self.nav_prefixes)
        return self.templates[page.chrome], shared, page.url.count("/"), bool(page.toc), bool(page.description)

    def _page(self, url: str, meta: dict[str, Any], content: str, toc: tuple[TocEntry, ...]) -> MkDocsPage:
        file = File.generated(self.config, f"{url}index.md", content="")
        page = MkDocsPage(None, file, self.config)
        page.markdown, page.content = "", content
        page.meta = meta
        page.toc = TableOfContents(toc_links(toc))
        page.update_date = self.update_date
        return page

    def _whole(self, env: jinja2.Environment, template: str, page: MkDocsPage) -> str:
        page.active = True
        self.config._current_page = page
        try:
            context = get_context(self.nav, self.files, self.config, page)
            return env.get_template(template).render(context)
        finally:
            page.active = False
            self.config._current_page = None

    def render_whole(self, page: Page, body: str | None = None) -> str:
        whole = self._page(page.url, page_meta(page), _body(page, body), page.toc)
        return self._whole(self.env, self.templates[page.chrome], whole)

    def _shell(self, page: Page) -> Shell | None:
        """The layout's chrome around markers, its contents partial rendered as one marker; checked against
        this page rendered whole."""
        key = template, shared, depth, has_toc, has_description = self.layout(page)
        carrier = _carrier_url(shared, depth)
        sentinel = (TocEntry(SKIP, SKIP, 2),) if has_toc else ()
        marked = {"title": TITLE, **({"description": DESCRIPTION} if has_description else {})}
        outline = self._page(carrier, {**page_meta(page), **marked}, CONTENT, sentinel)
        shell = Shell.parse(self._whole(self.outline_env, template, outline), carrier)
        context: dict[str, Any] = dict(get_context(self.nav, self.files, self.config, outline))
        context["lang"] = self.env.get_template("partials/language.html").make_module(context)
        self.toc_contexts[key] = context, outline
        if shell.pour(page, self._toc(key, page)) == self.render_whole(page):
            self.whole_shells[key] = shell
            return shell.compacted()
        log.info("charter: pages like /%s are rendered whole: the theme lays each out differently", page.url)
        return None

    def _toc(self, key: Layout, page: Page) -> str:
        """The page's contents list, as the theme's partial renders it within the layout's chrome."""
        found = self.tocs.get((key, page.toc))
        if found is None:
            context, outline = self.toc_contexts[key]
            outline.toc = TableOfContents(toc_links(page.toc))
            found = self.tocs[key, page.toc] = self.toc_alone.render(context)
        return found

    def shell(self, page: Page) -> tuple[Layout, Shell | None]:
        key = self.layout(page)
        if key not in self.shells:
            self.shells[key] = self._shell(page)
        return key, self.shells[key]

    def render(self, page: Page, body: str | None = None) -> str:
        """The page whole; `body` when its body is rendered already."""
        key, shell = self.shell(page)
        if shell is None:
            return self.render_whole(page, body)
        return shell.pour(page, self._toc(key, page), body)

    def keyed(self, page: Page) -> Keyed:
        """The page as it is written, named (when its body is) by its body's key and everything the chrome
        pours around it: rendered whole (a layout the theme lays out differently) it has no key."""
        made = page.made()
        if isinstance(made, str):
            return Keyed("", lambda: (self.render(page, readers_html(made)), None))
        body = made

        def whole() -> tuple[str, Any]:
            html, asked = body.render()
            return self.render(page, readers_html(html)), asked

        layout, shell = self.shell(page)
        if not body.key or shell is None:
            return Keyed("", whole)
        named = [body.key, shell.digest, self._toc(layout, page), page.title, page.description, POUR_CODE]
        return Keyed(hashlib.sha256(json.dumps(named).encode()).hexdigest(), whole, body.holds)

    def pour_in_loop(self, page: Page, body: str, context: Mapping[str, Any]) -> str:
        """A page of MkDocs' own loop (which rendered only its `body`) in its layout's chrome. The first of
        each layout is checked against the page as the theme's template renders it with MkDocs' `context`:
        a layout whose pages differ elsewhere is rendered whole."""

        def whole() -> str:
            return self.env.get_template(self.templates[page.chrome]).render(context)

        key, shell = self.shell(page)
        if shell is None:
            return whole()
        toc = self._toc(key, page)
        if key not in self.checked_in_loop:
            self.checked_in_loop[key] = self.whole_shells[key].pour(page, toc, body) == whole()
            if not self.checked_in_loop[key]:
                log.info("charter: pages like /%s are rendered whole in MkDocs' loop", page.url)
        return shell.pour(page, toc, body) if self.checked_in_loop[key] else whole()


def _found(env: jinja2.Environment, name: str) -> str:
    """The template, or the theme's page when the theme has no such template (a charter's theme copied
    before it had one): its pages then keep the full chrome, and the build still succeeds."""
    try:
        env.get_template(name)
    except TemplateNotFound:
        log.info("charter: the theme has no %s; its pages are laid out with %s", name, TEMPLATES[Chrome.FULL])
        return TEMPLATES[Chrome.FULL]
    return name


class StandalonePages:
    """The adapter's side of MkDocs' build for the pages it writes itself."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.nav: Navigation | None = None
        self.in_nav: frozenset[str] = frozenset()
        """The nav's pages, each marked in it as the page shown, so laid out in a chrome of its own."""
        self.renderer: Renderer | None = None
        self.context: Mapping[str, Any] = {}
        """MkDocs' template context for the page of its loop being rendered."""

    def take(self, pages: Sequence[Page]) -> list[Page]:
        """Keeps the standalone pages (those without a description of their own to put in the chrome) and
        returns the others, for MkDocs' loop."""
        self.pages = [page for page in pages if page.standalone and not page.description]
        return [page for page in pages if not page.standalone or page.description]

    def prepare(self, config: MkDocsConfig, files: Files, env: jinja2.Environment, update_date: str) -> None:
        assert self.nav is not None, "MkDocs gives the nav before the environment"
        assert env.loader is not None, "MkDocs gives the theme's environment its loader"
        env.loader = ChoiceLoader([DictLoader({POURED: "{{ page.content }}"}), env.loader])
        self.renderer = Renderer(config, self.nav, files, env, update_date)

    def loop_meta(self, page: Page) -> dict[str, Any]:
        """The meta of a page MkDocs' loop renders: with `POURED`, unless the nav holds the page."""
        return page_meta(page) if page.url in self.in_nav else loop_meta(page)

    def pour_in_loop(self, page: Page | None, meta: Mapping[str, Any], output: str) -> str:
        """MkDocs' output for a page of its loop: in its chrome, if it was rendered with `POURED`."""
        renderer, context = self.renderer, self.context
        if page is None or renderer is None or meta.get("template") != POURED:
            return output
        return charter_step(lambda: renderer.pour_in_loop(page, output, context))

    def write(self, site_dir: Path, publication: Publication | None, written: Callable[[], None],
              workers: int = 1) -> None:
        """Each page's HTML produced as it is written, encoded as MkDocs encodes its own; the files left out
        of the staging folder because the published site holds them already, and the stamps of those
        written, go to the `publication`. With `workers` > 1, many pages and one thread, the pages are
        written by that many forked processes."""
        assert self.renderer is not None, "MkDocs gives the environment before the build ends"
        pages, renderer = self.pages, self.renderer
        self.pages, self.renderer = [], None  # `serve` keeps the plugin between builds

        def prepare(page: Page) -> Keyed:
            made = charter_step(lambda: renderer.keyed(page))
            return Keyed(made.key, lambda: charter_step(made.render), made.holds)

        if publication is None:
            writer = SiteWriter(site_dir, None)
        else:
            writer = SiteWriter(site_dir, publication.site_dir, publication.previous_stamps)
        if workers > 1 and len(pages) >= PARALLEL_PAGES and can_fork():
            for page in pages:  # each layout's chrome made once, here, for every writer to inherit
                charter_step(lambda: renderer.shell(page))
            write_forked(pages, prepare, writer, written, workers)
        else:
            write_pages(pages, prepare, writer, written)
        if publication is not None:
            publication.kept |= writer.kept
            publication.written |= writer.written
            publication.stamps.update(writer.stamps)


T = TypeVar("T")


def charter_step(step: Callable[[], T]) -> T:
    """A page rendered late (when it is written) fails as the build's own steps do: a message, not a
    traceback."""
    try:
        return step()
    except CharterError as error:
        raise PluginError(f"charter: {error}") from None
