"""The `charter` command: one tool for contributors and maintainers. Thin: logic lives in the core."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from generator.authoring.commands import date_argument
from generator.engine.config import load_settings
from generator.errors import CharterError
from generator.settings import Settings

DESCRIPTION = "Check, write, edit, build and serve a living, versioned people's charter."


def edit_settings(args: argparse.Namespace) -> Settings:
    """An edit is made today (unless the config or SOURCE_DATE_EPOCH fixes the date), and checked as of it."""
    settings = load_settings(args.config_file)
    return dataclasses.replace(settings, as_of=settings.as_of or dt.date.today())


def check(args: argparse.Namespace) -> int:
    from generator.checks.problems import FORMATS
    from generator.checks.scope import narrowed
    from generator.compose import check as check_charter
    from generator.engine.progress import counting
    from generator.repository.changes import named_from_top, touched_files
    from generator.source.loader import agreement_files

    settings = load_settings(args.config_file)
    settings = dataclasses.replace(settings, as_of=args.as_of or settings.as_of)
    with counting("Checking agreements") as progress:  # the machine's date counts only without a commit
        result = check_charter(settings, fallback_as_of=dt.date.today(), progress=progress)
    problems, files_checked = list(result.problems), result.files_checked
    if args.files or args.changed_since:
        touched = touched_files(settings, args.files, args.changed_since, Path(args.config_file))
        if touched is not None:  # None: a registry or the config changed, which any agreement may feel
            agreements = [settings.relative(path) for path in agreement_files(settings)[0]]
            problems, files_checked = narrowed(problems, files_checked, result.charter,
                                               settings.relative(settings.agreements_dir), agreements, *touched)
    if args.format == "github":
        problems = named_from_top(problems, settings.root)
    print(FORMATS[args.format](problems, files_checked))
    return 1 if any(problem.is_error for problem in problems) else 0


def consent(args: argparse.Namespace) -> int:
    from generator.compose import consent_instructions

    settings = load_settings(args.config_file)
    print(consent_instructions(settings, args.id, args.party, fallback_as_of=dt.date.today()))
    return 0


def demo(args: argparse.Namespace) -> int:
    from generator.demo import closing_words, theme_files, theme_folder, write_demo

    config = Path(args.config_file)
    folder = theme_folder(load_settings(args.config_file).templates_dir if config.is_file() else None, config)
    written = write_demo(Path(args.directory), seed=args.seed, agreements=args.agreements, commits=args.commits,
                         theme_files=theme_files(folder), long=args.long)
    print(closing_words(written, args.directory))
    return 0


def run_mkdocs(args: argparse.Namespace) -> int:
    """`build` and `serve` run MkDocs itself, so a maintainer needs one tool and gets MkDocs' options."""
    from generator.engine.config import NO_HISTORY_VARIABLE

    command = [sys.executable, "-m", "mkdocs", args.command, "-f", args.config_file, *args.mkdocs_args]
    environment = {"NO_MKDOCS_2_WARNING": "1", **os.environ, **({NO_HISTORY_VARIABLE: "1"} if args.no_history else {})}
    return subprocess.call(command, env=environment)


def parser() -> argparse.ArgumentParser:
    from generator.authoring.commands import add_commands
    from generator.checks.problems import FORMATS

    root = argparse.ArgumentParser(prog="charter", description=DESCRIPTION)
    root.add_argument("-f", "--config-file", default="mkdocs.yml", help="the project's mkdocs.yml (default: %(default)s)")
    root.add_argument("--version", action="version", version=f"%(prog)s {version('charter-generator')}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    checker = commands.add_parser("check", help="validate every agreement and registry; exit 1 on errors")
    checker.add_argument("files", nargs="*", metavar="FILE",
                         help="report only on these files, what they link or relate to, what links or relates to "
                              "them, and the registries (default: every file)")
    checker.add_argument("--format", choices=tuple(FORMATS), default="text", help="output format (default: text)")
    checker.add_argument("--changed-since", metavar="REF",
                         help="report on what changed since the fork point with git REF, as for FILE")
    checker.add_argument("--as-of", metavar="today|YYYY-MM-DD", type=date_argument,
                         help="measure overdue reviews at this date (default: the build's, that of the newest commit)")
    checker.set_defaults(handler=check)

    add_commands(commands, edit_settings)

    consenter = commands.add_parser("consent", help="print the git commit that records a party's consent")
    consenter.add_argument("id", help="the agreement's id")
    consenter.add_argument("--party", required=True, help="the id of the consenting party (from parties.yml)")
    consenter.set_defaults(handler=consent)

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
