"""The `charter` plugin's options in mkdocs.yml; each maps onto generator.settings.Settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config import base
from mkdocs.config import config_options as c

from generator.asof import ConfigError, configured_as_of
from generator.consent.acknowledged import parse_acknowledgements
from generator.errors import CharterError
from generator.settings import Settings
from generator.vocabulary import CONSENT_POLICIES

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

NO_HISTORY_VARIABLE = "CHARTER_NO_HISTORY"
"""Set by `charter build --no-history`: MkDocs' command line cannot override a plugin option."""


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

    feed_id = c.Optional(c.Type(str))
    """Names this charter in its feed entries' ids (default: the host and path of `site_url`), so two
    charters' entries never share an id; set it to keep the ids when the site moves."""

    consent = c.Choice(CONSENT_POLICIES, default="recorded")
    """`off`, `recorded` (the consent ledger on the pages) or `required` (an agreement in force whose current
    text lacks the verified consent of any party fails the build and `charter check`)."""

    consent_acknowledged = c.ListOfItems(c.Type(str), default=[])
    """Consent warnings read and accepted, each `<commit> <party-id>` (or `<commit>` for all of the commit's):
    a commit cannot be changed, so its warning would otherwise fail every strict build."""

    workers = c.Type(int, default=0)
    """Processes that diff the agreements' versions, and write the standalone pages, at once; 0 (the
    default) means one per core. A build with little of either uses one, whatever this says; the site
    is the same byte for byte."""

    as_of = c.Optional(c.Type(str))
    """The date (YYYY-MM-DD) the build is "as of": overdue and due-soon flags, uncommitted versions.

    Default: SOURCE_DATE_EPOCH, else the committer date of HEAD; this option overrides both.
    """


def settings_for(config: MkDocsConfig, options: CharterConfig) -> Settings:
    """Core settings from mkdocs.yml; the CLI shares it so `charter check` sees what a build sees."""
    if not config.use_directory_urls:
        raise ConfigError("set `use_directory_urls: true`; agreement permalinks are /agreements/<id>/")
    root = Path(config.config_file_path).resolve().parent
    history = options.history and os.environ.get(NO_HISTORY_VARIABLE) != "1"
    if options.consent == "required" and not history:
        raise ConfigError("`consent: required` verifies signed commits, so it needs the git history: build "
                          "with history (drop `history: false` or `--no-history`), or set "
                          "`consent: recorded`")
    return Settings(
        root=root,
        agreements_dir=root / options.agreements_dir,
        docs_dir=Path(config.docs_dir),
        templates_dir=root / options.templates_dir,
        extra_fields=frozenset(options.extra_fields),
        trusted_html=options.trusted_html,
        as_of=configured_as_of(options.as_of, os.environ),
        history=history,
        site_url=config.site_url or None,
        feed_id=options.feed_id or None,
        cache_dir=root / options.cache_dir if options.cache_dir else None,
        edition_pattern=options.edition_pattern,
        consent=options.consent,
        consent_acknowledged=parse_acknowledgements(options.consent_acknowledged),
        workers=options.workers if options.workers > 0 else os.cpu_count() or 1,
    )


class ConfigLoadError(CharterError):
    pass


def load_settings(config_file: str) -> Settings:
    """The same settings a build uses, read through MkDocs so that mkdocs.yml is the one source."""
    from mkdocs import exceptions
    from mkdocs.config import load_config


    # Material's end-of-life banner is about the engine, not about checking agreements.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if not Path(config_file).is_file():
        raise ConfigLoadError(f"{config_file} not found; run charter in the project folder or pass -f")
    try:
        config = load_config(config_file)
    except (exceptions.ConfigurationError, exceptions.Abort) as error:
        raise ConfigLoadError(f"{config_file}: {error}") from None
    options = getattr(config.plugins.get("charter"), "config", None)
    if not isinstance(options, CharterConfig):
        raise ConfigLoadError(f"{config_file} does not enable the `charter` plugin; add it under `plugins:`")
    return settings_for(config, options)
