"""The files of the demo's repository: each agreement rendered to Markdown with front matter, and the
setup commit's registries, configuration and theme."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from generator.demo.words import THEMES
from generator.model import Party

MKDOCS_YML = ("site_name: Demo Charter\ndocs_dir: charter\ntheme:\n  name: material\n  font: false\n"
              "  custom_dir: site_overrides\n  features: [navigation.tabs]\n"
              "  palette: {scheme: default, primary: custom, accent: custom}\n"
              "plugins:\n  - search\n  - charter\nnav:\n  - Home: index.md\n"
              "  - The Charter: charter/index.md\n  - Agreements: agreements/index.md\n"
              "  - Changes: changes/index.md\n  - Consent: consent/index.md\n"
              "  - Editions: editions/index.md\n  - As of a date: as-of/index.md\n")


Op = tuple[str, str, str]  # ("M", path, text) writes a file; ("R", old, new) moves one
Event = tuple[str, list[Op]]  # a commit message and its file operations


@dataclass(frozen=True)
class Doc:
    """One agreement as the simulation holds it; rendered to Markdown on every change."""

    id: str
    title: str
    path: str
    status: str
    parties: tuple[str, ...]
    themes: tuple[str, ...]
    level: str
    preamble: str
    clauses: tuple[tuple[str, tuple[str, ...]], ...]
    renew_every: str
    mediators: tuple[str, ...] = ()
    adopted: dt.date | None = None
    review_by: dt.date | None = None
    supersedes: tuple[str, ...] = ()
    amends: tuple[str, ...] = ()
    relates_to: tuple[str, ...] = ()


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def render_agreement(doc: Doc) -> str:
    fields: list[tuple[str, object]] = [
        ("title", _quoted(doc.title)), ("status", doc.status), ("parties", doc.parties),
        ("mediators", doc.mediators), ("themes", doc.themes), ("level", doc.level),
        ("adopted", doc.adopted), ("review_by", doc.review_by), ("renew_every", doc.renew_every),
        ("supersedes", doc.supersedes), ("amends", doc.amends), ("relates_to", doc.relates_to),
        ("summary", _quoted(doc.clauses[0][1][0]))]  # the first sentence of its purpose
    lines = ["---"] + [f"{key}: " + ("[" + ", ".join(value) + "]" if isinstance(value, tuple) else str(value))
                       for key, value in fields if value] + ["---", "", doc.preamble]
    for title, sentences in doc.clauses:
        lines += ["", f"## {title}", *("\n" + " ".join(sentences[at:at + 3]) for at in range(0, len(sentences), 3))]
    return "\n".join(lines) + "\n"


def render_setup(parties: tuple[Party, ...], seed: int, day: dt.date, theme_files: Mapping[str, str],
                 keys: Mapping[str, str]) -> list[Op]:
    party_lines = (f"{p.id}:\n  name: {_quoted(p.name)}\n  kind: {p.kind}\n  region: {_quoted(p.region)}\n"
                   f"  signing_keys: [{_quoted(keys[p.id])}]\n" for p in parties)
    theme_lines = (f"{key}:\n  title: {_quoted(title)}\n" for key, title in THEMES.items())
    return [("M", ".gitignore", "/site/\n/.cache/\n"), ("M", "mkdocs.yml", MKDOCS_YML), render_index(seed, 0, day),
            ("M", "charter/parties.yml", "".join(party_lines)),
            ("M", "charter/themes.yml", "".join(theme_lines)),
            *(("M", f"site_overrides/{path}", text) for path, text in sorted(theme_files.items()))]


def render_index(seed: int, session: int, day: dt.date) -> Op:
    text = (f"# Demo Charter\n\nA composite of agreements between communities, collectives and movements; "
            f"a demonstration generated from seed {seed}.\n\nLast reviewed on {day} (session {session}).\n")
    return ("M", "charter/index.md", text)
