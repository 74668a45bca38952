"""`charter new`: a new agreement from the template, written atomically so nothing is half-written.

The title, parties and level can be given (as flags, or answered at the prompts in a terminal); they
are written into the template with the same round-trip edit as every other command, and what is
left for the author is marked FILL IN and TODO:.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.authoring.frontmatter import Change, edit
from generator.checks.suggest import did_you_mean
from generator.errors import CharterError
from generator.source.template import template_text
from generator.vocabulary import ID_PATTERN, LEVELS


class ScaffoldError(CharterError):
    pass


@dataclass(frozen=True)
class Answers:
    title: str | None = None
    parties: tuple[str, ...] = ()
    level: str | None = None


def filled_template(answers: Answers) -> bytes:
    changes = [Change("title", answers.title)] if answers.title else []
    changes += [Change("parties", add=answers.parties)] if answers.parties else []
    changes += [Change("level", answers.level)] if answers.level else []
    return edit("template", template_text().encode("utf-8"), tuple(changes), drop_comments=True)


def _not_one_of(value: str, choices: Collection[str], what: str) -> str:
    hint = did_you_mean(value, sorted(choices))
    return f"'{value}' is not {what}" + (f"; {hint}" if hint else "")


def unknown_parties(parties: Sequence[str], known: Collection[str]) -> str | None:
    """Why the ids are not all parties of the registry, or None."""
    unknown = [party for party in parties if party not in known]
    return _not_one_of(unknown[0], known, "in charter/parties.yml") if unknown else None


def completer(words: Sequence[str]) -> Callable[[str, int], str | None]:
    """A readline completer over `words` (party ids, levels): Tab finishes the word being typed."""
    def complete(text: str, state: int) -> str | None:
        matches = [word for word in words if word.startswith(text)]
        return matches[state] if state < len(matches) else None
    return complete


def ask(known_parties: Sequence[str], given: Answers, complete: Callable[[Sequence[str]], None]) -> Answers:
    """Ask for what `given` lacks, again until the answer is valid; `complete` sets Tab's words."""
    read = input  # looked up at each call, so a test can stand in for the terminal
    title = given.title
    while not title:
        complete(())
        title = read("Title (as the parties call the agreement): ").strip()
    parties = given.parties
    while not parties:
        complete(known_parties)
        parties = tuple(read("Parties (ids from charter/parties.yml, Tab completes, "
                             "separated by spaces): ").replace(",", " ").split())
        reason = unknown_parties(parties, known_parties)
        if reason:
            print(reason)
            parties = ()
    level = given.level
    while level is None:
        complete(LEVELS)
        level = read(f"Level ({', '.join(LEVELS)}; Enter to leave it open): ").strip()
        if level and level not in LEVELS:
            print(_not_one_of(level, LEVELS, "a level"))
            level = None
    return Answers(title, parties, level or None)


def new_agreement(agreements_dir: Path, agreement_id: str, folder: str = "", answers: Answers = Answers()) -> Path:
    if not ID_PATTERN.match(agreement_id):
        raise ScaffoldError(f"'{agreement_id}' is not a valid id: use lower-case letters, digits and hyphens, "
                            "starting with a letter or digit")
    existing = [path for path in agreements_dir.rglob(f"{agreement_id}.md")]
    if existing:
        raise ScaffoldError(f"an agreement with id '{agreement_id}' already exists: {existing[0]}")
    target_dir = (agreements_dir / folder).resolve()
    if not target_dir.is_relative_to(agreements_dir.resolve()):
        raise ScaffoldError(f"the folder '{folder}' lies outside {agreements_dir}")
    text = filled_template(answers)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{agreement_id}.md"
    descriptor, temporary = tempfile.mkstemp(dir=target_dir, prefix=f".{agreement_id}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(text)
        os.link(temporary, target)  # fails, rather than overwrites, if the file appeared meanwhile
    except FileExistsError:
        raise ScaffoldError(f"{target} already exists") from None
    finally:
        os.unlink(temporary)
    return target
