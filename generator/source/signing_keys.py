"""Signing keys as the party registry lists them: SSH public keys, or OpenPGP fingerprints.

A key is known by its fingerprint, written as git writes the signer of a commit (`%GK`): `SHA256:` and
the unpadded base64 of the key's SHA-256 for SSH, the upper-case hex fingerprint for OpenPGP. So a
commit's signer and a registered key compare as two strings, with no parsing of signatures here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

SSH_KEY_TYPES = frozenset({
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
})
_SSH_KEY = re.compile(r"(?P<type>[a-z0-9@.-]+) +(?P<blob>[A-Za-z0-9+/]+={0,2})(?: +(?P<comment>[^\n]*))?")
_OPENPGP = re.compile(r"(?:[0-9A-Fa-f]{4} ?){10}|(?:[0-9A-Fa-f]{4} ?){16}")
KEY_HINT = ("give the public key line as its .pub file holds it (`ssh-ed25519 AAAA… comment`), "
            "or an OpenPGP fingerprint of 40 hexadecimal digits")


@dataclass(frozen=True)
class SigningKey:
    kind: str
    """`ssh` or `openpgp`."""
    fingerprint: str
    public: str = ""
    """`<type> <base64>` for an SSH key, as an allowed-signers line names it; empty for OpenPGP."""
    comment: str = ""


def _ssh_fingerprint(blob: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


def _embedded_type(blob: bytes) -> str:
    """The key type a key blob begins with (an SSH string: a 4-byte length, then the bytes)."""
    length = int.from_bytes(blob[:4], "big")
    return blob[4:4 + length].decode("ascii", "replace") if 0 < length <= len(blob) - 4 else ""


def parse_signing_key(text: str) -> SigningKey | None:
    """The key that a registry entry names, or None when it is neither an SSH public key nor a fingerprint."""
    text = text.strip()
    if _OPENPGP.fullmatch(text):
        return SigningKey("openpgp", text.replace(" ", "").upper())
    match = _SSH_KEY.fullmatch(text)
    if match is None or match["type"] not in SSH_KEY_TYPES:
        return None
    try:
        blob = base64.b64decode(match["blob"], validate=True)
    except (binascii.Error, ValueError):
        return None
    if _embedded_type(blob) != match["type"]:
        return None
    return SigningKey("ssh", _ssh_fingerprint(blob), f"{match['type']} {match['blob']}",
                      (match["comment"] or "").strip())
