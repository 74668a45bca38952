"""Round-trip edits of agreements: planned in memory, checked as the whole charter, then written.

A plan is a list of whole-file edits. `apply` loads the charter with the edited bytes standing in
for the files, refuses (writing nothing) if `charter check` would then report an error, and
otherwise writes every file of the plan or, should a write fail, none.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.authoring.frontmatter import Change, edit
from generator.checks.problems import Problem
from generator.checks.suggest import did_you_mean
from generator.compose import with_known_renames
from generator.errors import CharterError
from generator.model import Agreement, Charter
from generator.settings import Settings
from generator.source.loader import LoadResult, load_charter
from generator.vocabulary import IN_FORCE, STATUSES_REQUIRING_ADOPTED, SUPERSEDED, add_period


class EditRefused(CharterError):
    """The edit is not made; the message says why and what to do instead."""

    exit_code = 1


@dataclass(frozen=True)
class FileEdit:
    path: str
    """As `charter check` names the file, relative to the project."""
    before: bytes
    after: bytes
    summary: str
    """What changed, for the contributor: `status: in-force -> superseded`."""


def find(charter: Charter, agreement_id: str) -> Agreement:
    agreement = charter.by_id.get(agreement_id)
    if agreement is None:
        hint = did_you_mean(agreement_id, charter.by_id)
        raise EditRefused(f"no agreement has the id '{agreement_id}'" + (f"; {hint}" if hint else ""))
    return agreement


def _shown(value: object) -> str:
    if value is None or value == ():
        return "(none)"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def edit_agreement(settings: Settings, agreement: Agreement, *changes: Change) -> FileEdit:
    before = (settings.root / agreement.path).read_bytes()
    after = edit(agreement.path, before, changes)
    described = []
    for change in changes:
        old = getattr(agreement, change.key, None)
        new: object = change.value
        if change.add:
            listed = tuple(old or ())
            new = (*listed, *(item for item in change.add if item not in listed))
        described.append(f"{change.key}: {_shown(old)} -> {_shown(new)}")
    return FileEdit(agreement.path, before, after, "; ".join(described))


def plan_status(settings: Settings, charter: Charter, agreement_id: str, status: str,
                adopted: dt.date | None) -> list[FileEdit]:
    agreement = find(charter, agreement_id)
    if agreement.status == status and adopted in (None, agreement.adopted):
        return []
    if status == SUPERSEDED and not charter.successors(agreement_id):
        raise EditRefused(f"no agreement supersedes '{agreement_id}'; mark the one that replaces it with "
                          f"`charter supersede {agreement_id} <new-id>`, which sets both files")
    if status in STATUSES_REQUIRING_ADOPTED and agreement.adopted is None and adopted is None:
        raise EditRefused(f"an agreement that is {status} needs an adopted date, and '{agreement_id}' has none; "
                          "add `--adopted YYYY-MM-DD`, the day the parties adopted it")
    changes = [Change("status", status)] + ([Change("adopted", adopted)] if adopted else [])
    return [edit_agreement(settings, agreement, *changes)]


def renewal_date(agreement: Agreement, today: dt.date) -> dt.date:
    """review_by moved on by renew_every (by as many periods as it takes to lie after today), but
    never more than renew_every from today: a renewal runs for one period, as `charter check` checks."""
    if agreement.renew_every is None or agreement.review_by is None:
        missing = "renew_every" if agreement.renew_every is None else "review_by"
        raise EditRefused(f"'{agreement.id}' has no {missing}, so the renewal date cannot be worked out; "
                          "give it with `--until YYYY-MM-DD`")
    number, unit = int(agreement.renew_every[:-1]), agreement.renew_every[-1]
    furthest = add_period(today, agreement.renew_every)
    periods = 1
    moved = add_period(agreement.review_by, agreement.renew_every)
    while moved is not None and moved <= today:
        periods += 1
        moved = add_period(agreement.review_by, f"{number * periods}{unit}")
    if moved is None or furthest is None:
        raise EditRefused("the renewal date lies beyond the year 9999; give it with `--until YYYY-MM-DD`")
    return min(moved, furthest)


def plan_renew(settings: Settings, charter: Charter, agreement_id: str, until: dt.date | None,
               today: dt.date) -> list[FileEdit]:
    agreement = find(charter, agreement_id)
    if agreement.status != IN_FORCE:
        raise EditRefused(f"'{agreement_id}' is {agreement.status}; only an agreement in force is renewed "
                          f"(to bring it back into force: `charter status {agreement_id} in-force`)")
    review_by = until or renewal_date(agreement, today)
    if agreement.review_by is not None and review_by <= agreement.review_by:
        raise EditRefused(f"review_by is already {agreement.review_by}; a renewal moves it later, and "
                          f"{review_by} is not (give a later date with `--until YYYY-MM-DD`)")
    return [edit_agreement(settings, agreement, Change("review_by", review_by))]


def plan_supersede(settings: Settings, charter: Charter, old_id: str, new_id: str) -> list[FileEdit]:
    old, new = find(charter, old_id), find(charter, new_id)
    if old.id == new.id:
        raise EditRefused("an agreement cannot supersede itself; name the old agreement, then the new one")
    if new.status != IN_FORCE:
        raise EditRefused(f"'{new_id}' is {new.status}: an agreement supersedes another when it comes into force; "
                          f"adopt it first with `charter status {new_id} in-force --adopted YYYY-MM-DD`")
    edits = []
    if old_id not in new.supersedes:
        edits.append(edit_agreement(settings, new, Change("supersedes", add=(old_id,))))
    if old.status != SUPERSEDED:
        edits.append(edit_agreement(settings, old, Change("status", SUPERSEDED)))
    return edits


def _key(problem: Problem) -> tuple[str, str, str]:
    return problem.path, problem.code, problem.message  # lines move when an edit adds one


def refusal(before: LoadResult, after: LoadResult) -> str | None:
    """Why the edited charter may not be written, or None when `charter check` would pass."""
    if not after.errors:
        return None
    known = {_key(problem) for problem in before.errors}
    caused = [problem for problem in after.errors if _key(problem) not in known]
    if caused:
        return ("the edit would leave the charter failing `charter check`, so nothing was written:\n"
                + "\n".join(problem.format() for problem in caused))
    return ("the charter already fails `charter check`, so no edit can leave it passing; nothing was "
            "written. Fix these first:\n" + "\n".join(problem.format() for problem in after.errors))


def apply(settings: Settings, edits: Sequence[FileEdit]) -> LoadResult:
    """Check the charter with `edits` made, then write them all, or raise EditRefused and write nothing."""
    before = load_charter(settings, settings.as_of)
    after = load_charter(settings, settings.as_of, contents={edit.path: edit.after for edit in edits})
    if settings.as_of is not None:  # the commands run on a day; a `[[link]]` may name a former id
        before, after = with_known_renames(settings, [before, after], settings.as_of)
    reason = refusal(before, after)
    if reason is not None:
        raise EditRefused(reason)
    write_all(settings.root, edits)
    return after


def write_all(root: Path, edits: Sequence[FileEdit]) -> None:
    """Every file or none: all are staged beside their targets first, then renamed into place; a file
    changed by someone else since it was read stops the whole edit."""
    staged: list[tuple[str, Path, FileEdit]] = []
    done: list[tuple[Path, FileEdit]] = []
    try:
        for file_edit in edits:
            target = root / file_edit.path
            descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged.append((temporary, target, file_edit))
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(file_edit.after)
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        for temporary, target, file_edit in staged:
            if target.read_bytes() != file_edit.before:
                raise EditRefused(f"{file_edit.path} changed while the edit was prepared; nothing was written, "
                                  "run the command again")
            os.replace(temporary, target)
            done.append((target, file_edit))
    except BaseException:
        for target, file_edit in reversed(done):
            target.write_bytes(file_edit.before)
        raise
    finally:
        for temporary, _, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
