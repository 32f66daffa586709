"""チップ鍵 — the chip key: what keeps a card's secrets unreadable in the card store.

A real card's private keys never leave its chip. Our chips live in a store (memory or the
database), so the card layer is given one secret ``chip_key`` (32 bytes, from the settings) and
derives three keys per card with HKDF-SHA256 (info = purpose + card serial):

- a sealing key: each private key is kept as PKCS#8 DER encrypted with AES-256-GCM, the key slot
  as associated data, so a sealed key copied to another card or slot does not open;
- a file key: every data file (the My Number, the basic four items, the photo, the
  certificates) is kept encrypted with AES-256-GCM, the card serial and the file's name as
  associated data, so a sealed file copied to another card or file does not open. A real chip
  keeps these behind its PINs; our store is a database file, so they are sealed at rest and
  opened only inside the chip, which still asks for the PIN before it answers a read;
- a PIN pepper: the secret that keys every stored PIN hash (``mynumber.card.pins``).

The store therefore holds neither a clear private key, nor a clear personal file, nor anything
a stolen dump could test 4-digit PINs against.
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

    card_id: str
    sealing_key: bytes
    file_key: bytes
    pin_pepper: bytes

    @classmethod
    def derive(cls, chip_key: bytes, card_id: str) -> ChipSecrets:
        """The secrets of card ``card_id`` under ``chip_key`` (32 random bytes)."""
        if len(chip_key) != CHIP_KEY_BYTES:
            raise ValueError(f"the chip key must be {CHIP_KEY_BYTES} bytes")
        return cls(card_id, _derive(chip_key, "seal", card_id), _derive(chip_key, "file", card_id),
                   _derive(chip_key, "pin", card_id))

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

    def seal_file(self, name: str, content: bytes) -> bytes:
        """The file ``name`` as nonce ‖ AES-GCM(content), bound to this card and that name."""
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + AESGCM(self.file_key).encrypt(nonce, content, self._file_aad(name))

    def open_file(self, name: str, sealed: bytes) -> bytes:
        """The content sealed by ``seal_file`` for ``name``; ``CardError`` if it does not open."""
        nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        try:
            return AESGCM(self.file_key).decrypt(nonce, body, self._file_aad(name))
        except InvalidTag:
            raise CardError(
                "The card's data cannot be read (damaged chip or wrong chip key).",
                "カードのデータを読み取れません（ICチップの破損またはチップ鍵の誤り）。",
                file=name,
            ) from None

    def _file_aad(self, name: str) -> bytes:
        # The NUL cannot occur in a serial: "AB" + "Cx" never reads as "ABC" + "x".
        return f"{self.card_id}\0{name}".encode()
