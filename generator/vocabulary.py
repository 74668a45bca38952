"""The closed vocabularies of the agreement format, declared as data so rules and docs share them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Final

ID_REGEX: Final = "[a-z0-9][a-z0-9-]*"
DURATION_REGEX: Final = "([1-9][0-9]*)([ym])"
"""Both also go into the JSON Schema, whose patterns are ECMAScript's: keep them to the common subset."""
ID_PATTERN: Final = re.compile(ID_REGEX + r"\Z")
DURATION_PATTERN: Final = re.compile(DURATION_REGEX + r"\Z")
DURATION_UNITS: Final = {"y": ("year", "years"), "m": ("month", "months")}

# The statuses, spelled here alone: code and templates name them by these constants.
DRAFT: Final = "draft"
PROPOSED: Final = "proposed"
IN_FORCE: Final = "in-force"
LAPSED: Final = "lapsed"
SUPERSEDED: Final = "superseded"
WITHDRAWN: Final = "withdrawn"
STATUSES: Final = (DRAFT, PROPOSED, IN_FORCE, LAPSED, SUPERSEDED, WITHDRAWN)
STATUSES_REQUIRING_ADOPTED: Final = frozenset({IN_FORCE, LAPSED, SUPERSEDED})
LIVE_STATUSES: Final = (DRAFT, PROPOSED, IN_FORCE)
"""Still on its way or standing; the others have ended."""
ENDED_STATUSES: Final = (LAPSED, SUPERSEDED, WITHDRAWN)
"""In the order of STATUSES, which editions list them in."""
LEVELS: Final = ("local", "regional", "national", "transborder", "global")
FORMS: Final = ("written", "practised", "institutionalised")
DEFAULT_FORM: Final = "written"
PARTY_KINDS: Final = ("community", "collective", "movement", "organisation", "network")

# Event kind -> its label, in the documented order: what a version did, as history derives it (the
# diffs stage settles a body change no reader sees as "reformatted"), and the dates the text declares.
PROPOSED_EVENT: Final = "proposed"
"""A first version: proposed with whatever status it had (an event, though spelled as a status)."""
AMENDED: Final = "amended"
REFORMATTED: Final = "reformatted"
EVENT_LABELS: Final = {
    PROPOSED_EVENT: "Proposed",
    "adopted": "Adopted",
    AMENDED: "Amended",
    REFORMATTED: "Reformatted",
    "renewed": "Renewed",
    "status-changed": "Status changed",
    "relations-changed": "Relations changed",
    "moved": "Moved",
    "metadata-only": "Details changed",
    "unparsable": "Unreadable text",
    "removed": "Removed",
    "restored": "Restored",
    "declared-adopted": "Adopted (declared)",
    "review-due": "Review due",
}
EVENT_KINDS: Final = tuple(EVENT_LABELS)

# What changed for an agreement from one edition to the next, in the order an edition lists it: its
# events between the two, and the status it reached if it ended.
EDITION_CHANGE_LABELS: Final = {
    "added": "Added",
    "adopted": "Adopted",
    AMENDED: "Amended",
    "renewed": "Renewed",
    **{status: status.capitalize() for status in ENDED_STATUSES},
}
EDITION_CHANGE_KINDS: Final = tuple(EDITION_CHANGE_LABELS)

# What a version did to a clause, in the reader's words ("renamed": its heading or anchor changed).
CLAUSE_CHANGE_LABELS: Final = {"added": "Added", "changed": "Amended", "renamed": "Renamed"}

# Relation field -> the label a reader sees on the *other* agreement's page.
RELATIONS: Final = {
    "amends": "Amended by",
    "supersedes": "Superseded by",
    "builds_on": "Built on by",
    "relates_to": "Related",
}
RELATION_LABELS: Final = {
    "amends": "Amends",
    "supersedes": "Supersedes",
    "builds_on": "Builds on",
    "relates_to": "Relates to",
}
# Relations that must not form cycles: an agreement cannot, through a chain, replace itself.
ACYCLIC_RELATIONS: Final = ("supersedes", "amends")

REQUIRED_FIELDS: Final = ("title", "status", "parties")
LIST_FIELDS: Final = (
    "parties",
    "mediators",
    "themes",
    "institutionalised_as",
    *RELATIONS,
    "former_ids",
)
DATE_FIELDS: Final = ("adopted", "review_by")
TEXT_FIELDS: Final = ("id", "title", "summary", "renew_every")
ENUM_FIELDS: Final = {"status": STATUSES, "level": LEVELS, "form": FORMS}
KNOWN_FIELDS: Final = frozenset(
    {*REQUIRED_FIELDS, *LIST_FIELDS, *DATE_FIELDS, *TEXT_FIELDS, *ENUM_FIELDS}
)

# The `consent` plugin option: read no consent, show the ledger, or fail on an agreement in force
# whose current text lacks the verified consent of every party.
CONSENT_POLICIES: Final = ("off", "recorded", "required")


def add_period(day: dt.date, period: str) -> dt.date | None:
    """`day` moved on by a period such as `3y` or `18m` (the 31st becomes the month's last day), or None."""
    match = DURATION_PATTERN.match(period)
    if match is None:
        return None
    months = int(match.group(1)) * (12 if match.group(2) == "y" else 1)
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    if year > dt.MAXYEAR:
        return None
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def duration_words(period: str) -> str:
    """`3y` as readers say it, "3 years"; text that is not a period (an old version's) stays as written."""
    match = DURATION_PATTERN.match(period)
    if match is None:
        return period
    count, unit = match.groups()
    return f"{count} {DURATION_UNITS[unit][count != '1']}"
