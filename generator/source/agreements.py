"""Build `Agreement` values from parsed documents.

Building is lenient (a value of the wrong type is dropped) because rules have already reported it;
this lets charter-wide rules still run on a file that has a local error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.source import markup
from generator.source.attachments import linked_path
from generator.source.documents import SourceDocument
from generator.model import Agreement, FileLink
from generator.vocabulary import DEFAULT_FORM, KNOWN_FIELDS, RELATIONS


def _text(doc: SourceDocument, key: str, default: str = "") -> str:
    located = doc.fields.get(key)
    return located.value.strip() if located is not None and isinstance(located.value, str) else default


def field_ids(doc: SourceDocument, key: str) -> tuple[str, ...]:
    """The ids a list field names (a value of the wrong type names none)."""
    located = doc.fields.get(key)
    if located is None or not isinstance(located.value, list):
        return ()
    return tuple(item for item in located.value if isinstance(item, str))


def _date(doc: SourceDocument, key: str) -> dt.date | None:
    located = doc.fields.get(key)
    return located.value if located is not None and isinstance(located.value, dt.date) else None


def agreement_id(doc: SourceDocument) -> str:
    """The `id` field, or the file stem: so an agreement keeps its id when the file moves."""
    return _text(doc, "id") or doc.path.rsplit("/", 1)[-1].removesuffix(".md")


def title_and_status(doc: SourceDocument) -> tuple[str, str]:
    """What `build_agreement` gives as the title and status, without building the rest: a timeline of
    50,000 versions needs only these."""
    return _text(doc, "title", agreement_id(doc)), _text(doc, "status")


def build_agreement(doc: SourceDocument, scan: markup.Scanner = markup.scan) -> Agreement:
    """`scan` reads the body (a build passes a cache of scans: most bodies it builds, it built before)."""
    relations: dict[str, Any] = {relation: field_ids(doc, relation) for relation in RELATIONS}
    title, status = title_and_status(doc)
    scanned = scan(doc.body, doc.body_line)
    file_links = tuple(FileLink(linked_path(doc.path, reference.target), reference.fragment, reference.line,
                                reference.written) for reference in scanned.references)
    return Agreement(
        id=agreement_id(doc),
        path=doc.path,
        title=title,
        status=status,
        parties=field_ids(doc, "parties"),
        body=doc.body,
        body_line=doc.body_line,
        mediators=field_ids(doc, "mediators"),
        level=_text(doc, "level") or None,
        form=_text(doc, "form") or DEFAULT_FORM,
        institutionalised_as=field_ids(doc, "institutionalised_as"),
        themes=field_ids(doc, "themes"),
        adopted=_date(doc, "adopted"),
        review_by=_date(doc, "review_by"),
        renew_every=_text(doc, "renew_every") or None,
        summary=" ".join(_text(doc, "summary").split()),
        former_ids=field_ids(doc, "former_ids"),
        clauses=scanned.clauses,
        links=scanned.links,
        headings=scanned.headings,
        file_links=file_links,
        extra={key: located.value for key, located in doc.fields.items() if key not in KNOWN_FIELDS},
        **relations,
    )
