"""The `charter` plugin's options in mkdocs.yml; each maps onto generator.settings.Settings."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class CharterConfig(base.Config):
    agreements_dir = c.Type(str, default="agreements")
    """Folder of agreement files, relative to mkdocs.yml; it lies outside docs_dir on purpose."""

    templates_dir = c.Type(str, default="site_overrides/charter")
    """Jinja templates of the generated pages, relative to mkdocs.yml."""

    extra_fields = c.ListOfItems(c.Type(str), default=[])
    """Front-matter keys this charter adds to the format; any other unknown key is an error."""

    trusted_html = c.Type(bool, default=False)
    """Keep raw HTML in agreement bodies unsanitised. Only for charters whose every author is trusted."""

    history = c.Type(bool, default=True)
    """Read the git history for history pages, diffs and timelines. A shallow clone fails the build
    unless this is false."""

    edition_pattern = c.Type(str, default="edition-*")
    """Annotated git tags whose name matches this shell pattern mark editions of the charter."""

    cache_dir = c.Type(str, default=".cache/charter")
    """Where diffs are cached between builds, keyed by git blob ids (relative to mkdocs.yml; git-ignore it).
    An empty string turns the cache off."""

    as_of = c.Optional(c.Type(str))
    """The date (YYYY-MM-DD) that overdue and due-soon flags are measured against.

    SOURCE_DATE_EPOCH overrides the default; this option overrides both.
    """
