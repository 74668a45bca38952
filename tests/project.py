"""A small charter project written into a temporary folder, for end-to-end and CLI tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from generator.settings import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent

PARTIES = """\
river-collective:
  name: River Keepers Collective
  kind: collective
  region: Upper Valley
valley-farmers:
  name: Valley Farmers' Assembly
  kind: community
seed-network:
  name: Seed Sovereignty Network
  kind: network
  url: https://example.org/seeds
"""

THEMES = """\
nature-diversity:
  title: Nature and diversity
  description: Living with rivers, forests and seeds.
agriculture-industry:
  title: Agriculture and industry
labour-capital:
  title: Labour and capital
"""


def agreement(title: str, status: str = "in-force", body: str = "## Purpose\n\nTo share.\n", **fields: str) -> str:
    """Agreement text; `fields` are raw YAML lines (key: value as written)."""
    lines = [f"title: {title}", f"status: {status}", "parties: [river-collective, valley-farmers]"]
    if status in {"in-force", "lapsed", "superseded"} and "adopted" not in fields:
        lines.append("adopted: 2020-03-01")
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def mkdocs_yml(site_name: str = "Test Charter") -> str:
    overrides = REPO_ROOT / "site_overrides"
    return textwrap.dedent(f"""\
        site_name: {site_name}
        docs_dir: charter
        theme:
          name: material
          custom_dir: {overrides}
          font: false
        plugins:
          - search
          - charter:
              templates_dir: {overrides / "charter"}
        nav:
          - Home: index.md
          - The Charter: charter/index.md
          - Agreements: agreements/index.md
          - As of a date: as-of/index.md
        """)


def write_project(root: Path, agreements: dict[str, str], *, parties: str = PARTIES, themes: str = THEMES,
                  config: str | None = None) -> Path:
    """Write a charter project; `agreements` maps paths under agreements/ to file texts."""
    (root / "charter").mkdir(parents=True, exist_ok=True)
    (root / "agreements").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(config or mkdocs_yml(), encoding="utf-8")
    (root / "charter" / "index.md").write_text("# Test Charter\n\nA preamble.\n", encoding="utf-8")
    (root / "charter" / "parties.yml").write_text(parties, encoding="utf-8")
    (root / "charter" / "themes.yml").write_text(themes, encoding="utf-8")
    for relative, text in agreements.items():
        path = root / "agreements" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def site_settings(root: Path = REPO_ROOT, **options: object) -> Settings:
    """Settings for calling the core's build_site directly, with the project's own templates."""
    return Settings(root, root / "agreements", root / "charter", REPO_ROOT / "site_overrides" / "charter",
                    **options)  # type: ignore[arg-type]
