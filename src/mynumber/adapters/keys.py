"""Keys derived from the one master key (HKDF-SHA256, one label per use).

Separate labels keep the uses independent: knowing the lookup key says nothing of the
number-derivation key, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(master: bytes, label: str, length: int = 32) -> bytes:
    """A subkey of ``length`` bytes for ``label``."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=label.encode())
    return hkdf.derive(master)


@dataclass(frozen=True)
class KeyRing:
    """Every key the service uses, derived once at start-up.

    ``chip_key`` is the chip master key: each card derives its own keys from it with the card
    serial (``mynumber.card.sealing``: its private keys, its data files, its PIN pepper).
    """

    number_key: bytes
    number_tweak: bytes
    data_key: bytes
    lookup_key: bytes
    chip_key: bytes
    token_key: bytes
    ca_passphrase: bytes
    audit_key: bytes
    """HMAC key of the audit chain; never stored in the database (an attacker who can write
    the database cannot recompute an entry's keyed hash)."""
    audit_signing_seed: bytes
    """Ed25519 seed of the key that signs the audit log's checkpoints."""
    reference_key: bytes
    """AES-256-SIV key of the opaque references that stand for ids outside the service
    (``services.core.refs``)."""

    @classmethod
    def from_master(cls, master: bytes) -> KeyRing:
        return cls(
            number_key=derive_key(master, "mynumber/ff3-1/key", 32),
            number_tweak=derive_key(master, "mynumber/ff3-1/tweak", 7),
            data_key=derive_key(master, "mynumber/data/aes-gcm"),
            lookup_key=derive_key(master, "mynumber/data/lookup-hmac"),
            chip_key=derive_key(master, "mynumber/card/chip"),
            token_key=derive_key(master, "mynumber/api/demo-tokens"),
            ca_passphrase=derive_key(master, "mynumber/pki/ca-passphrase").hex().encode(),
            audit_key=derive_key(master, "mynumber/audit/chain-hmac"),
            audit_signing_seed=derive_key(master, "mynumber/audit/checkpoint-ed25519"),
            reference_key=derive_key(master, "mynumber/refs/aes-siv", 64),
        )


# --- Keys that must never serve in production ------------------------------------------------

PUBLISHED_KEYS = frozenset({
    bytes(32),
    bytes.fromhex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
})
"""Keys written in this repository (tests, examples) or trivially guessed: known to all."""
MIN_DISTINCT_BYTES = 16
"""32 random bytes have about 30 distinct values; fewer than 16 happens by chance with odds
below 1e-10, so such a key was typed or patterned by hand."""


def unsafe_master_key(master: bytes, *, dev_key: bytes | None = None) -> str | None:
    """Why ``master`` must not be a production key, or ``None`` when nothing is known
    against it. ``dev_key`` is the key dev mode made on this machine, if any."""
    if dev_key is not None and master == dev_key:
        return "it is the dev-mode key made by an earlier dev start (dev-master.key)"
    if master in PUBLISHED_KEYS:
        return "it is a published example key"
    if len(set(master)) < MIN_DISTINCT_BYTES:
        return "it is not random (too few distinct bytes)"
    return None


def readable_by_others(mode: int) -> bool:
    """Whether a file's mode lets its group or anyone else read or write it."""
    return bool(mode & 0o077)
