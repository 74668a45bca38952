"""Engine-neutral settings of a charter build; the MkDocs config class maps onto these."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from generator.consent.acknowledged import Acknowledgement

PARTIES_FILE = "parties.yml"
THEMES_FILE = "themes.yml"
STRUCTURE_FILE = "charter.yml"
REGISTRY_FILES = (PARTIES_FILE, THEMES_FILE, STRUCTURE_FILE)


@dataclass(frozen=True)
class Settings:
    root: Path
    """The project (and git repository) root; every reported path is relative to it."""
    agreements_dir: Path
    docs_dir: Path
    """Holds the registries (parties.yml, themes.yml, charter.yml) and the hand-written pages."""
    templates_dir: Path
    """Jinja templates of the generated pages (autoescaped), kept with the theme overrides."""
    extra_fields: frozenset[str] = field(default_factory=frozenset)
    trusted_html: bool = False
    as_of: dt.date | None = None
    """Set by configuration or SOURCE_DATE_EPOCH; otherwise the build uses the newest commit's date
    (generator.asof decides, once per build)."""
    history: bool = True
    """Read git history; off for a shallow clone or a copy without .git that should build quietly."""
    cache_dir: Path | None = None
    """Diffs keyed by git blob ids survive between builds here; None keeps nothing."""
    site_url: str | None = None
    """The published address (MkDocs `site_url`): feeds link absolutely under it when it is set."""
    feed_id: str | None = None
    """Names this charter in its feed entries' ids; by default they are named by `site_url`."""
    edition_pattern: str = "edition-*"
    """Annotated tags whose name matches this (fnmatch) are editions of the charter."""
    workers: int = 1
    """Processes that diff agreements at once (1: this one alone); the output is the same."""
    consent: str = "recorded"
    """off, recorded (show the consent ledger) or required (an agreement in force lacking the verified
    consent of a party is an error)."""
    consent_acknowledged: tuple[Acknowledgement, ...] = ()
    """Commits whose consent warnings (an unknown party, a version that is not there) the maintainers
    accept: history cannot be changed, and a strict build should not fail on it for ever."""

    def relative(self, path: Path) -> str:
        """The path as a reader of the repository names it: symlinks are not followed."""
        if path.is_absolute() and not {"..", "."} & set(path.parts):  # the common case, without path arithmetic
            found = str(path).removeprefix(self._root_prefix)
            if found != str(path):
                return Path(found).as_posix()
        base, target = self.root.absolute(), path.absolute()
        if not target.is_relative_to(base):  # resolved only when needed: a loop of links cannot resolve
            base, target = self.root.resolve(), path.resolve()
        if target.is_relative_to(base):
            return Path(os.path.normpath(target.relative_to(base))).as_posix()
        return path.as_posix()

    @cached_property
    def _root_prefix(self) -> str:
        return os.path.join(os.path.normpath(self.root.absolute()), "")
