"""The exact `git commit` that records a party's signed consent, as `charter consent` prints it.

The consent goes with the change when the agreement has uncommitted changes (the commit that makes the
version carries the trailer); otherwise it is a commit of its own that names the committed version
(`Consent-to: <id> v<n>`), so every party can sign its own commit for the same text.
"""

from __future__ import annotations

import shlex

from generator.checks.suggest import did_you_mean
from generator.consent.ledger import VERIFIED, Ledger, VersionConsent
from generator.consent.statements import CONSENT_TO, CONSENTED_BY
from generator.errors import CharterError
from generator.model import Agreement, Charter

SIGN = "git -c gpg.format=ssh commit -S"
SIGNING_KEY_HINT = ("-S signs with the key that git's `user.signingkey` names: add "
                    "`-c user.signingkey=~/.ssh/id_ed25519.pub` after `git`, or set it once with "
                    "`git config user.signingkey ~/.ssh/id_ed25519.pub`.")
LANDING_HINT = ("Bring the commit to the main branch as it is (push it, or merge with `git merge "
                "--ff-only`): a squash or rebase by the hosting service makes a new, unsigned commit, and "
                "the consent then reads as declared.")


class ConsentRequestError(CharterError):
    """`charter consent` was asked about an agreement or a party that cannot consent to it."""


def consent_command(agreement: Agreement, party: str, current: VersionConsent | None) -> str:
    """The `git commit` that records the party's signed consent to the agreement's current text: the
    commit of the uncommitted change itself, or a commit of its own that names the committed version."""
    consented = f"--trailer {shlex.quote(f'{CONSENTED_BY}: {party}')}"
    if current is None or current.uncommitted:
        return f"git add {shlex.quote(agreement.path)} && {SIGN} {consented}"
    target = f"{agreement.id} v{current.number}"
    return (f"{SIGN} --allow-empty {consented} --trailer {shlex.quote(f'{CONSENT_TO}: {target}')} "
            f"-m {shlex.quote(f'Consent of {party} to {target}')}")


def _chosen(charter: Charter, agreement_id: str, party_id: str) -> Agreement:
    agreement = charter.by_id.get(agreement_id)
    if agreement is None:
        hint = did_you_mean(agreement_id, charter.by_id) or "`charter check` lists the agreements' ids"
        raise ConsentRequestError(f"no agreement has the id '{agreement_id}'; {hint}")
    if party_id not in agreement.parties:
        hint = did_you_mean(party_id, agreement.parties) or f"its parties are {', '.join(agreement.parties)}"
        raise ConsentRequestError(f"'{party_id}' is not a party of '{agreement_id}'; {hint}")
    return agreement


def instructions(charter: Charter, ledger: Ledger, agreement_id: str, party_id: str, registry: str) -> str:
    """What to run, and what to know, for `party_id` to give signed consent to the agreement's current
    text."""
    agreement = _chosen(charter, agreement_id, party_id)
    found = ledger.agreements.get(agreement.id)
    current = found.current if found is not None else None
    party = charter.parties[party_id]
    lines = []
    if current is None or current.uncommitted:
        lines += [f"{agreement.path} has uncommitted changes: commit them with the consent of {party.name}:",
                  "",
                  f"  {consent_command(agreement, party_id, current)}", "",
                  f"Each other party then consents to the committed version in a commit of its own "
                  f"(`charter consent {agreement.id} --party <party-id>`)."]
    else:
        if current.standing(party_id) == VERIFIED:
            lines += [f"{party.name} has already given verified consent to version {current.number}, the "
                      "current text; to record it again, run:", ""]
        else:
            lines += [f"To record the signed consent of {party.name} to version {current.number} of "
                      f"'{agreement.id}', its current text, run:", ""]
        lines += [f"  {consent_command(agreement, party_id, current)}"]
    lines += ["", SIGNING_KEY_HINT]
    if party.signing_keys:
        lines.append(f"The key must be one of {party_id}'s signing_keys in {registry}, as committed before "
                     "this commit.")
    else:
        lines.append(f"{party_id} has no signing_keys in {registry}: until a commit registers one (see "
                     "CONTRIBUTING.md), its consent reads as declared, not verified.")
    lines.append(LANDING_HINT)
    return "\n".join(lines)
