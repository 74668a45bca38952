"""One build, engine-neutral, in one straight line; the plugin only hands the result over.

settings -> one read of git -> one `as_of` -> the charter -> histories by agreement id and the ids each
had before (the charter's `[[links]]` checked again with them) -> the consent
ledger (with the signatures git has not checked before, in one more git process) -> diffs -> pages.
Each stage is a function of the stages before it: none reads git, opens a cache or picks a date
of its own. The caller supplies the only clock (`fallback_as_of`, used when there is no commit).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from generator.asof import decide_as_of
from generator.cache import BlobCache
from generator.checks.problems import sort_problems
from generator.consent.command import ConsentRequestError, instructions
from generator.consent.keys import key_history
from generator.consent.ledger import Ledger, build_ledger
from generator.consent.policy import required_problems
from generator.consent.statements import gather
from generator.diffs.consecutive import history_diffs, settle_reformatted
from generator.diffs.lineage import agreement_clause_histories
from generator.history.editions import edition_warnings, editions_from
from generator.history.histories import agreement_histories
from generator.history.renames import FormerId, former_ids, renamed
from generator.history.versions import AgreementHistory
from generator.pages import Site, build_site
from generator.repository.model import RepositoryFacts
from generator.repository.read import read_head_date, read_repository, repository_warnings
from generator.repository.signatures import check_signatures
from generator.settings import PARTIES_FILE, REGISTRY_FILES, Settings
from generator.source.loader import LoadResult, agreement_files, load_charter, with_renames
from generator.source.parsed_cache import PersistentFieldsMemo
from generator.source.scanned_cache import PersistentScans

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass(frozen=True)
class BuildOutput:
    load: LoadResult
    site: Site | None
    """None when the charter has errors: nothing is built from a charter that fails its checks."""
    as_of: dt.date
    warnings: tuple[str, ...] = ()
    ledger: Ledger | None = None
    """Who consented to each version; None with `consent: off`, without history, or when the files fail."""


def registry_path(settings: Settings, name: str) -> str:
    return posixpath.normpath(posixpath.join(settings.relative(settings.docs_dir), name))


def registry_paths(settings: Settings) -> tuple[str, ...]:
    return tuple(registry_path(settings, name) for name in REGISTRY_FILES)


def read_git(settings: Settings) -> RepositoryFacts | None:
    """The build's one read of git (None with history off), bounded to the agreement and registry files."""
    if not settings.history:
        return None
    paths, _ = agreement_files(settings)
    registries = registry_paths(settings)
    agreements = posixpath.normpath(settings.relative(settings.agreements_dir))
    return read_repository(settings.root, [settings.relative(path) for path in paths],
                           [agreements, *registries], settings.cache_dir)


def consent_ledger(settings: Settings, facts: RepositoryFacts, load: LoadResult,
                   histories: Mapping[str, AgreementHistory], cache: BlobCache) -> Ledger | None:
    """Who consented to each version (None with `consent: off`); git checks only signatures it has not
    checked in an earlier build. Without a repository every version is uncommitted, consented by no one."""
    if settings.consent == "off":
        return None
    keys = key_history(facts, registry_path(settings, PARTIES_FILE))
    statements = gather(facts, histories)
    signatures = check_signatures(settings.root, statements.commits, keys.allowed_signers(), cache)
    ledger = build_ledger(load.charter, histories, statements, signatures, keys,
                          settings.relative(settings.agreements_dir), settings.consent_acknowledged)
    if settings.consent == "required":
        ledger = dataclasses.replace(ledger, problems=(*ledger.problems,
                                                       *required_problems(load.charter, histories, ledger)))
    return ledger


def check(settings: Settings, *, fallback_as_of: dt.date,
          progress: Callable[[int, int], None] | None = None) -> LoadResult:
    """What `charter check` reports: the build's checks, against the date the build would take. With
    `consent: required` that needs the whole history (the ledger); otherwise only HEAD's date."""
    if settings.consent == "required" and settings.history:
        return compose(settings, fallback_as_of=fallback_as_of, pages=False).load
    head = read_head_date(settings.root) if settings.history else None
    as_of = decide_as_of(settings.as_of, head, fallback_as_of)
    cache = BlobCache(settings.cache_dir)  # a check after a build reads what the build parsed
    scans, front_matters = PersistentScans(cache), PersistentFieldsMemo(cache)
    load = load_charter(settings, as_of, progress=progress, scan=scans.scan, fields=front_matters)
    scans.save(keep_unused=True)  # the build's scans of its editions' texts too
    front_matters.save()
    return with_known_renames(settings, [load], as_of)[0]


def with_known_renames(settings: Settings, loads: Sequence[LoadResult], as_of: dt.date) -> list[LoadResult]:
    """`loads` (the charter, and the same with edits made) with the former ids its history knows. Read only
    when a `[[link]]` names no agreement, since it may name a former id that only the history knows."""
    unknown = any(problem.code == "link-unknown" for load in loads for problem in load.problems)
    if not settings.history or not unknown:
        return list(loads)
    facts = read_git(settings)
    assert facts is not None
    front_matters = PersistentFieldsMemo(BlobCache(settings.cache_dir))
    _, _, formers = with_history(settings, facts, loads[0], as_of, front_matters)
    return [with_renames(load, renamed(formers)) for load in loads]


def with_history(settings: Settings, facts: RepositoryFacts, load: LoadResult, as_of: dt.date,
                 front_matters: PersistentFieldsMemo,
                 ) -> tuple[LoadResult, dict[str, AgreementHistory], tuple[FormerId, ...]]:
    """Each agreement's history, the ids it had before, and the charter's links checked with them."""
    paths = {agreement.id: agreement.path for agreement in load.charter.agreements}
    histories = agreement_histories(facts, paths, as_of, front_matters, front_matters.cache)
    front_matters.save()
    formers = former_ids(load.charter, histories)
    return with_renames(load, renamed(formers)), histories, formers


def compose(settings: Settings, *, fallback_as_of: dt.date, pages: bool = True) -> BuildOutput:
    """`pages=False` stops after the checks that need the history (the consent ledger's)."""
    facts = read_git(settings)
    as_of = decide_as_of(settings.as_of, facts.head_date if facts is not None else None, fallback_as_of)
    cache = BlobCache(settings.cache_dir)
    scans, front_matters = PersistentScans(cache), PersistentFieldsMemo(cache)
    load = load_charter(settings, as_of, scan=scans.scan, fields=front_matters)
    pattern = settings.edition_pattern
    warnings = (*repository_warnings(facts), *edition_warnings(facts, pattern)) if facts is not None else ()
    histories: dict[str, AgreementHistory] = {}
    if facts is not None:
        load, histories, formers = with_history(settings, facts, load, as_of, front_matters)
    else:  # only declared `former_ids:` are known
        formers = former_ids(load.charter, histories)
        load = with_renames(load, renamed(formers))
        front_matters.save()
    if load.errors:
        return BuildOutput(load, None, as_of, warnings)
    ledger = consent_ledger(settings, facts, load, histories, cache) if facts is not None else None
    if ledger is not None and ledger.problems:
        load = dataclasses.replace(load, problems=tuple(sort_problems((*load.problems, *ledger.problems))))
    if load.errors or not pages:
        return BuildOutput(load, None, as_of, warnings, ledger)
    histories, diffs = settle_reformatted(histories, history_diffs(histories, cache, load.charter.link_text,
                                                                   settings.workers))
    editions = editions_from(facts, load.charter, histories, pattern, scans.scan) if facts is not None else ()
    scans.save()
    site = build_site(load.charter, settings, as_of, histories=histories, diffs=diffs, editions=editions,
                      ledger=ledger, former_ids=formers,
                      clause_histories=agreement_clause_histories(diffs), cache=cache)
    log.debug("built %d pages as of %s; cache: %d hits, %d misses", len(site.pages), as_of, cache.hits,
              cache.misses)
    return BuildOutput(load, site, as_of, warnings, ledger)


def consent_instructions(settings: Settings, agreement_id: str, party_id: str, *,
                         fallback_as_of: dt.date) -> str:
    """What `charter consent` prints: the commit that records the party's signed consent to the current
    text."""
    output = compose(settings, fallback_as_of=fallback_as_of, pages=False)
    if output.ledger is None:
        reason = ("`consent: off`" if settings.consent == "off" else "it is read without its git history"
                  if not settings.history else "the charter has errors; `charter check` lists them")
        raise ConsentRequestError(f"the charter's consent ledger cannot be read: {reason}")
    return instructions(output.load.charter, output.ledger, agreement_id, party_id,
                        registry_path(settings, PARTIES_FILE))
