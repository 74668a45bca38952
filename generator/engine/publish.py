"""Build into a staging folder and swap it in, so a failed or killed build leaves the old site whole."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


def _names(site_dir: Path) -> tuple[str, Path]:
    return f".{site_dir.name}-building-", site_dir.with_name(f".{site_dir.name}-previous")


def recover(site_dir: Path) -> None:
    """Finish a swap that a crash cut between its two renames: the previous site comes back."""
    _, previous = _names(site_dir)
    if previous.is_dir() and not site_dir.exists():
        os.rename(previous, site_dir)
        log.info("restored %s, which an interrupted build had set aside", site_dir)
    elif previous.is_dir():
        shutil.rmtree(previous, ignore_errors=True)


def stage(site_dir: Path) -> Path:
    """A fresh staging folder beside the site (same file system, so the swap is a rename)."""
    prefix, _ = _names(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(site_dir)
    for stale in site_dir.parent.glob(f"{prefix}*"):
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=site_dir.parent))


def publish(staging: Path, site_dir: Path) -> None:
    """Swap the staged build in; the old site is removed only once the new one is in place."""
    _, previous = _names(site_dir)
    os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the site from a web server
    if site_dir.exists():
        os.rename(site_dir, previous)
    os.rename(staging, site_dir)
    shutil.rmtree(previous, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
