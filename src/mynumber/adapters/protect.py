"""Protecting the My Number at rest: AES-GCM ciphertext plus a keyed hash for look-up.

The ciphertext is bound to its row's purpose by associated data, so a value copied into
another column or table does not decrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mynumber.domain.numbers import IndividualNumber

_NONCE = 12


class NumberVault:
    """Encrypts, decrypts and indexes My Numbers with keys from the key ring."""

    def __init__(self, *, data_key: bytes, lookup_key: bytes) -> None:
        self._aead = AESGCM(data_key)
        self._lookup_key = lookup_key

    def seal(self, number: IndividualNumber, *, context: str) -> bytes:
        """nonce ‖ ciphertext of the 12 digits, bound to ``context``."""
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, number.digits.encode(), context.encode())

    def open(self, sealed: bytes, *, context: str) -> IndividualNumber:
        """The number back; raises ``cryptography.exceptions.InvalidTag`` if tampered."""
        digits = self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], context.encode())
        return IndividualNumber(digits.decode())

    def lookup_hash(self, number: IndividualNumber) -> str:
        """A keyed hash (HMAC-SHA256) for finding a row by number without decrypting."""
        return hmac.new(self._lookup_key, number.digits.encode(), hashlib.sha256).hexdigest()

    def keyed_hash(self, text: str) -> str:
        """A keyed hash of any identifying text (identity keys, tokens)."""
        return hmac.new(self._lookup_key, text.encode(), hashlib.sha256).hexdigest()
