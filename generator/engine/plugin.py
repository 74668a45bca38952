"""MkDocs adapter: hands the core's pages to MkDocs. No charter logic lives here."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.toc import TableOfContents

from generator.cache import compiled_templates
from generator.compose import compose
from generator.errors import CharterError
from generator.pages import Page, Site, indexed_html, readers_html
from generator.engine import collector, writers
from generator.engine.config import CharterConfig, settings_for
from generator.checks.problems import Severity, summary
from generator.engine.progress import BuildReport
from generator.engine.publish import Publication
from generator.engine.files import generated_files, toc_links
from generator.engine.layouts import nav_urls
from generator.engine.shell import StandalonePages, charter_step
from generator.settings import Settings

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page as MkDocsPage
    from mkdocs.utils.templates import TemplateContext

log = logging.getLogger(f"mkdocs.plugins.{__name__}")
LOG_LEVELS = {Severity.ERROR: logging.ERROR, Severity.WARNING: logging.WARNING, Severity.NOTICE: logging.INFO}


class CharterPlugin(BasePlugin[CharterConfig]):
    def __init__(self) -> None:
        self.command = ""
        self.publication: Publication | None = None
        self.built = False
        self.settings: Settings | None = None
        self.pages: dict[str, Page] = {}
        self.readers: dict[str, str] = {}
        self.standalone = StandalonePages()
        self.site = Site(())
        self.as_of = ""
        self.report = BuildReport()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.report = BuildReport()  # `serve` builds again on each change
        try:
            self.settings = settings_for(config, self.config)
        except CharterError as error:
            raise PluginError(f"charter: {error}") from None
        if self.command == "build":  # serve has its own temporary folder; gh-deploy reads site_dir after
            self.publication = Publication(Path(config.site_dir), self.settings.cache_dir)
            config.site_dir = str(self.publication.staging)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.settings is not None
        try:
            with self.report.composing(), collector.composing():
                output = compose(self.settings, fallback_as_of=dt.date.today())  # only if there is no commit
        except CharterError as error:
            raise PluginError(f"charter: {error}") from None
        for warning in output.warnings:
            log.warning("%s", warning)
        for problem in output.load.problems:
            log.log(LOG_LEVELS[problem.severity], problem.format())
        if output.site is None:
            found = summary(output.load.problems, output.load.files_checked)
            raise PluginError(f"charter: {found}; each is listed above, and `charter check` lists them again")
        self.site, self.as_of = output.site, output.as_of.isoformat()
        self.pages = {page.src_uri: page for page in self.standalone.take(self.site.pages)}
        writers.render_ahead(list(self.pages.values()), self.settings.workers)  # into the cache
        kept = self.publication.holds if self.publication is not None else None
        generated_files(files, config, self.pages.values(), self.site.assets, kept)
        pages = len(files.documentation_pages()) + len(self.standalone.pages)
        self.report.start_writing(pages, self.site.versions, len(output.load.charter.agreements))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        page.update_date = self.as_of  # the sitemap's dates: the build's, not the machine's
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.meta.update(self.standalone.loop_meta(generated))
        return markdown

    def on_page_content(self, content: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.toc = TableOfContents(toc_links(generated.toc))
            readers, indexed = charter_step(generated.views)
            page.present_anchor_ids = (page.present_anchor_ids or set()) | Page(page.url, "", readers).ids
        elif page.is_homepage:
            readers, indexed = (content + view(self.site.home_html) for view in (readers_html, indexed_html))
        else:
            return content
        self.readers[page.file.src_uri] = readers
        return indexed  # what search reads: on_page_context hands readers the whole page once it has

    @event_priority(-100)  # after the search plugin's
    def on_page_context(self, context: TemplateContext, /, *, page: MkDocsPage, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        page.content = self.readers.pop(page.file.src_uri, page.content)
        self.standalone.context = context  # for on_post_page, which pours the chrome around the page
        return context

    def on_post_page(self, output: str, /, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        self.report.page_written()
        output = self.standalone.pour_in_loop(self.pages.get(page.file.src_uri), page.meta, output)
        return self.publication.page_output(page.file, output) if self.publication is not None else output

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> None:
        self.standalone.nav, self.standalone.in_nav = nav, nav_urls(nav)

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> None:
        env.bytecode_cache = compiled_templates(self.settings.cache_dir if self.settings else None, "theme")
        self.standalone.prepare(config, files, env, self.as_of)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Versions and histories, outside MkDocs' page loop: the theme's chrome rendered once per layout."""
        workers = self.settings.workers if self.settings is not None else 1
        self.standalone.write(Path(config.site_dir), self.publication, self.report.page_written, workers)
        self.built = True
        log.info("%s", self.report.finish())

    def on_build_error(self, *, error: Exception) -> None:
        self.built = False  # includes --strict's abort, which comes after on_post_build
        self.report.abandon()

    def on_shutdown(self) -> None:
        if self.publication is not None:
            self.publication.finish(self.built)
            self.publication = None

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        if self.settings is not None:
            server.watch(str(self.settings.agreements_dir))
            server.watch(str(self.settings.templates_dir))
        return server
