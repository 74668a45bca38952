"""The demo charter's signed consents: SSH keys made from the seed, and consent commits signed with them.

git 2.39's fast-import cannot carry a commit signature (`gpgsig` arrived in fast-import later), so the
demo's history is imported unsigned and a few consent commits are then made on top of it by
`git commit-tree -S`, each signed by a party's key through ssh-keygen, as a party would sign its own.

The keys must be the same for the same seed, or the commit ids would change from one demo to the next:
each party's Ed25519 key is derived from the seed and its id (RFC 8032's public key computation below),
and written as an OpenSSH private key file for ssh-keygen. Anyone can derive them again from the seed,
so they prove nothing outside the demo; Ed25519 signatures are deterministic, so the commits are too.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
Point = tuple[int, int, int, int]
"""Extended coordinates (X, Y, Z, T) on the twisted Edwards curve of Ed25519."""


def _base_point() -> Point:
    y = 4 * pow(5, _P - 2, _P) % _P
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * pow(2, (_P - 1) // 4, _P) % _P
    x = _P - x if x % 2 else x
    return x, y, 1, x * y % _P


def _add(p: Point, q: Point) -> Point:
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P


def _times(scalar: int, point: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point, scalar = _add(point, point), scalar >> 1
    return result


def ed25519_public_key(seed: bytes) -> bytes:
    """The public key of an Ed25519 private key seed (32 bytes), as RFC 8032 section 5.1.5 computes it."""
    digest = hashlib.sha512(seed).digest()
    scalar = (int.from_bytes(digest[:32], "little") & ((1 << 254) - 8)) | (1 << 254)
    x, y, z, _ = _times(scalar, _base_point())
    inverse = pow(z, _P - 2, _P)
    return ((y * inverse % _P) | ((x * inverse % _P) & 1) << 255).to_bytes(32, "little")


def _string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


class DemoKey:
    """A party's demo signing key, derived from the demo's seed and the party's id."""

    def __init__(self, seed: int, party_id: str) -> None:
        self.party_id = party_id
        self.seed = hashlib.sha256(f"charter demo signing key {seed} {party_id}".encode()).digest()
        self.public = ed25519_public_key(self.seed)
        self.comment = f"{party_id}@demo.example.org"

    @property
    def public_line(self) -> str:
        """The key as a `.pub` file (and the registry's `signing_keys`) holds it."""
        blob = _string(b"ssh-ed25519") + _string(self.public)
        return f"ssh-ed25519 {base64.b64encode(blob).decode('ascii')} {self.comment}"

    def private_file(self) -> str:
        """An unencrypted OpenSSH private key file (`openssh-key-v1`), as ssh-keygen writes one."""
        check = hashlib.sha256(self.seed).digest()[:4] * 2
        key_type = _string(b"ssh-ed25519")
        private = (check + key_type + _string(self.public) + _string(self.seed + self.public)
                   + _string(self.comment.encode()))
        private += bytes(range(1, 1 + (-len(private)) % 8))
        body = (b"openssh-key-v1\0" + _string(b"none") + _string(b"none") + _string(b"")
                + (1).to_bytes(4, "big") + _string(key_type + _string(self.public)) + _string(private))
        encoded = base64.b64encode(body).decode("ascii")
        lines = [encoded[start:start + 70] for start in range(0, len(encoded), 70)]
        return ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines)
                + "\n-----END OPENSSH PRIVATE KEY-----\n")

    def write(self, folder: Path) -> Path:
        """The private key file in `folder`, readable by its owner only (ssh-keygen refuses any other)."""
        path = folder / self.party_id
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(self.private_file())
        return path


Git = Callable[..., str]
"""Runs git in the demo's repository: positional arguments, and environment variables as keywords."""


def sign_consents(git: Git, keys: Path, consents: Sequence[tuple[DemoKey, str, str, int]]) -> str:
    """Commit each consent (key, author as `Name <email>`, message, time) on top of the main branch, signed
    with its key by `git commit-tree -S`; the new head."""
    tree, head = git("rev-parse", "HEAD^{tree}"), git("rev-parse", "HEAD")
    for key, author, message, when in consents:
        name, _, email = author.partition(" <")
        who = {"NAME": name, "EMAIL": email.rstrip(">"), "DATE": f"{when} +0000"}
        identity = {f"GIT_{role}_{part}": value for role in ("AUTHOR", "COMMITTER")
                    for part, value in who.items()}
        head = git("-c", "gpg.format=ssh", "-c", f"user.signingkey={key.write(keys)}", "commit-tree", "-S",
                   "-p", head, "-m", message, tree, **identity)
    git("update-ref", "refs/heads/main", head)
    return head
