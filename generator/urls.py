"""The site's address scheme, in one place: every path the generator writes a page to or links to.

Paths are directory-style and relative to the site root (`agreements/water/`), and pages link them
with `relative_url`, so the site works under any base path. Templates receive this module as `urls`.
"""

from __future__ import annotations

from typing import Final

AGREEMENTS: Final = "agreements/"
"""The index of every agreement; each agreement's pages, and the files beside the agreements, lie under it."""
CHARTER: Final = "charter/"
"""The composite charter: the agreements in force as one text."""
STATUS_INDEX: Final = "status/"
LEVEL_INDEX: Final = "levels/"
THEMES: Final = "themes/"
PARTIES: Final = "parties/"
CHANGES: Final = "changes/"
RENEWALS: Final = "renewals/"
EDITIONS: Final = "editions/"
CONSENT: Final = "consent/"
FEED: Final = "feed.xml"
"""The charter's Atom feed; each agreement with a history has one of its own beside its page."""
AS_OF: Final = "as-of/"
"""The charter as of a date: a page with a date picker, its JSON index, and a page per year."""
AS_OF_INDEX: Final = f"{AS_OF}index.json"
API: Final = "api/"
"""The JSON Schemas of the format, published for editors and `$schema` lines."""


def agreement(agreement_id: str) -> str:
    return f"{AGREEMENTS}{agreement_id}/"


def history(agreement_id: str) -> str:
    return f"{agreement(agreement_id)}history/"


def clauses(agreement_id: str) -> str:
    """Each clause of the current text with the versions that changed it, at the clause's own anchor."""
    return f"{agreement(agreement_id)}clauses/"


def change(agreement_id: str, number: int) -> str:
    """Version `number`'s change against the one before, on the history page."""
    return f"{history(agreement_id)}#change-{number}"


def comparison_with_current(agreement_id: str, first: int) -> str:
    """The history page's comparison of version `first` with the current text. Its script reads `from`,
    and `to` when an address names it, else compares with the newest version: so this address stays the
    same as versions are added, and an amendment does not write every older version's page again."""
    return f"{history(agreement_id)}?from={first}#compare"


def version(agreement_id: str, number: int) -> str:
    """The text as it read at version `number`."""
    return f"{agreement(agreement_id)}v/{number}/"


def consent_to(agreement_id: str, number: int) -> str:
    """Who consented to version `number`, on its page."""
    return f"{version(agreement_id, number)}#consent"


def agreement_feed(agreement_id: str) -> str:
    return f"{agreement(agreement_id)}{FEED}"


def attachment(relative: str) -> str:
    """A file beside the agreements, at its path under the agreements folder."""
    return f"{AGREEMENTS}{relative}"


def status(status_name: str) -> str:
    return f"{STATUS_INDEX}#{status_name}"


def level(level_name: str) -> str:
    return f"{LEVEL_INDEX}#{level_name}"


def theme(theme_id: str) -> str:
    return f"{THEMES}{theme_id}/"


def party(party_id: str) -> str:
    return f"{PARTIES}{party_id}/"


def party_consents(party_id: str) -> str:
    """Every consent the party gave: a page of its own, as a party's ledger grows with the charter."""
    return f"{party(party_id)}consents/"


def edition(slug: str) -> str:
    return f"{EDITIONS}{slug}/"


def api_file(name: str) -> str:
    return f"{API}{name}"


def as_of_year(year: int) -> str:
    return f"{AS_OF}{year}/"


def as_of_day(day: str) -> str:
    """The as-of page opened at a date (`YYYY-MM-DD`), which its script reads from the fragment."""
    return f"{AS_OF}#{day}"
