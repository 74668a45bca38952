"""One build, engine-neutral, in one straight line; the plugin only hands the result over.

settings -> one read of git -> one `as_of` -> the charter -> histories by agreement id -> diffs -> pages.
Each stage is a function of the stages before it: none reads git, opens a cache or picks a date
of its own. The caller supplies the only clock (`fallback_as_of`, used when there is no commit).
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from generator.asof import decide_as_of
from generator.cache import BlobCache
from generator.diffs.consecutive import history_diffs
from generator.history.editions import edition_warnings, editions_from
from generator.history.histories import agreement_histories
from generator.pages import Site, build_site
from generator.repository.model import RepositoryFacts
from generator.repository.read import read_head_date, read_repository, repository_warnings
from generator.settings import REGISTRY_FILES, Settings
from generator.source.loader import LoadResult, agreement_files, load_charter
from generator.source.parsed_cache import PersistentFieldsMemo

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass(frozen=True)
class BuildOutput:
    load: LoadResult
    site: Site | None
    """None when the charter has errors: nothing is built from a charter that fails its checks."""
    as_of: dt.date
    warnings: tuple[str, ...] = ()


def registry_paths(settings: Settings) -> tuple[str, ...]:
    docs = settings.relative(settings.docs_dir)
    return tuple(posixpath.normpath(posixpath.join(docs, name)) for name in REGISTRY_FILES)


def read_git(settings: Settings) -> RepositoryFacts | None:
    """The build's one read of git (None with history off), bounded to the agreement and registry files."""
    if not settings.history:
        return None
    paths, _ = agreement_files(settings)
    registries = registry_paths(settings)
    agreements = posixpath.normpath(settings.relative(settings.agreements_dir))
    return read_repository(settings.root, [settings.relative(path) for path in paths], [agreements, *registries],
                           registries)


def check(settings: Settings, *, fallback_as_of: dt.date,
          progress: Callable[[int, int], None] | None = None) -> LoadResult:
    """What `charter check` reports: the build's checks, against the date the build would take."""
    head = read_head_date(settings.root) if settings.history else None
    return load_charter(settings, decide_as_of(settings.as_of, head, fallback_as_of), progress=progress)


def compose(settings: Settings, *, fallback_as_of: dt.date) -> BuildOutput:
    facts = read_git(settings)
    as_of = decide_as_of(settings.as_of, facts.head_date if facts is not None else None, fallback_as_of)
    load = load_charter(settings, as_of)
    pattern = settings.edition_pattern
    warnings = (*repository_warnings(facts), *edition_warnings(facts, pattern)) if facts is not None else ()
    if load.errors:
        return BuildOutput(load, None, as_of, warnings)
    cache = BlobCache(settings.cache_dir)
    paths = {agreement.id: agreement.path for agreement in load.charter.agreements}
    histories = agreement_histories(facts, paths, as_of, PersistentFieldsMemo(cache)) if facts is not None else {}
    diffs = history_diffs(histories, cache, load.charter.link_text)
    editions = editions_from(facts, load.charter, histories, pattern) if facts is not None else ()
    site = build_site(load.charter, settings, as_of, histories=histories, diffs=diffs, editions=editions)
    log.debug("built %d pages as of %s; cache: %d hits, %d misses", len(site.pages), as_of, cache.hits,
              cache.misses)
    return BuildOutput(load, site, as_of, warnings)
