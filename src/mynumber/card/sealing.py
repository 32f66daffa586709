"""チップ鍵 — the chip key: what keeps a card's secrets unreadable in the card store.

A real card's private keys never leave its chip. Our chips live in a store (memory or the
database), so the card layer is given one secret ``chip_key`` (32 bytes, from the settings) and
derives two keys per card with HKDF-SHA256 (info = purpose + card serial):

- a sealing key: each private key is kept as PKCS#8 DER encrypted with AES-256-GCM, the key slot
  as associated data, so a sealed key copied to another card or slot does not open;
- a PIN pepper: the secret that keys every stored PIN hash (``mynumber.card.pins``).

The store therefore holds neither a clear private key nor anything a stolen dump could test
4-digit PINs against.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mynumber.domain.errors import CardError

CHIP_KEY_BYTES = 32
_NONCE_BYTES = 12


def _derive(chip_key: bytes, purpose: str, card_id: str) -> bytes:
    info = f"mynumber-card/{purpose}/{card_id}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(chip_key)


@dataclass(frozen=True, repr=False)
class ChipSecrets:
    """The per-card keys derived from the chip key. Never printed, never stored."""

    sealing_key: bytes
    pin_pepper: bytes

    @classmethod
    def derive(cls, chip_key: bytes, card_id: str) -> ChipSecrets:
        """The secrets of card ``card_id`` under ``chip_key`` (32 random bytes)."""
        if len(chip_key) != CHIP_KEY_BYTES:
            raise ValueError(f"the chip key must be {CHIP_KEY_BYTES} bytes")
        return cls(_derive(chip_key, "seal", card_id), _derive(chip_key, "pin", card_id))

    def seal(self, key: rsa.RSAPrivateKey, slot: str) -> bytes:
        """``key`` as nonce ‖ AES-GCM(PKCS#8 DER), bound to ``slot``."""
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + AESGCM(self.sealing_key).encrypt(nonce, der, slot.encode())

    def unseal(self, sealed: bytes, slot: str) -> rsa.RSAPrivateKey:
        """The private key sealed by ``seal`` for ``slot``; ``CardError`` if it does not open."""
        nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        try:
            der = AESGCM(self.sealing_key).decrypt(nonce, body, slot.encode())
        except InvalidTag:
            raise CardError(
                "The card's key cannot be opened (damaged chip or wrong chip key).",
                "カードの鍵を開けません（ICチップの破損またはチップ鍵の誤り）。",
                slot=slot,
            ) from None
        # The GCM tag proves we wrote these bytes from a valid key, so the slow (~50 ms)
        # consistency check of an RSA private key would buy nothing on every signature.
        key = serialization.load_der_private_key(der, None, unsafe_skip_rsa_key_validation=True)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
