"""One build, engine-neutral: files -> charter -> history -> site. The plugin only hands it over."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from generator.cache import BlobCache
from generator.history.editions import edition_warnings, editions_from
from generator.history.versions import AgreementHistory
from generator.repository.read import RepositoryHistory, read_histories
from generator.source.loader import LoadResult, agreement_files, load_charter
from generator.pages import Site, build_site
from generator.source.parsed_cache import PersistentFieldsMemo
from generator.settings import Settings

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass(frozen=True)
class BuildOutput:
    load: LoadResult
    site: Site | None
    """None when the charter has errors: nothing is built from a charter that fails its checks."""
    as_of: dt.date
    warnings: tuple[str, ...] = ()


def read_history(settings: Settings) -> RepositoryHistory | None:
    """Histories keyed by the agreement file's path, so git is read before the files are parsed."""
    if not settings.history:
        return None
    paths, _ = agreement_files(settings)
    relative = [settings.relative(path) for path in paths]
    return read_histories(settings.root, settings.relative(settings.agreements_dir),
                          settings.relative(settings.docs_dir), {path: path for path in relative},
                          as_of=settings.as_of, front_matters=PersistentFieldsMemo(BlobCache(settings.cache_dir)))


def build_as_of(settings: Settings, history: RepositoryHistory | None) -> dt.date:
    """Configured date, else the newest commit's, so two builds of one commit agree byte for byte."""
    if settings.as_of is not None:
        return settings.as_of
    if history is not None and history.newest_commit_date is not None:
        return history.newest_commit_date.date()
    return dt.date.today()


def compose(settings: Settings) -> BuildOutput:
    history = read_history(settings)
    as_of = build_as_of(settings, history)
    load = load_charter(dataclasses.replace(settings, as_of=as_of))
    pattern = settings.edition_pattern
    warnings = (*history.warnings, *edition_warnings(history, pattern)) if history is not None else ()
    if load.errors:
        return BuildOutput(load, None, as_of, warnings)
    histories: Mapping[str, AgreementHistory] = {}
    if history is not None:
        histories = {a.id: history.by_agreement[a.path] for a in load.charter.agreements
                     if a.path in history.by_agreement}
    editions = editions_from(history, load.charter, pattern) if history is not None else ()
    site = build_site(load.charter, settings, as_of, histories=histories, editions=editions)
    return BuildOutput(load, site, as_of, warnings)
