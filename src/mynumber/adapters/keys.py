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
    """Every key the service uses, derived once at start-up."""

    number_key: bytes
    number_tweak: bytes
    data_key: bytes
    lookup_key: bytes
    chip_key: bytes
    token_key: bytes
    ca_passphrase: bytes

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
        )
