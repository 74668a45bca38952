"""The history read alone, as `bench/run.py` times it: run in a demo's folder, it reads git once and
builds every agreement's versions, as a build does before it renders anything: with the cycle collector
held off, as a build composes (generator.engine.collector), and with the cache the build keeps its
histories in (generator.history.kept), which a warm read reads them back from and a cold one fills.

Kept apart so that when the pipeline's entry points move, only `read` below changes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.cache import BlobCache
from generator.compose import read_git
from generator.engine import collector
from generator.engine.config import load_settings
from generator.history.histories import agreement_histories
from generator.source.loader import agreement_files
from generator.source.parsed_cache import PersistentFieldsMemo


def read(config_file: str = "mkdocs.yml") -> int:
    """How many agreements have a history; ids are file names, as every demo agreement's is."""
    settings = load_settings(config_file)
    facts = read_git(settings)
    if facts is None:
        raise SystemExit("history is off in this project: nothing to read")
    paths = {Path(path).stem: settings.relative(path) for path in agreement_files(settings)[0]}
    as_of = facts.head_date.date() if facts.head_date else dt.date(1970, 1, 1)
    front_matters = PersistentFieldsMemo(BlobCache(settings.cache_dir))
    histories = agreement_histories(facts, paths, as_of, front_matters, front_matters.cache)
    front_matters.save()
    return len(histories)


if __name__ == "__main__":
    with collector.composing():
        print(f"{read()} histories read")
