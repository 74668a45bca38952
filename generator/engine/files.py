"""What MkDocs is given of the core's pages: their files, their meta (title, description, layout) and
their contents lists. Nothing here renders: `shell` lays pages out, `plugin` hands them over."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import AnchorLink, TableOfContents

from generator.pages import Asset, Chrome, Page, TocEntry
from generator.settings import REGISTRY_FILES

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

TEMPLATES = {Chrome.FULL: "main.html", Chrome.LIGHT: "light.html"}
"""The theme's page for each chrome the core asks for (site_overrides/): MkDocs renders a page with the
one its `template` meta names, so a page laid out in its loop and one poured here read alike."""
POURED = "charter-poured-in-loop.html"
"""What MkDocs' loop renders a generated page with: its body alone, poured into its chrome after."""


def toc_links(entries: tuple[TocEntry, ...]) -> list[AnchorLink]:
    links = []
    for entry in entries:
        anchor = AnchorLink(html.escape(entry.title), entry.anchor, entry.level)
        anchor.children = toc_links(entry.children)
        links.append(anchor)
    return links


class GeneratedPage(MkDocsPage):
    """A page of the core's that the nav does not name. Its body is the core's, given in the plugin's
    `on_page_content` with its contents list and ids, so MkDocs' Markdown, which would render only the
    file's placeholder heading, is not run: a Markdown parser built for each page was a tenth of a long
    charter's build."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content, self.toc, self.present_anchor_ids = "", TableOfContents([]), set()


class GeneratedAsset(File):
    """A file of the core's (a feed, an index), copied into the build unless the site it is published to
    holds its bytes already (`kept`): at 5,000 agreements, each build wrote every agreement's feed, only to
    compare each with the site's and delete it."""

    def __init__(self, config: MkDocsConfig, asset: Asset, kept: Callable[[str, bytes], bool] | None) -> None:
        super().__init__(asset.path, src_dir=None, dest_dir=config.site_dir,
                         use_directory_urls=config.use_directory_urls)
        self.generated_by, self.content_bytes, self.kept = "charter", asset.content, kept

    def copy_file(self, dirty: bool = False) -> None:
        if self.kept is None or not self.kept(self.dest_uri, self.content_bytes):
            super().copy_file(dirty)


def _named(items: Any) -> Iterator[str]:
    """Every file a configured nav names: its plain entries and the values of its titled ones."""
    if isinstance(items, str):
        yield items
    elif isinstance(items, list):
        for item in items:
            yield from _named(item)
    elif isinstance(items, dict):
        for value in items.values():
            yield from _named(value)


def generated_files(files: Files, config: MkDocsConfig, pages: Iterable[Page], assets: Iterable[Asset],
                    kept: Callable[[str, bytes], bool] | None = None) -> None:
    """The core's pages and assets in place of the registries, which are read, not published. A page the
    nav names is MkDocs' own to make (with the nav's title); without a configured nav, every page is. An
    asset whose bytes the published site holds (`kept`) is not copied."""
    for name in REGISTRY_FILES:
        registry = files.get_file_from_path(name)
        if registry is not None:
            files.remove(registry)
    in_nav = frozenset(_named(config.nav)) if config.nav is not None else None
    for page in pages:
        file = File.generated(config, page.src_uri, content=f"# {html.escape(page.title)}\n",
                              inclusion=InclusionLevel.NOT_IN_NAV)
        files.append(file)
        if in_nav is not None and page.src_uri not in in_nav:
            GeneratedPage(None, file, config)  # MkDocs finds it as the file's page
    for asset in assets:  # a file beside the agreements is copied, not read into memory
        if asset.source is not None:
            files.append(File.generated(config, asset.path, abs_src_path=str(asset.source)))
        else:
            files.append(GeneratedAsset(config, asset, kept))


def page_meta(page: Page) -> dict[str, Any]:
    """What the theme reads of a generated page besides its body: its title (HTML in MkDocs), description,
    whether search indexes it, and whether it has a contents list to show."""
    meta: dict[str, Any] = {"title": html.escape(page.title)}
    if page.description:
        meta["description"] = html.escape(page.description)
    if not page.searchable:
        meta["search"] = {"exclude": True}
    if not page.toc:
        meta["hide"] = ["toc"]  # an empty sidebar would narrow the page's wide tables
    if page.chrome is not Chrome.FULL:
        meta["template"] = TEMPLATES[page.chrome]
    return meta


def loop_meta(page: Page) -> dict[str, Any]:
    """`page_meta` for MkDocs' loop, which renders a page with the site's chrome as its body alone (the
    adapter pours it into the chrome when the loop hands it back)."""
    meta = page_meta(page)
    return meta if "template" in meta else {**meta, "template": POURED}
