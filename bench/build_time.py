"""Whole-build timings: the charter plugin with history against plain MkDocs on the same pages.

    .venv/bin/python bench/build_time.py --agreements 500 --commits 5000 --runs 3

Writes a demo charter (`charter demo`), then times, as whole processes:
  1. `mkdocs build` with the charter plugin, cold (no cache) and warm (cache from the run before);
  2. `mkdocs build` of a plain Material project holding the same agreement files as Markdown pages
     (search plugin only, agreements out of the nav), which is the floor without history.
Medians of --runs runs are printed. Nothing here is a test: timings belong to the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLAIN_CONFIG = """site_name: Plain
docs_dir: docs
theme:
  name: material
  font: false
plugins:
  - search
nav:
  - Home: index.md
"""


def timed(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def plain_project(demo: Path, target: Path) -> Path:
    docs = target / "docs"
    shutil.copytree(demo / "agreements", docs / "agreements")
    (docs / "index.md").write_text("# Plain\n", encoding="utf-8")
    (target / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agreements", type=int, default=500)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from generator.demo import theme_files, write_demo

    theme = theme_files(REPO / "site_overrides")
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q"]
    with tempfile.TemporaryDirectory() as scratch:
        demo = Path(scratch) / "demo"
        start = time.perf_counter()
        write_demo(demo, agreements=args.agreements, commits=args.commits, theme_files=theme)
        print(f"charter demo ({args.agreements} agreements, {args.commits} commits): "
              f"{time.perf_counter() - start:.1f} s")
        plain = plain_project(demo, Path(scratch) / "plain")
        cold, warm, floor = [], [], []
        for _ in range(args.runs):
            shutil.rmtree(demo / ".cache", ignore_errors=True)
            cold.append(timed(mkdocs, demo))
            warm.append(timed(mkdocs, demo))
            floor.append(timed(mkdocs, plain))
        pages = sum(1 for _ in (demo / "site").rglob("index.html"))
        print(f"charter build, cold cache:  {statistics.median(cold):6.1f} s  ({pages} pages)")
        print(f"charter build, warm cache:  {statistics.median(warm):6.1f} s")
        print(f"plain mkdocs build:         {statistics.median(floor):6.1f} s  "
              f"({sum(1 for _ in (plain / 'site').rglob('index.html'))} pages)")


if __name__ == "__main__":
    main()
