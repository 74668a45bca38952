"""The `charter` command: one tool for contributors and maintainers. Thin: logic lives in the core."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.errors import CharterError
from generator.settings import Settings

DESCRIPTION = "Check, scaffold, build and serve a living, versioned people's charter."


class ConfigLoadError(CharterError):
    pass


def load_settings(config_file: str) -> Settings:
    """The same settings a build uses, read through MkDocs so that mkdocs.yml is the one source."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    from generator.engine.config import settings_for
    from generator.engine.plugin import CharterPlugin

    # Material's end-of-life banner is about the engine, not about checking agreements.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if not Path(config_file).is_file():
        raise ConfigLoadError(f"{config_file} not found; run charter in the project folder or pass -f")
    try:
        config = load_config(config_file)
    except (exceptions.ConfigurationError, exceptions.Abort) as error:
        raise ConfigLoadError(f"{config_file}: {error}") from None
    plugin = config.plugins.get("charter")
    if not isinstance(plugin, CharterPlugin):
        raise ConfigLoadError(f"{config_file} does not enable the `charter` plugin; add it under `plugins:`")
    return settings_for(config, plugin.config)


def as_of_argument(value: str) -> dt.date:
    """`today` is the explicit way to measure against the machine's clock; a build never does."""
    if value == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; write YYYY-MM-DD or today") from None


def check(args: argparse.Namespace) -> int:
    from generator.checks.problems import format_json, format_text
    from generator.compose import check as check_charter

    settings = load_settings(args.config_file)
    settings = dataclasses.replace(settings, as_of=args.as_of or settings.as_of)
    # The machine's date counts only where the build would take it too: when there is no commit.
    result = check_charter(settings, fallback_as_of=dt.date.today())
    formatter = format_json if args.format == "json" else format_text
    print(formatter(result.problems, result.files_checked))
    return 1 if result.errors else 0


def new(args: argparse.Namespace) -> int:
    from generator.source.loader import load_charter
    from generator.scaffold import ScaffoldError, new_agreement

    settings = load_settings(args.config_file)
    # An agreement can take its id from an `id:` field rather than its file name.
    existing = load_charter(settings).charter.by_id.get(args.id)
    if existing is not None:
        raise ScaffoldError(f"an agreement with id '{args.id}' already exists: {existing.path}")
    path = new_agreement(settings.agreements_dir, args.id, args.folder)
    print(f"wrote {settings.relative(path)}\nfill in every line marked FILL IN or TODO, then run `charter check`")
    return 0


def demo(args: argparse.Namespace) -> int:
    from generator.demo import theme_files, write_demo

    theme = theme_files(load_settings(args.config_file).templates_dir.parent)
    written = write_demo(Path(args.directory), seed=args.seed, agreements=args.agreements, commits=args.commits,
                         theme_files=theme, long=args.long)
    print(f"wrote {written.commits} commits ({written.merges} merges, {len(written.tags)} editions) about "
          f"{written.agreements} agreements into {args.directory}\nbuild it with: cd {args.directory} && charter build")
    return 0


def run_mkdocs(args: argparse.Namespace) -> int:
    """`build` and `serve` run MkDocs itself, so a maintainer needs one tool and gets MkDocs' options."""
    from generator.engine.config import NO_HISTORY_VARIABLE

    command = [sys.executable, "-m", "mkdocs", args.command, "-f", args.config_file, *args.mkdocs_args]
    environment = {**os.environ, **({NO_HISTORY_VARIABLE: "1"} if args.no_history else {})}
    return subprocess.call(command, env=environment)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="charter", description=DESCRIPTION)
    root.add_argument("-f", "--config-file", default="mkdocs.yml", help="the project's mkdocs.yml (default: %(default)s)")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    checker = commands.add_parser("check", help="validate every agreement and registry; exit 1 on errors")
    checker.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    checker.add_argument("--as-of", metavar="today|YYYY-MM-DD", type=as_of_argument,
                         help="measure overdue reviews at this date (default: the build's, that of the newest commit)")
    checker.set_defaults(handler=check)

    creator = commands.add_parser("new", help="write a new agreement from the template")
    creator.add_argument("id", help="the new agreement's id, e.g. river-commons (lower-case, digits, hyphens)")
    creator.add_argument("--folder", default="", help="sub-folder of the agreements folder to write it in")
    creator.set_defaults(handler=new)

    demo_writer = commands.add_parser("demo", help="write a demo charter repository with decades of history")
    demo_writer.add_argument("directory", help="a new or empty folder to write the git repository into")
    demo_writer.add_argument("--seed", type=int, default=1, help="the same seed writes the same history (default: 1)")
    demo_writer.add_argument("--agreements", type=int, default=40, help="how many agreements (default: 40)")
    demo_writer.add_argument("--commits", type=int, default=None, help="how many commits (default: 12 per agreement)")
    demo_writer.add_argument("--long", action="store_true",
                             help="agreements of 90 to 150 clauses and tens of kilobytes, as real ones run")
    demo_writer.set_defaults(handler=demo)

    for name, summary in (("build", "build the site with MkDocs"), ("serve", "serve the site and rebuild on change")):
        runner = commands.add_parser(name, help=summary, description=f"{summary}; other options go to `mkdocs {name}`")
        runner.add_argument("--no-history", action="store_true",
                            help="build without git history (for a shallow clone or a copy without .git)")
        runner.set_defaults(handler=run_mkdocs, passes_options=True)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    command_line = parser()
    args, unknown = command_line.parse_known_args(argv)
    if unknown and not getattr(args, "passes_options", False):
        command_line.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.mkdocs_args = unknown
    try:
        code: int = args.handler(args)
    except CharterError as error:
        print(f"charter: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("charter: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
