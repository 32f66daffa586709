"""Protecting the My Number at rest: AES-GCM ciphertext plus a keyed hash for look-up.

The ciphertext is bound to its row's purpose by associated data, so a value copied into
another column or table does not decrypt. It names the master-key version that sealed it
(``domain.key_versions``): reads accept any live version, new values use the newest.

The look-up hash is keyed by the stable root (``KeyRing.lookup_key``), not by a sealing
version: it is an index the database searches on, so it must not change while values are
re-sealed (docs/architecture.md, "Keys and their rotation").
"""

from __future__ import annotations

import hashlib
import hmac

from mynumber.domain import key_versions
from mynumber.domain.key_versions import StaticKeys, VersionedKeys
from mynumber.domain.numbers import IndividualNumber


class NumberVault:
    """Encrypts, decrypts and indexes My Numbers with keys from the key ring."""

    def __init__(self, *, data_key: bytes | VersionedKeys, lookup_key: bytes) -> None:
        self._keys: VersionedKeys = (
            StaticKeys({key_versions.LEGACY_VERSION: data_key})
            if isinstance(data_key, bytes)
            else data_key
        )
        self._lookup_key = lookup_key

    def seal(self, number: IndividualNumber, *, context: str) -> bytes:
        """tag ‖ nonce ‖ ciphertext of the 12 digits, bound to ``context``."""
        return key_versions.seal(self._keys, number.digits.encode(), context.encode())

    def open(self, sealed: bytes, *, context: str) -> IndividualNumber:
        """The number back; raises ``cryptography.exceptions.InvalidTag`` if tampered and
        ``KeyVersionUnavailable`` if its key version retired."""
        _, digits = key_versions.open_sealed(self._keys, sealed, context.encode())
        return IndividualNumber(digits.decode())

    def reseal(self, sealed: bytes, *, context: str) -> bytes | None:
        """``sealed`` under the newest key version, or ``None`` if it already is."""
        return key_versions.reseal(self._keys, sealed, context.encode())

    def lookup_hash(self, number: IndividualNumber) -> str:
        """A keyed hash (HMAC-SHA256) for finding a row by number without decrypting."""
        return hmac.new(self._lookup_key, number.digits.encode(), hashlib.sha256).hexdigest()

    def keyed_hash(self, text: str) -> str:
        """A keyed hash of any identifying text (identity keys, tokens)."""
        return hmac.new(self._lookup_key, text.encode(), hashlib.sha256).hexdigest()
