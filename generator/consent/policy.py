"""The `consent` policy, and the exact command a party runs to give its consent.

`off` reads no consent; `recorded` (the default) shows the ledger; `required` makes an agreement in
force whose current text lacks the verified consent of any of its parties an error, with the command
that party must run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from generator.checks.problems import Problem
from generator.consent.ledger import DECLARED, VERIFIED, AgreementLedger, Ledger, VersionConsent
from generator.consent.command import consent_command
from generator.history.versions import AgreementHistory
from generator.model import Charter
from generator.vocabulary import IN_FORCE

def _why(current: VersionConsent | None, party: str) -> str:
    if current is None or current.uncommitted:
        return "the text has uncommitted changes, and no one has consented to them yet"
    own = [consent for consent in current.consents if consent.party == party]
    if current.standing(party) == DECLARED:
        declared = next(consent for consent in reversed(own) if consent.verdict == DECLARED)
        return f"its consent is declared, not verified: {declared.proof.how}"
    withdrawn = [consent.withdrawn for consent in own if consent.withdrawn is not None]
    if withdrawn:
        return f"it withdrew its consent on {withdrawn[-1].date.date().isoformat()}"
    return "it has not consented"


def _line(history: AgreementHistory | None, party: str) -> int:
    document = history.current.header if history is not None and history.current is not None else None
    located = document.fields.get("parties") if document is not None else None
    if located is None:
        return 1
    values = located.value if isinstance(located.value, list) else []
    return next((line for line, value in zip(located.item_lines, values) if value == party), located.line)


def required_problems(charter: Charter, histories: Mapping[str, AgreementHistory],
                      ledger: Ledger) -> Iterator[Problem]:
    """An error for each party of an agreement in force that has not verifiably consented to its current
    text."""
    for agreement in charter.agreements:
        if agreement.status != IN_FORCE:
            continue
        found: AgreementLedger | None = ledger.agreements.get(agreement.id)
        current = found.current if found is not None else None
        for party in agreement.parties:
            if current is not None and not current.uncommitted and current.standing(party) == VERIFIED:
                continue
            version = f"version {current.number}" if current is not None else "its text"
            yield Problem(
                agreement.path, _line(histories.get(agreement.id), party), "consent-missing",
                f"the agreement is in force, but its current text ({version}) lacks the verified consent of "
                f"'{party}': {_why(current, party)}",
                f"'{party}' must sign it with a key registered for it in parties.yml: "
                f"{consent_command(agreement, party, current)}")
