"""Writing the demo repository: check the options, play the history, import it, sign the consents."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.demo.consents import sign_consents
from generator.demo.history import History, commit_times, day_of
from generator.demo.words import LONG, SHORT
from generator.errors import CharterError

SIGNED_CONSENTS = 8


class DemoError(CharterError):
    """The demo cannot be written where or as asked; the message says which argument to change."""


@dataclass(frozen=True)
class DemoSummary:
    target: Path
    head: str
    commits: int
    merges: int
    renames: int
    agreements: int
    tags: tuple[str, ...]
    first: dt.date
    last: dt.date


def _check(target: Path, agreements: int, commits: int, start_year: int, end_year: int) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DemoError(f"{target} exists and is not an empty directory; choose a new or empty one, so that "
                        "nothing is overwritten")
    if agreements < 5:
        raise DemoError(f"a demo needs at least 5 agreements, not {agreements}")
    if not 1970 <= start_year < end_year <= 2200:
        raise DemoError(f"years {start_year}-{end_year}: the start must lie before the end, within 1970-2200")
    if commits < 4 * agreements:
        raise DemoError(f"{commits} commits are too few for {agreements} agreements; give at least "
                        f"{4 * agreements}, or fewer agreements")


def _git(git: str, target: Path, *args: str, stdin: bytes | None = None, **environment: str) -> str:
    """Git without the user's configuration or an outer repository, so the result is the same anywhere."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C", TZ="UTC", **environment)
    result = subprocess.run([git, *args], cwd=target, env=env, input=stdin, capture_output=True, check=False)
    if result.returncode != 0:
        error = result.stderr.decode(errors="replace").strip()
        raise DemoError(f"git {args[0]} failed in {target}: {error}")
    return result.stdout.decode(errors="replace").strip()


def theme_files(overrides: Path) -> dict[str, str]:
    """A project's theme overrides (path under the folder -> text), for `write_demo(theme_files=...)`."""
    return {path.relative_to(overrides).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(overrides.rglob("*")) if path.is_file()}


def write_demo(target: Path, *, seed: int = 1, agreements: int = 40, commits: int | None = None,
               start_year: int = 1990, end_year: int = 2026, theme_files: Mapping[str, str] | None = None,
               long: bool = False) -> DemoSummary:
    """Write a demo charter repository into `target` (new or empty) and say what it holds.

    `theme_files` (path under site_overrides/ -> text) are committed with the registries, so that
    the demo builds with the same templates as the project that wrote it. `long` writes agreements
    of `LONG` length, so that builds and diffs are tried on texts of real size.
    """
    total = commits if commits is not None else agreements * 12
    _check(target, agreements, total, start_year, end_year)
    git = shutil.which("git")
    if git is None:
        raise DemoError("git is not installed or not on PATH; the demo is a git repository")
    if shutil.which("ssh-keygen") is None:
        raise DemoError("ssh-keygen is not installed or not on PATH; the demo's parties sign their consents "
                        "with it (install OpenSSH's client)")
    rng = random.Random(seed)
    signed = min(SIGNED_CONSENTS, total // 20)  # the last commits: consents signed after the import
    history = History(rng, agreements, commit_times(rng, total - signed, start_year, end_year), seed,
                       theme_files or {}, LONG if long else SHORT)
    history.run()
    target.mkdir(parents=True, exist_ok=True)
    _git(git, target, "init", "-q", "-b", "main")
    _git(git, target, "fast-import", "--quiet", "--done", stdin=b"".join([*history.stream, b"done\n"]))
    last = history.times[-1]  # consents follow the history a few minutes apart, on its last day
    consents = [(*consent, last + 600 * number)
                for number, consent in enumerate(history.consents(signed), start=1)]
    with tempfile.TemporaryDirectory(prefix="charter-demo-keys-") as keys:
        head = sign_consents(lambda *args, **env: _git(git, target, *args, **env), Path(keys), consents)
    edition = history.final_edition(head, last + 600 * signed)
    _git(git, target, "fast-import", "--quiet", "--done", stdin=edition)
    _git(git, target, "checkout", "-q", "-f", "main")
    return DemoSummary(target, head, history.mark + signed, history.merges, history.renames,
                       len(history.docs), tuple(history.tags), day_of(history.times[0]), history.last_day)
