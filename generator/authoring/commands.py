"""The contributor's commands: new, amend, renew, supersede and status, registered on `charter`'s parser.

Each edit is checked as the whole charter, as `charter check` would check it, before anything is written;
what `charter check` then says about the edited files is printed after the files it wrote.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence

from generator.authoring import amend as amending
from generator.authoring import edits as planned
from generator.authoring import new as scaffold
from generator.checks.problems import summary
from generator.settings import Settings
from generator.source.loader import load_charter
from generator.vocabulary import LEVELS, STATUSES

Load = Callable[[argparse.Namespace], Settings]


def date_argument(text: str) -> dt.date:
    """A date as YYYY-MM-DD, or `today`: the explicit way to take the machine's clock (a build never does)."""
    if text == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write YYYY-MM-DD or today") from None


def _make(settings: Settings, edits: Sequence[planned.FileEdit]) -> int:
    """Make the planned edits (or refuse them), then say what was written and what the check says."""
    if not edits:
        print("nothing to change; nothing was written")
        return 0
    result = planned.apply(settings, edits)
    for file_edit in edits:
        print(f"wrote {file_edit.path}: {file_edit.summary}")
    written = {file_edit.path for file_edit in edits}
    for problem in result.problems:
        if problem.path in written:
            print(problem.format())
    print(f"charter check: {summary(result.problems, result.files_checked)}")
    return 0


def _readline_completion(words: Sequence[str]) -> None:
    try:
        import readline
    except ImportError:  # Windows without pyreadline: prompts still work, without Tab
        return
    readline.set_completer_delims(" ,\t")
    readline.parse_and_bind("tab: complete")
    readline.set_completer(scaffold.completer(words))


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser], load: Load) -> None:
    """`load` gives the settings `charter check` uses, with its as-of date (today, unless fixed)."""
    def new(args: argparse.Namespace) -> int:
        settings = load(args)
        charter = load_charter(settings).charter
        existing = charter.by_id.get(args.id)  # an agreement can take its id from an `id:` field
        if existing is not None:
            raise scaffold.ScaffoldError(f"an agreement with id '{args.id}' already exists: {existing.path}")
        given = scaffold.Answers(args.title, tuple(args.party or ()), args.level)
        reason = scaffold.unknown_parties(given.parties, charter.parties)
        if reason:
            raise scaffold.ScaffoldError(reason)
        if sys.stdin.isatty() and sys.stdout.isatty():
            given = scaffold.ask(sorted(charter.parties), given, complete=_readline_completion)
        path = scaffold.new_agreement(settings.agreements_dir, args.id, args.folder, given)
        print(f"wrote {settings.relative(path)}\nfill in every line marked FILL IN or TODO, then run "
              "`charter check`")
        return 0

    def amend(args: argparse.Namespace) -> int:
        amendment = amending.amend(load(args), args.id, amending.editor_command(os.environ))
        if amendment is None:
            print("the editor left the agreement unchanged; nothing was written")
            return 0
        print(f"wrote {amendment.edit.path}: {amendment.changed}\ncommit it with a message that says "
              f"what changed, such as: git commit -m \"Amend {args.id}: ...\" {amendment.edit.path}")
        return 0

    def status(args: argparse.Namespace) -> int:
        settings = load(args)
        edits = planned.plan_status(settings, load_charter(settings).charter, args.id, args.status, args.adopted)
        return _make(settings, edits)

    def renew(args: argparse.Namespace) -> int:
        settings = load(args)
        assert settings.as_of is not None
        edits = planned.plan_renew(settings, load_charter(settings).charter, args.id, args.until, settings.as_of)
        return _make(settings, edits)

    def supersede(args: argparse.Namespace) -> int:
        settings = load(args)
        edits = planned.plan_supersede(settings, load_charter(settings).charter, args.old, args.new)
        return _make(settings, edits)

    creator = commands.add_parser("new", help="write a new agreement from the template")
    creator.add_argument("id", help="the new agreement's id, e.g. river-commons (lower-case, digits, hyphens)")
    creator.add_argument("--folder", default="", help="sub-folder of the agreements folder to write it in")
    creator.add_argument("--title", help="its title (asked for in a terminal when not given)")
    creator.add_argument("--party", action="append", metavar="ID", help="a party's id; repeat for each party")
    creator.add_argument("--level", choices=LEVELS, help="its level: %(choices)s")
    creator.set_defaults(handler=new)

    amender = commands.add_parser("amend", help="edit an agreement in $EDITOR; kept only if `charter check` passes")
    amender.add_argument("id", help="the agreement's id")
    amender.set_defaults(handler=amend)

    renewer = commands.add_parser("renew", help="move an agreement's review_by on by its renew_every")
    renewer.add_argument("id", help="the agreement's id")
    renewer.add_argument("--until", type=date_argument, metavar="DATE", help="the new review_by (YYYY-MM-DD or today)")
    renewer.set_defaults(handler=renew)

    superseder = commands.add_parser("supersede", help="mark OLD superseded by NEW (both files at once)")
    superseder.add_argument("old", help="the id of the agreement that is replaced")
    superseder.add_argument("new", help="the id of the agreement in force that replaces it")
    superseder.set_defaults(handler=supersede)

    changer = commands.add_parser("status", help="change an agreement's status")
    changer.add_argument("id", help="the agreement's id")
    changer.add_argument("status", choices=STATUSES, help="the new status: %(choices)s")
    changer.add_argument("--adopted", type=date_argument, metavar="DATE",
                         help="the adoption date (YYYY-MM-DD or today), needed once an agreement comes into force")
    changer.set_defaults(handler=status)
