"""`charter amend <id>`: edit an agreement's text in your editor, checked before it replaces the file.

The editor works on a copy. When it closes, the whole charter is checked with the copy in place;
an edit that would fail `charter check` is refused and the copy is kept, so no work is lost. No
version number is bumped: versions are commits, so the amendment becomes one when it is committed.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.authoring.edits import EditRefused, FileEdit, apply, find
from generator.diffs.clauses import diff_bodies, diff_summary
from generator.settings import Settings
from generator.source.documents import DocumentError, SourceDocument, decode, parse_document
from generator.source.loader import load_charter

STEPS = """\
To amend {path} by hand:
  1. edit its clauses in place (keep clause headings stable: other agreements link to their anchors;
     to reword a heading, pin the old anchor: `## New wording {{#old-anchor}}`);
  2. run `charter check` until it reports no errors;
  3. commit with a message that says what changed, such as `git commit -m "Amend {id}: ..." {path}`.
Or set EDITOR (or VISUAL) and run `charter amend {id}` again, which checks the edit before it is kept."""


@dataclass(frozen=True)
class Amendment:
    edit: FileEdit
    changed: str
    """What a reader will see changed: "1 clause changed, 1 added"."""


def editor_command(environ: Mapping[str, str]) -> list[str] | None:
    command = environ.get("VISUAL") or environ.get("EDITOR")
    return shlex.split(command) if command else None


def amend(settings: Settings, agreement_id: str, editor: list[str] | None) -> Amendment | None:
    """The agreement, edited and checked; None when the editor left it unchanged."""
    charter = load_charter(settings).charter
    agreement = find(charter, agreement_id)
    if editor is None:
        raise EditRefused("no editor is set (EDITOR or VISUAL).\n" + STEPS.format(path=agreement.path,
                                                                                   id=agreement_id))
    target = settings.root / agreement.path
    before = target.read_bytes()
    folder = Path(tempfile.mkdtemp(prefix=f"charter-amend-{agreement_id}-"))
    copy = folder / target.name  # the same name, so the editor highlights Markdown
    copy.write_bytes(before)
    try:
        code = subprocess.call([*editor, str(copy)])
    except OSError as error:
        shutil.rmtree(folder)
        raise EditRefused(f"cannot run the editor `{shlex.join(editor)}`: {error.strerror}") from None
    after = copy.read_bytes()
    if code != 0 or after == before:
        shutil.rmtree(folder)
        if code != 0:
            raise EditRefused(f"the editor exited with status {code}; nothing was written")
        return None
    file_edit = FileEdit(agreement.path, before, after, "text edited")
    try:
        apply(settings, [file_edit])
    except EditRefused as refused:
        raise EditRefused(f"{refused}\nyour edit is kept in {copy}; fix it there and copy it over, "
                          f"or run `charter amend {agreement_id}` again") from None
    shutil.rmtree(folder)
    return Amendment(file_edit, _changed(agreement.path, before, after))


def _value(document: SourceDocument, key: str) -> object:
    located = document.fields.get(key)
    return located.value if located is not None else None


def _changed(path: str, before: bytes, after: bytes) -> str:
    try:
        old, new = (parse_document(path, decode(path, data)) for data in (before, after))
    except DocumentError:
        return "changed"
    body = diff_summary(diff_bodies(old.body, new.body))
    fields = sorted(key for key in {*old.fields, *new.fields} if _value(old, key) != _value(new, key))
    parts = ([body] if body != "no changes" else []) + ([f"fields changed: {', '.join(fields)}"] if fields else [])
    return "; ".join(parts) or "whitespace only"
