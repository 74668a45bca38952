"""`charter new`: a new agreement from the template, written atomically so nothing is half-written."""

from __future__ import annotations

import os
import tempfile
from importlib.resources import files
from pathlib import Path

from generator.errors import CharterError
from generator.vocabulary import ID_PATTERN


class ScaffoldError(CharterError):
    pass


def template_text() -> str:
    return files("generator").joinpath("templates/agreement.md").read_text(encoding="utf-8")


def new_agreement(agreements_dir: Path, agreement_id: str, folder: str = "") -> Path:
    if not ID_PATTERN.match(agreement_id):
        raise ScaffoldError(f"'{agreement_id}' is not a valid id: use lower-case letters, digits and hyphens, "
                            "starting with a letter or digit")
    existing = [path for path in agreements_dir.rglob(f"{agreement_id}.md")]
    if existing:
        raise ScaffoldError(f"an agreement with id '{agreement_id}' already exists: {existing[0]}")
    target_dir = (agreements_dir / folder).resolve()
    if not target_dir.is_relative_to(agreements_dir.resolve()):
        raise ScaffoldError(f"the folder '{folder}' lies outside {agreements_dir}")
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{agreement_id}.md"
    descriptor, temporary = tempfile.mkstemp(dir=target_dir, prefix=f".{agreement_id}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(template_text())
        os.link(temporary, target)  # fails, rather than overwrites, if the file appeared meanwhile
    except FileExistsError:
        raise ScaffoldError(f"{target} already exists") from None
    finally:
        os.unlink(temporary)
    return target
