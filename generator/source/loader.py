"""Files -> documents -> the Charter and every problem found on the way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.source.agreements import build_agreement
from generator.source import markup
from generator.source.markup import Scanner
from generator.source.attachments import linked_files
from generator.checks.charter_rules import CharterContext, check_charter, wiki_links
from generator.source.documents import DocumentError, FieldsMemo, SourceDocument, read_document
from generator.model import Charter
from generator.checks.problems import Problem, sort_problems
from generator.source.registries import load_registries
from generator.checks.rules import RuleContext, check_document
from generator.settings import STRUCTURE_FILE, Settings

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass(frozen=True)
class LoadResult:
    charter: Charter
    problems: tuple[Problem, ...]
    files_checked: int

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.is_error)


def _markdown_files(base: Path) -> Iterator[tuple[Path, bool]]:
    """(path, is a symlink) of each `*.md` under `base`, skipping hidden and private (`.`, `_`) names and
    never entering a linked folder (as `Path.rglob` does not): the walk's own file types spare a `stat`
    and a `resolve` per file, which at thousands of agreements cost more than the rest of the scan."""
    folders = [base]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith((".", "_")):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(folder / entry.name)
            elif entry.name.endswith(".md"):
                linked = entry.is_symlink()
                if linked or entry.is_file(follow_symlinks=False):
                    yield folder / entry.name, linked


def agreement_files(settings: Settings) -> tuple[list[Path], list[Problem]]:
    """Markdown files under agreements_dir, sorted so output never depends on file-system order.

    A symlink that leads outside the project is refused: a pull request must not make the
    build read (and publish) files from the maintainer's machine.
    """
    root = settings.root.resolve()
    base = settings.agreements_dir
    if not base.is_dir():
        shown = settings.relative(base)
        return [], [Problem(shown, 1, "agreements-dir-missing", f"the agreements folder {shown} does not exist",
                            "create it, or set `agreements_dir` in the charter plugin's config")]
    inside = base.resolve().is_relative_to(root)  # then so is every file below it that is not a link
    files: list[Path] = []
    problems: list[Problem] = []
    for path, linked in sorted(_markdown_files(base)):
        if inside and not linked:
            files.append(path)
            continue
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError) as error:  # a dangling link, or a loop of links
            reason = getattr(error, "strerror", None) or "Too many levels of symbolic links"
            problems.append(Problem(settings.relative(path), 1, "file-unreadable", f"cannot read the file: {reason}",
                                    "replace the symlink with the agreement file itself"))
            continue
        if not resolved.is_relative_to(root):
            problems.append(Problem(settings.relative(path), 1, "path-outside",
                                    "the file is a link to a place outside the project",
                                    "replace the symlink with the agreement file itself"))
            continue
        if path.is_file():
            files.append(path)
    return files, problems


def _read(settings: Settings, path: Path, contents: Mapping[str, bytes],
          fields: FieldsMemo | None) -> SourceDocument:
    shown = settings.relative(path)
    try:
        data = contents[shown] if shown in contents else path.read_bytes()
    except OSError as error:
        raise DocumentError(Problem(shown, 1, "file-unreadable", f"cannot read the file: {error.strerror}",
                                    "check that the file exists and is readable")) from None
    return read_document(shown, data, fields)


def load_charter(settings: Settings, as_of: dt.date | None = None, *, contents: Mapping[str, bytes] | None = None,
                 progress: Callable[[int, int], None] | None = None, scan: Scanner = markup.scan,
                 fields: FieldsMemo | None = None) -> LoadResult:
    """`as_of` is the build's one date (generator.asof), for reviews overdue; None checks no dates.

    `contents` (path as problems name it -> bytes) stands in for files on disk, so an edit is checked
    before anything is written; `progress(done, total)` hears of each agreement file read; `scan` reads
    each body and `fields` holds the front matters parsed before (a build passes its caches of both)."""
    docs_shown = settings.relative(settings.docs_dir)
    registries = load_registries(settings.docs_dir, docs_shown, settings.root)
    problems: list[Problem] = list(registries.problems)
    paths, path_problems = agreement_files(settings)
    problems.extend(path_problems)
    documents: dict[str, SourceDocument] = {}
    rule_context = RuleContext(settings.extra_fields)
    for done, path in enumerate(paths, start=1):
        if progress is not None:
            progress(done, len(paths))
        try:
            document = _read(settings, path, contents or {}, fields)
        except DocumentError as error:
            problems.append(error.problem)
            continue
        documents[document.path] = document
        problems.extend(check_document(document, rule_context))
    agreements = sorted((build_agreement(doc, scan) for doc in documents.values()), key=lambda a: (a.id, a.path))
    charter = Charter(registries.title, tuple(agreements), registries.parties, registries.themes,
                      registries.parts, linked_files(settings))
    problems.extend(check_charter(CharterContext(charter, documents, as_of,
                                                 f"{docs_shown}/{STRUCTURE_FILE}")))
    log.debug("loaded %d agreements from %d files", len(agreements), len(paths))
    return LoadResult(charter, tuple(sort_problems(problems)), len(paths) + len(registries.files))


WIKI_LINK_CODES = frozenset({"link-unknown", "link-anchor-unknown", "link-renamed"})


def with_renames(load: LoadResult, renamed: Mapping[str, str]) -> LoadResult:
    """The charter with the former ids its history found (`Charter.renamed`), and its `[[links]]` checked
    again with them: a link by a former id leads to the agreement that had it, with a warning, where the
    files alone knew no such agreement."""
    if all(load.charter.aliases.get(former) == current for former, current in renamed.items()):
        return dataclasses.replace(load, charter=dataclasses.replace(load.charter, renamed=renamed))
    charter = dataclasses.replace(load.charter, renamed=renamed)
    kept = [problem for problem in load.problems if problem.code not in WIKI_LINK_CODES]
    relinked = wiki_links(CharterContext(charter, {}, None, ""))  # the rule reads the agreements alone
    return LoadResult(charter, tuple(sort_problems([*kept, *relinked])), load.files_checked)
