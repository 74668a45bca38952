"""Commit signatures, checked by git itself, once per commit for the life of the cache.

A commit never changes, so what git says of its signature never changes either: each result is
kept by commit id, all of them in one packed file of the build cache (a file each cost more to open,
at thousands of signed consents, than the verdict held), and a build asks git only about the commits
it has not seen, all of them in one
`git log --no-walk --stdin` (one process, whatever their number; none when every one is cached). The
main log never verifies (`--no-show-signature`), so a build of a long history does not check every
signature on every build.

git checks SSH signatures against an allowed-signers file (`gpg.ssh.allowedSignersFile`); the caller
gives one holding every key the registry ever listed, and decides itself whether the key that signed
was the party's at the time. A signature git could not check at all (`E`: no `ssh-keygen`, or an
OpenPGP key missing from this machine's keyring) is not cached, so a later build checks it again.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.cache import BlobCache, PackedFile, fingerprint
from generator.repository.log import RECORD
from generator.repository.read import open_repository

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

FILE_NAME = "signatures.pack"
SIGNATURES_CODE = fingerprint("repository.signatures")
FORMAT = "%x1e%H%x00%G?%x00%GF%x00%GP%x00"
GOOD = frozenset({"G", "U"})
"""A valid signature: `G` by a key of the allowed signers, `U` by one git does not vouch for. Either way
the cryptography holds; which key it was is what the ledger judges."""
UNCHECKED = "E"


@dataclass(frozen=True)
class Signature:
    status: str
    """git's `%G?`: G, U (good), B (bad), X, Y (expired), R (revoked), E (cannot be checked), N (none)."""
    fingerprints: tuple[str, ...] = ()
    """The signing key's fingerprint (`%GF`) and, for an OpenPGP subkey, its primary key's (`%GP`)."""

    @property
    def is_good(self) -> bool:
        return self.status in GOOD


UNSIGNED = Signature("N")


Stored = dict[str, tuple[str, tuple[str, ...]]]
"""Commit id -> git's status and the fingerprints, as the packed file holds them."""


def _stored(file: PackedFile) -> Stored:
    loaded = file.load()
    if not isinstance(loaded, dict):
        return {}
    return {commit: entry for commit, entry in loaded.items()
            if isinstance(commit, str) and isinstance(entry, tuple) and len(entry) == 2
            and isinstance(entry[0], str) and isinstance(entry[1], tuple)
            and all(isinstance(item, str) for item in entry[1])}


def parse_signatures(output: bytes) -> dict[str, Signature]:
    """Commit id -> signature, from the `FORMAT` output."""
    found: dict[str, Signature] = {}
    for record in output.split(RECORD)[1:]:
        fields = record.split(b"\0")[:4]
        sha, status, fingerprint, primary = (part.decode("ascii", "replace") for part in fields)
        fingerprints = tuple(dict.fromkeys(item for item in (fingerprint, primary) if item))
        found[sha] = Signature(status or "N", fingerprints)
    return found


def check_signatures(root: Path, commits: Collection[str], allowed_signers: str,
                     cache: BlobCache) -> Mapping[str, Signature]:
    """The signature of each of `commits`, from the cache or from one git process for the rest."""
    file = PackedFile(cache.directory / FILE_NAME if cache.directory is not None else None, SIGNATURES_CODE)
    stored = _stored(file)
    found = {commit: Signature(*stored[commit]) for commit in sorted(commits) if commit in stored}
    missing = [commit for commit in sorted(commits) if commit not in found]
    if not missing:
        return found
    with tempfile.TemporaryDirectory(prefix="charter-signers-") as folder, open_repository(root) as repo:
        if repo is None:
            return found
        signers = Path(folder) / "allowed_signers"
        signers.write_text(allowed_signers, encoding="utf-8")
        wanted = Path(folder) / "commits"
        wanted.write_text("".join(f"{commit}\n" for commit in missing), encoding="ascii")
        with wanted.open("rb") as stdin:
            output = repo.git(c=f"gpg.ssh.allowedSignersFile={signers}").log(
                "--no-walk=unsorted", "--stdin", "--no-color", f"--format={FORMAT}", istream=stdin,
                stdout_as_string=False)
    checked = parse_signatures(output if isinstance(output, bytes) else output.encode())
    for commit in missing:
        signature = checked.get(commit, UNSIGNED)
        found[commit] = signature
        if signature.status != UNCHECKED:
            stored[commit] = (signature.status, signature.fingerprints)
    file.save(stored)
    log.debug("checked the signatures of %d commits (%d cached)", len(missing), len(found) - len(missing))
    return found
